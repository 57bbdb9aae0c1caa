package web

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/png"

	"github.com/pquerna/otp"
	"net/http"
	"net/url"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

func (s *Server) client(r *http.Request) auth.Client {
	if !s.cfg.TrustProxy && r.Header.Get("X-Forwarded-For") != "" && s.proxyWarned.CompareAndSwap(false, true) {
		s.log.Warn("requests come through a proxy (X-Forwarded-For) but --trust-proxy is off: every client has the proxy's address, " +
			"so sign-in throttling per address counts them as one (a right password still signs in; see README, Sign-in throttling)")
	}
	return auth.Client{Address: clientAddr(r, s.cfg.TrustProxy), UserAgent: r.UserAgent()}
}

// safeNext keeps a post-sign-in redirect on this site.
// Browsers drop tabs and newlines and read "\\" as "/", so any of those, or a
// host, sends the redirect to "/".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.ContainsAny(next, "\\\t\r\n") {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f {
			return "/"
		}
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(next, "//") {
		return "/"
	}
	return next
}

func (s *Server) startSession(w http.ResponseWriter, sess auth.Session) {
	s.setCookie(w, sessionCookie, sess.Token, s.auth.Config().AbsoluteLifetime)
	s.clearCookie(w, csrfCookie)
}

// afterStage sends the browser to the page its session stage needs.
func afterStage(w http.ResponseWriter, r *http.Request, st auth.Stage, next string) {
	if p, ok := stagePaths[st]; ok {
		http.Redirect(w, r, p, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if ri.session != nil {
		afterStage(w, r, ri.session.Stage, r.URL.Query().Get("next"))
		return nil
	}
	p := s.newPage(w, r, "signin.title", s.signInData())
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	return s.render(w, http.StatusOK, "signin", p)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "signin.title", s.signInData())
	sess, _, err := s.auth.SignIn(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), s.client(r))
	if err != nil {
		status := problem.Status(err)
		if status != http.StatusUnauthorized && status != http.StatusTooManyRequests {
			return err
		}
		p.Flash = problem.Message(err, p.Lang)
		p.Form["username"] = r.PostFormValue("username")
		p.Form["next"] = safeNext(r.PostFormValue("next"))
		return s.render(w, status, "signin", p)
	}
	s.startSession(w, sess)
	afterStage(w, r, sess.Stage, r.PostFormValue("next"))
	return nil
}

func (s *Server) codePage(w http.ResponseWriter, r *http.Request) error {
	if info(r).session.Stage != auth.StageMFA {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	return s.render(w, http.StatusOK, "code", s.newPage(w, r, "code.title", nil))
}

func (s *Server) code(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if ri.session.Stage != auth.StageMFA {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	sess, err := s.auth.VerifySecondFactor(r.Context(), *ri.session, r.PostFormValue("code"), s.client(r))
	if err != nil {
		if problem.Status(err) == http.StatusTooManyRequests {
			p := s.newPage(w, r, "code.title", nil)
			p.Flash = problem.Message(err, p.Lang)
			return s.render(w, http.StatusTooManyRequests, "code", p)
		}
		return s.formError(w, r, "code", s.newPage(w, r, "code.title", nil), err)
	}
	s.startSession(w, sess)
	afterStage(w, r, sess.Stage, "/")
	return nil
}

// signOut ends the Xinzhi session and, for a session from single sign-on
// whose provider has an end-session endpoint, sends the browser there to
// end the provider's session too.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	to := "/signin"
	if ri := info(r); ri.session != nil {
		if err := s.auth.SignOut(r.Context(), *ri.session); err != nil {
			return err
		}
		if s.cfg.SSO != nil {
			if end := s.cfg.SSO.EndSessionURL(ri.session.IDToken); end != "" {
				to = end
			}
		}
	}
	s.clearCookie(w, sessionCookie)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// setLang remembers the chosen language in a cookie and, for a signed-in
// user, in their account.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) error {
	lang := i18n.Normalize(r.PostFormValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	if ri := info(r); ri.user != nil && ri.user.Lang != lang {
		if err := s.auth.SetLang(r.Context(), ri.user.ID, lang); err != nil {
			return err
		}
	}
	back := r.PostFormValue("back")
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
	return nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "account", s.newPage(w, r, "account.title", nil))
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "password", s.newPage(w, r, "password.title", nil))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	p := s.newPage(w, r, "password.title", nil)
	if r.PostFormValue("password") != r.PostFormValue("password2") {
		return s.formError(w, r, "password", p, problem.Invalid("password2", "password.mismatch"))
	}
	sess, err := s.auth.CompletePasswordChange(r.Context(), ri.user.ID, r.PostFormValue("current"), r.PostFormValue("password"), s.client(r))
	if err != nil {
		return s.formError(w, r, "password", p, err)
	}
	s.startSession(w, sess)
	if sess.Stage == auth.StageOK {
		http.Redirect(w, r, "/account?changed=1", http.StatusSeeOther)
		return nil
	}
	afterStage(w, r, sess.Stage, "/")
	return nil
}

