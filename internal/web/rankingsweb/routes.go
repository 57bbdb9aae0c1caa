// Package rankingsweb serves the external rankings the city is placed in,
// each with its yearly entries and trend.
package rankingsweb

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
		{Method: "GET", Pattern: "/rankings", Perm: access.ProgramView, H: s.rankingsPage, Summary: "external rankings and their trend"},
		{Method: "POST", Pattern: "/rankings/{key}/entries", Perm: access.ProgramManage, H: s.recordRanking, Summary: "record a year's entry of a ranking"},
		{Method: "GET", Pattern: "/api/v1/rankings", Perm: access.ProgramView, H: s.apiRankings, API: true, Summary: "external rankings, each with its yearly entries"},
		{Method: "POST", Pattern: "/api/v1/rankings/{key}/entries", Perm: access.ProgramManage, H: s.apiRecordRanking, API: true, Summary: "record (or revise) a year's entry of a ranking"},
	}, nil
}
