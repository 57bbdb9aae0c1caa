package web

import (
	"context"
	"net/http"
	"sort"

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

// openDataPage is the public page of downloads.
func (s *Server) openDataPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, http.StatusOK, "opendata", s.newPage(w, r, "opendata.title", s.publisher()))
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
