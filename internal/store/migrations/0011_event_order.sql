-- A record's stage on a date is its last event before the date: this index
-- reads it directly (newest first) for each record.
CREATE INDEX project_events_project_at ON project_events(project_id, at, id);
