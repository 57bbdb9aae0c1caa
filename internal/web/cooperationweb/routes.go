// Package cooperationweb serves open cooperation (开放合作): agreements,
// joint labs, the enclave centre, events and the investment funnel by
// district as of the business day, each figure opening the records behind
// it, an investment project's stage history with its days in each stage,
// and the innovative-city ranking's history.
package cooperationweb

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
	// Leaders and managers, as the talent area.
	return []site.Route{
		{Method: "GET", Pattern: "/cooperation", Perm: access.CockpitView, H: s.cooperationPage, Summary: "open cooperation: agreements, joint labs, the enclave centre's residents, events, the investment funnel by district, the ranking's history; each figure opens its records"},
		{Method: "GET", Pattern: "/cooperation/list", Perm: access.CockpitView, H: s.cooperationListPage, Summary: "the records behind an open-cooperation figure (?kind=&scope=&state=&district=&series=&reached=&stage=)"},
		{Method: "GET", Pattern: "/cooperation/projects/{id}", Perm: access.CockpitView, H: s.cooperationProjectPage, Summary: "an investment project's stage history with its days in each stage, as of the business day"},
	}, nil
}
