-- Compute centres' prices (CNY per PFLOPS-day at the row's precision) and
-- chips, beside each capacity.
ALTER TABLE compute_capacity ADD COLUMN price DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE compute_capacity ADD COLUMN chips TEXT NOT NULL DEFAULT '';
