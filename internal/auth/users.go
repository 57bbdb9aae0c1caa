package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// User is an account, without its secrets.
type User struct {
	ID                 int64         `json:"id"`
	Username           string        `json:"username"`
	DisplayName        string        `json:"display_name"`
	Email              string        `json:"email,omitempty"`
	Roles              []access.Role `json:"roles"`
	OrgID              int64         `json:"org_id,omitempty"`
	Disabled           bool          `json:"disabled"`
	MustChangePassword bool          `json:"must_change_password"`
	TOTPEnabled        bool          `json:"totp_enabled"`
	Lang               string        `json:"lang,omitempty"`
	LockedUntil        time.Time     `json:"locked_until,omitzero"`
	LastLoginAt        time.Time     `json:"last_login_at,omitzero"`
	CreatedAt          time.Time     `json:"created_at"`
	Version            int           `json:"version"`
}

// RequiresMFA reports whether any of the user's roles needs a second factor.
func (u User) RequiresMFA() bool {
	return slices.ContainsFunc(u.Roles, access.Role.RequiresMFA)
}

// MinPasswordLen is the shortest password the user's roles allow.
func (u User) MinPasswordLen() int {
	n := 8
	for _, r := range u.Roles {
		n = max(n, r.MinPasswordLen())
	}
	return n
}

// Principal is the access principal of a signed-in user.
func (u User) Principal(mfa bool) access.Principal {
	return access.Principal{UserID: u.ID, Name: u.Username, Username: u.Username, Roles: u.Roles, OrgID: u.OrgID, MFA: mfa}
}

// auditView is what the audit log keeps of a user: no secrets.
func (u User) auditView() map[string]any {
	return map[string]any{"username": u.Username, "display_name": u.DisplayName, "roles": u.Roles,
		"org_id": u.OrgID, "disabled": u.Disabled, "totp_enabled": u.TOTPEnabled, "lang": u.Lang,
		"must_change_password": u.MustChangePassword}
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Username           string
	DisplayName        string
	Email              string
	Password           string
	Roles              []access.Role
	OrgID              int64
	MustChangePassword bool
}

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

func checkRoles(roles []access.Role, orgID int64) error {
	if len(roles) == 0 {
		return problem.Invalid("roles", "user.roles_none")
	}
	if err := access.CheckCombination(roles); err != nil {
		return &problem.Error{Kind: problem.ErrInvalid, Key: "user.roles_invalid", Field: "roles", Err: err}
	}
	bound := slices.ContainsFunc(roles, access.Role.BoundToOrg)
	if bound && orgID == 0 {
		return problem.Invalid("org_id", "user.org_required")
	}
	return nil
}

// CreateUser adds an account, checking the username, the password policy and
// the role rules.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	nu.Username = strings.ToLower(strings.TrimSpace(nu.Username))
	if !usernameRE.MatchString(nu.Username) {
		return User{}, problem.Invalid("username", "user.username_invalid")
	}
	if err := checkRoles(nu.Roles, nu.OrgID); err != nil {
		return User{}, err
	}
	u := User{Username: nu.Username, DisplayName: strings.TrimSpace(nu.DisplayName), Email: strings.TrimSpace(nu.Email),
		Roles: nu.Roles, OrgID: nu.OrgID, MustChangePassword: nu.MustChangePassword, Version: 1}
	if err := password.Check(nu.Password, u.MinPasswordLen()); err != nil {
		return User{}, passwordProblem(err)
	}
	hash, err := password.Hash(nu.Password, s.cfg.Password)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.now()
	u.CreatedAt = now
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users
			(username, display_name, email, password_hash, must_change_password, password_changed_at, org_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.DisplayName, u.Email, hash, u.MustChangePassword, now, nullInt(u.OrgID), now, now).Scan(&u.ID)
		if store.IsUniqueViolation(err) {
			return problem.Invalid("username", "user.username_taken", u.Username)
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		if err := writeRoles(ctx, tx, u.ID, u.Roles); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "user", EntityID: u.ID, Action: "create", After: u.auditView()})
	})
	if err != nil {
		if isFK(err) {
			return User{}, problem.Invalid("org_id", "user.org_unknown", u.OrgID)
		}
		return User{}, err
	}
	return u, nil
}

func isFK(err error) bool {
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}

func passwordProblem(err error) error {
	var pe *password.PolicyError
	if errors.As(err, &pe) {
		return &problem.Error{Kind: problem.ErrInvalid, Key: "password." + pe.Code, Args: []any{pe.Min}, Field: "password", Err: err}
	}
	return err
}

