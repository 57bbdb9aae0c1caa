// Package integrityweb serves the research-integrity register (科研诚信):
// sanctions, the watch list and appeals.
package integrityweb

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
		{Method: "GET", Pattern: "/integrity", Perm: access.ProgramManage, H: s.integrityPage, Summary: "the research-integrity register (sanctions and the watch list)"},
		{Method: "POST", Pattern: "/integrity", Perm: access.ProgramManage, H: s.addSanction, Summary: "enter a sanction or a watch-list entry"},
		{Method: "POST", Pattern: "/integrity/{id}/appeal", Perm: access.ProgramManage, H: s.appealSanction, Summary: "record an appeal's state"},
		{Method: "GET", Pattern: "/api/v1/sanctions", Perm: access.ProgramManage, H: s.apiSanctions, API: true, Summary: "the research-integrity register"},
		{Method: "POST", Pattern: "/api/v1/sanctions", Perm: access.ProgramManage, H: s.apiAddSanction, API: true, Summary: "enter a sanction (a national or provincial list entry, or this bureau's decision)"},
	}, nil
}
