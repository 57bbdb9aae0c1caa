package web

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/sso"
)

// ssoCookie holds the state of this browser's sign-in at the provider, so
// that only the browser that began a sign-in can finish it.
const ssoCookie = "xz_sso"

// signInData is what the sign-in page needs besides the form.
type signInData struct {
	SSO bool // show the single sign-on button: configured and the provider found
}

func (s *Server) signInData() signInData {
	return signInData{SSO: s.cfg.SSO != nil && s.cfg.SSO.Ready()}
}

// ssoStart sends the browser to the provider to sign in.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.SSO == nil {
		return problem.ErrNotFound
	}
	to, state, err := s.cfg.SSO.Begin(r.Context(), safeNext(r.URL.Query().Get("next")))
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: state, Path: "/signin/sso", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sso.LoginLifetime.Seconds())})
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ssoCallback takes the provider's return and, when all is well, signs the
// user in with a Xinzhi session like any other.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.SSO == nil {
		return problem.ErrNotFound
	}
	var state string
	if c, err := r.Cookie(ssoCookie); err == nil {
		state = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Path: "/signin/sso", HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	sess, _, next, err := s.cfg.SSO.Finish(r.Context(), state, r.URL.Query(), s.client(r))
	if err != nil {
		status := problem.Status(err)
		if status != http.StatusUnauthorized && status != http.StatusForbidden && status != http.StatusNotFound {
			return err
		}
		p := s.newPage(w, r, "signin.title", s.signInData())
		p.Flash, p.Bad = problem.Message(err, p.Lang), true
		p.Form["next"] = "/"
		return s.render(w, status, "signin", p)
	}
	if old := info(r).session; old != nil {
		_ = s.auth.SignOut(r.Context(), *old) // the browser's earlier session gives way to the new one
	}
	s.startSession(w, sess)
	afterStage(w, r, sess.Stage, next)
	return nil
}

// ssoRolesData is the data of the role-mapping page.
type ssoRolesData struct {
	Issuer     string
	RolesClaim string
	Ready      bool
	Mappings   []sso.Mapping
	Roles      []access.Role // those a mapping may grant
}

func (s *Server) ssoRolesData(r *http.Request) (ssoRolesData, error) {
	if s.cfg.SSO == nil {
		return ssoRolesData{}, problem.ErrNotFound
	}
	cfg := s.cfg.SSO.Config()
	maps, err := sso.Mappings(r.Context(), s.db, cfg.Issuer)
	d := ssoRolesData{Issuer: cfg.Issuer, RolesClaim: cfg.RolesClaim, Ready: s.cfg.SSO.Ready(), Mappings: maps}
	for _, ro := range access.Roles {
		if !ro.BoundToOrg() {
			d.Roles = append(d.Roles, ro)
		}
	}
	return d, err
}

// ssoRolesPage lists which of the provider's groups grant which role.
func (s *Server) ssoRolesPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.ssoRolesData(r)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "ssoroles", s.newPage(w, r, "ssoroles.title", d))
}

// ssoRolesChange adds (action=map) or removes (action=unmap) a mapping.
func (s *Server) ssoRolesChange(w http.ResponseWriter, r *http.Request) error {
	d, err := s.ssoRolesData(r)
	if err != nil {
		return err
	}
	group, role := r.PostFormValue("group"), access.Role(r.PostFormValue("role"))
	if r.PostFormValue("action") == "unmap" {
		err = sso.Unmap(r.Context(), s.db, d.Issuer, group, role)
	} else {
		err = sso.Map(r.Context(), s.db, d.Issuer, group, role)
	}
	if err != nil {
		p := s.newPage(w, r, "ssoroles.title", d)
		p.Form["group"], p.Form["role"] = group, string(role)
		return s.formError(w, r, "ssoroles", p, err)
	}
	http.Redirect(w, r, "/admin/sso", http.StatusSeeOther)
	return nil
}
