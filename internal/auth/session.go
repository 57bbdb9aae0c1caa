package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Stage is how far a session has come through sign-in.
type Stage string

// Sign-in stages, in order. Only StageOK reaches the application; the others
// reach only the page that completes them.
const (
	StageMFA      Stage = "mfa"      // password right; second-factor code next
	StagePassword Stage = "password" // must choose a new password
	StageEnrol    Stage = "enrol"    // must enrol a second factor
	StageOK       Stage = "ok"
)

// Session is a signed-in browser. Token is the cookie value; only its hash is
// stored.
type Session struct {
	Token      string
	UserID     int64
	CSRF       string
	Stage      Stage
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IDToken    string // single sign-on: the provider's ID token, for sign-out
	// Generation is the audit generation (audit.Generation) read with the
	// session by Service.Session, for a read-only page to key what it
	// keeps on without another query (audit.ReadOnlyAt).
	Generation int64
}

// Client identifies where a request comes from, for throttling and audit.
type Client struct {
	Address   string
	UserAgent string
}

// dummyHash is verified when the username is unknown, so a miss costs the
// same time as a wrong password.
var dummyHash, _ = password.Hash("xinzhi-dummy-password", password.Default)

// SignIn checks a username and password and, when they are right, starts a
// new session (a new id every time). The error is the same generic one for an
// unknown user, a wrong password, a disabled or a locked account.
func (s *Service) SignIn(ctx context.Context, username, pw string, c Client) (Session, User, error) {
	now := s.now()
	ctx = audit.WithActor(ctx, audit.Actor{Name: strings.ToLower(strings.TrimSpace(username)), Address: c.Address})
	th, err := s.throttleCheck(ctx, username, c.Address, now)
	if err != nil {
		return Session{}, User{}, err
	}
	refuse := func(reason string, key string, kind error) (Session, User, error) {
		_ = audit.Record(ctx, s.db, audit.Change{Entity: "user", Action: "sign_in", Outcome: audit.Refused, After: map[string]any{"reason": reason}})
		return Session{}, User{}, problem.New(kind, key)
	}
	switch {
	case th.pairLocked:
		// The same answer as a locked account: nothing tells a guesser which limit it met.
		_, _ = password.Verify(pw, dummyHash)
		return refuse("account locked from this address", "auth.signin_failed", problem.ErrUnauthorized)
	case th.addrThrottled && th.pairHasFailure:
		return refuse("address throttled", "auth.throttled", problem.ErrTooMany)
	}
	fail := func(uid int64, reason string) (Session, User, error) {
		if err := s.throttleFail(ctx, username, c.Address, now); err != nil {
			return Session{}, User{}, err
		}
		a := audit.ActorFrom(ctx)
		a.ID = uid
		_ = audit.Record(audit.WithActor(ctx, a), s.db, audit.Change{Entity: "user", EntityID: uid, Action: "sign_in", Outcome: audit.Failed, After: map[string]any{"reason": reason}})
		if th.addrThrottled {
			return Session{}, User{}, problem.New(problem.ErrTooMany, "auth.throttled")
		}
		return Session{}, User{}, problem.New(problem.ErrUnauthorized, "auth.signin_failed")
	}
	u, err := s.UserByName(ctx, username)
	if errors.Is(err, problem.ErrNotFound) {
		_, _ = password.Verify(pw, dummyHash)
		return fail(0, "unknown user")
	}
	if err != nil {
		return Session{}, User{}, err
	}
	hash, err := s.passwordHash(ctx, u.ID)
	if err != nil {
		return Session{}, User{}, err
	}
	ok, _ := password.Verify(pw, hash)
	switch {
	case u.Disabled:
		return fail(u.ID, "disabled")
	case !u.LockedUntil.IsZero() && now.Before(u.LockedUntil):
		return fail(u.ID, "locked")
	case !ok:
		if err := s.countFailure(ctx, u.ID, now); err != nil {
			return Session{}, User{}, err
		}
		return fail(u.ID, "wrong password")
	}
	stage := s.stageAfterPassword(u)
	var sess Session
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// The failures are forgiven once sign-in is complete: not yet when a
		// code is still due, or whoever knows the password could sign in
		// again after every wrong code and guess codes without end.
		if stage == StageMFA {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now, u.ID); err != nil {
				return err
			}
		} else {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?`, now, u.ID); err != nil {
				return err
			}
			if err := s.throttleClear(ctx, tx, username, c.Address); err != nil {
				return err
			}
		}
		if password.NeedsRehash(hash, s.cfg.Password) {
			if h, err := password.Hash(pw, s.cfg.Password); err == nil {
				if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, h, u.ID); err != nil {
					return err
				}
			}
		}
		var err error
		sess, err = s.newSession(ctx, tx, u.ID, stage, c, now)
		if err != nil {
			return err
		}
		a := audit.ActorFrom(ctx)
		a.ID = u.ID
		return audit.Append(audit.WithActor(ctx, a), tx, audit.Change{Entity: "user", EntityID: u.ID, Action: "sign_in", After: map[string]any{"stage": stage}})
	})
	if err != nil {
		return Session{}, User{}, fmt.Errorf("sign in: %w", err)
	}
	return sess, u, nil
}

func (s *Service) countFailure(ctx context.Context, id int64, now time.Time) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins`, id).Scan(&n); err != nil {
			return fmt.Errorf("count sign-in failure: %w", err)
		}
		if s.cfg.LockAfter > 0 && n >= s.cfg.LockAfter {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = ?, failed_logins = 0 WHERE id = ?`, now.Add(s.cfg.LockFor), id); err != nil {
				return fmt.Errorf("lock account: %w", err)
			}
			return audit.Append(ctx, tx, audit.Change{Entity: "user", EntityID: id, Action: "lock", After: map[string]any{"until": now.Add(s.cfg.LockFor)}})
		}
		return nil
	})
}

// stageAfterPassword decides what a user must do after a right password.
func (s *Service) stageAfterPassword(u User) Stage {
	switch {
	case u.TOTPEnabled:
		return StageMFA
	default:
		return s.stageAfterMFA(u)
	}
}

func (s *Service) stageAfterMFA(u User) Stage {
	switch {
	case s.cfg.Demo:
		return StageOK
	case u.MustChangePassword:
		return StagePassword
	case u.RequiresMFA() && !u.TOTPEnabled:
		return StageEnrol
	default:
		return StageOK
	}
}

func (s *Service) newSession(ctx context.Context, tx *store.Tx, uid int64, stage Stage, c Client, now time.Time) (Session, error) {
	sess := Session{Token: randomToken(32), UserID: uid, CSRF: randomToken(32), Stage: stage,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.AbsoluteLifetime)}
	ua := c.UserAgent
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_token, stage, created_at, last_seen_at, expires_at, address, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, hashToken(sess.Token), uid, sess.CSRF, string(stage), now, now, sess.ExpiresAt, c.Address, ua)
	if err != nil {
		return Session{}, fmt.Errorf("create session: %w", err)
	}
	return sess, nil
}

// Session looks up a session by its cookie value, ending it when it has been
// idle too long or outlived its absolute lifetime, and returns it with its
// user. A disabled user's sessions are gone already; a missing one is
// ErrUnauthorized.
func (s *Service) Session(ctx context.Context, token string) (Session, User, error) {
	if token == "" || len(token) > 100 {
		return Session{}, User{}, problem.ErrUnauthorized
	}
	now := s.now()
	sess := Session{Token: token}
	var stage string
	// The session, its user, the user's roles and the audit generation in
	// one query (every signed-in request runs it).
	agg := `group_concat(r.role, ',')`
	if s.db.Engine() == store.Postgres {
		agg = `string_agg(r.role, ',')`
	}
	var roles string
	row := s.db.QueryRowContext(ctx, `SELECT s.user_id, s.csrf_token, s.stage, s.created_at, s.last_seen_at, s.expires_at, s.id_token,
		COALESCE((SELECT `+agg+` FROM user_roles r WHERE r.user_id = u.id), ''), COALESCE((SELECT last_id FROM audit_head WHERE id = 1), 0), `+sessionUserColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, hashToken(token))
	u, err := scanUser(prefixScan{row: row, pre: []any{&sess.UserID, &sess.CSRF, &stage, &sess.CreatedAt, &sess.LastSeenAt, &sess.ExpiresAt, &sess.IDToken, &roles, &sess.Generation}})
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, User{}, problem.ErrUnauthorized
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("load session: %w", err)
	}
	sess.Stage = Stage(stage)
	if now.After(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) > s.cfg.IdleTimeout {
		_, _ = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(token))
		return Session{}, User{}, problem.New(problem.ErrUnauthorized, "auth.session_expired")
	}
	if roles != "" {
		for _, r := range strings.Split(roles, ",") {
			u.Roles = append(u.Roles, access.Role(r))
		}
		sortRoles(u.Roles)
	}
	if u.Disabled {
		return Session{}, User{}, problem.ErrUnauthorized
	}
	// Record activity at most once a minute to spare the writer.
	if now.Sub(sess.LastSeenAt) > time.Minute {
		sess.LastSeenAt = now
		if _, err := s.db.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, now, hashToken(token)); err != nil {
			return Session{}, User{}, fmt.Errorf("touch session: %w", err)
		}
	}
	return sess, u, nil
}

// advance replaces a session by a new one (a new id) at the next stage.
func (s *Service) advance(ctx context.Context, tx *store.Tx, old Session, u User, c Client) (Session, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(old.Token)); err != nil {
		return Session{}, fmt.Errorf("end session: %w", err)
	}
	return s.newSession(ctx, tx, u.ID, s.stageAfterMFA(u), c, s.now())
}

// VerifySecondFactor completes the StageMFA step with a TOTP code or a
// recovery code, and returns a new session (new id) at the next stage.
func (s *Service) VerifySecondFactor(ctx context.Context, old Session, code string, c Client) (Session, error) {
	if old.Stage != StageMFA {
		return Session{}, problem.New(problem.ErrForbidden, "error.status.403")
	}
	u, err := s.User(ctx, old.UserID)
	if err != nil {
		return Session{}, err
	}
	ctx = audit.WithActor(ctx, audit.Actor{ID: u.ID, Name: u.Username, Address: c.Address})
	th, err := s.throttleCheck(ctx, u.Username, c.Address, s.now())
	if err != nil {
		return Session{}, err
	}
	if th.pairLocked || th.addrThrottled && th.pairHasFailure {
		return Session{}, problem.New(problem.ErrTooMany, "auth.throttled")
	}
	var sess Session
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		method, ok, err := s.checkCode(ctx, tx, u.ID, code)
		if err != nil {
			return err
		}
		if !ok {
			return errBadCode
		}
		sess, err = s.advance(ctx, tx, old, u, c)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, u.ID); err != nil {
			return err
		}
		if err := s.throttleClear(ctx, tx, u.Username, c.Address); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "user", EntityID: u.ID, Action: "second_factor", After: map[string]any{"method": method}})
	})
	if errors.Is(err, errBadCode) {
		if err := s.throttleFail(ctx, u.Username, c.Address, s.now()); err != nil {
			return Session{}, err
		}
		_ = audit.Record(ctx, s.db, audit.Change{Entity: "user", EntityID: u.ID, Action: "second_factor", Outcome: audit.Failed})
		if err := s.countFailure(ctx, u.ID, s.now()); err != nil {
			return Session{}, err
		}
		// A lock ends the half-finished sign-in as well.
		if u2, err := s.User(ctx, u.ID); err == nil && !u2.LockedUntil.IsZero() {
			_, _ = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(old.Token))
		}
		return Session{}, problem.Invalid("code", "auth.code_wrong")
	}
	return sess, err
}

var errBadCode = errors.New("wrong second-factor code")

// checkCode accepts a current TOTP code (not replayed) or an unused recovery
// code, consuming what it accepts.
func (s *Service) checkCode(ctx context.Context, tx *store.Tx, uid int64, code string) (string, bool, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	var secret string
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT totp_secret, totp_last_step FROM users WHERE id = ?`, uid).Scan(&secret, &last); err != nil {
		return "", false, fmt.Errorf("load second factor: %w", err)
	}
	if len(code) == 6 && secret != "" {
		step, ok := validateTOTP(secret, code, s.now(), last)
		if !ok {
			return "", false, nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ?`, step, uid)
		return "totp", err == nil, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		s.now(), uid, hashToken(normalizeRecovery(code)))
	if err != nil {
		return "", false, fmt.Errorf("use recovery code: %w", err)
	}
	n, _ := res.RowsAffected()
	return "recovery_code", n == 1, nil
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, sess Session) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(sess.Token)); err != nil {
			return fmt.Errorf("sign out: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "user", EntityID: sess.UserID, Action: "sign_out"})
	})
}

func endSessions(ctx context.Context, tx *store.Tx, uid int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, uid); err != nil {
		return fmt.Errorf("end sessions of user %d: %w", uid, err)
	}
	return nil
}

// CompletePasswordChange moves a StagePassword session on after the user has
// chosen a new password (which ended all their sessions): it issues a fresh
// session at the next stage.
func (s *Service) CompletePasswordChange(ctx context.Context, uid int64, current, next string, c Client) (Session, error) {
	if err := s.ChangeOwnPassword(ctx, uid, current, next); err != nil {
		return Session{}, err
	}
	u, err := s.User(ctx, uid)
	if err != nil {
		return Session{}, err
	}
	var sess Session
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		sess, err = s.newSession(ctx, tx, uid, s.stageAfterMFA(u), c, s.now())
		return err
	})
	return sess, err
}

// sessionUserColumns are userColumns of the users table aliased u.
var sessionUserColumns = "u." + strings.ReplaceAll(userColumns, ", ", ", u.")

// prefixScan scans a row whose first columns are pre's, then the rest
// into what Scan is given.
type prefixScan struct {
	row *sql.Row
	pre []any
}

func (p prefixScan) Scan(dest ...any) error { return p.row.Scan(append(p.pre, dest...)...) }
