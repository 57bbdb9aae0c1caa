package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

var ctx = context.Background()

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newService(t *testing.T, db *store.DB, demo bool) (*auth.Service, *clock) {
	t.Helper()
	cfg := auth.DefaultConfig()
	cfg.Password = password.Fast
	cfg.Demo = demo
	s := auth.New(db, cfg)
	c := &clock{t: store.Now()}
	s.SetClock(c.now)
	return s, c
}

func mustUser(t *testing.T, s *auth.Service, name string, roles ...access.Role) auth.User {
	t.Helper()
	u, err := s.CreateUser(ctx, auth.NewUser{Username: name, Password: "correct horse battery", Roles: roles})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSignInSuccessAndFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db, false)
		mustUser(t, s, "zhang", access.Reviewer)
		sess, u, err := s.SignIn(ctx, "Zhang ", "correct horse battery", auth.Client{Address: "10.0.0.1"})
		if err != nil || u.Username != "zhang" || sess.Stage != auth.StageOK || sess.Token == "" {
			t.Fatalf("sign in: %+v %+v %v", sess, u, err)
		}
		if _, _, err := s.Session(ctx, sess.Token); err != nil {
			t.Fatalf("session lookup: %v", err)
		}
		for _, c := range []struct{ user, pw string }{{"zhang", "wrong password!"}, {"nobody", "correct horse battery"}} {
			_, _, err := s.SignIn(ctx, c.user, c.pw, auth.Client{Address: "10.0.0.1"})
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Key != "auth.signin_failed" {
				t.Errorf("sign in %s/%s: err = %v; want the generic failure", c.user, c.pw, err)
			}
		}
		evs, _ := audit.List(ctx, db, audit.Filter{Action: "sign_in", Outcome: audit.Failed})
		if len(evs) != 2 {
			t.Fatalf("failed sign-ins audited: %d, want 2", len(evs))
		}
	})
}

func TestLockOutAndThrottle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db, false)
		mustUser(t, s, "li", access.Reviewer)
		// Failures from many addresses lock the account.
		for i := 0; i < s.Config().LockAfter; i++ {
			s.SignIn(ctx, "li", "not the password", auth.Client{Address: fmt.Sprintf("10.0.1.%d", i)})
		}
		// Locked now: even the right password fails, with the same message.
		if _, _, err := s.SignIn(ctx, "li", "correct horse battery", auth.Client{Address: "10.0.0.3"}); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("locked account signed in: %v", err)
		}
		clk.add(s.Config().LockFor + time.Second)
		if _, _, err := s.SignIn(ctx, "li", "correct horse battery", auth.Client{Address: "10.0.0.3"}); err != nil {
			t.Fatalf("after the lock ran out: %v", err)
		}
		// Per-address throttle: many failures over many accounts from one address.
		spray := auth.Client{Address: "10.9.9.9"}
		for i := 0; i < s.Config().AddrFailures; i++ {
			s.SignIn(ctx, fmt.Sprintf("ghost%d", i), "x", spray)
		}
		if _, _, err := s.SignIn(ctx, "ghost0", "x", spray); !errors.Is(err, problem.ErrTooMany) {
			t.Fatalf("throttled address, an account it failed on: err = %v; want ErrTooMany", err)
		}
		if _, _, err := s.SignIn(ctx, "li", "a new guess", spray); !errors.Is(err, problem.ErrTooMany) {
			t.Fatalf("throttled address, a wrong password: err = %v; want ErrTooMany", err)
		}
		// That guess used li's one chance from there: the right password too is refused now.
		if _, _, err := s.SignIn(ctx, "li", "correct horse battery", spray); !errors.Is(err, problem.ErrTooMany) {
			t.Fatalf("throttled address, an account with a failure from it: err = %v; want ErrTooMany", err)
		}
		clk.add(s.Config().AddrWindow + time.Second)
		if _, _, err := s.SignIn(ctx, "li", "correct horse battery", spray); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

func TestTOTPEnrolmentAndSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db, false)
		u, err := s.CreateUser(ctx, auth.NewUser{Username: "wang", Password: "a long admin passphrase", Roles: []access.Role{access.SecAdmin}, MustChangePassword: true})
		if err != nil {
			t.Fatal(err)
		}
		cl := auth.Client{Address: "10.0.0.4"}
		sess, _, err := s.SignIn(ctx, "wang", "a long admin passphrase", cl)
		if err != nil || sess.Stage != auth.StagePassword {
			t.Fatalf("first sign-in stage = %q, %v; want password change", sess.Stage, err)
		}
		sess2, err := s.CompletePasswordChange(ctx, u.ID, "a long admin passphrase", "another long passphrase", cl)
		if err != nil || sess2.Stage != auth.StageEnrol {
			t.Fatalf("after password change stage = %q, %v; want enrol", sess2.Stage, err)
		}
		if _, _, err := s.Session(ctx, sess.Token); err == nil {
			t.Fatal("the session from before the password change still works")
		}
		secret, uri, err := s.BeginEnrolment(ctx, u.ID)
		if err != nil || secret == "" || uri == "" {
			t.Fatal(err)
		}
		if _, err := s.ConfirmEnrolment(ctx, u.ID, "000000"); err == nil {
			t.Fatal("a wrong code enrolled")
		}
		code, _ := totp.GenerateCode(secret, clk.now())
		codes, err := s.ConfirmEnrolment(ctx, u.ID, code)
		if err != nil || len(codes) != 10 {
			t.Fatalf("confirm: %v, %d codes", err, len(codes))
		}
		sess3, err := s.FinishEnrolment(ctx, sess2, cl)
		if err != nil || sess3.Stage != auth.StageOK || sess3.Token == sess2.Token {
			t.Fatalf("finish enrolment: %+v %v", sess3, err)
		}
		// Next sign-in asks for the code; a replayed code is refused.
		clk.add(time.Minute)
		pending, _, err := s.SignIn(ctx, "wang", "another long passphrase", cl)
		if err != nil || pending.Stage != auth.StageMFA {
			t.Fatalf("second sign-in stage = %q, %v; want mfa", pending.Stage, err)
		}
		if _, err := s.VerifySecondFactor(ctx, pending, "123456", cl); err == nil {
			t.Fatal("wrong code accepted")
		}
		code, _ = totp.GenerateCode(secret, clk.now())
		full, err := s.VerifySecondFactor(ctx, pending, code, cl)
		if err != nil || full.Stage != auth.StageOK || full.Token == pending.Token {
			t.Fatalf("verify: %+v %v", full, err)
		}
		if _, _, err := s.Session(ctx, pending.Token); err == nil {
			t.Fatal("the pre-MFA session id survived: session not rotated")
		}
		again, _, _ := s.SignIn(ctx, "wang", "another long passphrase", cl)
		if _, err := s.VerifySecondFactor(ctx, again, code, cl); err == nil {
			t.Fatal("replayed TOTP code accepted")
		}
		// A recovery code works once.
		if _, err := s.VerifySecondFactor(ctx, again, codes[0], cl); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		again2, _, _ := s.SignIn(ctx, "wang", "another long passphrase", cl)
		if _, err := s.VerifySecondFactor(ctx, again2, codes[0], cl); err == nil {
			t.Fatal("recovery code used twice")
		}
		// Reset by an administrator: enrol again at next sign-in.
		if err := s.ResetMFA(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		after, _, _ := s.SignIn(ctx, "wang", "another long passphrase", cl)
		if after.Stage != auth.StageEnrol {
			t.Fatalf("after reset stage = %q, want enrol", after.Stage)
		}
	})
}

func TestDemoModeSkipsForcedSteps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db, true)
		s.CreateUser(ctx, auth.NewUser{Username: "demo-admin", Password: "a long admin passphrase", Roles: []access.Role{access.SysAdmin}, MustChangePassword: true})
		sess, _, err := s.SignIn(ctx, "demo-admin", "a long admin passphrase", auth.Client{})
		if err != nil || sess.Stage != auth.StageOK {
			t.Fatalf("demo sign-in stage = %q, %v; want ok", sess.Stage, err)
		}
	})
}

func TestSessionIdleAbsoluteAndDisable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db, false)
		u := mustUser(t, s, "zhao", access.Reviewer)
		cl := auth.Client{Address: "10.0.0.5"}
		sess, _, _ := s.SignIn(ctx, "zhao", "correct horse battery", cl)
		clk.add(s.Config().IdleTimeout - time.Minute)
		if _, _, err := s.Session(ctx, sess.Token); err != nil {
			t.Fatalf("active session refused: %v", err)
		}
		clk.add(s.Config().IdleTimeout + time.Second)
		if _, _, err := s.Session(ctx, sess.Token); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("idle session: err = %v; want expiry", err)
		}
		// Absolute lifetime: kept busy, still ends.
		sess, _, _ = s.SignIn(ctx, "zhao", "correct horse battery", cl)
		for d := time.Duration(0); d < s.Config().AbsoluteLifetime; d += 10 * time.Minute {
			clk.add(10 * time.Minute)
			s.Session(ctx, sess.Token)
		}
		clk.add(time.Minute)
		if _, _, err := s.Session(ctx, sess.Token); err == nil {
			t.Fatal("session outlived its absolute lifetime")
		}
		// Disabling ends every session; so does a password change.
		a, _, _ := s.SignIn(ctx, "zhao", "correct horse battery", cl)
		b, _, _ := s.SignIn(ctx, "zhao", "correct horse battery", cl)
		if _, err := s.SetDisabled(ctx, u.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, x := range []auth.Session{a, b} {
			if _, _, err := s.Session(ctx, x.Token); err == nil {
				t.Fatal("session survived disabling the user")
			}
		}
		if _, _, err := s.SignIn(ctx, "zhao", "correct horse battery", cl); err == nil {
			t.Fatal("disabled user signed in")
		}
		s.SetDisabled(ctx, u.ID, false)
		c, _, _ := s.SignIn(ctx, "zhao", "correct horse battery", cl)
		if err := s.SetPassword(ctx, u.ID, "brand new passphrase", true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Session(ctx, c.Token); err == nil {
			t.Fatal("session survived a password change")
		}
	})
}

