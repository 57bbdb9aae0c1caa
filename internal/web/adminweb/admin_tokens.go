package adminweb

import (
	"net/http"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// tokensData is the data of the API tokens page.
type tokensData struct {
	Tokens   []auth.Token
	OrgNames map[int64]string // the tokens' organisations by id
	Users    []auth.User      // for unlocking accounts (security administrator)
	Secret   string
	Roles    []access.Role
}

func (s *area) tokensData(r *http.Request) (tokensData, error) {
	toks, err := s.Auth.Tokens(r.Context())
	if err != nil {
		return tokensData{}, err
	}
	users, err := s.Auth.Users(r.Context())
	if err != nil {
		return tokensData{}, err
	}
	var roles []access.Role
	for _, ro := range access.Roles {
		if !ro.Admin() {
			roles = append(roles, ro)
		}
	}
	var ids []int64
	for _, tk := range toks {
		if tk.OrgID > 0 {
			ids = append(ids, tk.OrgID)
		}
	}
	names, err := registry.OrgNames(r.Context(), s.DB, ids)
	return tokensData{Tokens: toks, OrgNames: names, Users: users, Roles: roles}, err
}

func (s *area) tokensPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.tokensData(r)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "tokens", s.NewPage(w, r, "tokens.title", d))
}

func (s *area) createToken(w http.ResponseWriter, r *http.Request) error {
	d, err := s.tokensData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "tokens.title", d)
	org, err := s.FormOrg(r)
	if err != nil {
		return s.pages.FormError(w, r, "tokens", p, err)
	}
	exp, err := auth.ParseExpiry(strings.TrimSpace(r.PostFormValue("expires")))
	if err != nil {
		return s.pages.FormError(w, r, "tokens", p, problem.Invalid("expires", "token.expiry_invalid"))
	}
	secret, _, err := s.Auth.CreateToken(r.Context(), auth.NewToken{Name: r.PostFormValue("name"), Role: access.Role(r.PostFormValue("role")), OrgID: org, Expires: exp})
	if err != nil {
		return s.pages.FormError(w, r, "tokens", p, err)
	}
	d, err = s.tokensData(r)
	if err != nil {
		return err
	}
	d.Secret = secret
	p.Data = d
	return s.pages.Render(w, http.StatusCreated, "tokens", p)
}

func (s *area) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens", http.StatusSeeOther)
	return nil
}