// enrolment is the data of the enrolment page.
type enrolment struct {
	Secret    string
	Formatted string
	URI       string
	QR        template.URL // a data: URI of the key URI's QR code as PNG
	Codes     []string
}

func (s *Server) enrolData(r *http.Request, uid int64, fresh bool) (enrolment, error) {
	var secret, uri string
	var err error
	if !fresh {
		secret, uri, err = s.auth.PendingSecret(r.Context(), uid)
	}
	if fresh || err != nil {
		secret, uri, err = s.auth.BeginEnrolment(r.Context(), uid)
		if err != nil {
			return enrolment{}, err
		}
	}
	qr, err := qrDataURI(uri)
	if err != nil {
		return enrolment{}, err
	}
	return enrolment{Secret: secret, Formatted: formatSecret(secret), URI: uri, QR: qr}, nil
}

// qrSize is the enrolment QR code's width and height in pixels.
const qrSize = 264

// qrDataURI draws the key URI as a QR code (error correction M, by
// github.com/pquerna/otp's Key.Image, which uses github.com/boombuler/barcode)
// and returns it as a PNG data: URI, which the CSP allows (img-src 'self'
// data:). The page then needs no script and the secret never leaves the page.
func qrDataURI(uri string) (template.URL, error) {
	k, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return "", fmt.Errorf("enrolment key: %w", err)
	}
	img, err := k.Image(qrSize, qrSize)
	if err != nil {
		return "", fmt.Errorf("enrolment QR code: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return "", fmt.Errorf("enrolment QR code: %w", err)
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}

// formatSecret shows a base32 secret in groups of four, for typing it into
// an app by hand.
func formatSecret(secret string) string {
	var b strings.Builder
	for i := 0; i < len(secret); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(secret[i:min(i+4, len(secret))])
	}
	return b.String()
}

func (s *Server) enrolPage(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if ri.user.TOTPEnabled {
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	}
	d, err := s.enrolData(r, ri.user.ID, true)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "enrol", s.newPage(w, r, "enrol.title", d))
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	codes, err := s.auth.ConfirmEnrolment(r.Context(), ri.user.ID, r.PostFormValue("code"))
	if err != nil {
		d, derr := s.enrolData(r, ri.user.ID, false)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, "enrol", s.newPage(w, r, "enrol.title", d), err)
	}
	if ri.session.Stage == auth.StageEnrol {
		sess, err := s.auth.FinishEnrolment(r.Context(), *ri.session, s.client(r))
		if err != nil {
			return err
		}
		s.startSession(w, sess)
	}
	p := s.newPage(w, r, "enrol.done_title", enrolment{Codes: codes})
	p.Auth = false
	p.Nav = navFor(ri.user.Principal(true))
	return s.render(w, http.StatusOK, "recovery", p)
}

// home sends each role to the first page it needs.
func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	p := info(r).principal
	dest := "/account"
	for _, c := range []struct {
		perm access.Permission
		path string
	}{{access.CockpitView, "/cockpit"}, {access.UserView, "/admin/users"}, {access.TokenManage, "/admin/tokens"}, {access.AuditRead, "/admin/audit"}} {
		if p.Can(c.perm) {
			dest = c.path
			break
		}
	}
	if p.OrgID != 0 && !p.Can(access.CockpitView) {
		dest = "/orgs/" + itoa(p.OrgID)
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}