func writeRoles(ctx context.Context, tx *store.Tx, id int64, roles []access.Role) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ?`, id); err != nil {
		return fmt.Errorf("clear roles: %w", err)
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_roles (user_id, role) VALUES (?, ?)`, id, string(r)); err != nil {
			return fmt.Errorf("insert role: %w", err)
		}
	}
	return nil
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

const userColumns = `id, username, display_name, email, org_id, disabled, must_change_password, totp_enabled, lang, locked_until, last_login_at, created_at, version`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var org sql.NullInt64
	var locked, last sql.NullTime
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &org, &u.Disabled, &u.MustChangePassword,
		&u.TOTPEnabled, &u.Lang, &locked, &last, &u.CreatedAt, &u.Version)
	u.OrgID = org.Int64
	if locked.Valid {
		u.LockedUntil = locked.Time.UTC()
	}
	if last.Valid {
		u.LastLoginAt = last.Time.UTC()
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return u, err
}

func (s *Service) loadRoles(ctx context.Context, q store.Querier, users []*User) error {
	if len(users) == 0 {
		return nil
	}
	byID := map[int64]*User{}
	for _, u := range users {
		byID[u.ID] = u
		u.Roles = nil
	}
	query := `SELECT user_id, role FROM user_roles`
	var args []any
	if len(users) == 1 {
		query += ` WHERE user_id = ?`
		args = append(args, users[0].ID)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY user_id, role`, args...)
	if err != nil {
		return fmt.Errorf("load roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			return fmt.Errorf("scan role: %w", err)
		}
		if u := byID[id]; u != nil {
			u.Roles = append(u.Roles, access.Role(r))
		}
	}
	for _, u := range users {
		sortRoles(u.Roles)
	}
	return rows.Err()
}

// sortRoles puts roles in access.Roles's order.
func sortRoles(rs []access.Role) {
	slices.SortFunc(rs, func(a, b access.Role) int {
		return slices.Index(access.Roles, a) - slices.Index(access.Roles, b)
	})
}

func (s *Service) getUser(ctx context.Context, q store.Querier, where string, arg any) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("user %v: %w", arg, problem.ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("load user %v: %w", arg, err)
	}
	return u, s.loadRoles(ctx, q, []*User{&u})
}

// User returns the account with id.
func (s *Service) User(ctx context.Context, id int64) (User, error) {
	return s.getUser(ctx, s.db, "id = ?", id)
}

// UserByName returns the account with username.
func (s *Service) UserByName(ctx context.Context, username string) (User, error) {
	return s.getUser(ctx, s.db, "username = ?", strings.ToLower(strings.TrimSpace(username)))
}

// Users lists every account by username.
func (s *Service) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ptrs := make([]*User, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, s.loadRoles(ctx, s.db, ptrs)
}

// CountUsers returns how many accounts exist.
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// update changes one user under optimistic locking: version must match the
// stored version (0 skips the check, for the command line). fn edits the
// loaded user and may run more statements; the audit event records before
// and after.
func (s *Service) update(ctx context.Context, id int64, version int, action string, fn func(tx *store.Tx, u *User) error) (User, error) {
	var after User
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		before, err := s.getUser(ctx, tx, "id = ?", id)
		if err != nil {
			return err
		}
		if version != 0 && before.Version != version {
			return problem.New(problem.ErrConflict, "error.edit_conflict")
		}
		u := before
		u.Roles = slices.Clone(before.Roles)
		if err := fn(tx, &u); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ?, email = ?, org_id = ?, disabled = ?, lang = ?,
			updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			u.DisplayName, u.Email, nullInt(u.OrgID), u.Disabled, u.Lang, s.now(), id, before.Version)
		if err != nil {
			if isFK(err) {
				return problem.Invalid("org_id", "user.org_unknown", u.OrgID)
			}
			return fmt.Errorf("update user %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "error.edit_conflict")
		}
		u.Version = before.Version + 1
		after = u
		if action == "" {
			return nil
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "user", EntityID: id, Action: action, Before: before.auditView(), After: u.auditView()})
	})
	return after, err
}

// Edit is a change to an account's profile and roles.
type Edit struct {
	DisplayName string
	Email       string
	Roles       []access.Role
	OrgID       int64
}

// EditUser changes profile and roles; version guards against lost updates.
func (s *Service) EditUser(ctx context.Context, id int64, version int, e Edit) (User, error) {
	if err := checkRoles(e.Roles, e.OrgID); err != nil {
		return User{}, err
	}
	return s.update(ctx, id, version, "edit", func(tx *store.Tx, u *User) error {
		u.DisplayName, u.Email, u.OrgID, u.Roles = strings.TrimSpace(e.DisplayName), strings.TrimSpace(e.Email), e.OrgID, e.Roles
		return writeRoles(ctx, tx, id, e.Roles)
	})
}

// SetDisabled disables or re-enables an account; disabling ends its sessions.
func (s *Service) SetDisabled(ctx context.Context, id int64, disabled bool) (User, error) {
	action := "enable"
	if disabled {
		action = "disable"
	}
	return s.update(ctx, id, 0, action, func(tx *store.Tx, u *User) error {
		u.Disabled = disabled
		if disabled {
			return endSessions(ctx, tx, id)
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, id)
		return err
	})
}

// LinkPerson ties an account to a person of the registry (an expert's
// account to the expert), whose employment history the conflict-of-interest
// check reads. personID 0 removes the tie.
func (s *Service) LinkPerson(ctx context.Context, id, personID int64) error {
	_, err := s.update(ctx, id, 0, "link_person", func(tx *store.Tx, u *User) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET person_id = ? WHERE id = ?`, nullInt(personID), id)
		if err != nil && isFK(err) {
			return problem.Invalid("person_id", "user.person_unknown", personID)
		}
		return err
	})
	return err
}

