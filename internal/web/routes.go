package web

import (
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
)

// handler serves a request or returns an error that the one adapter in
// middleware.go turns into a status code and a page or problem document.
type handler func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the route table. Every route names the permission it
// needs; the check happens in one place (Server.authorize).
type route struct {
	method  string
	pattern string
	perm    access.Permission
	h       handler
	api     bool         // JSON API: bearer tokens accepted, errors as problem+json
	stages  []auth.Stage // unfinished sign-in stages that may reach this route
	summary string       // for the route listing and API documentation
}

// routeTable is the whole of Xinzhi's HTTP surface.
func (s *Server) routeTable() []route {
	partial := []auth.Stage{auth.StageMFA, auth.StagePassword, auth.StageEnrol}
	return []route{
		// Sign-in and account.
		{method: "GET", pattern: "/signin", perm: access.Public, h: s.signInPage, summary: "sign-in form"},
		{method: "POST", pattern: "/signin", perm: access.Public, h: s.signIn, summary: "sign in with username and password"},
		{method: "GET", pattern: "/signin/code", perm: access.SignedIn, h: s.codePage, stages: []auth.Stage{auth.StageMFA}, summary: "second-factor form"},
		{method: "POST", pattern: "/signin/code", perm: access.SignedIn, h: s.code, stages: []auth.Stage{auth.StageMFA}, summary: "check the second-factor code"},
		{method: "POST", pattern: "/signout", perm: access.SignedIn, h: s.signOut, stages: partial, summary: "sign out"},
		{method: "POST", pattern: "/lang", perm: access.Public, h: s.setLang, stages: partial, summary: "choose the language"},
		{method: "GET", pattern: "/account", perm: access.SignedIn, h: s.accountPage, summary: "own account"},
		{method: "GET", pattern: "/account/password", perm: access.SignedIn, h: s.passwordPage, stages: []auth.Stage{auth.StagePassword}, summary: "password form"},
		{method: "POST", pattern: "/account/password", perm: access.SignedIn, h: s.changePassword, stages: []auth.Stage{auth.StagePassword}, summary: "change own password"},
		{method: "GET", pattern: "/account/mfa", perm: access.SignedIn, h: s.enrolPage, stages: []auth.Stage{auth.StageEnrol}, summary: "second-factor enrolment"},
		{method: "POST", pattern: "/account/mfa", perm: access.SignedIn, h: s.enrol, stages: []auth.Stage{auth.StageEnrol}, summary: "confirm second-factor enrolment"},

		// Application.
		{method: "GET", pattern: "/{$}", perm: access.SignedIn, h: s.home, summary: "home: the first page a role needs"},
		{method: "GET", pattern: "/cockpit", perm: access.CockpitView, h: s.cockpit, summary: "cockpit"},
		{method: "GET", pattern: "/orgs/{id}", perm: access.OrgOwnView, h: s.orgPage, summary: "an organisation's profile (一企一档)"},
		{method: "GET", pattern: "/orgs/{id}/edit", perm: access.OrgOwnEdit, h: s.orgEditPage, summary: "profile form"},
		{method: "POST", pattern: "/orgs/{id}/edit", perm: access.OrgOwnEdit, h: s.orgEdit, summary: "save a profile"},
		{method: "GET", pattern: "/registry", perm: access.RegistryView, h: s.registryPage, summary: "organisations: filters, search, paging"},
		{method: "GET", pattern: "/registry/export", perm: access.RegistryView, h: s.registryExport, summary: "the filtered list as .xlsx or .csv"},
		{method: "GET", pattern: "/registry/import", perm: access.RegistryImport, h: s.importPage, summary: "import form"},
		{method: "POST", pattern: "/registry/import", perm: access.RegistryImport, h: s.importUpload, summary: "upload and preview an import"},
		{method: "GET", pattern: "/registry/import/template/{kind}", perm: access.RegistryImport, h: s.importTemplate, summary: "an import template"},
		{method: "GET", pattern: "/registry/import/{job}", perm: access.RegistryImport, h: s.importStatus, summary: "an import's preview or progress"},
		{method: "POST", pattern: "/registry/import/{job}/commit", perm: access.RegistryImport, h: s.importCommit, summary: "commit a previewed import"},
		{method: "GET", pattern: "/admin/catalogues", perm: access.CatalogueEdit, h: s.cataloguePage, summary: "tags and clusters"},
		{method: "POST", pattern: "/admin/catalogues/{table}", perm: access.CatalogueEdit, h: s.catalogueSave, summary: "add or rename a tag or cluster"},
		{method: "GET", pattern: "/people", perm: access.PersonView, h: s.peoplePage, summary: "people (personal data masked)"},

		// Administration.
		{method: "GET", pattern: "/admin/users", perm: access.UserView, h: s.usersPage, summary: "accounts"},
		{method: "POST", pattern: "/admin/users", perm: access.UserManage, h: s.createUser, summary: "add an account"},
		{method: "GET", pattern: "/admin/users/{id}", perm: access.UserView, h: s.userPage, summary: "one account"},
		{method: "POST", pattern: "/admin/users/{id}", perm: access.UserManage, h: s.editUser, summary: "edit an account"},
		{method: "POST", pattern: "/admin/users/{id}/disable", perm: access.UserManage, h: s.disableUser, summary: "disable an account"},
		{method: "POST", pattern: "/admin/users/{id}/enable", perm: access.UserManage, h: s.enableUser, summary: "enable an account"},
		{method: "POST", pattern: "/admin/users/{id}/password", perm: access.UserManage, h: s.resetPassword, summary: "set a one-time password"},
		{method: "POST", pattern: "/admin/users/{id}/reset-mfa", perm: access.UserManage, h: s.resetMFA, summary: "reset the second factor"},
		{method: "POST", pattern: "/admin/users/{id}/unlock", perm: access.SessionAdmin, h: s.unlockUser, summary: "lift a sign-in lock"},
		{method: "GET", pattern: "/admin/tokens", perm: access.TokenManage, h: s.tokensPage, summary: "API tokens"},
		{method: "POST", pattern: "/admin/tokens", perm: access.TokenManage, h: s.createToken, summary: "create an API token"},
		{method: "POST", pattern: "/admin/tokens/{id}/revoke", perm: access.TokenManage, h: s.revokeToken, summary: "revoke an API token"},
		{method: "GET", pattern: "/admin/audit", perm: access.AuditRead, h: s.auditPage, summary: "audit log"},
		{method: "GET", pattern: "/admin/audit/export", perm: access.AuditExport, h: s.auditExport, summary: "audit log as CSV"},
		{method: "GET", pattern: "/admin/audit/verify", perm: access.AuditRead, h: s.auditVerify, summary: "verify the audit chain"},
		{method: "GET", pattern: "/admin/system", perm: access.SystemView, h: s.systemPage, summary: "system status"},

		// JSON API.
		{method: "GET", pattern: "/api/openapi.json", perm: access.Public, h: s.openAPI, api: true, summary: "this API's OpenAPI 3.1 document"},
		{method: "GET", pattern: "/api/v1/me", perm: access.SignedIn, h: s.apiMe, api: true, summary: "the caller"},
		{method: "GET", pattern: "/api/v1/organizations", perm: access.OrgOwnView, h: s.apiOrganisations, api: true, summary: "organisations the caller may see, filtered and searched"},
		{method: "GET", pattern: "/api/v1/organizations/{id}", perm: access.OrgOwnView, h: s.apiOrganisation, api: true, summary: "one organisation"},
		{method: "GET", pattern: "/api/v1/people", perm: access.PersonView, h: s.apiPeople, api: true, summary: "people, personal data masked unless revealed"},
		{method: "GET", pattern: "/api/v1/programs", perm: access.SignedIn, h: s.apiPrograms, api: true, summary: "published programs, latest versions"},
		{method: "GET", pattern: "/api/v1/projects", perm: access.OrgOwnView, h: s.apiProjects, api: true, summary: "projects, by program and stage"},
		{method: "POST", pattern: "/api/v1/imports", perm: access.RegistryImport, h: s.apiImport, api: true, summary: "import a spreadsheet, all or nothing"},
		{method: "GET", pattern: "/api/v1/users", perm: access.UserView, h: s.apiUsers, api: true, summary: "accounts"},
		{method: "GET", pattern: "/api/v1/audit", perm: access.AuditRead, h: s.apiAudit, api: true, summary: "audit events"},

		// Operations.
		{method: "GET", pattern: "/healthz", perm: access.Public, h: s.healthz, summary: "liveness"},
		{method: "GET", pattern: "/readyz", perm: access.Public, h: s.readyz, summary: "readiness: the database answers"},
		{method: "GET", pattern: "/metrics", perm: access.Public, h: s.metricsHandler, summary: "Prometheus metrics"},
		{method: "GET", pattern: "/static/{sum}/{path...}", perm: access.Public, h: s.static, summary: "static files at checksummed URLs"},
	}
}

// Routes lists method, pattern and permission of every route (for tests and
// the route-listing documentation).
func (s *Server) Routes() []RouteInfo {
	out := make([]RouteInfo, len(s.routes))
	for i, r := range s.routes {
		out[i] = RouteInfo{Method: r.method, Pattern: r.pattern, Perm: r.perm, API: r.api, Summary: r.summary}
	}
	return out
}

// RouteInfo describes a route.
type RouteInfo struct {
	Method, Pattern, Summary string
	Perm                     access.Permission
	API                      bool
}
