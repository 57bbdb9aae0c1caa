// Package talentweb serves the talent area (人才): the flows of the
// letter's talent work with each figure opening its records or people, a
// page per person with a talent role, and the talent catalogues (人才分类目录)
// with loading a version from a sheet and setting the item a
// certification rests on.
package talentweb

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
// Leaders and managers read the area (cockpit.view); those who keep the
// catalogues (catalogue.edit: bureau staff) load versions and set the item
// a certification rests on.
func Routes(shared *site.Site) ([]site.Route, error) {
	pages, err := shared.Parse(templates, "templates")
	if err != nil {
		return nil, err
	}
	s := &area{Site: shared, pages: pages}
	return []site.Route{
		{Method: "GET", Pattern: "/talent", Perm: access.CockpitView, H: s.talentPage, Summary: "talent: certification, services, PhD start-ups, transplanted teams, titles and graduates staying, each figure opening its list"},
		{Method: "GET", Pattern: "/talent/list", Perm: access.CockpitView, H: s.talentListPage, Summary: "the records or people behind a talent figure (?kind=&stage=&category=&state=&title=)"},
		{Method: "GET", Pattern: "/talent/people/{id}", Perm: access.CockpitView, H: s.talentPersonPage, Summary: "a person with a talent role: certification, services, start-up, team, programs (personal data masked; ?reveal=1 audited)"},
		{Method: "GET", Pattern: "/talent/catalogues", Perm: access.CockpitView, H: s.cataloguesPage, Summary: "the talent catalogues (人才分类目录): every version with its classes and items in Chinese and English, and the records resting on each item"},
		{Method: "POST", Pattern: "/talent/catalogues", Perm: access.CatalogueEdit, H: s.addCatalogue, Summary: "add a talent catalogue version from an .xlsx of classes and items, all rows or none (audited)"},
		{Method: "GET", Pattern: "/talent/catalogues/template", Perm: access.CatalogueEdit, H: s.catalogueTemplate, Summary: "the talent catalogue sheet to fill in, with the newest version's rows"},
		{Method: "POST", Pattern: "/talent/certifications/{id}/basis", Perm: access.CatalogueEdit, H: s.setBasis, Summary: "set the catalogue item a talent certification rests on (audited; an item of another jurisdiction's catalogue is refused)"},
	}, nil
}
