package web

import (
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
)

func (s *Server) publisher() opendata.Publisher {
	p := s.cfg.Publisher
	if p.Prefix == "" {
		p.Prefix = "360G-xinzhi"
	}
	if p.Name == "" {
		p.Name = "市科学技术局"
	}
	if p.ID == "" {
		p.ID = p.Prefix + "-funder"
	}
	if p.BaseURL == "" {
		p.BaseURL = s.cfg.BaseURL
	}
	return p
}

// exportPublisher is the publisher with an absolute base for the exports'
// uri fields: the configured one, else the request's own.
func (s *Server) exportPublisher(r *http.Request) opendata.Publisher {
	p := s.publisher()
	if p.BaseURL == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		p.BaseURL = scheme + "://" + r.Host
	}
	return p
}

// asOf reads the export's day (?date=YYYY-MM-DD, China time; today when
// absent) and, for an increment, ?since=YYYY-MM-DD.
func asOf(r *http.Request) (opendata.AsOf, *opendata.AsOf, error) {
	a, err := opendata.Day(r.URL.Query().Get("date"))
	if err != nil {
		return a, nil, problem.Invalid("date", "opendata.bad_date")
	}
	s := r.URL.Query().Get("since")
	if s == "" {
		return a, nil, nil
	}
	since, err := opendata.Day(s)
	if err != nil {
		return a, nil, problem.Invalid("since", "opendata.bad_date")
	}
	return a, &since, nil
}

// dataExport is one export on the public Data and API page.
type dataExport struct {
	ID       string   // the row's anchor
	Name     string   // i18n key of its name
	Hint     string   // i18n key of what it holds
	Links    []string // where to download it (the first is its address)
	Format   string   // e.g. JSON
	Standard string   // the standard's name and version
	Schema   string   // the official schema
	Docs     string   // the standard's documentation
	Licence  string   // the licence's short name ("" for none)
	LicURL   string
	Last     time.Time // the latest change the export reflects (zero: none yet)
	Live     bool      // served live (the API): no last change to name
}

// dataPage is the public Data and API page.
type dataPage struct {
	Name    string // the publisher
	AsOf    string // today, China time: the day the last changes are read as of
	Exports []dataExport
}

// openDataPage is the public Data and API page: each export with its
// licence, the standard and version it follows, its schema and the
// latest change it reflects today (the latest dateModified of the grants,
// the latest release date of the processes), and the API's document.
func (s *Server) openDataPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pub := s.publisher()
	a, err := opendata.Day("")
	if err != nil {
		return err
	}
	last, err := s.openDataLast(ctx, pub, a)
	if err != nil {
		return err
	}
	lic, licURL := pub.LicenceName(), pub.LicenceURL()
	giving := opendata.Giving360.Name + " " + opendata.Giving360.Version
	ocds := opendata.OCDS.Name + " " + opendata.OCDS.Version
	d := dataPage{Name: pub.Name, AsOf: a.Date(), Exports: []dataExport{
		{ID: "grants", Name: "opendata.grants", Hint: "opendata.grants_hint", Links: []string{"/open-data/grants.json"}, Format: "JSON",
			Standard: giving, Schema: opendata.Giving360.Schema, Docs: opendata.Giving360.Docs, Licence: lic, LicURL: licURL, Last: last[0]},
		{ID: "releases", Name: "opendata.challenges", Hint: "opendata.challenges_hint", Links: []string{"/open-data/ocds/releases.json", "/open-data/challenges.json"}, Format: "JSON",
			Standard: ocds, Schema: opendata.OCDS.Schema, Docs: opendata.OCDS.Docs, Licence: lic, LicURL: licURL, Last: last[1]},
		{ID: "records", Name: "opendata.records", Hint: "opendata.records_hint", Links: []string{"/open-data/ocds/records.json"}, Format: "JSON",
			Standard: ocds, Schema: opendata.OCDSRecordSchema, Docs: opendata.OCDS.Docs, Licence: lic, LicURL: licURL, Last: last[2]},
		{ID: "api", Name: "opendata.api", Hint: "opendata.api_hint", Links: []string{"/api/openapi.json"}, Format: "JSON",
			Standard: "OpenAPI " + openAPIVersion(), Schema: openAPISchema, Docs: "/api/docs", Live: true},
	}}
	return s.render(w, http.StatusOK, "opendata", s.newPage(w, r, "opendata.title", d))
}

// openDataLast gives the latest change of the grants, the releases and the
// records as of a, from the exports themselves, so the page states what a
// download would hold. The three are kept until the next write (the audit
// generation) or day, and built one after another, each dropped before the
// next: building them is most of a second and hundreds of megabytes of
// allocation at the demo's size, which a page view should not pay each time
// nor hold three times over at once.
func (s *Server) openDataLast(ctx context.Context, pub opendata.Publisher, a opendata.AsOf) ([3]time.Time, error) {
	gen, err := audit.Generation(ctx, s.db)
	if err != nil {
		return [3]time.Time{}, err
	}
	day := a.Date()
	s.openLast.Lock()
	defer s.openLast.Unlock()
	if s.openLast.gen == gen && s.openLast.day == day && gen != 0 {
		return s.openLast.last, nil
	}
	var last [3]time.Time
	steps := []func() (string, error){
		func() (string, error) {
			p, err := opendata.Grants(ctx, s.db, pub, a)
			return p.LastChange(), err
		},
		func() (string, error) {
			p, err := opendata.Releases(ctx, s.db, pub, a, nil)
			return p.LastChange(), err
		},
		func() (string, error) {
			p, err := opendata.Records(ctx, s.db, pub, a)
			return p.LastChange(), err
		},
	}
	for i, step := range steps {
		v, err := step()
		if err != nil {
			return [3]time.Time{}, err
		}
		last[i] = lastChange(v)
	}
	s.openLast.gen, s.openLast.day, s.openLast.last = gen, day, last
	return last, nil
}

