package programsweb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/digital"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// projectData is a project's page, or the application form of a call when
// New is set.
type projectData struct {
	New        bool
	Suggest    bool // a need the matching engine suggests candidates for
	Offers     bool // a funding need the engine suggests products for
	Assess     bool // a digital pilot, assessed on /digital into its record
	Convert    bool // a disbursed grant leg a manager may convert to equity
	Call       program.Call
	View       program.View
	StageName  string
	Fields     []formField
	Editable   bool
	Missing    []string
	Moves      []moveButton
	MovesWait  string // why the moves deciding on a review are disabled (its sheets are not all in)
	History    []historyRow
	Review     *reviewPanel
	AIOn       bool       // a model is configured and the caller reviews this record: offer 「AI 摘要」
	AISummary  *aiSummary // the caller's summary, its numbers checked
	Deadlines  []deadlineRow
	Action     string // where the form posts
	AsksAmount bool   // a move here records an amount
	CanRecord  bool   // may record outcomes
	Kinds      []string
	Levels     []string
	// ReplyTemplates are the report templates a reply can be drafted from.
	ReplyTemplates []string
	Register       bool // the form registers a staff-run record
	Children       []childSection
	// Screening is, for staff, what the integrity register says of the
	// record's people and organisations where a move ahead screens them.
	Screening *screeningPanel
	// Duplicates is, for staff, the earlier applications the record's text
	// resembles, with the passages side by side and the decisions taken.
	Duplicates *duplicatePanel
	// Commitment is the program's commitment text with the record's
	// confirmations; CanCommit when the caller is the applicant.
	Commitment    *program.Commitment
	Confirmations []program.Confirmation
	CanCommit     bool
	Parent        *program.ProjectRow
	// Progress is how a project stands against its contract, for staff
	// and the applicant.
	Progress *progressPanel
}

// childSection lists one kind of child record (a challenge's bids) and
// offers to add one when the caller may.
type childSection struct {
	Kind   program.Child
	Label  string
	Rows   []program.ProjectRow
	CanAdd bool
}

type deadlineRow struct {
	Label   string
	Due     time.Time
	Overdue bool
}

type moveButton struct {
	Key, Label string
	Amount     string // approved or disbursed: the move asks for an amount
	Grave      bool   // bars someone, makes money due back or fails the record: asks a reason and a confirmation
	Negative   bool   // the negative answer (refuse, end, send back): shown apart from the positive move
	Wait       bool   // decides on a review whose score sheets are not all in: disabled, the reason in MovesWait
}

type historyRow struct {
	program.Event
	Label, ToLabel string
}

func (s *area) applyPage(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	d := projectData{New: true, Call: c, Editable: true, Fields: formFields(t, nil, nil, lang, nil, true, false), Action: fmt.Sprintf("/calls/%d/apply", c.ID)}
	d.View.Template = t
	p := s.NewPage(w, r, "project.apply", d)
	if !c.OpenOn(today(r.Context())) {
		p.Flash = problem.Message(problem.New(problem.ErrConflict, "project.call_closed", c.Name, c.Opens, c.Closes), lang)
		p.Bad = true
	}
	return s.pages.Render(w, http.StatusOK, "project", p)
}

// apply creates a draft application from the form; refused fields come back
// with their messages and nothing is stored.
func (s *area) apply(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	data, uploads, ps, done := s.readForm(r, t)
	defer done()
	var pr program.Project
	if len(ps) == 0 {
		pr, err = program.Apply(r.Context(), s.DB, s.Files, site.Info(r).Principal, c.ID, data, uploads)
	} else {
		err = ps
	}
	if err != nil {
		if !errors.Is(err, problem.ErrInvalid) {
			return err
		}
		lang := site.Info(r).Lang
		errs := errorsByField(err, lang)
		kept := s.keepUploads(r, uploads, errs)
		d := projectData{New: true, Call: c, Editable: true, Action: fmt.Sprintf("/calls/%d/apply", c.ID),
			Fields: formFields(t, data, errs, lang, nil, true, false, formExtra{Raw: r.Form, Resend: resend(uploads), Names: s.refNames(r, t, data), Pending: kept})}
		d.View.Template = t
		p := s.NewPage(w, r, "project.apply", d)
		p.Flash = p.T("form.fix_below")
		p.Bad = true
		return s.pages.Render(w, http.StatusUnprocessableEntity, "project", p)
	}
	s.dropPending(r, uploads)
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", pr.ID), http.StatusSeeOther)
	return nil
}

