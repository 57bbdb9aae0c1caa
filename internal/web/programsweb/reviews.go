package programsweb

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// reviewPanel is the review part of a project's page: for managers every
// assignment, the exclusions with their reasons, the results and the forms
// to assign; for a reviewer their own sheet only.
type reviewPanel struct {
	Review      *program.Review
	Criteria    []criterionRow
	InReview    bool
	Manager     bool
	Assignments []program.Assignment
	Exclusions  []exclusionRow
	Result      program.Result
	Pool        []program.Reviewer
	Mine        *program.Assignment
	Ratings     map[int64]program.Rating // a manager's rating of each submitted review, by assignment
}

type criterionRow struct {
	program.Criterion
	Label string
	Value string
}

type exclusionRow struct {
	Reviewer string
	Reasons  string
}

func (s *area) reviewPanel(r *http.Request, v program.View) (*reviewPanel, error) {
	ctx := r.Context()
	lang := site.Info(r).Lang
	t := v.Template
	rp := &reviewPanel{Review: t.Review, InReview: v.Stage == t.Review.ReviewStage(), Manager: v.Reach.Manager}
	if v.Reach.Staff {
		var err error
		if rp.Assignments, err = program.Assignments(ctx, s.DB, v.ID); err != nil {
			return nil, err
		}
		if rp.Result, err = program.Results(ctx, s.DB, t, v.ID, 1); err != nil {
			return nil, err
		}
		ex, err := program.Exclusions(ctx, s.DB, v.ID)
		if err != nil {
			return nil, err
		}
		for _, x := range ex {
			var reasons []string
			for _, c := range x.Conflicts {
				reasons = append(reasons, strings.TrimSpace(i18n.T(lang, "conflict."+c.Reason)+" "+strings.TrimSpace(c.Organisation+" "+c.Detail)))
			}
			rp.Exclusions = append(rp.Exclusions, exclusionRow{Reviewer: x.Name, Reasons: strings.Join(reasons, "；")})
		}
		if rp.Manager {
			if rp.Ratings, err = program.ProjectRatings(ctx, s.DB, v.ID); err != nil {
				return nil, err
			}
			pool, err := program.Pool(ctx, s.DB)
			if err != nil {
				return nil, err
			}
			taken := map[int64]bool{}
			for _, a := range rp.Assignments {
				taken[a.ReviewerID] = true // any status: declined and withdrawn experts are not drawn again
			}
			for _, x := range pool {
				if !taken[x.UserID] {
					rp.Pool = append(rp.Pool, x)
				}
			}
		}
	}
	for i := range v.Reach.Assignments {
		a := v.Reach.Assignments[i]
		if a.Status == program.Assigned || a.Status == program.Submitted {
			rp.Mine = &a
		}
	}
	for _, c := range t.Review.Criteria {
		row := criterionRow{Criterion: c, Label: c.Name}
		if lang == i18n.EN && c.NameEN != "" {
			row.Label = c.NameEN
		}
		if rp.Mine != nil {
			if x, ok := rp.Mine.Scores[c.Key]; ok {
				row.Value = strconv.FormatFloat(x, 'f', -1, 64)
			}
		}
		rp.Criteria = append(rp.Criteria, row)
	}
	return rp, nil
}

// backToProject redirects to a project's page with a flash key.
func backToProject(w http.ResponseWriter, r *http.Request, id int64, flash string) error {
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?%s=1", id, flash), http.StatusSeeOther)
	return nil
}

// projectError shows a refusal on the project's page.
func (s *area) projectError(w http.ResponseWriter, r *http.Request, err error) error {
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	d, derr := s.projectData(r, errorsByField(err, site.Info(r).Lang))
	if derr != nil {
		return derr
	}
	p := s.NewPage(w, r, "project.title", d)
	p.Flash = pe.Message(p.Lang)
	p.Bad = true
	return s.pages.Render(w, problem.Status(err), "project", p)
}

func (s *area) assignReviewers(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if _, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id); err != nil {
		return err
	}
	res, err := program.Assign(r.Context(), s.DB, site.Info(r).Principal, id, 1)
	if err != nil {
		return s.projectError(w, r, err)
	}
	if res.Short > 0 {
		field := ""
		if res.Field != "" {
			field = "&field=" + url.QueryEscape(res.Field)
		}
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?short=%d%s", id, res.Short, field), http.StatusSeeOther)
		return nil
	}
	return backToProject(w, r, id, "assigned")
}

func (s *area) overrideReviewer(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if _, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id); err != nil {
		return err
	}
	reviewer, _ := strconv.ParseInt(r.FormValue("reviewer"), 10, 64)
	if err := program.Override(r.Context(), s.DB, site.Info(r).Principal, id, 1, reviewer, r.FormValue("reason")); err != nil {
		return s.projectError(w, r, err)
	}
	return backToProject(w, r, id, "assigned")
}

func (s *area) withdrawReviewer(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	a, err := program.GetAssignment(r.Context(), s.DB, id)
	if err != nil {
		return err
	}
	r.SetPathValue("id", strconv.FormatInt(a.ProjectID, 10))
	if err := program.Withdraw(r.Context(), s.DB, site.Info(r).Principal, id, r.FormValue("reason")); err != nil {
		return s.projectError(w, r, err)
	}
	return backToProject(w, r, a.ProjectID, "withdrawn")
}

