package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// usersData is the data of the accounts page.
type usersData struct {
	Users   []auth.User
	OrgName string // the organisation picker's text (none on a new account)
	OrgRef  string
	Created *auth.User
	OneTime string
}

func (s *Server) usersData(r *http.Request) (usersData, error) {
	users, err := s.auth.Users(r.Context())
	if err != nil {
		return usersData{}, err
	}
	return usersData{Users: users}, nil
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.usersData(r)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "users", s.newPage(w, r, "users.title", d))
}

// formRoles reads the checked roles of a form.
func formRoles(r *http.Request) []access.Role {
	var out []access.Role
	for _, v := range r.PostForm["roles"] {
		out = append(out, access.Role(v))
	}
	return out
}

func formInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, problem.Invalid(name, "error.number_invalid")
	}
	return n, nil
}

// oneTimePassword makes a password an administrator hands over once; the
// account must change it at first sign-in.
func oneTimePassword() string { return "xz-" + randomString(12) }

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	d, err := s.usersData(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "users.title", &d)
	org, err := s.formOrg(r)
	if err != nil {
		return s.formError(w, r, "users", p, err)
	}
	pw := oneTimePassword()
	u, err := s.auth.CreateUser(r.Context(), auth.NewUser{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Email: r.PostFormValue("email"), Password: pw, Roles: formRoles(r), OrgID: org, MustChangePassword: true})
	if err != nil {
		return s.formError(w, r, "users", p, err)
	}
	d2, err := s.usersData(r)
	if err != nil {
		return err
	}
	d2.Created, d2.OneTime = &u, pw
	p.Data = d2
	return s.render(w, http.StatusCreated, "users", p)
}

// userData is the data of one account's page.
type userData struct {
	U       auth.User
	OrgName string // the account's organisation, for the picker
	OrgRef  string
	OneTime string
}

func (s *Server) loadUserData(r *http.Request) (userData, error) {
	id, err := pathID(r)
	if err != nil {
		return userData{}, err
	}
	u, err := s.auth.User(r.Context(), id)
	if err != nil {
		return userData{}, err
	}
	d := userData{U: u, OrgName: s.orgName(r.Context(), u.OrgID)}
	if u.OrgID > 0 {
		d.OrgRef = itoa(u.OrgID)
	}
	return d, nil
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadUserData(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "user.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("form.saved")
	}
	return s.render(w, http.StatusOK, "user", p)
}

func (s *Server) editUser(w http.ResponseWriter, r *http.Request) error {
	d, err := s.loadUserData(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "user.title", d)
	org, err := s.formOrg(r)
	if err != nil {
		return s.formError(w, r, "user", p, err)
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if version <= 0 {
		return s.formError(w, r, "user", p, problem.Invalid("version", "error.edit_conflict"))
	}
	_, err = s.auth.EditUser(r.Context(), d.U.ID, version, auth.Edit{DisplayName: r.PostFormValue("display_name"),
		Email: r.PostFormValue("email"), Roles: formRoles(r), OrgID: org})
	if err != nil {
		return s.formError(w, r, "user", p, err)
	}
	http.Redirect(w, r, "/admin/users/"+itoa(d.U.ID)+"?saved=1", http.StatusSeeOther)
	return nil
}

// userAction runs a one-button action on an account and returns to its page.
func (s *Server) userAction(w http.ResponseWriter, r *http.Request, act func(id int64) error) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if info(r).principal.UserID == id {
		return problem.New(problem.ErrForbidden, "user.not_self")
	}
	if err := act(id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/users/"+itoa(id)+"?saved=1", http.StatusSeeOther)
	return nil
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, func(id int64) error { _, err := s.auth.SetDisabled(r.Context(), id, true); return err })
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, func(id int64) error { _, err := s.auth.SetDisabled(r.Context(), id, false); return err })
}

func (s *Server) resetMFA(w http.ResponseWriter, r *http.Request) error {
	return s.userAction(w, r, func(id int64) error { return s.auth.ResetMFA(r.Context(), id) })
}

func (s *Server) unlockUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.auth.Unlock(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/admin/tokens?unlocked="+itoa(id), http.StatusSeeOther)
	return nil
}

// resetPassword sets a one-time password, shown once on the page.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if info(r).principal.UserID == id {
		return problem.New(problem.ErrForbidden, "user.not_self")
	}
	pw := oneTimePassword()
	if err := s.auth.SetPassword(r.Context(), id, pw, true); err != nil {
		return err
	}
	d, err := s.loadUserData(r)
	if err != nil {
		return err
	}
	d.OneTime = pw
	return s.render(w, http.StatusOK, "user", s.newPage(w, r, "user.title", d))
}
