// Package returnsweb serves periodic returns (数据填报): forms published
// as YAML, the units that must file them, filing a period by form or
// spreadsheet, and the review of each filing (submit, accept, return,
// reopen).
package returnsweb

import (
	"embed"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

//go:embed templates/*.html
var templates embed.FS

// area serves the pages and API of the area with the site's shared parts.
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
		{Method: "GET", Pattern: "/returns", Perm: access.ProgramView, H: s.returnsPage, Summary: "periodic returns (数据填报): forms and the last period's standing; a unit's own"},
		{Method: "POST", Pattern: "/returns", Perm: access.ProgramManage, H: s.publishReturnForm, Summary: "publish a periodic-return form (YAML)"},
		{Method: "GET", Pattern: "/returns/{key}", Perm: access.ProgramView, H: s.returnFormPage, Summary: "a return form: units' standing by period, totals drawn"},
		{Method: "POST", Pattern: "/returns/{key}/units", Perm: access.ProgramManage, H: s.addReturnUnit, Summary: "name a unit that must file the form"},
		{Method: "GET", Pattern: "/returns/{key}/file", Perm: access.ProgramView, H: s.fillPage, Summary: "fill a period's return (?period=, managers ?org=)"},
		{Method: "POST", Pattern: "/returns/{key}/file", Perm: access.ProgramView, H: s.fill, Summary: "save (and submit) a period's figures"},
		{Method: "GET", Pattern: "/returns/{key}/template.xlsx", Perm: access.ProgramView, H: s.returnTemplate, Summary: "the form as a spreadsheet to fill in (?period= fills the figures so far)"},
		{Method: "POST", Pattern: "/returns/{key}/upload", Perm: access.ProgramView, H: s.uploadReturn, Summary: "read a filled-in spreadsheet into a period's filing (all or nothing)"},
		{Method: "GET", Pattern: "/return-filings/{id}", Perm: access.ProgramView, H: s.filingPage, Summary: "a filing, its history and the actions the caller may take"},
		{Method: "POST", Pattern: "/return-filings/{id}/{action}", Perm: access.ProgramView, H: s.filingAction, Summary: "submit, accept, return or reopen a filing"},
		{Method: "GET", Pattern: "/api/v1/returns", Perm: access.ProgramView, H: s.apiReturns, API: true, Summary: "periodic-return forms (a unit: those it files) with the last period's standing"},
		{Method: "POST", Pattern: "/api/v1/returns", Perm: access.ProgramManage, H: s.apiPublishReturnForm, API: true, Summary: "publish a periodic-return form (YAML body)"},
		{Method: "POST", Pattern: "/api/v1/returns/{key}/units", Perm: access.ProgramManage, H: s.apiAddReturnUnit, API: true, Summary: "name an organisation (id, credit code or name) as a unit that must file the form"},
		{Method: "GET", Pattern: "/api/v1/returns/{key}/filings", Perm: access.ProgramView, H: s.apiFilings, API: true, Summary: "a form's filings (?period=; a unit: its own)"},
		{Method: "PUT", Pattern: "/api/v1/returns/{key}/filings/{period}", Perm: access.ProgramView, H: s.apiSaveFiling, API: true, Summary: "save a unit's figures for a period as a draft; body {\"values\": {…}, \"version\": n, \"organisation_id\": (managers)}"},
		{Method: "GET", Pattern: "/api/v1/return-filings/{id}", Perm: access.ProgramView, H: s.apiFiling, API: true, Summary: "a filing with its history"},
		{Method: "POST", Pattern: "/api/v1/return-filings/{id}/{action}", Perm: access.ProgramView, H: s.apiFilingAction, API: true, Summary: "submit (the unit), accept or return (managers), reopen for correction; body {\"note\": \"…\"}"},
	}, nil
}