// projectPage shows a record as the caller may see it (program.ViewOf
// decides): the form, what is missing, the moves the caller may take, the
// history and the review panel.
func (s *area) projectPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.projectData(r, nil)
	if err != nil {
		return err
	}
	if err := s.summaryData(r, d); err != nil {
		return err
	}
	p := s.NewPage(w, r, "project.title", d)
	if t := d.View.Title; t != "" && !d.View.Blind && !i18n.Has(t) { // the tab names the record
		p.Title = t
	}
	q := r.URL.Query()
	switch {
	case q.Get("docked") == "1":
		p.Flash = p.T("match.accepted")
	case q.Get("saved") == "1":
		p.Flash = p.T("form.saved")
	case q.Get("moved") != "":
		p.Flash = p.T("project.moved", StageLabel(d.View.Template, q.Get("moved"), p.Lang))
	case q.Get("short") != "" && q.Get("field") != "":
		p.Flash = p.T("experts.short_field", q.Get("field"), q.Get("short"))
	case q.Get("short") != "":
		p.Flash = p.T("review.short", q.Get("short"))
	case q.Get("assigned") == "1":
		p.Flash = p.T("review.assigned")
	case q.Get("scored") == "1":
		p.Flash = p.T("review.scored")
	case q.Get("recorded") == "1":
		p.Flash = p.T("outcome.added")
	case q.Get("withdrawn") == "1":
		p.Flash = p.T("review.withdrawn")
	case q.Get("rated") == "1":
		p.Flash = p.T("experts.rated")
	}
	return s.pages.Render(w, http.StatusOK, "project", p)
}

