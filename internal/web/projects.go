package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// projectData is a project's page, or the application form of a call when
// New is set.
type projectData struct {
	New       bool
	Call      program.Call
	View      program.View
	StageName string
	Fields    []formField
	Editable  bool
	Missing   []string
	Moves     []moveButton
	History   []historyRow
	Review    *reviewPanel
	Deadlines []deadlineRow
}

type deadlineRow struct {
	Label   string
	Due     time.Time
	Overdue bool
}

type moveButton struct {
	Key, Label string
}

type historyRow struct {
	program.Event
	Label, ToLabel string
}

func (s *Server) applyPage(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	lang := info(r).lang
	d := projectData{New: true, Call: c, Editable: true, Fields: formFields(t, nil, nil, lang, nil, true, false)}
	d.View.Template = t
	p := s.newPage(w, r, "project.apply", d)
	if !c.OpenOn(today()) {
		p.Flash = problem.Message(problem.New(problem.ErrConflict, "project.call_closed", c.Name, c.Opens, c.Closes), lang)
	}
	return s.render(w, http.StatusOK, "project", p)
}

// apply creates a draft application from the form; refused fields come back
// with their messages and nothing is stored.
func (s *Server) apply(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	data, uploads, ps, done := readForm(r, t)
	defer done()
	var pr program.Project
	if len(ps) == 0 {
		pr, err = program.Apply(r.Context(), s.db, s.cfg.Files, info(r).principal, c.ID, data, uploads)
	} else {
		err = ps
	}
	if err != nil {
		if !errors.Is(err, problem.ErrInvalid) {
			return err
		}
		lang := info(r).lang
		d := projectData{New: true, Call: c, Editable: true, Fields: formFields(t, data, errorsByField(err, lang), lang, nil, true, false)}
		d.View.Template = t
		p := s.newPage(w, r, "project.apply", d)
		p.Flash = p.T("form.fix_below")
		return s.render(w, http.StatusUnprocessableEntity, "project", p)
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", pr.ID), http.StatusSeeOther)
	return nil
}

// projectPage shows a record as the caller may see it (program.ViewOf
// decides): the form, what is missing, the moves the caller may take, the
// history and the review panel.
func (s *Server) projectPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.projectData(r, nil)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "project.title", d)
	q := r.URL.Query()
	switch {
	case q.Get("saved") == "1":
		p.Flash = p.T("form.saved")
	case q.Get("moved") != "":
		p.Flash = p.T("project.moved", stageLabel(d.View.Template, q.Get("moved"), p.Lang))
	case q.Get("short") != "":
		p.Flash = p.T("review.short", q.Get("short"))
	case q.Get("assigned") == "1":
		p.Flash = p.T("review.assigned")
	case q.Get("scored") == "1":
		p.Flash = p.T("review.scored")
	case q.Get("withdrawn") == "1":
		p.Flash = p.T("review.withdrawn")
	}
	return s.render(w, http.StatusOK, "project", p)
}

