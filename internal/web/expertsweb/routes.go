// Package expertsweb serves the expert pool (科研项目评审专家库): each
// expert's fields, reviews this year against the cap, mean rating, and
// removals and reinstatements with their reasons.
package expertsweb

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
		{Method: "GET", Pattern: "/experts", Perm: access.ProgramManage, H: s.expertsPage, Summary: "the expert pool (科研项目评审专家库): fields, reviews this year against the cap, mean rating, removals"},
		{Method: "POST", Pattern: "/experts/{id}/fields", Perm: access.ProgramManage, H: s.setExpertFields, Summary: "set the technology fields an expert reviews in"},
		{Method: "POST", Pattern: "/experts/{id}/remove", Perm: access.ProgramManage, H: s.removeExpert, Summary: "remove an expert from the pool, with a reason"},
		{Method: "POST", Pattern: "/experts/{id}/reinstate", Perm: access.ProgramManage, H: s.reinstateExpert, Summary: "put a removed expert back into the pool, with a reason"},
		{Method: "GET", Pattern: "/api/v1/experts", Perm: access.ProgramManage, H: s.apiExperts, API: true, Summary: "the expert pool: fields, reviews this year, cap, mean rating, removals"},
	}, nil
}