func TestAdminRolesCannotCombine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db, false)
		for _, roles := range [][]access.Role{{access.SysAdmin, access.SecAdmin}, {access.SecAdmin, access.Auditor}, {access.SysAdmin, access.Auditor}, {access.Auditor, access.Manager}} {
			if _, err := s.CreateUser(ctx, auth.NewUser{Username: "x", Password: "a long admin passphrase", Roles: roles}); !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("create with %v: err = %v; want ErrInvalid", roles, err)
			}
		}
		u, err := s.CreateUser(ctx, auth.NewUser{Username: "sys", Password: "a long admin passphrase", Roles: []access.Role{access.SysAdmin}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.EditUser(ctx, u.ID, u.Version, auth.Edit{Roles: []access.Role{access.SysAdmin, access.Auditor}}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("edit to two admin roles: %v", err)
		}
		got, _ := s.User(ctx, u.ID)
		if len(got.Roles) != 1 || got.Roles[0] != access.SysAdmin {
			t.Fatalf("roles changed by a refused edit: %v", got.Roles)
		}
	})
}

func TestPasswordPolicyOnCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db, false)
		cases := []struct {
			pw    string
			roles []access.Role
			key   string
		}{
			{"short", []access.Role{access.Reviewer}, "password.too_short"},
			{"elevenchars", []access.Role{access.SysAdmin}, "password.too_short"},
			{"password123", []access.Role{access.Reviewer}, "password.common"},
		}
		for _, c := range cases {
			_, err := s.CreateUser(ctx, auth.NewUser{Username: "pw-user", Password: c.pw, Roles: c.roles})
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Key != c.key {
				t.Errorf("password %q for %v: err = %v; want %s", c.pw, c.roles, err, c.key)
			}
		}
		if n, _ := s.CountUsers(ctx); n != 0 {
			t.Fatalf("refused creations left %d users", n)
		}
	})
}

func TestEditConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db, false)
		u := mustUser(t, s, "qian", access.Reviewer)
		if _, err := s.EditUser(ctx, u.ID, u.Version, auth.Edit{DisplayName: "钱一", Roles: u.Roles}); err != nil {
			t.Fatal(err)
		}
		// A second editor working from the old version must not overwrite.
		if _, err := s.EditUser(ctx, u.ID, u.Version, auth.Edit{DisplayName: "钱二", Roles: u.Roles}); !errors.Is(err, problem.ErrConflict) {
			t.Fatalf("stale edit: err = %v; want ErrConflict", err)
		}
		got, _ := s.User(ctx, u.ID)
		if got.DisplayName != "钱一" {
			t.Fatalf("display name = %q; the first edit was lost", got.DisplayName)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db, false)
		var orgID int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO organisations (name, kind, created_at, updated_at) VALUES ('示例企业', 'enterprise', ?, ?) RETURNING id`, store.Now(), store.Now()).Scan(&orgID)
		}); err != nil {
			t.Fatal(err)
		}
		secret, tok, err := s.CreateToken(ctx, auth.NewToken{Role: access.Org, OrgID: orgID, Expires: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.TokenPrincipal(ctx, secret)
		if err != nil || !p.Has(access.Org) || p.OrgID != orgID {
			t.Fatalf("token principal: %+v %v", p, err)
		}
		if _, err := s.TokenPrincipal(ctx, secret+"x"); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("bad token: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, auth.NewToken{Role: access.Org}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("org token without org: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, auth.NewToken{Role: access.SysAdmin}); !errors.Is(err, problem.ErrInvalid) {
			t.Fatalf("administrator token: %v", err)
		}
		clk.add(time.Hour + time.Second)
		if _, err := s.TokenPrincipal(ctx, secret); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("expired token: %v", err)
		}
		secret2, tok2, _ := s.CreateToken(ctx, auth.NewToken{Role: access.Viewer})
		if err := s.RevokeToken(ctx, tok2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenPrincipal(ctx, secret2); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("revoked token: %v", err)
		}
		list, _ := s.Tokens(ctx)
		if len(list) != 2 || list[1].ID != tok.ID || list[0].RevokedAt.IsZero() {
			t.Fatalf("token list: %+v", list)
		}
	})
}
