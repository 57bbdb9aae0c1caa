package programsweb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/compute"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// suggestionsData is the page of suggested candidates for a need.
type suggestionsData struct {
	View        program.View
	Candidates  []match.Candidate
	Decisions   []match.Decision
	MayDecide   bool
	Unavailable bool // no segmenter: the engine is off
	// Re-ranking by embeddings (package assist), offered when an
	// embeddings model is configured and asked for with ?rerank=1.
	CanRerank  bool
	Reranked   bool
	Similarity map[int64]float64
	RerankErr  string // why re-ranking failed; the matcher's order stands
}

// suggestionLimit is how many suggestions a page or the API shows at most.
const suggestionLimit = 50

func (s *area) suggestions(r *http.Request) (*suggestionsData, error) {
	id, err := site.PathID(r)
	if err != nil {
		return nil, err
	}
	ctx, pr := r.Context(), site.Info(r).Principal
	v, err := program.ViewOf(ctx, s.DB, pr, id)
	if err != nil {
		return nil, err
	}
	d := &suggestionsData{View: v, MayDecide: v.Reach.Manager || v.Reach.Owner}
	limit := 20
	if x := r.URL.Query().Get("limit"); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil || n < 1 || n > suggestionLimit {
			return nil, problem.Invalid("limit", "match.limit", suggestionLimit)
		}
		limit = n
	}
	if s.Pools.Solvers == nil {
		d.Unavailable = true
	} else if d.Candidates, err = match.Suggest(ctx, s.DB, s.needPools(), pr, id, limit); err != nil {
		return nil, err
	}
	d.CanRerank = s.Assist.CanEmbed() && len(d.Candidates) > 1
	if d.CanRerank && r.URL.Query().Get("rerank") == "1" {
		if err := s.rerank(r, d); err != nil {
			var pe *problem.Error
			if !errors.As(err, &pe) {
				return nil, err
			}
			d.RerankErr = pe.Message(site.Info(r).Lang)
		}
	}
	if d.Decisions, err = match.Decisions(ctx, s.DB, pr, id); err != nil {
		return nil, err
	}
	return d, nil
}

// suggestionsPage shows a need's suggested candidates with the reasons for
// each, and the decisions taken so far.
func (s *area) suggestionsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.suggestions(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "match.title", d)
	switch r.URL.Query().Get("decided") {
	case "accepted":
		p.Flash = p.T("match.accepted")
	case "rejected":
		p.Flash = p.T("match.rejected")
	}
	return s.pages.Render(w, http.StatusOK, "suggestions", p)
}

// decideSuggestion accepts or rejects one suggested candidate.
func (s *area) decideSuggestion(w http.ResponseWriter, r *http.Request) error {
	id, org, decision, err := decisionPath(r)
	if err != nil {
		return err
	}
	dec, err := s.decide(r, id, org, decision, r.FormValue("reason"))
	if err != nil {
		var pe *problem.Error
		if errors.As(err, &pe) && !errors.Is(err, problem.ErrNotFound) {
			d, derr := s.suggestions(r)
			if derr != nil {
				return derr
			}
			p := s.NewPage(w, r, "match.title", d)
			p.Flash, p.Bad = pe.Message(p.Lang), true
			return s.pages.Render(w, problem.Status(err), "suggestions", p)
		}
		return err
	}
	if dec.DockingID != 0 {
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?docked=1", dec.DockingID), http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d/suggestions?decided=%s", id, dec.Decision), http.StatusSeeOther)
	return nil
}

func decisionPath(r *http.Request) (need, org int64, decision string, err error) {
	if need, err = site.PathID(r); err != nil {
		return
	}
	org, perr := strconv.ParseInt(r.PathValue("org"), 10, 64)
	decision = r.PathValue("decision")
	if perr != nil || org <= 0 || (decision != "accept" && decision != "reject") {
		err = fmt.Errorf("%s: %w", r.URL.Path, problem.ErrNotFound)
	}
	return
}

func (s *area) decide(r *http.Request, need, org int64, decision, reason string) (match.Decision, error) {
	pr := site.Info(r).Principal
	if decision == "accept" {
		return match.Accept(r.Context(), s.DB, pr, need, org, reason)
	}
	return match.Reject(r.Context(), s.DB, pr, need, org, reason)
}

// apiSuggestions is the JSON form of the suggestions page.
func (s *area) apiSuggestions(w http.ResponseWriter, r *http.Request) error {
	d, err := s.suggestions(r)
	if err != nil {
		return err
	}
	if d.Unavailable {
		return problem.New(problem.ErrConflict, "match.unavailable")
	}
	if d.Candidates == nil {
		d.Candidates = []match.Candidate{}
	}
	if d.Decisions == nil {
		d.Decisions = []match.Decision{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"need": d.View.ID, "suggestions": d.Candidates, "decisions": d.Decisions})
}

// apiDecide accepts or rejects a candidate; the body may be JSON
// {"reason": "…"}.
func (s *area) apiDecide(w http.ResponseWriter, r *http.Request) error {
	id, org, decision, err := decisionPath(r)
	if err != nil {
		return err
	}
	var body struct {
		Reason string `json:"reason"`
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if err != nil {
		return err
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			return problem.Invalid("body", "match.bad_body")
		}
	}
	dec, err := s.decide(r, id, org, decision, body.Reason)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, dec)
}

// needPools are the pools records that ask for organisations draw on.
func (s *area) needPools() map[string]*match.Pool {
	return map[string]*match.Pool{"": s.Pools.Solvers, compute.Centres: s.Pools.Centres}
}

// afterMove tells a record's likely candidates of it when the move brought
// it to the stage its need announces at (a published challenge). The move
// stands either way: a failure here is logged (the owner still sees the
// suggestions on the record's page), and match.Announce tells each
// candidate once however often it is called.
func (s *area) afterMove(ctx context.Context, id int64) {
	if n, err := match.Announce(ctx, s.DB, s.needPools(), id, announceTo); err != nil {
		s.Log.Warn("announce to suggested candidates", "project", id, "err", err)
	} else if n > 0 {
		s.Log.Info("announced to suggested candidates", "project", id, "told", n)
	}
}

// announceTo is how many suggested candidates a need is announced to.
const announceTo = 10
