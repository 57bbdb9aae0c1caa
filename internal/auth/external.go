package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// External is a sign-in vouched for by an identity provider (package sso
// verifies the provider's ID token and hands the result here).
type External struct {
	Issuer  string // the provider
	Subject string // its "sub" claim: the provider's account, for good
	// Username is the value of the matching claim: an account of that name
	// is linked at its first single sign-on; a new account gets that name.
	Username    string
	DisplayName string
	Email       string
	Provision   bool          // create the account when none matches (else refuse)
	Managed     []access.Role // roles the administrator's mapping hands out for this issuer
	Granted     []access.Role // of those, the ones this user's claims are mapped to
	IDToken     string        // kept with the session, sent back to the provider at sign-out
}

// SignInExternal starts a session for a user the provider has signed in.
// The account is the one linked to (issuer, subject), else the one named by
// the matching claim (then linked), else a new one when x.Provision is set.
// A disabled account is refused. The roles the mapping manages are set to
// those the claims grant, every sign-in; roles given in Xinzhi and not in
// the mapping stay as they are. The provider has checked the user as it
// sees fit, so the session is complete at once (StageOK): single sign-on
// counts as both factors, and the account's own password and TOTP are not
// asked for.
func (s *Service) SignInExternal(ctx context.Context, x External, c Client) (Session, User, error) {
	now := s.now()
	x.Username = strings.ToLower(strings.TrimSpace(x.Username))
	ctx = audit.WithActor(ctx, audit.Actor{Name: x.Username, Address: c.Address})
	var sess Session
	var u User
	var refused *problem.Error
	var reason string
	refuse := func(uid int64, why string, kind error, key string, args ...any) error {
		u.ID, reason, refused = uid, why, problem.New(kind, key, args...)
		return refused
	}
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var linked bool
		var err error
		u, linked, err = s.externalAccount(ctx, tx, x)
		switch {
		case errors.Is(err, problem.ErrNotFound) && !x.Provision:
			return refuse(0, "no account", problem.ErrForbidden, "sso.no_account", x.Username)
		case errors.Is(err, problem.ErrNotFound):
			if !usernameRE.MatchString(x.Username) {
				return refuse(0, "claim is no valid username", problem.ErrForbidden, "sso.username_invalid", x.Username)
			}
			if u, err = s.provision(ctx, tx, x, now); err != nil {
				return err
			}
		case errors.Is(err, errLinkedElsewhere):
			return refuse(0, "name taken by another identity", problem.ErrForbidden, "sso.linked_elsewhere", x.Username)
		case err != nil:
			return err
		}
		if u.Disabled {
			return refuse(u.ID, "disabled", problem.ErrForbidden, "sso.disabled")
		}
		roles := slices.DeleteFunc(slices.Clone(u.Roles), func(r access.Role) bool { return slices.Contains(x.Managed, r) })
		for _, r := range x.Granted {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
		slices.SortFunc(roles, func(a, b access.Role) int { return slices.Index(access.Roles, a) - slices.Index(access.Roles, b) })
		if !slices.Equal(roles, u.Roles) {
			if len(roles) > 0 {
				if err := checkRoles(roles, u.OrgID); err != nil {
					return refuse(u.ID, "mapped roles invalid: "+err.Error(), problem.ErrForbidden, "sso.roles_invalid")
				}
			}
			if err := writeRoles(ctx, tx, u.ID, roles); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET updated_at = ?, version = version + 1 WHERE id = ?`, now, u.ID); err != nil {
				return fmt.Errorf("sync roles: %w", err)
			}
			if err := audit.Append(ctx, tx, audit.Change{Entity: "user", EntityID: u.ID, Action: "sso_roles",
				Before: map[string]any{"roles": u.Roles}, After: map[string]any{"roles": roles, "issuer": x.Issuer}}); err != nil {
				return err
			}
			u.Roles = roles
		}
		if linked {
			_, err = tx.ExecContext(ctx, `UPDATE user_identities SET last_seen_at = ? WHERE issuer = ? AND subject = ?`, now, x.Issuer, x.Subject)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO user_identities (issuer, subject, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
				x.Issuer, x.Subject, u.ID, now, now)
		}
		if err != nil {
			return fmt.Errorf("link identity: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET last_login_at = ? WHERE id = ?`, now, u.ID); err != nil {
			return err
		}
		if sess, err = s.newSession(ctx, tx, u.ID, StageOK, c, now); err != nil {
			return err
		}
		sess.IDToken = x.IDToken
		if _, err := tx.ExecContext(ctx, `UPDATE sessions SET id_token = ? WHERE id_hash = ?`, x.IDToken, hashToken(sess.Token)); err != nil {
			return fmt.Errorf("keep ID token: %w", err)
		}
		a := audit.ActorFrom(ctx)
		a.ID = u.ID
		return audit.Append(audit.WithActor(ctx, a), tx, audit.Change{Entity: "user", EntityID: u.ID, Action: "sign_in",
			After: map[string]any{"stage": StageOK, "method": "sso", "issuer": x.Issuer, "linked": !linked}})
	})
	if refused != nil && errors.Is(err, refused) {
		a := audit.ActorFrom(ctx)
		a.ID = u.ID
		_ = audit.Record(audit.WithActor(ctx, a), s.db, audit.Change{Entity: "user", EntityID: u.ID, Action: "sign_in", Outcome: audit.Refused,
			After: map[string]any{"method": "sso", "issuer": x.Issuer, "reason": reason}})
		return Session{}, User{}, refused
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("single sign-on: %w", err)
	}
	return sess, u, nil
}