func (s *area) projectData(r *http.Request, errs map[string]string) (*projectData, error) {
	id, err := site.PathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	pr := site.Info(r).Principal
	lang := site.Info(r).Lang
	v, err := program.ViewOf(ctx, s.DB, pr, id)
	if err != nil {
		return nil, err
	}
	t := v.Template
	d := &projectData{View: v, StageName: StageLabel(t, v.Stage, lang), Action: fmt.Sprintf("/projects/%d", v.ID)}
	d.Call, err = program.GetCall(ctx, s.DB, v.CallID)
	if err != nil {
		return nil, err
	}
	d.Editable = (v.Reach.Owner && program.Editable(t, v.Stage)) || (v.Reach.Manager && program.StaffEditable(t, v.Stage))
	if _, ok := t.Field("reply_text"); ok && d.Editable && v.Reach.Manager {
		tpls, err := report.LoadTemplates(reports.Files)
		if err != nil {
			return nil, err
		}
		for id := range tpls {
			d.ReplyTemplates = append(d.ReplyTemplates, id)
		}
		sort.Strings(d.ReplyTemplates)
	}
	var names map[string]string
	if !v.Blind {
		names = s.refNames(r, t, v.Data)
	}
	d.Fields = formFields(t, v.Data, errs, lang, v.Attachments, d.Editable, v.Blind, formExtra{Names: names})
	_, isNeed := match.Needs[t.Key]
	d.Suggest = isNeed && (v.Reach.Staff || v.Reach.Owner)
	d.Offers = t.Key == "funding_need" && (v.Reach.Staff || v.Reach.Owner)
	d.Assess = t.Key == digital.PilotKind && (v.Reach.Staff || v.Reach.Owner)
	if t.Commitment != nil && (v.Reach.Staff || v.Reach.Owner) {
		d.Commitment, d.CanCommit = t.Commitment, v.Reach.Owner && program.Editable(t, v.Stage)
		if d.Confirmations, err = program.Confirmations(r.Context(), s.DB, v.ID); err != nil {
			return d, err
		}
	}
	if (v.Reach.Staff || v.Reach.Owner) && !v.Blind {
		if d.Progress, err = s.progressPanel(r, v); err != nil {
			return d, err
		}
	}
	if v.Reach.Staff {
		if d.Screening, err = s.screeningPanel(r, t, v); err != nil {
			return d, err
		}
		if d.Duplicates, err = s.duplicatePanel(r, t, v); err != nil {
			return d, err
		}
	}
	d.Convert = t.Key == "finance_leg" && v.Stage == "disbursed" && v.Reach.Manager && v.Data["instrument"] == finance.GrantToEquity
	if v.Reach.Owner {
		for _, f := range program.Missing(t, v.Data) {
			label := f.Label
			if lang == i18n.EN && f.LabelEN != "" {
				label = f.LabelEN
			}
			d.Missing = append(d.Missing, label)
		}
	}
	// Moves that decide on a review wait until the round holds the score
	// sheets the template requires.
	reviewsIn := true
	if t.Review != nil && v.Stage == t.Review.ReviewStage() {
		res, err := program.Results(r.Context(), s.DB, t, v.ID, 1)
		if err != nil {
			return nil, err
		}
		if res.Submitted < t.Review.Required() {
			reviewsIn = false
			d.MovesWait = i18n.T(lang, "project.awaiting_reviews", res.Submitted, t.Review.Required())
		}
	}
	for _, tr := range t.Transitions {
		if !slices.Contains(tr.From, v.Stage) {
			continue
		}
		for _, by := range tr.By {
			ok := (by == "owner" && v.Reach.Owner) || (by == "reviewer" && v.Reach.Reviewer)
			if role, isRole := program.RoleOf(by); isRole && pr.Has(role) {
				ok = true
			}
			if ok {
				d.Moves = append(d.Moves, moveButton{Key: tr.Key, Label: transitionLabel(tr, lang), Amount: tr.Amount, Grave: t.Grave(&tr),
					Negative: t.Negative(&tr), Wait: !reviewsIn && t.DecidesOnReview(&tr)})
				d.AsksAmount = d.AsksAmount || tr.Amount != ""
				break
			}
		}
	}
	if !slices.ContainsFunc(d.Moves, func(m moveButton) bool { return m.Wait }) {
		d.MovesWait = "" // nothing this user may take waits on the review
	}
	for _, dl := range v.Deadlines {
		for _, tr := range t.Transitions {
			if tr.Key == dl.Transition {
				due := dl.Due
				if dl.Closes {
					due = due.Add(-time.Minute) // the call's last day, 23:59, not the next midnight
				}
				d.Deadlines = append(d.Deadlines, deadlineRow{Label: transitionLabel(tr, lang), Due: due, Overdue: dl.Overdue})
			}
		}
	}
	for _, e := range v.History {
		h := historyRow{Event: e, ToLabel: StageLabel(t, e.To, lang), Label: e.Transition}
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
	d.CanRecord = v.Reach.Owner || v.Reach.Manager
	d.Kinds, d.Levels = program.OutcomeKinds, program.EvaluationLevels
	if err := s.childSections(r, d); err != nil {
		return nil, err
	}
	if t.Review != nil && (v.Reach.Manager || v.Reach.Reviewer || v.Reach.Staff) {
		if d.Review, err = s.reviewPanel(r, v); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// saveProject stores the applicant's form; refused fields come back with
// their messages and nothing is stored.
func (s *area) saveProject(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	pr := site.Info(r).Principal
	v, err := program.ViewOf(r.Context(), s.DB, pr, id)
	if err != nil {
		return err
	}
	data, uploads, ps, done := s.readForm(r, v.Template)
	defer done()
	version, _ := strconv.Atoi(r.FormValue("version"))
	if len(ps) == 0 {
		_, err = program.SaveData(r.Context(), s.DB, s.Files, pr, id, data, uploads, version)
	} else {
		err = ps
	}
	if err == nil {
		s.dropPending(r, uploads)
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", id), http.StatusSeeOther)
		return nil
	}
	if !errors.Is(err, problem.ErrInvalid) && !errors.Is(err, problem.ErrConflict) {
		return err
	}
	lang := site.Info(r).Lang
	errs := errorsByField(err, lang)
	d, derr := s.projectData(r, errs)
	if derr != nil {
		return derr
	}
	if errors.Is(err, problem.ErrInvalid) {
		kept := s.keepUploads(r, uploads, errs)
		d.Fields = formFields(v.Template, data, errs, lang, v.Attachments, true, false, formExtra{Raw: r.Form, Resend: resend(uploads), Names: s.refNames(r, v.Template, data), Pending: kept}) // what was typed, to fix
	}
	p := s.NewPage(w, r, "project.title", d)
	p.Flash = problem.Message(err, lang)
	p.Bad = true
	if _, many := err.(problem.List); many {
		p.Flash = p.T("form.fix_below")
		p.Bad = true
	}
	return s.pages.Render(w, problem.Status(err), "project", p)
}

// moveProject takes a transition; a refusal is shown on the record's page
// with its reason.
func (s *area) moveProject(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	pr := site.Info(r).Principal
	if _, err := program.ViewOf(r.Context(), s.DB, pr, id); err != nil {
		return err
	}
	in := program.MoveInput{Note: r.FormValue("note")}
	if raw := strings.NewReplacer(",", "", "，", "", " ", "").Replace(r.FormValue("amount")); raw != "" {
		x, perr := strconv.ParseFloat(raw, 64)
		if perr != nil {
			return s.projectError(w, r, problem.Invalid("amount", "form.number", i18n.T(site.Info(r).Lang, "project.amount")))
		}
		in.Amount = &x
	}
	moved, err := program.MoveWith(r.Context(), s.DB, pr, id, r.FormValue("transition"), in)
	if err == nil {
		s.afterMove(r.Context(), id)
		http.Redirect(w, r, fmt.Sprintf("/projects/%d?moved=%s", id, moved.Stage), http.StatusSeeOther)
		return nil
	}
	var pe *problem.Error
	if !errors.As(err, &pe) {
		return err
	}
	d, derr := s.projectData(r, nil)
	if derr != nil {
		return derr
	}
	p := s.NewPage(w, r, "project.title", d)
	p.Flash = pe.Message(p.Lang)
	p.Bad = true
	p.Form["note"], p.Form["amount"] = r.FormValue("note"), r.FormValue("amount") // kept, to be fixed
	return s.pages.Render(w, problem.Status(err), "project", p)
}

// attachment sends a project's file to those who may see the project. A
// blind reviewer gets it under a neutral name.
func (s *area) attachment(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	a, err := program.GetAttachment(r.Context(), s.DB, id)
	if err != nil {
		return err
	}
	v, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, a.ProjectID)
	if err != nil {
		return err
	}
	name := a.Name
	for _, x := range v.Attachments {
		if x.ID == a.ID {
			name = x.Name // neutral when blind
		}
	}
	f, err := s.Files.Open(a)
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

// childSections lists the children of a record by kind: staff and the
// record's own organisation see them all, others only their own.
func (s *area) childSections(r *http.Request, d *projectData) error {
	ctx := r.Context()
	pr := site.Info(r).Principal
	v := d.View
	if v.ParentID != 0 && !v.Blind {
		parent, err := program.GetProject(ctx, s.DB, v.ParentID)
		if err != nil {
			return err
		}
		d.Parent = &program.ProjectRow{ID: parent.ID, Title: parent.Title}
	}
	scope := pr.OrgScope()
	if v.Reach.Staff || v.Reach.Owner {
		scope = 0
	}
	lang := site.Info(r).Lang
	for _, c := range v.Template.Children {
		sec := childSection{Kind: c, Label: c.Name, CanAdd: slices.Contains(c.OpenIn, v.Stage) && program.MayAddChild(pr, v.Project, c)}
		if lang == i18n.EN && c.NameEN != "" {
			sec.Label = c.NameEN
		}
		if scope >= 0 {
			rows, err := program.Projects(ctx, s.DB, program.ProjectFilter{ParentID: v.ID, Scope: scope, Limit: 1000})
			if err != nil {
				return err
			}
			for _, row := range rows {
				if row.ChildKind == c.Key {
					sec.Rows = append(sec.Rows, row)
				}
			}
		}
		if sec.CanAdd || len(sec.Rows) > 0 {
			d.Children = append(d.Children, sec)
		}
	}
	return nil
}

// childKind reads the parent record (as the caller may see it), the kind
// of child asked for and the child template's latest version.
func (s *area) childKind(r *http.Request, parentID int64) (program.View, program.Child, program.Published, error) {
	parent, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, parentID)
	if err != nil {
		return parent, program.Child{}, program.Published{}, err
	}
	c, ok := parent.Template.Child(r.PathValue("kind"))
	if !ok {
		return parent, c, program.Published{}, fmt.Errorf("child kind %q: %w", r.PathValue("kind"), problem.ErrNotFound)
	}
	pub, err := program.Latest(r.Context(), s.DB, c.Template)
	return parent, c, pub, err
}

// childPage is the form for a new child record (a bid on a challenge).
func (s *area) childPage(w http.ResponseWriter, r *http.Request) error {
	return s.childForm(w, r, nil, nil, nil, http.StatusOK)
}

func (s *area) childForm(w http.ResponseWriter, r *http.Request, data map[string]any, uploads []program.Upload, err error, status int) error {
	id, perr := site.PathID(r)
	if perr != nil {
		return perr
	}
	parent, c, pub, lerr := s.childKind(r, id)
	if lerr != nil {
		return lerr
	}
	lang := site.Info(r).Lang
	errs := errorsByField(err, lang)
	x := formExtra{Raw: r.Form, Resend: resend(uploads), Names: s.refNames(r, pub.Template, data)}
	if err != nil {
		x.Pending = s.keepUploads(r, uploads, errs)
	}
	d := projectData{New: true, Editable: true, Action: fmt.Sprintf("/projects/%d/children/%s", id, c.Key),
		Fields: formFields(pub.Template, data, errs, lang, nil, true, false, x), Parent: &program.ProjectRow{ID: parent.ID, Title: parent.Title}}
	d.View.Template = pub.Template
	d.Call.Name = parent.Title
	p := s.NewPage(w, r, "project.apply", d)
	if err != nil {
		p.Flash, p.Bad = problem.Message(err, lang), true
		if _, many := err.(problem.List); many {
			p.Flash = p.T("form.fix_below")
		}
	}
	return s.pages.Render(w, status, "project", p)
}

// addChild creates a child record from the form.
func (s *area) addChild(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	_, c, pub, err := s.childKind(r, id)
	if err != nil {
		return err
	}
	data, uploads, ps, done := s.readForm(r, pub.Template)
	defer done()
	var child program.Project
	if len(ps) == 0 {
		child, err = program.AddChild(ctx, s.DB, s.Files, site.Info(r).Principal, id, c.Key, data, uploads)
	} else {
		err = ps
	}
	if err != nil {
		var pe *problem.Error
		if errors.Is(err, problem.ErrInvalid) || errors.As(err, &pe) {
			return s.childForm(w, r, data, uploads, err, problem.Status(err))
		}
		return err
	}
	s.dropPending(r, uploads)
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", child.ID), http.StatusSeeOther)
	return nil
}

// addOutcome records a milestone or result of a project.
func (s *area) addOutcome(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	pr := site.Info(r).Principal
	if _, err := program.ViewOf(r.Context(), s.DB, pr, id); err != nil {
		return err
	}
	o := program.Outcome{ProjectID: id, Kind: r.FormValue("kind"), Title: r.FormValue("title"), Field: r.FormValue("field"),
		Level: r.FormValue("level"), Status: r.FormValue("status"), Day: r.FormValue("day"), Detail: r.FormValue("detail")}
	if _, err := program.AddOutcome(r.Context(), s.DB, pr, o); err != nil {
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
			for _, k := range []string{"kind", "title", "field", "level", "status", "day", "detail"} {
				p.Form[k] = r.FormValue(k)
			}
			return s.pages.Render(w, http.StatusUnprocessableEntity, "project", p)
		}
		return s.projectError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?recorded=1#outcomes", id), http.StatusSeeOther)
	return nil
}

// resend names the file fields whose upload was not kept.
func resend(uploads []program.Upload) map[string]bool {
	out := map[string]bool{}
	for _, u := range uploads {
		out[u.Field] = true
	}
	return out
}

// registerPage is the form to register a record of a program the bureau
// runs itself.
func (s *area) registerPage(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	d := projectData{New: true, Register: true, Call: c, Editable: true, Fields: formFields(t, nil, nil, lang, nil, true, false), Action: fmt.Sprintf("/calls/%d/register", c.ID)}
	d.View.Template = t
	return s.pages.Render(w, http.StatusOK, "project", s.NewPage(w, r, "project.register", d))
}

// register stores a staff-run record; refused fields come back beside
// themselves.
func (s *area) register(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	data, uploads, ps, done := s.readForm(r, t)
	defer done()
	var pr program.Project
	if len(ps) == 0 {
		pr, err = program.Register(r.Context(), s.DB, s.Files, site.Info(r).Principal, c.ID, 0, data, uploads)
	} else {
		err = ps
	}
	if err != nil {
		if !errors.Is(err, problem.ErrInvalid) {
			return err
		}
		lang := site.Info(r).Lang
		errs := errorsByField(err, lang)
		kept := s.keepUploads(r, uploads, errs)
		d := projectData{New: true, Register: true, Call: c, Editable: true, Action: fmt.Sprintf("/calls/%d/register", c.ID),
			Fields: formFields(t, data, errs, lang, nil, true, false, formExtra{Raw: r.Form, Resend: resend(uploads), Names: s.refNames(r, t, data), Pending: kept})}
		d.View.Template = t
		p := s.NewPage(w, r, "project.register", d)
		p.Flash, p.Bad = p.T("form.fix_below"), true
		return s.pages.Render(w, http.StatusUnprocessableEntity, "project", p)
	}
	s.dropPending(r, uploads)
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", pr.ID), http.StatusSeeOther)
	return nil
}

// draftReply fills a record's reply_text from a report template rendered
// as of a date (the letter's figures as the records give them), for staff
// to edit before sign-off.
func (s *area) draftReply(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	pr := site.Info(r).Principal
	v, err := program.ViewOf(r.Context(), s.DB, pr, id)
	if err != nil {
		return err
	}
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		return err
	}
	tpl, ok := tpls[r.FormValue("template")]
	if !ok {
		return s.projectError(w, r, problem.Invalid("template", "report.template_unknown", r.FormValue("template")))
	}
	asOf, err := time.ParseInLocation(time.DateOnly, r.FormValue("as_of"), site.Shanghai)
	if err != nil {
		return s.projectError(w, r, problem.Invalid("as_of", "metric.date", r.FormValue("as_of")))
	}
	rep, err := report.Render(r.Context(), s.DB, s.Indicators, tpl, asOf)
	if err != nil {
		return err
	}
	data := map[string]any{}
	for k, x := range v.Project.Data {
		data[k] = x
	}
	data["reply_text"] = strings.TrimSpace(rep.Body)
	if _, err := program.SaveData(r.Context(), s.DB, s.Files, pr, id, data, nil, v.Version); err != nil {
		return s.projectError(w, r, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d?saved=1", id), http.StatusSeeOther)
	return nil
}

// screeningPanel is the integrity check of a record's next screening move,
// for staff: who is barred or watched, and why (nil when no move ahead
// screens).
type screeningPanel struct {
	Scope, Day  string
	Bars, Warns []integrity.Hit
}

func (s *area) screeningPanel(r *http.Request, t *program.Template, v program.View) (*screeningPanel, error) {
	scope := ""
	for _, tr := range t.Transitions {
		if tr.Screen != "" && slices.Contains(tr.From, v.Stage) {
			scope = tr.Screen
		}
	}
	if scope == "" {
		return nil, nil
	}
	pr, err := program.GetProject(r.Context(), s.DB, v.ID)
	if err != nil {
		return nil, err
	}
	bars, warns, day, err := program.Screening(r.Context(), s.DB, t, pr, scope)
	if err != nil {
		return nil, err
	}
	return &screeningPanel{Scope: scope, Day: day, Bars: bars, Warns: warns}, nil
}

// duplicatePanel is the duplicate check of a record whose template checks
// one, for staff (nil otherwise).
type duplicatePanel struct {
	Matches   []integrity.Match
	Decisions map[int64]integrity.Decision
	Manager   bool
}

func (s *area) duplicatePanel(r *http.Request, t *program.Template, v program.View) (*duplicatePanel, error) {
	var d *program.Duplicates
	for _, tr := range t.Transitions {
		if tr.Duplicates != nil {
			d = tr.Duplicates
		}
	}
	if d == nil {
		return nil, nil
	}
	pr, err := program.GetProject(r.Context(), s.DB, v.ID)
	if err != nil {
		return nil, err
	}
	p := &duplicatePanel{Manager: v.Reach.Manager}
	if p.Matches, err = program.SimilarRecords(r.Context(), s.DB, t, pr, d); err != nil {
		return nil, err
	}
	p.Decisions, err = integrity.Decisions(r.Context(), s.DB, v.ID)
	return p, err
}

// decideDuplicate clears or upholds a record's resemblance to another
// (managers), with the reason.
func (s *area) decideDuplicate(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	other, err := strconv.ParseInt(r.PathValue("other"), 10, 64)
	if err != nil {
		return fmt.Errorf("other %q: %w", r.PathValue("other"), problem.ErrNotFound)
	}
	if _, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id); err != nil {
		return err
	}
	score, _ := strconv.ParseFloat(r.FormValue("score"), 64)
	err = integrity.Decide(r.Context(), s.DB, integrity.Decision{ProjectID: id, OtherID: other, Score: score, Decision: r.FormValue("decision"),
		Note: r.FormValue("note"), Actor: site.Info(r).Principal.Name}, store.Now())
	if err != nil {
		var pe *problem.Error
		if !errors.As(err, &pe) && !errors.Is(err, problem.ErrInvalid) {
			return err
		}
		d, derr := s.projectData(r, nil)
		if derr != nil {
			return derr
		}
		p := s.NewPage(w, r, "project.title", d)
		p.Flash, p.Bad = problem.Message(err, p.Lang), true
		return s.pages.Render(w, problem.Status(err), "project", p)
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d#duplicates", id), http.StatusSeeOther)
	return nil
}

// commitProject records the applicant's confirmation of the commitment
// (as the unit, or for the leader who signed it).
func (s *area) commitProject(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if _, err := program.Commit(r.Context(), s.DB, site.Info(r).Principal, id, r.FormValue("role")); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d#commitment", id), http.StatusSeeOther)
	return nil
}

func (s *area) apiCommit(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	var body struct {
		Role string `json:"role"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 4<<10)).Decode(&body); err != nil {
		return problem.Invalid("body", "project.bad_body")
	}
	c, err := program.Commit(r.Context(), s.DB, site.Info(r).Principal, id, body.Role)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, c)
}
