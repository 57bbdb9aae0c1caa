// Package sso signs users in through the city's identity platform with
// OpenID Connect: the authorization code flow with PKCE (golang.org/x/oauth2)
// and ID tokens verified by github.com/coreos/go-oidc/v3. It owns the
// sign-ins in flight (table sso_logins) and the administrator's mapping of
// the provider's groups to Xinzhi roles (sso_role_maps); the accounts, their
// links to the provider (user_identities) and the sessions are package
// auth's (auth.SignInExternal).
package sso

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Config is the provider and how its users become Xinzhi users. It comes
// from the XINZHI_OIDC_* variables (FromEnv).
type Config struct {
	Issuer       string // XINZHI_OIDC_ISSUER: the provider's issuer URL (discovery at Issuer/.well-known/openid-configuration)
	ClientID     string // XINZHI_OIDC_CLIENT_ID
	ClientSecret string // XINZHI_OIDC_CLIENT_SECRET, or read from the file XINZHI_OIDC_CLIENT_SECRET_FILE
	RedirectURL  string // XINZHI_OIDC_REDIRECT_URL: https://xinzhi.example.gov.cn/signin/sso/callback, registered at the provider
	// Claim is the claim whose value is matched to a Xinzhi username at a
	// user's first single sign-on (XINZHI_OIDC_CLAIM, default
	// preferred_username). After that, the link to the provider's subject
	// decides.
	Claim string
	// Provision creates an account, with no roles, for a provider's user
	// that matches none (XINZHI_OIDC_PROVISION=true); otherwise such a user
	// is refused.
	Provision bool
	// RolesClaim names the claim holding the user's groups
	// (XINZHI_OIDC_ROLES_CLAIM, e.g. groups); its values grant roles only
	// through the administrator's mapping. Empty: no role comes from the
	// provider.
	RolesClaim string
	// Scopes asked for besides openid (XINZHI_OIDC_SCOPES, space-separated;
	// default "profile email").
	Scopes []string
	// PostLogoutURL is where the provider sends the browser after signing
	// out (XINZHI_OIDC_POST_LOGOUT_URL; default the sign-in page beside
	// RedirectURL). Register it at the provider too.
	PostLogoutURL string
}

// FromEnv reads the XINZHI_OIDC_* variables. ok is false when
// XINZHI_OIDC_ISSUER is not set (no single sign-on); a half-given
// configuration is an error that says what is missing.
func FromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	cfg = Config{
		Issuer:        strings.TrimSpace(getenv("XINZHI_OIDC_ISSUER")),
		ClientID:      strings.TrimSpace(getenv("XINZHI_OIDC_CLIENT_ID")),
		ClientSecret:  getenv("XINZHI_OIDC_CLIENT_SECRET"),
		RedirectURL:   strings.TrimSpace(getenv("XINZHI_OIDC_REDIRECT_URL")),
		Claim:         strings.TrimSpace(getenv("XINZHI_OIDC_CLAIM")),
		RolesClaim:    strings.TrimSpace(getenv("XINZHI_OIDC_ROLES_CLAIM")),
		Scopes:        strings.Fields(getenv("XINZHI_OIDC_SCOPES")),
		PostLogoutURL: strings.TrimSpace(getenv("XINZHI_OIDC_POST_LOGOUT_URL")),
	}
	if cfg.Issuer == "" {
		return Config{}, false, nil
	}
	if f := getenv("XINZHI_OIDC_CLIENT_SECRET_FILE"); f != "" {
		if cfg.ClientSecret != "" {
			return Config{}, false, fmt.Errorf("XINZHI_OIDC_CLIENT_SECRET and XINZHI_OIDC_CLIENT_SECRET_FILE are both set: give one (客户端密钥只能给出一种)")
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return Config{}, false, fmt.Errorf("XINZHI_OIDC_CLIENT_SECRET_FILE: %w (读取客户端密钥文件失败)", err)
		}
		cfg.ClientSecret = strings.TrimSpace(string(b))
	}
	if v := getenv("XINZHI_OIDC_PROVISION"); v != "" {
		if cfg.Provision, err = strconv.ParseBool(v); err != nil {
			return Config{}, false, fmt.Errorf("XINZHI_OIDC_PROVISION=%q: say true or false (请填写 true 或 false)", v)
		}
	}
	if cfg.Claim == "" {
		cfg.Claim = "preferred_username"
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"profile", "email"}
	}
	return cfg, true, cfg.check()
}

func (cfg *Config) check() error {
	var missing []string
	for _, v := range []struct{ name, val string }{{"XINZHI_OIDC_CLIENT_ID", cfg.ClientID}, {"XINZHI_OIDC_REDIRECT_URL", cfg.RedirectURL}} {
		if v.val == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		verb := "is"
		if len(missing) > 1 {
			verb = "are"
		}
		return fmt.Errorf("XINZHI_OIDC_ISSUER is set but %s %s not: set them (统一身份认证配置不完整)", strings.Join(missing, " and "), verb)
	}
	for _, v := range []struct{ name, val string }{{"XINZHI_OIDC_ISSUER", cfg.Issuer}, {"XINZHI_OIDC_REDIRECT_URL", cfg.RedirectURL}, {"XINZHI_OIDC_POST_LOGOUT_URL", cfg.PostLogoutURL}} {
		if v.val == "" {
			continue
		}
		if u, err := url.Parse(v.val); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%s=%q: give an absolute http(s) URL (请填写完整的网址)", v.name, v.val)
		}
	}
	if cfg.PostLogoutURL == "" {
		u, _ := url.Parse(cfg.RedirectURL)
		cfg.PostLogoutURL = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/signin"}).String()
	}
	return nil
}
