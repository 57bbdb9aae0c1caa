package sso

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := map[string]string{"XINZHI_OIDC_ISSUER": "https://id.city.example", "XINZHI_OIDC_CLIENT_ID": "xinzhi",
		"XINZHI_OIDC_REDIRECT_URL": "https://xinzhi.city.example/signin/sso/callback"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	for _, c := range []struct {
		name    string
		env     map[string]string
		ok      bool
		wantErr string
		check   func(Config) bool
	}{
		{"off", map[string]string{}, false, "", nil},
		{"defaults", base, true, "", func(c Config) bool {
			return c.Claim == "preferred_username" && !c.Provision && slices.Equal(c.Scopes, []string{"profile", "email"}) &&
				c.PostLogoutURL == "https://xinzhi.city.example/signin"
		}},
		{"all", with("XINZHI_OIDC_CLIENT_SECRET_FILE", secret, "XINZHI_OIDC_CLAIM", "sub", "XINZHI_OIDC_PROVISION", "true",
			"XINZHI_OIDC_ROLES_CLAIM", "groups", "XINZHI_OIDC_SCOPES", "profile groups"), true, "", func(c Config) bool {
			return c.ClientSecret == "from-a-file" && c.Claim == "sub" && c.Provision && c.RolesClaim == "groups" && slices.Equal(c.Scopes, []string{"profile", "groups"})
		}},
		{"no client", with("XINZHI_OIDC_CLIENT_ID", ""), true, "XINZHI_OIDC_CLIENT_ID", nil},
		{"two secrets", with("XINZHI_OIDC_CLIENT_SECRET", "x", "XINZHI_OIDC_CLIENT_SECRET_FILE", secret), false, "both set", nil},
		{"bad provision", with("XINZHI_OIDC_PROVISION", "perhaps"), false, "true or false", nil},
		{"relative redirect", with("XINZHI_OIDC_REDIRECT_URL", "/signin/sso/callback"), true, "absolute", nil},
	} {
		cfg, ok, err := FromEnv(func(k string) string { return c.env[k] })
		switch {
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.wantErr)
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.wantErr == "" && ok != c.ok:
			t.Errorf("%s: configured %v, want %v", c.name, ok, c.ok)
		case c.check != nil && !c.check(cfg):
			t.Errorf("%s: %+v", c.name, cfg)
		}
	}
}
