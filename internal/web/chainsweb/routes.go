// Package chainsweb serves the industrial chain maps (产业链创新发展图谱):
// links upstream to downstream, their organisations and chain leaders, key
// technologies and the records that work on them, imported or kept by hand.
package chainsweb

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
		// The chain map lists every organisation at a link and other
		// organisations' projects against technologies: registry readers
		// (staff, leaders), not bound roles, read it; managers keep it.
		{Method: "GET", Pattern: "/chains", Perm: access.RegistryView, H: s.chainsPage, Summary: "industrial chains (产业链创新发展图谱) with their links, organisations, chain leaders and key technologies counted"},
		{Method: "POST", Pattern: "/chains", Perm: access.ProgramManage, H: s.addChain, Summary: "add an industrial chain"},
		{Method: "POST", Pattern: "/chains/import", Perm: access.ProgramManage, H: s.importChains, Summary: "import links, members and key technologies from .xlsx, all or nothing"},
		{Method: "GET", Pattern: "/chains/import/template", Perm: access.ProgramManage, H: s.chainTemplate, Summary: "the chain map's import sheet, with an example row and drop-downs"},
		{Method: "GET", Pattern: "/chains/{id}", Perm: access.RegistryView, H: s.chainPage, Summary: "a chain's map: links upstream to downstream, organisations, leaders, technologies and their records, gaps"},
		{Method: "POST", Pattern: "/chains/{id}/links", Perm: access.ProgramManage, H: s.saveChainLink, Summary: "add or change a link of a chain"},
		{Method: "POST", Pattern: "/chains/{id}/members", Perm: access.ProgramManage, H: s.saveChainMember, Summary: "put an organisation at a link (or mark it chain leader, or take it off)"},
		{Method: "POST", Pattern: "/chains/{id}/technologies", Perm: access.ProgramManage, H: s.saveChainTechnology, Summary: "add or change a key technology of a chain"},
		{Method: "POST", Pattern: "/chains/{id}/records", Perm: access.ProgramManage, H: s.linkChainRecord, Summary: "link a record (tackling project, challenge …) to a key technology, by one of the 325 model's five ways"},
		{Method: "GET", Pattern: "/api/v1/chains", Perm: access.RegistryView, H: s.apiChains, API: true, Summary: "industrial chains with what each map holds, counted"},
		{Method: "GET", Pattern: "/api/v1/chains/{id}", Perm: access.RegistryView, H: s.apiChain, API: true, Summary: "a chain's map: links with organisations and leaders, technologies with their records by way, gaps"},
	}, nil
}
