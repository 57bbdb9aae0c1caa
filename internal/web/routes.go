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
		{method: "GET", pattern: "/{$}", perm: access.Public, h: s.landing, summary: "the front page (open calls, challenges, open data) for visitors; a signed-in user's work with counts (home.go)"},
		{method: "GET", pattern: "/cockpit", perm: access.CockpitView, h: s.cockpit, summary: "cockpit"},
		{method: "GET", pattern: "/cockpit/areas/{n}", perm: access.CockpitView, h: s.areaPage, summary: "the cockpit page of one section of the letter, against a year before, by district"},
		{method: "GET", pattern: "/people/{id}/ledger", perm: access.ProgramManage, h: s.ledgerPage, summary: "a person's places on projects of every program, as limit rules count them"},

		// Programs, calls, records and review. Object-level reach over a
		// record is decided by program.ReachOf for every route that names one.
		{method: "GET", pattern: "/programs", perm: access.ProgramView, h: s.programsPage, summary: "programs and their calls; an applicant's open calls and records"},
		{method: "POST", pattern: "/programs/watches", perm: access.ProjectApply, h: s.addWatch, summary: "watch for new calls (a saved search with alerts)"},
		{method: "POST", pattern: "/programs/watches/{id}/delete", perm: access.ProjectApply, h: s.removeWatch, summary: "stop watching"},
		{method: "GET", pattern: "/programs/publish", perm: access.ProgramManage, h: s.publishPage, summary: "publish a template: form"},
		{method: "POST", pattern: "/programs/publish", perm: access.ProgramManage, h: s.publish, summary: "preview (diff and dry run) or publish a template"},
		{method: "GET", pattern: "/programs/{key}/calls/new", perm: access.ProgramManage, h: s.callNewPage, summary: "open a call: form"},
		{method: "POST", pattern: "/programs/{key}/calls", perm: access.ProgramManage, h: s.openCall, summary: "open a call (批次)"},
		{method: "GET", pattern: "/calls/{id}", perm: access.ProgramView, h: s.callPage, summary: "a call: board by stage and ranking, or the applicant's records in it"},
		{method: "POST", pattern: "/calls/{id}/bulk", perm: access.ProgramManage, h: s.bulkMove, summary: "one transition on several records, after confirmation"},
		{method: "GET", pattern: "/calls/{id}/import-template.xlsx", perm: access.ProgramManage, h: s.recordsTemplate, summary: "the sheet for importing records into a call"},
		{method: "POST", pattern: "/calls/{id}/import", perm: access.ProgramManage, h: s.importRecords, summary: "import records into a call from Excel (all rows or none)"},
		{method: "GET", pattern: "/calls/{id}/export", perm: access.ProgramManage, h: s.callExport, summary: "a call's records with scores and ranks as .xlsx"},
		{method: "GET", pattern: "/calls/{id}/apply", perm: access.ProjectApply, h: s.applyPage, summary: "application form"},
		{method: "POST", pattern: "/calls/{id}/apply", perm: access.ProjectApply, h: s.apply, summary: "start an application (draft)"},
		{method: "GET", pattern: "/projects/{id}", perm: access.SignedIn, h: s.projectPage, summary: "a record, as the caller may see it (blind for blind reviewers)"},
		{method: "POST", pattern: "/projects/{id}", perm: access.SignedIn, h: s.saveProject, summary: "save the form (the applicant; staff on records the bureau runs)"},
		{method: "POST", pattern: "/projects/{id}/draft-reply", perm: access.ProgramManage, h: s.draftReply, summary: "fill a reply from a report template as of a date"},
		{method: "GET", pattern: "/calls/{id}/register", perm: access.ProgramManage, h: s.registerPage, summary: "register a record the bureau runs itself (a proposal)"},
		{method: "POST", pattern: "/calls/{id}/register", perm: access.ProgramManage, h: s.register, summary: "register a record the bureau runs itself"},
		{method: "GET", pattern: "/projects/{id}/children/{kind}/new", perm: access.SignedIn, h: s.childPage, summary: "form for a child record (a bid on a challenge)"},
		{method: "POST", pattern: "/projects/{id}/children/{kind}", perm: access.SignedIn, h: s.addChild, summary: "add a child record; who may is in the template"},
		{method: "POST", pattern: "/projects/{id}/duplicates/{other}", perm: access.ProgramManage, h: s.decideDuplicate, summary: "clear or uphold a record's resemblance to an earlier application, with the reason"},
		{method: "POST", pattern: "/projects/{id}/commit", perm: access.ProjectApply, h: s.commitProject, summary: "confirm the program's commitment (as the unit, or for the leader who signed it)"},
		{method: "POST", pattern: "/projects/{id}/move", perm: access.SignedIn, h: s.moveProject, summary: "take a transition (who may is in the template)"},
		{method: "GET", pattern: "/projects/{id}/suggestions", perm: access.ProgramView, h: s.suggestionsPage, summary: "candidates the matching engine suggests for a need (a challenge's solvers), with the reasons, and the decisions taken"},
		{method: "POST", pattern: "/projects/{id}/suggestions/{org}/{decision}", perm: access.ProgramView, h: s.decideSuggestion, summary: "accept (a docking starts) or reject a suggested candidate: the need's owner or a manager"},
		{method: "POST", pattern: "/projects/{id}/convert", perm: access.ProgramManage, h: s.convertLeg, summary: "convert a disbursed 拨投结合 grant leg to equity at the first market round"},
		{method: "POST", pattern: "/projects/{id}/outcomes", perm: access.SignedIn, h: s.addOutcome, summary: "record a milestone or outcome (the applicant or a manager)"},
		{method: "POST", pattern: "/projects/{id}/assign", perm: access.ProgramManage, h: s.assignReviewers, summary: "assign reviewers automatically"},
		{method: "POST", pattern: "/projects/{id}/override", perm: access.ProgramManage, h: s.overrideReviewer, summary: "assign a reviewer by hand, with a reason"},
		{method: "POST", pattern: "/assignments/{id}/withdraw", perm: access.ProgramManage, h: s.withdrawReviewer, summary: "withdraw an assignment, with a reason"},
		{method: "POST", pattern: "/projects/{id}/assignments/{aid}/rate", perm: access.ProgramManage, h: s.rateExpert, summary: "rate an expert's submitted review 1–5 (timeliness, quality), with a note"},
		{method: "POST", pattern: "/assignments/{id}/score", perm: access.ReviewDo, h: s.scoreSheet, summary: "submit a score sheet"},
		{method: "POST", pattern: "/assignments/{id}/decline", perm: access.ReviewDo, h: s.declineReview, summary: "decline an assignment or declare a conflict"},
		{method: "GET", pattern: "/reviews", perm: access.ReviewDo, h: s.reviewsPage, summary: "my review assignments"},
		{method: "GET", pattern: "/attachments/{id}", perm: access.SignedIn, h: s.attachment, summary: "a record's file, to those who may see the record"},
		{method: "GET", pattern: "/notices", perm: access.SignedIn, h: s.noticesPage, summary: "my notifications"},
		{method: "POST", pattern: "/notices/read", perm: access.SignedIn, h: s.readNotices, summary: "mark my notifications read"},

		// Administration.
		{method: "GET", pattern: "/admin/system", perm: access.SystemView, h: s.systemPage, summary: "system status"},

		// JSON API.
		{method: "GET", pattern: "/api/openapi.json", perm: access.Public, h: s.openAPI, api: true, summary: "this API's OpenAPI 3.1 document"},
		{method: "GET", pattern: "/api/docs", perm: access.Public, h: s.apiDocsPage, summary: "the API reference: the OpenAPI document rendered as a page, operations by tag"},
		{method: "GET", pattern: "/api/v1/me", perm: access.SignedIn, h: s.apiMe, api: true, summary: "the caller"},
		{method: "GET", pattern: "/api/v1/lookup/organisations", perm: access.OrgLookup, h: s.apiLookupOrganisations, api: true, summary: "organisations for a picker: name or credit code starting with q, or a name holding q; ?q=&limit=1..50 (names, districts, codes)"},
		{method: "GET", pattern: "/api/v1/lookup/people", perm: access.PersonView, h: s.apiLookupPeople, api: true, summary: "people the caller may see for a picker: name starting with q, employer and masked ID number; ?q=&limit=1..50"},
		{method: "GET", pattern: "/api/v1/people/{id}/ledger", perm: access.ProgramManage, h: s.apiLedger, api: true, summary: "a person's ledger of projects across programs"},
		{method: "GET", pattern: "/api/v1/programs", perm: access.SignedIn, h: s.apiPrograms, api: true, summary: "published programs, latest versions"},
		{method: "POST", pattern: "/api/v1/programs", perm: access.ProgramManage, h: s.apiPublish, api: true, summary: "publish a template (YAML body); ?dry_run=true previews"},
		{method: "GET", pattern: "/api/v1/calls", perm: access.ProgramView, h: s.apiCalls, api: true, summary: "calls, by program"},
		{method: "GET", pattern: "/api/v1/projects", perm: access.ProgramView, h: s.apiProjects, api: true, summary: "projects, by program and stage"},
		{method: "GET", pattern: "/api/v1/projects/{id}", perm: access.SignedIn, h: s.apiProject, api: true, summary: "one project as the caller may see it"},
		{method: "POST", pattern: "/api/v1/calls/{id}/projects", perm: access.SignedIn, h: s.apiApply, api: true, summary: "start a record in a call: an organisation's draft application, or (a manager) a record the bureau runs; body {\"data\": {…}}"},
		{method: "PUT", pattern: "/api/v1/projects/{id}", perm: access.SignedIn, h: s.apiSaveProject, api: true, summary: "save a record's form; body {\"data\": {…}, \"version\": n} (the version read)"},
		{method: "POST", pattern: "/api/v1/projects/{id}/commitments", perm: access.ProjectApply, h: s.apiCommit, api: true, summary: "confirm the program's commitment; body {\"role\": \"unit\"|\"leader\"}"},
		{method: "POST", pattern: "/api/v1/projects/{id}/move", perm: access.SignedIn, h: s.apiMoveProject, api: true, summary: "take a transition (who may is in the template); body {\"transition\": \"…\", \"note\": \"…\", \"amount\": n}"},
		{method: "POST", pattern: "/api/v1/projects/{id}/children/{kind}", perm: access.SignedIn, h: s.apiAddChild, api: true, summary: "add a child record (a bid on a published challenge); body {\"data\": {…}}"},
		{method: "GET", pattern: "/api/v1/projects/{id}/suggestions", perm: access.ProgramView, h: s.apiSuggestions, api: true, summary: "suggested candidates for a need, with reasons, and the decisions taken; ?limit=1..50"},
		{method: "POST", pattern: "/api/v1/projects/{id}/suggestions/{org}/{decision}", perm: access.ProgramView, h: s.apiDecide, api: true, summary: "accept or reject a suggested candidate; body {\"reason\": \"…\"}"},
		{method: "POST", pattern: "/api/v1/projects/{id}/conversion", perm: access.ProgramManage, h: s.apiConvertLeg, api: true, summary: "convert a disbursed grant leg to equity; body: round_date, pre_money, price, new_money, discount"},
		{method: "POST", pattern: "/api/v1/calls/{id}/import", perm: access.ProgramManage, h: s.apiImportRecords, api: true, summary: "import records into a call from a spreadsheet (multipart part file), all rows or none"},
		{method: "GET", pattern: "/api/v1/reviews", perm: access.ReviewDo, h: s.apiReviews, api: true, summary: "the caller's review assignments (blind)"},

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
