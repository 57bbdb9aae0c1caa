package digitalweb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/digital"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// digitalData is the digital-transformation page: the assessment form, a
// result when one was just scored, and the catalogue.
type digitalData struct {
	Model     *digital.Model
	Answers   digital.Answers
	Result    *digital.Result
	Bars      []bar
	Fits      []digital.Fit
	Scene     string
	Solutions []digital.Solution
	Providers int
	Day       string
	// Pilot is the pilot record the assessment is for (?pilot=ID), whose
	// organisation or a manager keeps the scored result in it.
	Pilot    *program.View
	Purposes []string
	Purpose  string
	// the catalogue's page on screen (the API answers every solution)
	Shown      []digital.Solution
	Page, Last int
}

// solutionsPerPage is how many solutions the catalogue shows at once.
const solutionsPerPage = 50

// bar is one dimension drawn as an SVG bar (the width in pixels out of 300).
type bar struct {
	Name       string
	Score, Max float64
	Width, Y   int
}

func (s *area) digitalData(r *http.Request) (*digitalData, error) {
	m, err := digital.SME2024()
	if err != nil {
		return nil, err
	}
	d := &digitalData{Model: m, Day: s.DataDay(), Scene: r.URL.Query().Get("scene"), Purposes: digital.Purposes, Purpose: r.FormValue("purpose")}
	if raw := r.FormValue("pilot"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("pilot %q: %w", raw, problem.ErrNotFound)
		}
		v, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id)
		if err != nil {
			return nil, err
		}
		if v.Program != digital.PilotKind || !(v.Reach.Staff || v.Reach.Owner) {
			return nil, fmt.Errorf("pilot %d: %w", id, problem.ErrNotFound)
		}
		d.Pilot = &v
	}
	if d.Scene != "" && !slices.ContainsFunc(m.Scenes, func(x digital.Scene) bool { return x.Name == d.Scene }) {
		return nil, problem.Invalid("scene", "digital.unknown_scene", d.Scene)
	}
	ctx := r.Context()
	if d.Solutions, err = digital.Solutions(ctx, s.DB, d.Day, d.Scene); err != nil {
		return nil, err
	}
	d.Last = max(1, (len(d.Solutions)+solutionsPerPage-1)/solutionsPerPage)
	d.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	d.Page = min(max(d.Page, 1), d.Last)
	d.Shown = d.Solutions[(d.Page-1)*solutionsPerPage : min(len(d.Solutions), d.Page*solutionsPerPage)]
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(DISTINCT subject_id) FROM recognitions WHERE subject = 'organisation' AND kind = ? AND granted <= ? AND (revoked = '' OR revoked > ?)`,
		digital.ProviderKind, d.Day, d.Day).Scan(&d.Providers); err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	return d, nil
}

func (s *area) digitalPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.digitalData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "digital.title", d)
	if r.URL.Query().Get("listed") == "1" {
		p.Flash = p.T("digital.listed")
	}
	return s.pages.Render(w, http.StatusOK, "digital", p)
}

// answersFromForm reads the assessment form: item.KEY is a rate or a change,
// item.KEY (repeated) the ticked options, scene.NAME a level.
func answersFromForm(r *http.Request, m *digital.Model) digital.Answers {
	a := digital.Answers{Rates: map[string]float64{}, Ticked: map[string][]string{}, Changes: map[string]string{}, Scenes: map[string]int{}}
	for _, dim := range m.Dimensions {
		for _, it := range dim.Items {
			raw := strings.TrimSpace(r.FormValue("item." + it.Key))
			switch it.Kind {
			case "band":
				if raw != "" {
					v, err := strconv.ParseFloat(strings.TrimSuffix(raw, "%"), 64)
					if err != nil {
						v = -1 // refused, naming the item
					}
					a.Rates[it.Key] = v
				}
			case "multi":
				if vs := r.Form["item."+it.Key]; len(vs) > 0 {
					a.Ticked[it.Key] = vs
				}
			case "change":
				if raw != "" {
					a.Changes[it.Key] = raw
				}
			}
		}
	}
	for _, sc := range m.Scenes {
		if raw := r.FormValue("scene." + sc.Name); raw != "" {
			v, err := strconv.Atoi(raw)
			if err != nil {
				v = -1
			}
			a.Scenes[sc.Name] = v
		}
	}
	return a
}

// assess scores the form and suggests solutions for the weak scenes.
func (s *area) assess(w http.ResponseWriter, r *http.Request) error {
	d, err := s.digitalData(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return problem.Invalid("form", "form.fix_below")
	}
	d.Answers = answersFromForm(r, d.Model)
	p := s.NewPage(w, r, "digital.title", d)
	res, ps := d.Model.Assess(d.Answers)
	if len(ps) > 0 {
		p.Errors = ps.ByField(p.Lang)
		p.Flash, p.Bad = p.T("form.fix_below"), true
		return s.pages.Render(w, http.StatusUnprocessableEntity, "digital", p)
	}
	d.Result = &res
	if d.Pilot != nil && r.FormValue("save") == "1" {
		rec, err := digital.Record(r.Context(), s.DB, s.Files, site.Info(r).Principal, d.Pilot.ID, d.Purpose, 0, res)
		if err == nil {
			http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", rec.ID), http.StatusSeeOther)
			return nil
		}
		var pe *problem.Error
		if !errors.As(err, &pe) && !errors.Is(err, problem.ErrInvalid) {
			return err
		}
		p.Flash, p.Bad = problem.Message(err, p.Lang), true
	}
	for i, dim := range res.Dimensions {
		name := dim.Name
		if p.Lang == "en" {
			name = dim.NameEN
		}
		d.Bars = append(d.Bars, bar{Name: name, Score: dim.Score, Max: dim.Max, Width: int(300 * dim.Score / dim.Max), Y: 28 * i})
	}
	if s.Pools.Solutions != nil {
		if d.Fits, err = digital.Suggest(r.Context(), s.DB, s.Pools.Solutions, res, 10); err != nil {
			return err
		}
	}
	return s.pages.Render(w, http.StatusOK, "digital", p)
}

func (s *area) apiDigitalModel(w http.ResponseWriter, r *http.Request) error {
	m, err := digital.SME2024()
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, m)
}

// apiAssess scores answers (JSON) and suggests solutions for the weak
// scenes; nothing is stored.
func (s *area) apiAssess(w http.ResponseWriter, r *http.Request) error {
	m, err := digital.SME2024()
	if err != nil {
		return err
	}
	var a digital.Answers
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return problem.Invalid("body", "finance.bad_body")
	}
	res, ps := m.Assess(a)
	if len(ps) > 0 {
		return ps
	}
	// ?pilot=ID&purpose=… keeps the result as the pilot's assessment record.
	var kept *program.View
	if raw := r.URL.Query().Get("pilot"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("pilot %q: %w", raw, problem.ErrNotFound)
		}
		if _, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id); err != nil {
			return err
		}
		rec, err := digital.Record(r.Context(), s.DB, s.Files, site.Info(r).Principal, id, r.URL.Query().Get("purpose"), 0, res)
		if err != nil {
			return err
		}
		v, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, rec.ID)
		if err != nil {
			return err
		}
		kept = &v
	}
	fits := []digital.Fit{}
	if s.Pools.Solutions != nil {
		if fits, err = digital.Suggest(r.Context(), s.DB, s.Pools.Solutions, res, 10); err != nil {
			return err
		}
		if fits == nil {
			fits = []digital.Fit{}
		}
	}
	if kept != nil {
		return site.WriteJSON(w, http.StatusCreated, map[string]any{"result": res, "solutions": fits, "record": kept})
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"result": res, "solutions": fits})
}

func (s *area) apiSolutions(w http.ResponseWriter, r *http.Request) error {
	d, err := s.digitalData(r)
	if err != nil {
		return err
	}
	if d.Solutions == nil {
		d.Solutions = []digital.Solution{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"as_of": d.Day, "providers": d.Providers, "solutions": d.Solutions})
}

// solutionFrom reads a solution from a form; an organisation user lists
// for its own organisation.
func solutionFrom(get func(string) string, scenes []string, pr access.Principal) digital.Solution {
	sol := digital.Solution{Name: get("name"), Description: get("description"), Scenes: scenes, Deploy: get("deploy"), Listed: get("listed")}
	if v := strings.TrimSpace(get("price")); v != "" {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			x = -1 // refused, naming the field
		}
		sol.Price = x
	}
	sol.ProviderID, _ = strconv.ParseInt(get("provider_id"), 10, 64)
	if !pr.Can(access.ProgramManage) {
		sol.ProviderID = pr.OrgID
	}
	return sol
}

// listSolution puts a provider's solution in the catalogue.
func (s *area) listSolution(w http.ResponseWriter, r *http.Request) error {
	pr := site.Info(r).Principal
	if err := r.ParseForm(); err != nil {
		return problem.Invalid("form", "form.fix_below")
	}
	sol := solutionFrom(r.FormValue, r.Form["scenes"], pr)
	if !digital.MayList(pr, sol.ProviderID) {
		return problem.New(problem.ErrForbidden, "digital.provider_only")
	}
	m, err := digital.SME2024()
	if err != nil {
		return err
	}
	if _, err := m.AddSolution(r.Context(), s.DB, sol); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "digital.title", "digital", func() (any, error) { return s.digitalData(r) }, "name", "description", "price", "deploy", "listed"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/digital?listed=1#solutions", http.StatusSeeOther)
	return nil
}

func (s *area) apiListSolution(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		ProviderID  int64    `json:"provider_id"`
		Name        string   `json:"name"`
		Description string   `json:"description"`
		Scenes      []string `json:"scenes"`
		Price       float64  `json:"price"`
		Deploy      string   `json:"deploy"`
		Listed      string   `json:"listed"`
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return problem.Invalid("body", "finance.bad_body")
	}
	pr := site.Info(r).Principal
	sol := digital.Solution{ProviderID: body.ProviderID, Name: body.Name, Description: body.Description, Scenes: body.Scenes, Price: body.Price, Deploy: body.Deploy, Listed: body.Listed}
	if !pr.Can(access.ProgramManage) {
		sol.ProviderID = pr.OrgID
	}
	if !digital.MayList(pr, sol.ProviderID) {
		return problem.New(problem.ErrForbidden, "digital.provider_only")
	}
	m, err := digital.SME2024()
	if err != nil {
		return err
	}
	out, err := m.AddSolution(r.Context(), s.DB, sol)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, out)
}
