// Package reportsweb serves reports (报告): the report templates, issuing one as of a
// date (every figure an indicator with its records), an issued report as
// frozen with what moved since, and its downloads as .docx and .xlsx.
package reportsweb

import (
	"embed"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

//go:embed templates/*.html
var templates embed.FS

// area serves the pages of the area with the site's shared parts.
type area struct {
	*site.Site
	pages *site.Pages
}

// Routes parses the area's templates and returns its routes; package web
// adds them to the route table and checks each route's permission.
func Routes(shared *site.Site) ([]site.Route, error) {
	pages, err := shared.Parse(templates, "templates")
	if err != nil {
		return nil, err
	}
	s := &area{Site: shared, pages: pages}
	return []site.Route{
		{Method: "GET", Pattern: "/reports", Perm: access.CockpitView, H: s.reportsPage, Summary: "report templates and issued reports"},
		{Method: "POST", Pattern: "/reports/templates/{template}/issue", Perm: access.ReportIssue, H: s.issueReport, Summary: "render a report as of a date and freeze it"},
		{Method: "GET", Pattern: "/reports/{id}", Perm: access.CockpitView, H: s.reportPage, Summary: "an issued report, as issued; ?compare=1 names what moved since"},
		{Method: "GET", Pattern: "/reports/{id}/download/{format}", Perm: access.CockpitView, H: s.reportDownload, Summary: "an issued report as .docx or .xlsx"},
	}, nil
}
