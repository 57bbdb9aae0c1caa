// Package infraweb serves new infrastructure (新基建): 5G base stations by
// month and district from the operators' returns, private networks by
// industry and industrial internet platforms by level.
package infraweb

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
		{Method: "GET", Pattern: "/infrastructure", Perm: access.ProgramView, H: s.infraPage, Summary: "5G base stations by month and district, private networks by industry, industrial internet platforms by level"},
		{Method: "GET", Pattern: "/api/v1/infrastructure", Perm: access.ProgramView, H: s.apiInfra, API: true, Summary: "5G base stations in service (latest month), private networks by industry, platforms by level"},
	}, nil
}