// scoreSheet stores a reviewer's scores; refused scores come back beside
// their criteria.
func (s *area) scoreSheet(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	pr := site.Info(r).Principal
	a, err := s.myAssignment(r, id)
	if err != nil {
		return err
	}
	sheet := program.Score{Scores: map[string]float64{}, Comment: r.FormValue("comment")}
	sheet.Version, _ = strconv.Atoi(r.FormValue("version"))
	var bad problem.List
	for k, vs := range r.Form {
		name, ok := strings.CutPrefix(k, "score_")
		if !ok || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(vs[0]), 64)
		if err != nil {
			label := name
			if v, verr := program.ViewOf(r.Context(), s.DB, pr, a.ProjectID); verr == nil && v.Template.Review != nil {
				if c, ok := v.Template.Review.Criterion(name); ok {
					label = c.Name
				}
			}
			bad = append(bad, problem.Invalid(k, "form.number", label))
			continue
		}
		sheet.Scores[name] = x
	}
	r.SetPathValue("id", strconv.FormatInt(a.ProjectID, 10))
	if len(bad) == 0 {
		_, err = program.SubmitScores(r.Context(), s.DB, pr, id, sheet)
	} else {
		err = bad
	}
	if err == nil {
		return backToProject(w, r, a.ProjectID, "scored")
	}
	var list problem.List
	if errors.As(err, &list) {
		d, derr := s.projectData(r, nil)
		if derr != nil {
			return derr
		}
		p := s.NewPage(w, r, "project.title", d)
		p.Errors = list.ByField(p.Lang)
		p.Flash = p.T("form.fix_below")
		p.Bad = true
		for k, vs := range r.Form {
			if strings.HasPrefix(k, "score_") && len(vs) > 0 {
				p.Form[k] = vs[0]
			}
		}
		p.Form["comment"] = sheet.Comment
		return s.pages.Render(w, http.StatusUnprocessableEntity, "project", p)
	}
	return s.projectError(w, r, err)
}

func (s *area) declineReview(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	pr := site.Info(r).Principal
	a, err := s.myAssignment(r, id)
	if err != nil {
		return err
	}
	r.SetPathValue("id", strconv.FormatInt(a.ProjectID, 10))
	if err := program.Decline(r.Context(), s.DB, pr, id, r.FormValue("reason"), r.FormValue("conflict") == "1"); err != nil {
		return s.projectError(w, r, err)
	}
	http.Redirect(w, r, "/reviews?declined=1", http.StatusSeeOther)
	return nil
}

// reviewsData is a reviewer's list of assignments. It names no applicant:
// what a reviewer sees of a record comes from program.ViewOf.
type reviewsData struct {
	Rows []reviewRow
}

type reviewRow struct {
	program.Assignment
	Title   string `json:"title"`
	Program string `json:"program"`
	Stage   string `json:"stage"`
}

func (s *area) reviewsPage(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.reviewRows(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "reviews.title", reviewsData{Rows: rows})
	if r.URL.Query().Get("declined") == "1" {
		p.Flash = p.T("reviews.declined")
	}
	return s.pages.Render(w, http.StatusOK, "reviews", p)
}

func (s *area) reviewRows(r *http.Request) ([]reviewRow, error) {
	pr := site.Info(r).Principal
	lang := site.Info(r).Lang
	as, err := program.ReviewerAssignments(r.Context(), s.DB, pr.UserID)
	if err != nil {
		return nil, err
	}
	out := []reviewRow{}
	status := r.URL.Query().Get("status") // ?status=assigned: the landing's "reviews to do"
	for _, a := range as {
		if a.Status == program.Withdrawn || (status != "" && a.Status != status) {
			continue
		}
		v, err := program.ViewOf(r.Context(), s.DB, pr, a.ProjectID)
		if err != nil {
			return nil, err
		}
		name := v.ProgramName
		if lang == i18n.EN && v.Template.NameEN != "" {
			name = v.Template.NameEN
		}
		out = append(out, reviewRow{Assignment: a, Title: v.Title, Program: name, Stage: StageLabel(v.Template, v.Stage, lang)})
	}
	return out, nil
}

// apiReviews lists the caller's assignments, as blind as their pages.
func (s *area) apiReviews(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.reviewRows(r)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": rows})
}

// myAssignment reads one of the caller's own assignments; anyone else's is
// not found.
func (s *area) myAssignment(r *http.Request, id int64) (program.Assignment, error) {
	a, err := program.GetAssignment(r.Context(), s.DB, id)
	if err != nil || a.ReviewerID != site.Info(r).Principal.UserID {
		return a, fmt.Errorf("assignment %d: %w", id, problem.ErrNotFound)
	}
	return a, nil
}

// rateExpert records a manager's rating of a submitted review, from the
// record's page.
func (s *area) rateExpert(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil {
		return fmt.Errorf("assignment %q: %w", r.PathValue("aid"), problem.ErrNotFound)
	}
	if _, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id); err != nil {
		return err
	}
	a, err := program.GetAssignment(r.Context(), s.DB, aid)
	if err != nil {
		return err
	}
	if a.ProjectID != id {
		return fmt.Errorf("assignment %d of project %d: %w", aid, id, problem.ErrNotFound)
	}
	rating, perr := strconv.Atoi(strings.TrimSpace(r.FormValue("rating")))
	if perr != nil {
		rating = 0 // refused below with the range
	}
	if err := program.RateExpert(r.Context(), s.DB, site.Info(r).Principal, aid, rating, r.FormValue("note")); err != nil {
		return s.projectError(w, r, err)
	}
	return backToProject(w, r, id, "rated")
}
