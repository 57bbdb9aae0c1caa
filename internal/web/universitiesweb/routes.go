// Package universitiesweb serves the universities (高校): a comparison of
// the city's universities and a page per university. Every count links to
// the part of the university's page that lists what was counted, and that
// lists the records, people and organisations behind it.
package universitiesweb

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
	// The comparison reads every university, so registry readers (staff,
	// leaders); a university's page is within the caller's reach, so an
	// organisation user sees its own.
	return []site.Route{
		{Method: "GET", Pattern: "/universities", Perm: access.RegistryView, H: s.universitiesPage, Summary: "universities compared: disciplines and levels, majors serving the clusters, 双一流 funds, joint labs, talents; sortable, with charts"},
		{Method: "GET", Pattern: "/universities/{id}", Perm: access.OrgOwnView, H: s.universityPage, Summary: "a university: disciplines with codes and levels, majors and the clusters they serve, 双一流 funds by year, joint labs, talents and awards, each with its records"},
	}, nil
}
