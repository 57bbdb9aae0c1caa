package integrityweb

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// integrityData is the register page.
type integrityData struct {
	Sanctions []integrity.Sanction
	Scopes    []string
	Sources   []string
	Day       string
	// Pending are the duplicate pairs no manager has decided, across
	// records: refused moves first, then flags.
	Pending []pendingPair
}

func (s *area) integrityData(r *http.Request) (*integrityData, error) {
	ss, err := integrity.List(r.Context(), s.DB)
	if err != nil {
		return nil, err
	}
	d := &integrityData{Sanctions: ss, Scopes: integrity.Scopes, Sources: integrity.Sources, Day: s.DataDay()}
	ps, err := integrity.Pending(r.Context(), s.DB, 200)
	if err != nil {
		return nil, err
	}
	titles := map[int64]string{}
	title := func(id int64) string {
		if t, ok := titles[id]; ok {
			return t
		}
		pr, err := program.GetProject(r.Context(), s.DB, id)
		if err != nil {
			return fmt.Sprint("#", id)
		}
		titles[id] = pr.Title
		return pr.Title
	}
	for _, p := range ps {
		d.Pending = append(d.Pending, pendingPair{ProjectID: p.ProjectID, OtherID: p.OtherID, Score: p.Score, State: p.Decision, Title: title(p.ProjectID), OtherTitle: title(p.OtherID),
			At: p.At.In(site.Shanghai).Format("2006-01-02 15:04")})
	}
	return d, nil
}

// pendingPair is a duplicate pair waiting for a manager's decision.
type pendingPair struct {
	ProjectID, OtherID           int64
	Score                        float64
	State, Title, OtherTitle, At string
}

func (s *area) integrityPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.integrityData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "integrity.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("returns.saved")
	}
	return s.pages.Render(w, http.StatusOK, "integrity", p)
}

// addSanction enters a sanction from the form (managers).
func (s *area) addSanction(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(strings.TrimSpace(r.FormValue("subject_id")), 10, 64)
	_ = r.ParseForm()
	_, err := integrity.Add(r.Context(), s.DB, integrity.Sanction{Subject: r.FormValue("subject"), SubjectID: id, Misconduct: strings.TrimSpace(r.FormValue("misconduct")),
		Scopes: r.Form["scopes"], Starts: r.FormValue("starts"), Ends: r.FormValue("ends"), Source: r.FormValue("source"), Decision: strings.TrimSpace(r.FormValue("decision")),
		Reason: strings.TrimSpace(r.FormValue("reason")), Watch: r.FormValue("watch") == "on"})
	return s.integrityDone(w, r, err, "subject_id", "misconduct", "starts", "ends", "decision", "reason")
}

// appealSanction records an appeal's outcome (managers).
func (s *area) appealSanction(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(r.FormValue("version"))
	_, err = integrity.SetAppeal(r.Context(), s.DB, id, r.FormValue("appeal"), r.FormValue("ends"), version)
	return s.integrityDone(w, r, err)
}

func (s *area) integrityDone(w http.ResponseWriter, r *http.Request, err error, fields ...string) error {
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "integrity.title", "integrity", func() (any, error) { return s.integrityData(r) }, fields...); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/integrity?saved=1", http.StatusSeeOther)
	return nil
}

func (s *area) apiSanctions(w http.ResponseWriter, r *http.Request) error {
	ss, err := integrity.List(r.Context(), s.DB)
	if err != nil {
		return err
	}
	if ss == nil {
		ss = []integrity.Sanction{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": ss})
}

func (s *area) apiAddSanction(w http.ResponseWriter, r *http.Request) error {
	var x integrity.Sanction
	dec := json.NewDecoder(io.LimitReader(r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		return problem.Invalid("body", "ai.bad_body")
	}
	x, err := integrity.Add(r.Context(), s.DB, x)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, x)
}
