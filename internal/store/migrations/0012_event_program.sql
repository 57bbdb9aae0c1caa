-- Each stage event names its record's template, so that an indicator on a
-- stage several programs share ("accepted": an SME pilot's acceptance and a
-- talent service's) reads only its own program's events.
ALTER TABLE project_events ADD COLUMN template_id BIGINT;
UPDATE project_events SET template_id = (SELECT p.template_id FROM projects p WHERE p.id = project_events.project_id);
CREATE INDEX project_events_template_stage_at ON project_events(template_id, to_stage, at);
