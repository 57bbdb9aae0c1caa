package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// reportsData lists the report templates and the issued reports.
type reportsData struct {
	Templates []report.Template
	Issued    []report.Issued
	Today     string
}

func (s *Server) reportTemplates() (map[string]report.Template, error) {
	return report.LoadTemplates(reports.Files)
}

// dataDay is the day figures are as of unless a page asks otherwise: the
// server's data date (the demo city's last day) or today.
func (s *Server) dataDay() string {
	if !s.cfg.AsOf.IsZero() {
		return s.cfg.AsOf.Format(time.DateOnly)
	}
	return clock.Today(context.Background()) // no pinned date: the day in China
}

func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) error {
	tpls, err := s.reportTemplates()
	if err != nil {
		return err
	}
	d := reportsData{Today: s.dataDay()}
	for _, t := range tpls {
		d.Templates = append(d.Templates, t)
	}
	sort.Slice(d.Templates, func(i, j int) bool { return d.Templates[i].ID < d.Templates[j].ID })
	if d.Issued, err = report.List(r.Context(), s.db); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "reports", s.newPage(w, r, "reports.title", d))
}

// issueReport renders a template as of a date and freezes it.
func (s *Server) issueReport(w http.ResponseWriter, r *http.Request) error {
	tpls, err := s.reportTemplates()
	if err != nil {
		return err
	}
	tpl, ok := tpls[r.PathValue("template")]
	if !ok {
		return fmt.Errorf("report template %q: %w", r.PathValue("template"), problem.ErrNotFound)
	}
	asOf, err := time.ParseInLocation(time.DateOnly, r.FormValue("as_of"), shanghai)
	if err != nil {
		return problem.Invalid("as_of", "metric.date", r.FormValue("as_of"))
	}
	rep, err := report.Issue(r.Context(), s.db, s.indicators, tpl, asOf)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/reports/"+rep.ID, http.StatusSeeOther)
	return nil
}

// reportData is an issued report with what moved since.
type reportData struct {
	Report  report.Issued
	Figures []report.Figure
	Changes []report.Change
}

func (s *Server) issuedReport(r *http.Request) (report.Issued, error) {
	return report.Get(r.Context(), s.db, r.PathValue("id"))
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.issuedReport(r)
	if err != nil {
		return err
	}
	d := reportData{Report: rep}
	for _, f := range rep.Figures {
		d.Figures = append(d.Figures, f)
	}
	sort.Slice(d.Figures, func(i, j int) bool { return d.Figures[i].ID < d.Figures[j].ID })
	if r.URL.Query().Get("compare") == "1" {
		if d.Changes, err = report.Compare(r.Context(), s.db, s.indicators, rep); err != nil {
			return err
		}
	}
	p := s.newPage(w, r, "reports.title", d)
	p.Form["compare"] = r.URL.Query().Get("compare")
	return s.render(w, http.StatusOK, "report", p)
}

// reportDownload sends an issued report as .docx or .xlsx.
func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request) error {
	rep, err := s.issuedReport(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	name := fmt.Sprintf("%s-%s", rep.Template, rep.AsOf)
	switch r.PathValue("format") {
	case "docx":
		err = report.DOCX(&b, rep)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
		name += ".docx"
	case "xlsx":
		err = report.XLSX(&b, rep, s.indicators)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		name += ".xlsx"
	default:
		return fmt.Errorf("format %q: %w", r.PathValue("format"), problem.ErrNotFound)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(b.Bytes())
	return err
}
