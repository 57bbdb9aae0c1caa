// Package aiweb serves the AI elements beside compute (人工智能): data
// sets, models and alliances, registered by their owners or imported.
package aiweb

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
		{Method: "GET", Pattern: "/ai", Perm: access.ProgramView, H: s.aiPage, Summary: "AI elements beside compute: data sets, models, alliances"},
		{Method: "POST", Pattern: "/ai/datasets", Perm: access.OrgOwnEdit, H: s.addDataset, Summary: "register a data set (an organisation user for its own organisation; managers for any)"},
		{Method: "POST", Pattern: "/ai/datasets/import", Perm: access.ProgramManage, H: s.importDatasets, Summary: "import a data-set catalogue from Excel (all or nothing)"},
		{Method: "POST", Pattern: "/ai/models", Perm: access.OrgOwnEdit, H: s.addModel, Summary: "register a model (an organisation user for its own organisation; managers for any)"},
		{Method: "GET", Pattern: "/api/v1/ai", Perm: access.ProgramView, H: s.apiAI, API: true, Summary: "AI elements on the data day: data sets, models, alliances with members"},
		{Method: "POST", Pattern: "/api/v1/ai/datasets", Perm: access.OrgOwnEdit, H: s.apiAddDatasets, API: true, Summary: "register data sets (a JSON array), all or none; an organisation user for its own organisation"},
		{Method: "POST", Pattern: "/api/v1/ai/models", Perm: access.OrgOwnEdit, H: s.apiAddModel, API: true, Summary: "register a model; an organisation user for its own organisation"},
	}, nil
}