// SetLang remembers the user's language.
func (s *Service) SetLang(ctx context.Context, id int64, lang string) error {
	_, err := s.update(ctx, id, 0, "set_language", func(tx *store.Tx, u *User) error {
		u.Lang = lang
		return nil
	})
	return err
}

// SetPassword sets a new password chosen by an administrator (mustChange
// forces the user to choose another at next sign-in) and ends the user's
// sessions.
func (s *Service) SetPassword(ctx context.Context, id int64, pw string, mustChange bool) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	return s.storePassword(ctx, u, pw, mustChange, "set_password")
}

// ChangeOwnPassword is the user changing their password: the current one must
// be right and the new one must differ.
func (s *Service) ChangeOwnPassword(ctx context.Context, id int64, current, next string) error {
	u, err := s.User(ctx, id)
	if err != nil {
		return err
	}
	hash, err := s.passwordHash(ctx, id)
	if err != nil {
		return err
	}
	if ok, _ := password.Verify(current, hash); !ok {
		return problem.Invalid("current", "password.current_wrong")
	}
	if current == next {
		return problem.Invalid("password", "password.same")
	}
	return s.storePassword(ctx, u, next, false, "change_password")
}

func (s *Service) passwordHash(ctx context.Context, id int64) (string, error) {
	var hash string
	if err := s.db.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, id).Scan(&hash); err != nil {
		return "", fmt.Errorf("load password of user %d: %w", id, err)
	}
	return hash, nil
}

func (s *Service) storePassword(ctx context.Context, u User, pw string, mustChange bool, action string) error {
	if err := password.Check(pw, u.MinPasswordLen()); err != nil {
		return passwordProblem(err)
	}
	hash, err := password.Hash(pw, s.cfg.Password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	_, err = s.update(ctx, u.ID, 0, action, func(tx *store.Tx, _ *User) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change_password = ?, password_changed_at = ?,
			failed_logins = 0, locked_until = NULL WHERE id = ?`, hash, mustChange, s.now(), u.ID); err != nil {
			return fmt.Errorf("store password: %w", err)
		}
		return endSessions(ctx, tx, u.ID)
	})
	return err
}

// ResetMFA removes the user's second factor and recovery codes; they enrol
// again at next sign-in if their role needs one. Their sessions end.
func (s *Service) ResetMFA(ctx context.Context, id int64) error {
	_, err := s.update(ctx, id, 0, "reset_mfa", func(tx *store.Tx, u *User) error {
		u.TOTPEnabled = false
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled = ?, totp_last_step = 0 WHERE id = ?`, false, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, id); err != nil {
			return err
		}
		return endSessions(ctx, tx, id)
	})
	return err
}

// Unlock clears an account's failure count and lock, and the failures
// counted against it from every address (the pair limit).
func (s *Service) Unlock(ctx context.Context, id int64) error {
	_, err := s.update(ctx, id, 0, "unlock", func(tx *store.Tx, u *User) error {
		u.LockedUntil = time.Time{}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE account = ?`, throttleAccount(u.Username)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, id)
		return err
	})
	return err
}
