package adminweb

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// usersData is the data of the accounts page.
type usersData struct {
	Users   []auth.User
	OrgName string // the organisation picker's text (none on a new account)
	OrgRef  string
	Created *auth.User
	OneTime string
}

func (s *area) usersData(r *http.Request) (usersData, error) {
	users, err := s.Auth.Users(r.Context())
	if err != nil {
		return usersData{}, err
	}
	return usersData{Users: users}, nil
}

func (s *area) usersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.usersData(r)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "users", s.NewPage(w, r, "users.title", d))
}

// formRoles reads the checked roles of a form.
func formRoles(r *http.Request) []access.Role {
	var out []access.Role
	for _, v := range r.PostForm["roles"] {
		out = append(out, access.Role(v))
	}
	return out
}

// oneTimePassword makes a password an administrator hands over once; the
// account must change it at first sign-in.
func oneTimePassword() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return "xz-" + base64.RawURLEncoding.EncodeToString(b)
}

func (s *area) createUser(w http.ResponseWriter, r *http.Request) error {
	d, err := s.usersData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "users.title", &d)
	org, err := s.FormOrg(r)
	if err != nil {
		return s.pages.FormError(w, r, "users", p, err)
	}
	pw := oneTimePassword()
	u, err := s.Auth.CreateUser(r.Context(), auth.NewUser{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Email: r.PostFormValue("email"), Password: pw, Roles: formRoles(r), OrgID: org, MustChangePassword: true})
	if err != nil {
		return s.pages.FormError(w, r, "users", p, err)
	}
	d2, err := s.usersData(r)
	if err != nil {
		return err
	}
	d2.Created, d2.OneTime = &u, pw
	p.Data = d2
	return s.pages.Render(w, http.StatusCreated, "users", p)
}

// userData is the data of one account's page.
type userData struct {
	U       auth.User
	OrgName string // the account's organisation, for the picker
	OrgRef  string
	OneTime string
}

func (s *area) loadUserData(r *http.Request) (userData, error) {
	id, err := site.PathID(r)
	if err != nil {
		return userData{}, err
	}
	u, err := s.Auth.User(r.Context(), id)
	if err != nil {
		return userData{}, err
	}
	d := userData{U: u, OrgName: s.OrgName(r.Context(), u.OrgID)}
	if u.OrgID > 0 {
		d.OrgRef = strconv.FormatInt(u.OrgID, 10)
	}
	return d, nil
}

func (s *area) userPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadUserData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "user.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("form.saved")
	}
	return s.pages.Render(w, http.StatusOK, "user", p)
}

func (s *area) editUser(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadUserData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "user.title", d)
	org, err := s.FormOrg(r)
	if err != nil {
		return s.pages.FormError(w, r, "user", p, err)
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if version <= 0 {
		return s.pages.FormError(w, r, "user", p, problem.Invalid("version", "error.edit_conflict"))
	}
	_, err = s.Auth.EditUser(r.Context(), d.U.ID, version, auth.Edit{DisplayName: r.PostFormValue("display_name"),
		Email: r.PostFormValue("email"), Roles: formRoles(r), OrgID: org})
	if err != nil {
		return s.pages.FormError(w, r, "user", p, err)
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(d.U.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// userAction runs a one-button action on an account and returns to its page.
func (s *area) userAction(w http.ResponseWriter, r *http.Request, act func(id int64) error) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if site.Info(r).Principal.UserID == id {
		return problem.New(problem.ErrForbidden, "user.not_self")
	}
	if err := act(id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

func (s *area) disableUser(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, func(id int64) error { _, err := s.Auth.SetDisabled(r.Context(), id, true); return err })
}

func (s *area) enableUser(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, func(id int64) error { _, err := s.Auth.SetDisabled(r.Context(), id, false); return err })
}

func (s *area) resetMFA(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, func(id int64) error { return s.Auth.ResetMFA(r.Context(), id) })
}

func (s *area) unlockUser(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if err := s.Auth.Unlock(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens?unlocked="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// resetPassword sets a one-time password, shown once on the page.
func (s *area) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if site.Info(r).Principal.UserID == id {
		return problem.New(problem.ErrForbidden, "user.not_self")
	}
	pw := oneTimePassword()
	if err := s.Auth.SetPassword(r.Context(), id, pw, true); err != nil {
		return err
	}
	d, err := s.loadUserData(r)
	if err != nil {
		return err
	}
	d.OneTime = pw
	return s.pages.Render(w, http.StatusOK, "user", s.NewPage(w, r, "user.title", d))
}

func (s *area) apiUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.Auth.Users(r.Context())
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": users})
}
