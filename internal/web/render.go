package web

import (
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/web/indicatorsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// page is what every template receives (package site, shared with the
// area packages).
type page = site.Page

// pageField hands a shared template the page and one item.
type pageField struct {
	P *page
	F any
}

// navItem is an entry of the side navigation.
type navItem = site.NavItem

// areas is the navigation in the order of the letter's system; areas without
// an href are built by later issues and shown as "coming".
var areas = []struct {
	key, href string
	perm      access.Permission
}{
	{"nav.cockpit", "/cockpit", access.CockpitView},
	{"nav.registry", "/registry", access.RegistryView},
	{"nav.people", "/people", access.PersonView},
	{"nav.programs", "/programs", access.ProgramView},
	{"nav.reviews", "/reviews", access.ReviewDo},
	{"nav.challenges", "/challenges", access.SignedIn},
	{"nav.finance", "/finance", access.ProgramView},
	{"nav.digital", "/digital", access.ProgramView},
	{"nav.compute", "/compute", access.ProgramView},
	{"nav.returns", "/returns", access.ProgramView},
	{"nav.infra", "/infrastructure", access.ProgramView},
	{"nav.ai", "/ai", access.ProgramView},
	{"nav.rankings", "/rankings", access.ProgramView},
	{"nav.integrity", "/integrity", access.ProgramManage},
	{"nav.experts", "/experts", access.ProgramManage},
	{"nav.chains", "/chains", access.RegistryView},
	{"nav.talent", "/talent", access.CockpitView},
	{"nav.universities", "/universities", access.RegistryView},
	{"nav.cooperation", "/cooperation", access.CockpitView},
	{"nav.reports", "/reports", access.CockpitView},
	{"nav.indicators", "/indicators", access.CockpitView},
	{"nav.open_data", "/open-data", access.SignedIn},
	{"nav.proposals", "/proposals", access.ProposalView},
	{"nav.catalogues", "/admin/catalogues", access.CatalogueEdit},
	{"nav.users", "/admin/users", access.UserView},
	{"nav.tokens", "/admin/tokens", access.TokenManage},
	{"nav.assist", "/admin/assist", access.AssistManage},
	{"nav.audit", "/admin/audit", access.AuditRead},
	{"nav.system", "/admin/system", access.SystemView},
	{"nav.account", "/account", access.SignedIn},
}

func navFor(p access.Principal) []navItem {
	var out []navItem
	if p.OrgID != 0 && p.OrgScope() > 0 {
		out = append(out, navItem{Key: "nav.my_org", Href: "/orgs/" + itoa(p.OrgID)})
	}
	for _, a := range areas {
		if p.Can(a.perm) {
			out = append(out, navItem{Key: a.key, Href: a.href})
		}
	}
	return out
}

// newPage fills the common parts of a page for r.
func (s *Server) newPage(w http.ResponseWriter, r *http.Request, title string, data any) *page {
	ri := info(r)
	p := &page{Lang: ri.lang, Title: title, Demo: s.cfg.Demo, Principal: ri.principal, User: ri.user,
		CSRF: ri.csrf, Path: r.URL.Path, Back: r.URL.Path, Data: data, Errors: map[string]string{}, Form: map[string]string{}}
	if r.Method == http.MethodGet && r.URL.RawQuery != "" { // switching language keeps what the page was showing
		p.Back = r.URL.Path + "?" + r.URL.RawQuery
	}
	if d, ok := clock.Pinned(r.Context()); ok {
		p.AsOf = d.Format(time.DateOnly)
	}
	if ri.session == nil || ri.session.Stage != auth.StageOK {
		p.Auth = true
	} else {
		p.Nav = navFor(ri.principal)
		if ri.principal.UserID != 0 {
			p.Unread, _ = program.Unread(r.Context(), s.db, ri.principal.UserID, ri.principal.OrgID) // a count for the top bar; a failure shows none
		}
	}
	if ri.session == nil {
		p.CSRF = s.anonCSRF(w, r)
	}
	return p
}

// anonCSRF returns the double-submit token of a visitor who has not signed
// in, setting the cookie on first sight.
func (s *Server) anonCSRF(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	tok := randomString(24)
	s.setCookie(w, csrfCookie, tok, 12*time.Hour)
	return tok
}

func (s *Server) parseTemplates() (*site.Pages, error) {
	funcs := template.FuncMap{
		"asset": s.assets.url,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(shanghai).Format("2006-01-02 15:04")
		},
		"json": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"join": func(rs []access.Role, lang string) string {
			names := make([]string, len(rs))
			for i, r := range rs {
				names[i] = i18n.T(lang, "role."+string(r))
			}
			return strings.Join(names, "、")
		},
		"roles":     func() []access.Role { return access.Roles },
		"hasRole":   func(rs []access.Role, r access.Role) bool { return contains(rs, r) },
		"safeHTML":  func(s string) template.HTML { return template.HTML(s) }, // only for trusted, generated markup (QR SVG)
		"languages": func() []string { return i18n.Supported },
		"list":      func(xs ...string) []string { return xs },
		// pair hands a shared template two values (the page and a part).
		"pair": func(a, b any) [2]any { return [2]any{a, b} },
		// term names a fixed term of the bureau's vocabularies (scenes, the
		// 325 model, the five ways) in lang; data outside the glossary
		// reads as it was written.
		"term": func(lang, s string) string {
			if i18n.Has("term." + s) {
				return i18n.T(lang, "term."+s)
			}
			return s
		},
		// pick names a catalogue entry (tag, recognition, program, call) in
		// lang: its English name on English pages, else its Chinese one.
		"pick":   func(lang, zh, en string) string { return i18n.Pick(lang, zh, en) },
		"add":    func(a, b int) int { return a + b },
		"neg":    func(a int) int { return -a },
		"mul":    func(a, b int) int { return a * b },
		"mulf":   func(a, b float64) float64 { return a * b },
		"cond":   condition,
		"num":    formatNumber,
		"f64":    func(i int64) float64 { return float64(i) },
		"figure": displayValue,
		"isoTime": func(s string) string {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return s
			}
			return t.In(shanghai).Format("2006-01-02 15:04")
		},
		"indicatorName": s.indicatorName,
		"reportBody":    report.HTML,
		"deref": func(x *float64) float64 {
			if x == nil {
				return 0
			}
			return *x
		},
		"progName": func(t *program.Template, lang string) string {
			if t == nil {
				return ""
			}
			if lang == i18n.EN && t.NameEN != "" {
				return t.NameEN
			}
			return t.Name
		},
		"wan":       func(x float64) float64 { return x / 1e4 }, // CNY → 万元
		"hasString": func(xs []string, x string) bool { return contains(xs, x) },
		"field": func(p *page, name, value, kind string) textField {
			return textField{P: p, Name: name, Value: value, Kind: kind}
		},
		"district": site.DistrictName,
		// label translates prefix+code when the catalogue has it, else shows the code.
		"label": func(lang, prefix, code string) string {
			if i18n.Has(prefix + code) {
				return i18n.T(lang, prefix+code)
			}
			return code
		},
		"dictPF": func(p *page, f any) pageField { return pageField{P: p, F: f} },
		"dict2": func(p *page, u any) roleForm {
			switch v := u.(type) {
			case auth.User:
				return roleForm{P: p, U: &v}
			case *auth.User:
				return roleForm{P: p, U: v}
			}
			return roleForm{P: p}
		},
	}
	layout, err := fs.ReadFile(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	s.site.Layout, s.site.Funcs = string(layout), funcs
	return s.site.Parse(templateFiles, "templates")
}

