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
		{method: "GET", pattern: "/signin/sso", perm: access.Public, h: s.ssoStart, summary: "single sign-on: to the city's identity platform (OpenID Connect, code flow with PKCE)"},
		{method: "GET", pattern: "/signin/sso/callback", perm: access.Public, h: s.ssoCallback, summary: "single sign-on: the identity platform's return; checks state, nonce and ID token, then signs in"},
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
		{method: "GET", pattern: "/{$}", perm: access.Public, h: s.landing, summary: "the front page (open calls, challenges, open data) for visitors; a signed-in user's work with counts (home.go)"},
		{method: "GET", pattern: "/cockpit", perm: access.CockpitView, h: s.cockpit, summary: "cockpit"},
		{method: "GET", pattern: "/cockpit/areas/{n}", perm: access.CockpitView, h: s.areaPage, summary: "the cockpit page of one section of the letter, against a year before, by district"},
		{method: "GET", pattern: "/people/{id}/ledger", perm: access.ProgramManage, h: s.ledgerPage, summary: "a person's places on projects of every program, as limit rules count them"},
		{method: "GET", pattern: "/notices", perm: access.SignedIn, h: s.noticesPage, summary: "my notifications"},
		{method: "POST", pattern: "/notices/read", perm: access.SignedIn, h: s.readNotices, summary: "mark my notifications read"},

		// Administration.
		{method: "GET", pattern: "/admin/system", perm: access.SystemView, h: s.systemPage, summary: "system status"},
		{method: "GET", pattern: "/admin/sso", perm: access.UserView, h: s.ssoRolesPage, summary: "single sign-on: which of the identity platform's groups grant which role"},
		{method: "POST", pattern: "/admin/sso", perm: access.UserManage, h: s.ssoRolesChange, summary: "single sign-on: map a group to a role, or remove a mapping (audited)"},

		// JSON API.
		{method: "GET", pattern: "/api/openapi.json", perm: access.Public, h: s.openAPI, api: true, summary: "this API's OpenAPI 3.1 document"},
		{method: "GET", pattern: "/api/docs", perm: access.Public, h: s.apiDocsPage, summary: "the API reference: the OpenAPI document rendered as a page, operations by tag"},
		{method: "GET", pattern: "/api/v1/me", perm: access.SignedIn, h: s.apiMe, api: true, summary: "the caller"},
		{method: "GET", pattern: "/api/v1/lookup/organisations", perm: access.OrgLookup, h: s.apiLookupOrganisations, api: true, summary: "organisations for a picker: name or credit code starting with q, or a name holding q; ?q=&limit=1..50 (names, districts, codes)"},
		{method: "GET", pattern: "/api/v1/lookup/people", perm: access.PersonView, h: s.apiLookupPeople, api: true, summary: "people the caller may see for a picker: name starting with q, employer and masked ID number; ?q=&limit=1..50"},
		{method: "GET", pattern: "/api/v1/people/{id}/ledger", perm: access.ProgramManage, h: s.apiLedger, api: true, summary: "a person's ledger of projects across programs"},

		// Open data: public by design; only template fields marked public leave.
		{method: "GET", pattern: "/open-data", perm: access.Public, h: s.openDataPage, summary: "open data downloads"},
		{method: "GET", pattern: "/open-data/grants.json", perm: access.Public, h: s.openGrants, summary: "funded projects as 360Giving 1.4.3 grants; ?date= as of a day"},
		{method: "GET", pattern: "/challenges", perm: access.Public, h: s.challengesPage, summary: "the public list of published challenges (揭榜挂帅榜单), public fields only"},
		{method: "GET", pattern: "/challenges/{id}", perm: access.Public, h: s.challengePage, summary: "one published challenge for anyone: need, key indicators, bounty, deadline, term (public fields only)"},
		{method: "GET", pattern: "/open-data/challenges.json", perm: access.Public, h: s.openChallenges, summary: "contracting processes (challenge lists, competitive calls) as an OCDS 1.1 release package; ?date= as of a day, ?since= the increment"},
		{method: "GET", pattern: "/open-data/ocds/releases.json", perm: access.Public, h: s.openChallenges, summary: "contracting processes as an OCDS 1.1 release package; ?date= as of a day, ?since= the increment"},
		{method: "GET", pattern: "/open-data/ocds/records.json", perm: access.Public, h: s.openRecords, summary: "contracting processes as an OCDS 1.1 record package with compiled releases; ?date= as of a day"},

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
