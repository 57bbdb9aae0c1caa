package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Sign-in throttling, kept in the database (table signin_failures) so that
// every app node on one database sees the same counts and a lock survives
// a restart. Three limits, from narrow to wide:
//
//   - per (account, address): PairFailures failures within PairWindow lock
//     that account from that address — quickly, and only there;
//   - per account, from any address: LockAfter failures lock the account
//     (users.locked_until, LockFor). Attempts refused by the pair lock do not
//     count, so one address alone cannot lock an account out for everyone;
//   - per address, over all accounts (password spraying): AddrFailures within
//     AddrWindow throttle the address. A throttled address is refused every
//     attempt for an account that has failed from it in the window, and any
//     wrong password; a right password for an account with no failures from
//     that address still signs in. So a guesser behind a shared address (a
//     proxy, a bureau's NAT) gets at most one guess per account, and the
//     colleagues who share the address are not locked out.

// check is what the throttle says about an attempt before the password is
// looked at.
type check struct {
	pairLocked     bool // this account from this address: refuse
	addrThrottled  bool // this address is spraying
	pairHasFailure bool // this account has failed from this address in the window
}

func throttleAccount(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func (s *Service) throttleCheck(ctx context.Context, account, address string, now time.Time) (check, error) {
	var c check
	account = throttleAccount(account)
	if s.cfg.PairFailures > 0 || s.cfg.AddrFailures > 0 {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM signin_failures WHERE account = ? AND address = ? AND at > ?`,
			account, address, now.Add(-s.pairWindow())).Scan(&n); err != nil {
			return c, fmt.Errorf("sign-in throttle: %w", err)
		}
		c.pairHasFailure = n > 0
		c.pairLocked = s.cfg.PairFailures > 0 && n >= s.cfg.PairFailures
	}
	if s.cfg.AddrFailures > 0 && address != "" {
		// Count at most the limit: the index walk stops there.
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM signin_failures WHERE address = ? AND at > ? LIMIT ?) f`,
			address, now.Add(-s.cfg.AddrWindow), s.cfg.AddrFailures).Scan(&n); err != nil {
			return c, fmt.Errorf("sign-in throttle: %w", err)
		}
		c.addrThrottled = n >= s.cfg.AddrFailures
		if c.addrThrottled && !c.pairHasFailure {
			// The address window may be longer than the pair window.
			if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM signin_failures WHERE account = ? AND address = ? AND at > ?`,
				account, address, now.Add(-s.cfg.AddrWindow)).Scan(&n); err != nil {
				return c, fmt.Errorf("sign-in throttle: %w", err)
			}
			c.pairHasFailure = n > 0
		}
	}
	return c, nil
}

// throttleFail records a failure of account from address, and forgets
// failures older than every window.
func (s *Service) throttleFail(ctx context.Context, account, address string, now time.Time) error {
	account = throttleAccount(account)
	if len(account) > 200 {
		account = account[:200]
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO signin_failures (account, address, at) VALUES (?, ?, ?)`, account, address, now); err != nil {
		return fmt.Errorf("record sign-in failure: %w", err)
	}
	keep := max(s.pairWindow(), s.cfg.AddrWindow)
	if _, err := s.db.ExecContext(ctx, `DELETE FROM signin_failures WHERE at < ?`, now.Add(-keep)); err != nil {
		return fmt.Errorf("prune sign-in failures: %w", err)
	}
	return nil
}

// throttleClear forgets the failures of account from address after a
// successful sign-in there.
func (s *Service) throttleClear(ctx context.Context, tx *store.Tx, account, address string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE account = ? AND address = ?`, throttleAccount(account), address); err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	return nil
}

func (s *Service) pairWindow() time.Duration {
	if s.cfg.PairWindow > 0 {
		return s.cfg.PairWindow
	}
	return s.cfg.AddrWindow
}
