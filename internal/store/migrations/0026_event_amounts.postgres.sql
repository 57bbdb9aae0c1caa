-- The amount a move recorded (a tranche paid, an approval, a repayment),
-- on its event: each disbursement with its date, not only the total.
ALTER TABLE project_events ADD COLUMN amount DOUBLE PRECISION;
