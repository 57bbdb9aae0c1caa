-- Lists of one program's records, newest first (the board, the API, the
-- cockpit's overdue proposals) walk this index instead of every record.
CREATE INDEX projects_template_id ON projects(template_id, id);
