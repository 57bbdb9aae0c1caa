package programsweb

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// programsData is the programs page: every published program with its
// calls; for an applicant, the calls open today and its own records.
type programsData struct {
	Programs  []programRow
	Mine      []program.ProjectRow
	Today     string
	Manager   bool
	Applicant bool
	All       []program.Summary
	Watches   []program.Watch
	Names     map[string]string // program key → name in the page's language
}

type programRow struct {
	program.Summary
	Label string
	Calls []program.CallRow
}

// today is the business date of the request (clock: the pinned date, else
// the day in China).
func today(ctx context.Context) string { return clock.Today(ctx) }

func (s *area) programsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pr := site.Info(r).Principal
	progs, err := program.Programs(ctx, s.DB)
	if err != nil {
		return err
	}
	calls, err := program.Calls(ctx, s.DB, "")
	if err != nil {
		return err
	}
	d := programsData{Today: today(r.Context()), Manager: pr.Can(access.ProgramManage), Applicant: pr.Can(access.ProjectApply)}
	d.Names = map[string]string{}
	applyTo := map[int64]bool{} // an applicant's calls: those the landing and the front page count
	if d.Applicant && !d.Manager {
		open, err := CallsToApply(ctx, s.DB, calls)
		if err != nil {
			return err
		}
		for _, c := range open {
			applyTo[c.ID] = true
		}
	}
	for _, sm := range progs {
		row := programRow{Summary: sm, Label: sm.Name}
		pub, err := program.Latest(ctx, s.DB, sm.Key)
		if err != nil {
			return err
		}
		if site.Info(r).Lang == i18n.EN && pub.Template.NameEN != "" {
			row.Label = pub.Template.NameEN
		}
		d.Names[sm.Key] = row.Label
		if d.Applicant && !d.Manager && !pub.Template.Applicable() {
			continue // programs the bureau runs itself, and child records
		}
		for _, c := range calls {
			if c.Program == sm.Key && (!d.Applicant || d.Manager || applyTo[c.ID]) {
				row.Calls = append(row.Calls, c)
			}
		}
		if d.Applicant && !d.Manager && len(row.Calls) == 0 {
			continue // an applicant sees the programs it can apply to
		}
		d.Programs = append(d.Programs, row)
	}
	// By the name the reader sees: pinyin on Chinese pages.
	i18n.SortByName(d.Programs, func(p programRow) string { return p.Label })
	if d.Applicant {
		if d.Mine, err = program.Projects(ctx, s.DB, program.ProjectFilter{Scope: pr.OrgScope()}); err != nil {
			return err
		}
		if d.Watches, err = program.Watches(ctx, s.DB, pr.OrgID); err != nil {
			return err
		}
		d.All = progs
		i18n.SortByName(d.All, func(p program.Summary) string { return d.Names[p.Key] })
	}
	p := s.NewPage(w, r, "programs.title", d)
	if k := r.URL.Query().Get("published"); k != "" {
		p.Flash = p.T("programs.published", d.Names[k])
	}
	return s.pages.Render(w, http.StatusOK, "programs", p)
}

// publishData is the publish form and, after a preview, the diff and the dry
// run.
type publishData struct {
	Source   string
	Preview  *program.Preview
	Problems []string
	Labels   map[string]string // transition key → name, for the dry run
}

func (s *area) publishPage(w http.ResponseWriter, r *http.Request) error {
	return s.pages.Render(w, http.StatusOK, "program_publish", s.NewPage(w, r, "programs.publish", publishData{}))
}

