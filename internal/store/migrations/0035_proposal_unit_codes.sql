-- The code a handling unit puts before its document numbers (机关代字, e.g.
-- 沈科 for the science and technology bureau), so a reply letter carries its
-- 发文字号 (沈科提字〔2025〕17号) as GB/T 9704 asks. A unit without a code
-- issues its replies without a number until one is entered.
CREATE TABLE proposal_unit_codes (
	unit_id INTEGER PRIMARY KEY REFERENCES organisations(id),
	code TEXT NOT NULL
);