var errLinkedElsewhere = errors.New("account linked to another identity of the provider")

// externalAccount finds the account of a provider's user: by link, else by
// name. linked tells which.
func (s *Service) externalAccount(ctx context.Context, tx *store.Tx, x External) (User, bool, error) {
	var uid int64
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM user_identities WHERE issuer = ? AND subject = ?`, x.Issuer, x.Subject).Scan(&uid)
	switch {
	case err == nil:
		u, err := s.getUser(ctx, tx, "id = ?", uid)
		return u, true, err
	case !errors.Is(err, sql.ErrNoRows):
		return User{}, false, fmt.Errorf("find identity: %w", err)
	case x.Username == "":
		return User{}, false, problem.ErrNotFound
	}
	u, err := s.getUser(ctx, tx, "username = ?", x.Username)
	if err != nil {
		return User{}, false, err
	}
	// An account already linked to another of this provider's users is not
	// taken over by a second one that claims the same name.
	var other int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM user_identities WHERE issuer = ? AND user_id = ?`, x.Issuer, u.ID).Scan(&other); err != nil {
		return User{}, false, fmt.Errorf("find identity: %w", err)
	}
	if other > 0 {
		return User{}, false, errLinkedElsewhere
	}
	return u, false, nil
}

// provision creates an account for a provider's user: no roles (the
// mapping adds them), no local password (it cannot sign in with one until
// an administrator sets one).
func (s *Service) provision(ctx context.Context, tx *store.Tx, x External, now time.Time) (User, error) {
	u := User{Username: x.Username, DisplayName: strings.TrimSpace(x.DisplayName), Email: strings.TrimSpace(x.Email), CreatedAt: now, Version: 1}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO users
		(username, display_name, email, password_hash, must_change_password, created_at, updated_at)
		VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id`, u.Username, u.DisplayName, u.Email, false, now, now).Scan(&u.ID)
	if err != nil {
		return User{}, fmt.Errorf("provision user: %w", err)
	}
	view := u.auditView()
	view["issuer"] = x.Issuer
	return u, audit.Append(ctx, tx, audit.Change{Entity: "user", EntityID: u.ID, Action: "sso_provision", After: view})
}