// lastChange reads an export's latest change (RFC 3339); zero when none.
func lastChange(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// openGrants serves funded projects as a 360Giving data package, as of
// ?date=.
func (s *Server) openGrants(w http.ResponseWriter, r *http.Request) error {
	a, _, err := asOf(r)
	if err != nil {
		return err
	}
	pkg, err := opendata.Grants(r.Context(), s.db, s.exportPublisher(r), a)
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, pkg)
}

// openChallenges serves the contracting processes (challenge lists and
// competitive calls) as an OCDS release package as of ?date=, only those
// changed after ?since= when given.
func (s *Server) openChallenges(w http.ResponseWriter, r *http.Request) error {
	a, since, err := asOf(r)
	if err != nil {
		return err
	}
	pkg, err := opendata.Releases(r.Context(), s.db, s.exportPublisher(r), a, since)
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, pkg)
}

// openRecords serves the same processes as an OCDS record package (each
// with its compiled release) as of ?date=.
func (s *Server) openRecords(w http.ResponseWriter, r *http.Request) error {
	a, _, err := asOf(r)
	if err != nil {
		return err
	}
	pkg, err := opendata.Records(r.Context(), s.db, s.exportPublisher(r), a)
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	return writeJSON(w, http.StatusOK, pkg)
}

// challengeRow is one published challenge on the public list.
type challengeRow struct {
	ID       string
	Title    string
	Owner    string
	Field    string
	Bounty   float64
	Deadline string
	Term     float64
	Limits   string
	Bidders  int
	Open     bool
}

// challengesPage is the public list of published challenges (揭榜挂帅
// 榜单): open ones first; only the template's public fields are shown.
// Signed-in organisations open a challenge to read it in full and bid.
// challengeOf is a published challenge's row as pages show it: its field
// named in the page's language.
func challengeOf(rel opendata.Release, field program.Field, lang string) challengeRow {
	c := challengeRow{ID: rel.Tender.ID, Title: rel.Tender.Title, Owner: rel.Buyer.Name, Bidders: rel.Tender.NumberOfTenderers, Open: rel.Bidding}
	c.Field, _ = rel.Extra["field"].(string)
	c.Field = field.OptionLabel(c.Field, lang)
	c.Bounty, _ = rel.Extra["bounty"].(float64)
	c.Deadline, _ = rel.Extra["bid_deadline"].(string)
	c.Term, _ = rel.Extra["term_months"].(float64)
	c.Limits, _ = rel.Extra["bidder_limits"].(string)
	return c
}

// challengeField is the challenge form's field of fields, to name its
// options in the page's language.
func (s *Server) challengeField(ctx context.Context) program.Field {
	var field program.Field
	if pub, err := program.Latest(ctx, s.db, "challenge"); err == nil {
		field, _ = pub.Template.Field("field")
	}
	return field
}

func (s *Server) challengesPage(w http.ResponseWriter, r *http.Request) error {
	pkg, err := opendata.Challenges(r.Context(), s.db, s.publisher(), "challenge", s.cfg.BaseURL)
	if err != nil {
		return err
	}
	field := s.challengeField(r.Context())
	var rows []challengeRow
	for _, rel := range pkg.Releases {
		rows = append(rows, challengeOf(rel, field, info(r).lang))
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Open && !rows[j].Open })
	p := s.newPage(w, r, "challenges.title", rows)
	return s.render(w, http.StatusOK, "challenges", p)
}

// challengeView is one published challenge as the public reads it: its
// public fields only.
type challengeView struct {
	challengeRow
	Need       string
	Indicators [][2]string // indicator, target
	SignedIn   bool
}

// challengePage is a published challenge for anyone: the need, the key
// indicators, bounty, deadline and term, who published it and how many
// have bid. Challenges not (yet) published are not found.
func (s *Server) challengePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rel, err := opendata.Challenge(r.Context(), s.db, s.publisher(), "challenge", s.cfg.BaseURL, id)
	if err != nil {
		return err
	}
	v := challengeView{challengeRow: challengeOf(rel, s.challengeField(r.Context()), info(r).lang), SignedIn: !info(r).principal.Anon}
	v.Need, _ = rel.Extra["need"].(string)
	rows, _ := rel.Extra["indicators"].([]any)
	for _, x := range rows {
		row, _ := x.(map[string]any)
		ind, _ := row["indicator"].(string)
		tgt, _ := row["target"].(string)
		if ind != "" || tgt != "" {
			v.Indicators = append(v.Indicators, [2]string{ind, tgt})
		}
	}
	p := s.newPage(w, r, "challenges.title", v)
	p.Title = v.Title
	return s.render(w, http.StatusOK, "challenge", p)
}
