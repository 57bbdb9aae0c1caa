-- Sign-in failures, kept in the database so every app node sees them: the
-- throttle counts them per (account, address) and per address within a
-- window (auth.Config). account is the name as typed, lower-cased, so a
-- guess at an unknown name counts too. Rows older than the longest window
-- are deleted as new ones arrive.
CREATE TABLE signin_failures (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	account TEXT NOT NULL,
	address TEXT NOT NULL,
	at TIMESTAMP NOT NULL
);
CREATE INDEX signin_failures_pair ON signin_failures(account, address, at);
CREATE INDEX signin_failures_address ON signin_failures(address, at);
CREATE INDEX signin_failures_at ON signin_failures(at);