func contains[T comparable](xs []T, x T) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// shanghai is China Standard Time; times are stored in UTC and shown in CST.
var shanghai = site.Shanghai

// render executes a page template with status.
func (s *Server) render(w http.ResponseWriter, status int, name string, p *page) error {
	return s.pages.Render(w, status, name, p)
}

// renderError shows an error page with a message that says what happened.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, err error) {
	ri := info(r)
	if ri.lang == "" {
		ri.lang = i18n.ZH
	}
	p := s.newPage(w, r, "error.title", nil)
	p.Flash = problem.Message(err, ri.lang)
	p.Data = status
	if rerr := s.render(w, status, "error", p); rerr != nil {
		http.Error(w, p.Flash, status)
	}
}

// formError re-renders a form page with the field messages of err, or fails
// the request when err is not about the input.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, name string, p *page, err error) error {
	return s.pages.FormError(w, r, name, p, err)
}

// problemDoc is an RFC 9457 problem document.
type problemDoc struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Field  string `json:"field,omitempty"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, lang string, status int, err error) {
	doc := problemDoc{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: problem.Message(err, lang)}
	var pe *problem.Error
	if asProblem(err, &pe) {
		doc.Type = "https://xinzhi.invalid/problems/" + strings.ReplaceAll(pe.Key, ".", "-")
		doc.Field = pe.Field
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="xinzhi"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(doc)
}

func writeJSON(w http.ResponseWriter, status int, v any) error { return site.WriteJSON(w, status, v) }

// roleForm is the data of the shared role fields: the page and the account
// being edited (nil when adding one).
type roleForm struct {
	P *page
	U *auth.User
}

// textField is the data of the shared text input with its message.
type textField struct {
	P                 *page
	Name, Value, Kind string
}

// formatNumber writes an amount with thousands separators (site.FormatNumber).
func formatNumber(x float64) string { return site.FormatNumber(x) }

// indicatorName names an indicator in lang, falling back to the name a
// frozen report stored.
func (s *Server) indicatorName(id, stored, lang string) string {
	if d, ok := s.indicators.Get(id); ok {
		name, _ := indicatorsweb.Label(d, lang)
		return name
	}
	return stored
}

// valueLabels are the catalogue prefixes of the values a matching
// condition names, by attribute.
var valueLabels = map[string]string{"kind": "org.kind.", "stage": "finance.stage.", "size": "org.size.", "collateral": "finance.collateral."}

// condition says a matching condition in lang: the attribute and its
// values by name, numbers without exponents.
func condition(lang string, c match.Condition) string {
	name := func(attr string) string {
		if i18n.Has("match.attr." + attr) {
			return i18n.T(lang, "match.attr."+attr)
		}
		return attr
	}
	sep := "、"
	if lang == i18n.EN {
		sep = ", "
	}
	switch {
	case c.Attr != "":
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			switch {
			case v == "any":
				vals[i] = i18n.T(lang, "finance.any_value")
			case valueLabels[c.Attr] != "" && i18n.Has(valueLabels[c.Attr]+v):
				vals[i] = i18n.T(lang, valueLabels[c.Attr]+v)
			default:
				vals[i] = v
			}
		}
		return i18n.T(lang, "match.cond.in", name(c.Attr), strings.Join(vals, sep))
	case c.Covers != nil:
		return i18n.T(lang, "match.cond.covers", name(c.Num), formatNumber(*c.Covers))
	case c.Min != nil && c.Max != nil:
		label := name(c.Num)
		if p, ok := strings.CutPrefix(c.Num, "free_"); ok {
			label = name("free") + " " + p
		}
		if *c.Max >= 1e9 {
			return i18n.T(lang, "match.cond.at_least", label, formatNumber(*c.Min))
		}
		return i18n.T(lang, "match.cond.between", label, formatNumber(*c.Min), formatNumber(*c.Max))
	}
	return c.Text
}
