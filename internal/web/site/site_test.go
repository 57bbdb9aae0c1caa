package site_test

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

const layout = `{{define "layout"}}<main>{{template "content" .}}</main>{{end}}`

func newSite() *site.Site {
	return &site.Site{
		Layout: layout,
		Funcs:  template.FuncMap{"shout": strings.ToUpper},
		NewPage: func(w http.ResponseWriter, r *http.Request, title string, data any) *site.Page {
			return &site.Page{Lang: i18n.ZH, Title: title, Data: data, Errors: map[string]string{}, Form: map[string]string{}}
		},
	}
}

// An area's pages render inside the shared layout with the shared
// functions and the area's partials; a partial file is not a page.
func TestParseRendersInLayoutWithPartials(t *testing.T) {
	files := fstest.MapFS{
		"templates/list.html":  {Data: []byte(`{{define "content"}}{{shout .Title}}|{{template "row" .}}{{end}}`)},
		"templates/_rows.html": {Data: []byte(`{{define "row"}}<td>{{.Data}}</td>{{end}}`)},
		"templates/other.txt":  {Data: []byte(`not a template`)},
	}
	pages, err := newSite().Parse(files, "templates")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(pages.Names(), ","); got != "list" {
		t.Fatalf("pages %q, want list only", got)
	}
	w := httptest.NewRecorder()
	if err := pages.Render(w, http.StatusTeapot, "list", &site.Page{Title: "t", Data: "x<y"}); err != nil {
		t.Fatal(err)
	}
	if w.Code != http.StatusTeapot || w.Body.String() != "<main>T|<td>x&lt;y</td></main>" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("%d %q %q", w.Code, w.Body.String(), w.Header().Get("Content-Type"))
	}
	if err := pages.Render(httptest.NewRecorder(), 200, "_rows", &site.Page{}); err == nil {
		t.Fatal("a partial rendered as a page")
	}
}

// A broken template fails at start-up, naming the template.
func TestParseFailsOnABrokenTemplate(t *testing.T) {
	files := fstest.MapFS{"templates/bad.html": {Data: []byte(`{{define "content"}}{{.Title}{{end}}`)}}
	if _, err := newSite().Parse(files, "templates"); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Fatalf("err %v, want one naming bad", err)
	}
}

func formRequest(form url.Values) *http.Request {
	r := httptest.NewRequest("POST", "/x", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_ = r.ParseForm()
	return r
}

// A refused form comes back with the message beside its field and what was
// typed, never the CSRF token or a password; any other error is returned.
func TestFormErrorAndRefuse(t *testing.T) {
	s := newSite()
	pages, err := s.Parse(fstest.MapFS{"t/form.html": {Data: []byte(`{{define "content"}}{{.Err "n"}}|{{.Val "n"}}|{{.Val "csrf"}}|{{.Val "password"}}|{{.Flash}}{{end}}`)}}, "t")
	if err != nil {
		t.Fatal(err)
	}
	r := formRequest(url.Values{"n": {"abc"}, "csrf": {"tok"}, "password": {"secret"}})
	w := httptest.NewRecorder()
	refusal := problem.Invalid("n", "error.number_invalid")
	if err := pages.FormError(w, r, "form", s.NewPage(w, r, "t", nil), refusal); err != nil {
		t.Fatal(err)
	}
	msg := refusal.Message(i18n.ZH)
	if w.Code != http.StatusUnprocessableEntity || w.Body.String() != "<main>"+msg+"|abc|||</main>" {
		t.Fatalf("%d %q", w.Code, w.Body.String())
	}
	failure := errors.New("disk on fire")
	if err := pages.FormError(httptest.NewRecorder(), r, "form", s.NewPage(w, r, "t", nil), failure); err != failure {
		t.Fatalf("a failure became %v", err)
	}

	w = httptest.NewRecorder()
	ok, err := pages.Refuse(w, r, refusal, "t", "form", func() (any, error) { return nil, nil }, "n")
	if !ok || err != nil || w.Code != http.StatusUnprocessableEntity || w.Body.String() != "<main>"+msg+"|abc|||"+msg+"</main>" {
		t.Fatalf("refuse: %v %v %d %q", ok, err, w.Code, w.Body.String())
	}
	for _, e := range []error{failure, fmt.Errorf("project 9: %w", problem.ErrNotFound)} {
		if ok, _ := pages.Refuse(httptest.NewRecorder(), r, e, "t", "form", func() (any, error) { return nil, nil }); ok {
			t.Fatalf("refused %v as a form problem", e)
		}
	}
}

// A request the middleware did not identify is an anonymous Chinese
// reader's; one it did carries what it learned.
func TestInfo(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if got := site.Info(r); !got.Principal.Anon || got.Lang != i18n.ZH {
		t.Fatalf("unidentified: %+v", got)
	}
	p := access.Principal{UserID: 7, Roles: []access.Role{access.Manager}}
	r = r.WithContext(site.WithRequest(r.Context(), &site.Request{Principal: p, Lang: i18n.EN}))
	if got := site.Info(r); got.Principal.UserID != 7 || got.Lang != i18n.EN {
		t.Fatalf("identified: %+v", got)
	}
}

func TestPathID(t *testing.T) {
	for v, want := range map[string]int64{"12": 12, "0": 0, "-3": 0, "x": 0, "": 0} {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetPathValue("id", v)
		id, err := site.PathID(r)
		if id != want || (want == 0) != errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("%q: %d %v", v, id, err)
		}
	}
}
