// Package registryweb serves the registry (一企一档): organisations listed,
// filtered, searched and exported, an organisation's profile and its form,
// importing organisations, people, disciplines and figures from
// spreadsheets (a preview, then a commit in the background), the
// catalogues of tags and clusters, and people with their personal data
// masked.
package registryweb

import (
	"embed"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

//go:embed templates/*.html
var templates embed.FS

// area serves the pages and API of the area with the site's shared parts,
// and keeps the imports between preview and commit.
type area struct {
	*site.Site
	pages   *site.Pages
	imports *importJobs
	orgs    site.KeptJSON // /api/v1/organizations answers, for one audit generation
}

// Routes parses the area's templates and returns its routes; package web
// adds them to the route table and checks each route's permission.
func Routes(shared *site.Site) ([]site.Route, error) {
	pages, err := shared.Parse(templates, "templates")
	if err != nil {
		return nil, err
	}
	s := &area{Site: shared, pages: pages, imports: newImportJobs()}
	return []site.Route{
		{Method: "GET", Pattern: "/orgs/{id}", Perm: access.OrgOwnView, H: s.orgPage, Summary: "an organisation's profile (一企一档)"},
		{Method: "GET", Pattern: "/orgs/{id}/edit", Perm: access.OrgOwnEdit, H: s.orgEditPage, Summary: "profile form"},
		{Method: "POST", Pattern: "/orgs/{id}/edit", Perm: access.OrgOwnEdit, H: s.orgEdit, Summary: "save a profile"},
		{Method: "GET", Pattern: "/registry", Perm: access.RegistryView, H: s.registryPage, Summary: "organisations: filters, search, paging"},
		{Method: "GET", Pattern: "/registry/export", Perm: access.RegistryView, H: s.registryExport, Summary: "the filtered list as .xlsx or .csv"},
		{Method: "GET", Pattern: "/registry/import", Perm: access.RegistryImport, H: s.importPage, Summary: "import form"},
		{Method: "POST", Pattern: "/registry/import", Perm: access.RegistryImport, H: s.importUpload, Summary: "upload and preview an import"},
		{Method: "GET", Pattern: "/registry/import/template/{kind}", Perm: access.RegistryImport, H: s.importTemplate, Summary: "an import template"},
		{Method: "GET", Pattern: "/registry/import/{job}", Perm: access.RegistryImport, H: s.importStatus, Summary: "an import's preview or progress"},
		{Method: "POST", Pattern: "/registry/import/{job}/commit", Perm: access.RegistryImport, H: s.importCommit, Summary: "commit a previewed import"},
		{Method: "GET", Pattern: "/admin/catalogues", Perm: access.CatalogueEdit, H: s.cataloguePage, Summary: "tags and clusters"},
		{Method: "POST", Pattern: "/admin/catalogues/{table}", Perm: access.CatalogueEdit, H: s.catalogueSave, Summary: "add or rename a tag or cluster"},
		{Method: "GET", Pattern: "/people", Perm: access.PersonView, H: s.peoplePage, Summary: "people (personal data masked)"},
		{Method: "GET", Pattern: "/api/v1/organizations", Perm: access.OrgOwnView, H: s.apiOrganisations, API: true, Summary: "organisations the caller may see, filtered and searched"},
		{Method: "GET", Pattern: "/api/v1/organizations/{id}", Perm: access.OrgOwnView, H: s.apiOrganisation, API: true, Summary: "one organisation"},
		{Method: "GET", Pattern: "/api/v1/people", Perm: access.PersonView, H: s.apiPeople, API: true, Summary: "people, personal data masked unless revealed"},
		{Method: "POST", Pattern: "/api/v1/imports", Perm: access.RegistryImport, H: s.apiImport, API: true, Summary: "import a spreadsheet, all or nothing"},
	}, nil
}
