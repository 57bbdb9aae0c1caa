package auth_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestSignInExternal covers the account side of single sign-on that the
// web tests do not reach: refusing an unknown user when provisioning is
// off, a name the provider gives that cannot be a username, a second
// provider account claiming a name already linked, a mapping that would
// join separated administrator roles, and a link that outlives a change
// of the claim.
func TestSignInExternal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db, false)
		c := auth.Client{Address: "10.0.0.1"}
		iss := "https://id.city.example"
		refusedWith := func(x auth.External, key string) {
			t.Helper()
			_, _, err := s.SignInExternal(ctx, x, c)
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Key != key {
				t.Errorf("%s: %v, want %s", x.Username, err, key)
			}
		}
		refusedWith(auth.External{Issuer: iss, Subject: "s1", Username: "nobody"}, "sso.no_account")
		refusedWith(auth.External{Issuer: iss, Subject: "s1", Username: "Zhang Wei@city", Provision: true}, "sso.username_invalid")
		if n, _ := s.CountUsers(ctx); n != 0 {
			t.Fatalf("refusals created %d accounts", n)
		}

		mustUser(t, s, "chen", access.Reviewer)
		sess, u, err := s.SignInExternal(ctx, auth.External{Issuer: iss, Subject: "s-chen", Username: "CHEN", IDToken: "tok"}, c)
		if err != nil || sess.Stage != auth.StageOK || u.Username != "chen" {
			t.Fatalf("match by name: %v %v %+v", err, sess.Stage, u)
		}
		got, _, err := s.Session(ctx, sess.Token)
		if err != nil || got.IDToken != "tok" {
			t.Fatalf("session keeps the ID token: %q %v", got.IDToken, err)
		}
		// Another provider account claiming the same name does not take it over.
		refusedWith(auth.External{Issuer: iss, Subject: "s-impostor", Username: "chen"}, "sso.linked_elsewhere")
		// Once linked, the subject decides, whatever the name claim says now.
		if _, u, err := s.SignInExternal(ctx, auth.External{Issuer: iss, Subject: "s-chen", Username: "chen.renamed"}, c); err != nil || u.Username != "chen" {
			t.Fatalf("linked sign-in with another name: %v %s", err, u.Username)
		}
		// A mapping may not join separated administrator roles.
		refusedWith(auth.External{Issuer: iss, Subject: "s-chen", Username: "chen",
			Managed: []access.Role{access.SysAdmin, access.Auditor}, Granted: []access.Role{access.SysAdmin, access.Auditor}}, "sso.roles_invalid")
		u, _ = s.UserByName(ctx, "chen")
		if !slices.Equal(u.Roles, []access.Role{access.Reviewer}) {
			t.Fatalf("roles after a refused mapping: %v", u.Roles)
		}
	})
}