// publish previews a template (diff and dry run) or, once confirmed,
// publishes it.
func (s *area) publish(w http.ResponseWriter, r *http.Request) error {
	src := r.FormValue("source")
	if r.MultipartForm != nil {
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return problem.Invalid("file", "import.upload_failed")
			}
			b, err := io.ReadAll(io.LimitReader(f, 1<<20))
			f.Close()
			if err != nil {
				return problem.Invalid("file", "import.upload_failed")
			}
			src = string(b)
		}
	}
	lang := site.Info(r).Lang
	d := publishData{Source: src}
	p := s.NewPage(w, r, "programs.publish", &d)
	pv, err := program.PreviewPublish(r.Context(), s.DB, []byte(src))
	var probs program.Problems
	if errors.As(err, &probs) {
		for _, pb := range probs {
			d.Problems = append(d.Problems, pb.Message(lang))
		}
		return s.pages.Render(w, http.StatusUnprocessableEntity, "program_publish", p)
	}
	if err != nil {
		return err
	}
	d.Preview = &pv
	d.Labels = map[string]string{}
	for _, tr := range pv.Template.Transitions {
		d.Labels[tr.Key] = transitionLabel(tr, lang)
	}
	if r.FormValue("confirm") != "1" {
		if pv.Version != pv.Previous+1 {
			p.Flash = problem.Message(problem.New(problem.ErrConflict, "program.version_next", pv.Key, pv.Previous+1, pv.Version), lang)
		}
		return s.pages.Render(w, http.StatusOK, "program_publish", p)
	}
	if _, err := program.Publish(r.Context(), s.DB, []byte(src)); err != nil {
		var pe *problem.Error
		if errors.As(err, &pe) {
			p.Flash = pe.Message(lang)
			return s.pages.Render(w, problem.Status(err), "program_publish", p)
		}
		return err
	}
	http.Redirect(w, r, "/programs?published="+url.QueryEscape(pv.Key), http.StatusSeeOther)
	return nil
}

// callForm is the form to open a call of a program.
type callForm struct {
	Program *program.Template
}

func (s *area) callNewPage(w http.ResponseWriter, r *http.Request) error {
	pub, err := program.Latest(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "call.new", callForm{Program: pub.Template})
	p.Form["key"] = pub.Template.Key + "-" + today(r.Context())[:4]
	p.Form["opens"] = today(r.Context())
	return s.pages.Render(w, http.StatusOK, "call_new", p)
}

// openCall opens a call of the latest version of a program; a refused form
// comes back with a message beside each field.
func (s *area) openCall(w http.ResponseWriter, r *http.Request) error {
	pub, err := program.Latest(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	var bad problem.List
	num := func(name string, scale float64) float64 {
		v := strings.NewReplacer(",", "", "，", "", " ", "").Replace(r.FormValue(name))
		if v == "" {
			return 0
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			bad = append(bad, problem.Invalid(name, "form.number", i18n.T(site.Info(r).Lang, "call."+name)))
		}
		return x * scale
	}
	c := program.Call{TemplateID: pub.ID, Key: r.FormValue("key"), Name: r.FormValue("name"), NameEN: r.FormValue("name_en"),
		Opens: r.FormValue("opens"), Closes: r.FormValue("closes"), Quota: int(num("quota", 1)), Budget: num("budget", 1e4)}
	if all := append(bad, program.CheckCall(c)...); len(all) > 0 {
		err = all
	} else {
		c, err = program.OpenCall(r.Context(), s.DB, c)
	}
	if err != nil {
		if !errors.Is(err, problem.ErrInvalid) {
			return err
		}
		p := s.NewPage(w, r, "call.new", callForm{Program: pub.Template})
		p.Errors = errorsByField(err, p.Lang)
		for _, k := range []string{"key", "name", "opens", "closes", "quota", "budget"} {
			p.Form[k] = r.FormValue(k)
		}
		return s.pages.Render(w, http.StatusUnprocessableEntity, "call_new", p)
	}
	http.Redirect(w, r, "/calls/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	return nil
}

// addWatch saves the caller's organisation's watch for new calls.
func (s *area) addWatch(w http.ResponseWriter, r *http.Request) error {
	pr := site.Info(r).Principal
	if err := program.AddWatch(r.Context(), s.DB, program.Watch{OrganisationID: pr.OrgID, ProgramKey: r.FormValue("program"), Keyword: r.FormValue("keyword")}); err != nil {
		return err
	}
	http.Redirect(w, r, "/programs#watches", http.StatusSeeOther)
	return nil
}

// removeWatch deletes one of the caller's organisation's watches.
func (s *area) removeWatch(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if err := program.RemoveWatch(r.Context(), s.DB, site.Info(r).Principal.OrgID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/programs#watches", http.StatusSeeOther)
	return nil
}
