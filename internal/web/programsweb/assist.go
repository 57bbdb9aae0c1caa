package programsweb

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// A reviewer's AI summary of an application (package assist): offered
// only when a model endpoint is configured, to a reviewer with an open
// assignment on the record. The model is sent the form as this reviewer
// sees it — blind reviewers' views have no identity fields, and applicant
// and person fields are never sent — scrubbed of personal data, with the
// attachments' names only; the summary's numbers are checked against the
// form's, and it is shown to the reviewer who asked for it alone.

// aiSummary is the summary card of a record's page.
type aiSummary struct {
	Draft    *assist.Draft
	Segments []assist.Segment
	Faults   int
	Bound    int
}

// mayAskSummary: a configured model, and the caller reviews this record.
func (s *area) mayAskSummary(v program.View) bool {
	if !s.Assist.On() || !v.Reach.Reviewer {
		return false
	}
	for _, a := range v.Reach.Assignments {
		if a.Status == program.Assigned || a.Status == program.Submitted {
			return true
		}
	}
	return false
}

// summaryData fills the card for the caller.
func (s *area) summaryData(r *http.Request, d *projectData) error {
	d.AIOn = s.mayAskSummary(d.View)
	if !d.AIOn {
		return nil
	}
	dr, err := assist.OwnSummary(r.Context(), s.DB, d.View.ID, site.Info(r).Principal.UserID)
	if err != nil || dr == nil {
		return err
	}
	c := dr.Check(dr.Body)
	d.AISummary = &aiSummary{Draft: dr, Segments: c.Segments(dr.Figures), Faults: c.Faults, Bound: len(c.Bound)}
	return nil
}

// summaryRequest is the record as the caller sees it, for the model.
func summaryRequest(v program.View, allowed map[string]bool) assist.SummaryRequest {
	req := assist.SummaryRequest{ProjectID: v.ID, Program: v.ProgramName}
	if allowed["project.form"] {
		for _, f := range v.Template.Form {
			val, ok := v.Data[f.Key]
			if !ok || f.Type == "organisation" || f.Type == "person" || f.Type == "file" {
				continue
			}
			sf := assist.SummaryField{Key: f.Key, Label: f.Label}
			switch f.Type {
			case "number", "money", "percentage":
				x, ok := val.(float64)
				if !ok {
					continue
				}
				sf.Number = &x
				switch f.Type {
				case "money":
					sf.Unit = "元"
				case "percentage":
					sf.Unit = "%"
				}
			case "table":
				sf.Text = tableText(f, val)
			case "multichoice":
				xs, _ := val.([]any)
				var parts []string
				for _, x := range xs {
					parts = append(parts, fmt.Sprint(x))
				}
				sf.Text = strings.Join(parts, "、")
			default:
				sf.Text = display(val)
			}
			req.Fields = append(req.Fields, sf)
		}
	}
	if allowed["project.attachment_names"] {
		for _, a := range v.Attachments {
			req.Attachments = append(req.Attachments, a.Name)
		}
	}
	return req
}

// tableText writes a table's rows out as text, skipping identity columns.
func tableText(f program.Field, val any) string {
	rows, _ := val.([]any)
	var out []string
	for _, r := range rows {
		m, _ := r.(map[string]any)
		var cells []string
		for _, c := range f.Columns {
			if c.Type == "organisation" || c.Type == "person" {
				continue
			}
			if x := display(m[c.Key]); x != "" {
				cells = append(cells, c.Label+"="+x)
			}
		}
		out = append(out, strings.Join(cells, "，"))
	}
	return strings.Join(out, "；")
}

// askSummary asks the model for the caller's summary of the record.
func (s *area) askSummary(w http.ResponseWriter, r *http.Request) error {
	if !s.Assist.On() {
		return problem.New(problem.ErrNotFound, "assist.off")
	}
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	pr := site.Info(r).Principal
	v, err := program.ViewOf(ctx, s.DB, pr, id)
	if err != nil {
		return err
	}
	if !s.mayAskSummary(v) {
		return problem.New(problem.ErrForbidden, "assist.summary_not_reviewer")
	}
	allowed, err := assist.Allowed(ctx, s.DB)
	if err != nil {
		return err
	}
	if _, err := s.Assist.Summarise(ctx, assist.Who{UserID: pr.UserID, Name: pr.Name}, summaryRequest(v, allowed)); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "project.title", "project", func() (any, error) {
			d, err := s.projectData(r, nil)
			if err != nil {
				return nil, err
			}
			return d, s.summaryData(r, d)
		}); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/projects/%d#ai-summary", id), http.StatusSeeOther)
	return nil
}
