// Package computeweb serves compute (算力): every centre's capacity by
// precision and status on a day, totals, vouchers, and registering capacity.
package computeweb

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
		{Method: "GET", Pattern: "/compute", Perm: access.ProgramView, H: s.computePage, Summary: "compute: every centre's capacity by precision and status on a day, totals, vouchers"},
		{Method: "POST", Pattern: "/compute/capacity", Perm: access.ProgramManage, H: s.registerCapacity, Summary: "register a compute centre's capacity at a precision, in a status from a date"},
		{Method: "GET", Pattern: "/api/v1/compute", Perm: access.ProgramView, H: s.apiCompute, API: true, Summary: "the compute register on a day (?as_of), totals by precision and status, vouchers"},
		{Method: "POST", Pattern: "/api/v1/compute/capacity", Perm: access.ProgramManage, H: s.apiRegisterCapacity, API: true, Summary: "register a compute centre's capacity"},
	}, nil
}
