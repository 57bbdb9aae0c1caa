// Package indicatorsweb serves the indicators (指标): every indicator as of a date, one
// indicator's figure with its breakdown and the records behind it, its
// export, and the same over the JSON API. Params, Figures, Label and
// AsOfText are what the cockpit in package web reads its figures with.
package indicatorsweb

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
	return []site.Route{
		{Method: "GET", Pattern: "/indicators", Perm: access.CockpitView, H: s.metricsPage, Summary: "every indicator as of a date"},
		{Method: "GET", Pattern: "/indicators/{id}", Perm: access.CockpitView, H: s.metricPage, Summary: "one indicator: figure, breakdown and the records behind it"},
		{Method: "GET", Pattern: "/indicators/{id}/export", Perm: access.CockpitView, H: s.metricExport, Summary: "an indicator's definition and records as .xlsx"},
		{Method: "GET", Pattern: "/api/v1/metrics", Perm: access.CockpitView, H: s.apiMetrics, API: true, Summary: "indicators"},
		{Method: "GET", Pattern: "/api/v1/metrics/{id}", Perm: access.CockpitView, H: s.apiMetric, API: true, Summary: "an indicator evaluated as of a date"},
	}, nil
}