func (s *Server) projectData(r *http.Request, errs map[string]string) (*projectData, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	pr := info(r).principal
	lang := info(r).lang
	v, err := program.ViewOf(ctx, s.db, pr, id)
	if err != nil {
		return nil, err
	}
	t := v.Template
	d := &projectData{View: v, StageName: stageLabel(t, v.Stage, lang)}
	d.Call, err = program.GetCall(ctx, s.db, v.CallID)
	if err != nil {
		return nil, err
	}
	d.Editable = v.Reach.Owner && program.Editable(t, v.Stage)
	d.Fields = formFields(t, v.Data, errs, lang, v.Attachments, d.Editable, v.Blind)
	if v.Reach.Owner {
		for _, f := range program.Missing(t, v.Data) {
			label := f.Label
			if lang == i18n.EN && f.LabelEN != "" {
				label = f.LabelEN
			}
			d.Missing = append(d.Missing, label)
		}
	}
	for _, tr := range t.Transitions {
		if !contains(tr.From, v.Stage) {
			continue
		}
		for _, by := range tr.By {
			ok := (by == "owner" && v.Reach.Owner) || (by == "reviewer" && v.Reach.Reviewer)
			if role, isRole := cutRole(by); isRole && pr.Has(role) {
				ok = true
			}
			if ok {
				d.Moves = append(d.Moves, moveButton{Key: tr.Key, Label: transitionLabel(tr, lang)})
				break
			}
		}
	}
	for _, dl := range v.Deadlines {
		for _, tr := range t.Transitions {
			if tr.Key == dl.Transition {
				d.Deadlines = append(d.Deadlines, deadlineRow{Label: transitionLabel(tr, lang), Due: dl.Due, Overdue: dl.Overdue})
			}
		}
	}
	for _, e := range v.History {
		h := historyRow{Event: e, ToLabel: stageLabel(t, e.To, lang), Label: e.Transition}
		for _, tr := range t.Transitions {
			if tr.Key == e.Transition {
				h.Label = transitionLabel(tr, lang)
			}
		}
		if e.Transition == "create" {
			h.Label = i18n.T(lang, "project.created")
		}
		d.History = append(d.History, h)
	}
	if t.Review != nil && (v.Reach.Manager || v.Reach.Reviewer || v.Reach.Staff) {
		if d.Review, err = s.reviewPanel(r, v); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func cutRole(by string) (access.Role, bool) {
	if len(by) > 5 && by[:5] == "role:" {
		return access.Role(by[5:]), true
	}
	return "", false
}

// saveProject stores the applicant's form; refused fields come back with
// their messages and nothing is stored.
func (s *Server) saveProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pr := info(r).principal
	v, err := program.ViewOf(r.Context(), s.db, pr, id)
	if err != nil {
		return err
	}
	data, uploads, ps, done := readForm(r, v.Template)
	defer done()
	version, _ := strconv.Atoi(r.FormValue("version"))
	if len(ps) == 0 {
		_, err = program.SaveData(r.Context(), s.db, s.cfg.Files, pr, id, data, uploads, version)
	} else {
		err = ps
	}
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", id), http.StatusSeeOther)
		return nil
	}
	if !errors.Is(err, problem.ErrInvalid) && !errors.Is(err, problem.ErrConflict) {
		return err
	}
	lang := info(r).lang
	errs := errorsByField(err, lang)
	d, derr := s.projectData(r, errs)
	if derr != nil {
		return derr
	}
	if errors.Is(err, problem.ErrInvalid) {
		d.Fields = formFields(v.Template, data, errs, lang, v.Attachments, true, false) // what was typed, to fix
	}
	p := s.newPage(w, r, "project.title", d)
	p.Flash = problem.Message(err, lang)
	if _, many := err.(problem.List); many {
		p.Flash = p.T("form.fix_below")
	}
	return s.render(w, problem.Status(err), "project", p)
}

// moveProject takes a transition; a refusal is shown on the record's page
// with its reason.
func (s *Server) moveProject(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	pr := info(r).principal
	if _, err := program.ViewOf(r.Context(), s.db, pr, id); err != nil {
		return err
	}
	moved, err := program.Move(r.Context(), s.db, pr, id, r.FormValue("transition"), r.FormValue("note"))
	if err == nil {
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?moved=%s", id, moved.Stage), http.StatusSeeOther)
		return nil
	}
	var pe *problem.Error
	if !asProblem(err, &pe) {
		return err
	}
	d, derr := s.projectData(r, nil)
	if derr != nil {
		return derr
	}
	p := s.newPage(w, r, "project.title", d)
	p.Flash = pe.Message(p.Lang)
	return s.render(w, problem.Status(err), "project", p)
}

// attachment sends a project's file to those who may see the project. A
// blind reviewer gets it under a neutral name.
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := program.GetAttachment(r.Context(), s.db, id)
	if err != nil {
		return err
	}
	v, err := program.ViewOf(r.Context(), s.db, info(r).principal, a.ProjectID)
	if err != nil {
		return err
	}
	name := a.Name
	for _, x := range v.Attachments {
		if x.ID == a.ID {
			name = x.Name // neutral when blind
		}
	}
	f, err := s.cfg.Files.Open(a)
	if err != nil {
		return fmt.Errorf("open attachment %d: %w", a.ID, err)
	}
	defer f.Close()
	w.Header().Set("Content-Type", a.MIME)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = io.Copy(w, f)
	return err
}
