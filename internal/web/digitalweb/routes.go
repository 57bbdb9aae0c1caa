// Package digitalweb serves SME digital transformation (数字化转型): the
// level assessment and the catalogue of providers' 小快轻准 solutions.
package digitalweb

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
		{Method: "GET", Pattern: "/digital", Perm: access.ProgramView, H: s.digitalPage, Summary: "SME digital transformation: the level assessment form and the catalogue of providers' 小快轻准 solutions"},
		{Method: "POST", Pattern: "/digital/assess", Perm: access.ProgramView, H: s.assess, Summary: "score an SME's answers: level, per-dimension chart, what the next level lacks, solutions for weak scenes (nothing stored)"},
		{Method: "POST", Pattern: "/digital/solutions", Perm: access.SolutionList, H: s.listSolution, Summary: "list a 小快轻准 solution: a provider admitted to the catalogue for itself, a manager for any"},
		{Method: "GET", Pattern: "/api/v1/digital/model", Perm: access.ProgramView, H: s.apiDigitalModel, API: true, Summary: "the SME digital-level assessment as data"},
		{Method: "POST", Pattern: "/api/v1/digital/assessments", Perm: access.ProgramView, H: s.apiAssess, API: true, Summary: "score answers: level, dimensions, gaps to the next level, solutions for weak scenes"},
		{Method: "GET", Pattern: "/api/v1/digital/solutions", Perm: access.ProgramView, H: s.apiSolutions, API: true, Summary: "listed 小快轻准 solutions (?scene)"},
		{Method: "POST", Pattern: "/api/v1/digital/solutions", Perm: access.SolutionList, H: s.apiListSolution, API: true, Summary: "list a 小快轻准 solution (a provider for itself, a manager for any)"},
	}, nil
}
