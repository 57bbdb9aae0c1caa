-- A person's professional title (职称: 教授, 研究员, 正高级工程师, ...):
-- talents and experts are known by it, and expert panels are drawn by it.
ALTER TABLE people ADD COLUMN title TEXT NOT NULL DEFAULT '';
