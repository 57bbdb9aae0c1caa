package reportsweb

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// reportsData lists the report templates and the issued reports.
type reportsData struct {
	Templates []report.Template
	Issued    []report.Issued
	Today     string
}

func reportTemplates() (map[string]report.Template, error) {
	return report.LoadTemplates(reports.Files)
}

func (s *area) reportsPage(w http.ResponseWriter, r *http.Request) error {
	tpls, err := reportTemplates()
	if err != nil {
		return err
	}
	d := reportsData{Today: s.DataDay()}
	for _, t := range tpls {
		d.Templates = append(d.Templates, t)
	}
	sort.Slice(d.Templates, func(i, j int) bool { return d.Templates[i].ID < d.Templates[j].ID })
	if d.Issued, err = report.List(r.Context(), s.DB); err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "reports", s.NewPage(w, r, "reports.title", d))
}

// issueReport renders a template as of a date and freezes it.
func (s *area) issueReport(w http.ResponseWriter, r *http.Request) error {
	tpls, err := reportTemplates()
	if err != nil {
		return err
	}
	tpl, ok := tpls[r.PathValue("template")]
	if !ok {
		return fmt.Errorf("report template %q: %w", r.PathValue("template"), problem.ErrNotFound)
	}
	asOf, err := time.ParseInLocation(time.DateOnly, r.FormValue("as_of"), site.Shanghai)
	if err != nil {
		return problem.Invalid("as_of", "metric.date", r.FormValue("as_of"))
	}
	rep, err := report.Issue(r.Context(), s.DB, s.Indicators, tpl, asOf)
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

func (s *area) issuedReport(r *http.Request) (report.Issued, error) {
	return report.Get(r.Context(), s.DB, r.PathValue("id"))
}

func (s *area) reportPage(w http.ResponseWriter, r *http.Request) error {
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
		if d.Changes, err = report.Compare(r.Context(), s.DB, s.Indicators, rep); err != nil {
			return err
		}
	}
	p := s.NewPage(w, r, "reports.title", d)
	p.Form["compare"] = r.URL.Query().Get("compare")
	return s.pages.Render(w, http.StatusOK, "report", p)
}

// reportDownload sends an issued report as .docx or .xlsx.
func (s *area) reportDownload(w http.ResponseWriter, r *http.Request) error {
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
		err = report.XLSX(&b, rep, s.Indicators)
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
