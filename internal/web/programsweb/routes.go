// Package programsweb serves programs (项目) and their calls (批次), the
// records in them (applications, challenges and their bids, records the
// bureau runs), review (评审) with its assignments and score sheets, the
// matching engine's suggestions for a need, the 拨投结合 conversion, and
// their JSON API. What a program does is its template's (package
// program); object-level reach over a record is decided by
// program.ReachOf for every route that names one.
package programsweb

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
	pages    *site.Pages
	projects site.KeptJSON // /api/v1/projects answers, for one audit generation
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
		{Method: "GET", Pattern: "/programs", Perm: access.ProgramView, H: s.programsPage, Summary: "programs and their calls; an applicant's open calls and records"},
		{Method: "POST", Pattern: "/programs/watches", Perm: access.ProjectApply, H: s.addWatch, Summary: "watch for new calls (a saved search with alerts)"},
		{Method: "POST", Pattern: "/programs/watches/{id}/delete", Perm: access.ProjectApply, H: s.removeWatch, Summary: "stop watching"},
		{Method: "GET", Pattern: "/programs/publish", Perm: access.ProgramManage, H: s.publishPage, Summary: "publish a template: form"},
		{Method: "POST", Pattern: "/programs/publish", Perm: access.ProgramManage, H: s.publish, Summary: "preview (diff and dry run) or publish a template"},
		{Method: "GET", Pattern: "/programs/{key}/calls/new", Perm: access.ProgramManage, H: s.callNewPage, Summary: "open a call: form"},
		{Method: "POST", Pattern: "/programs/{key}/calls", Perm: access.ProgramManage, H: s.openCall, Summary: "open a call (批次)"},
		{Method: "GET", Pattern: "/calls/{id}", Perm: access.ProgramView, H: s.callPage, Summary: "a call: board by stage and ranking, or the applicant's records in it"},
		{Method: "POST", Pattern: "/calls/{id}/bulk", Perm: access.ProgramManage, H: s.bulkMove, Summary: "one transition on several records, after confirmation"},
		{Method: "GET", Pattern: "/calls/{id}/import-template.xlsx", Perm: access.ProgramManage, H: s.recordsTemplate, Summary: "the sheet for importing records into a call"},
		{Method: "POST", Pattern: "/calls/{id}/import", Perm: access.ProgramManage, H: s.importRecords, Summary: "import records into a call from Excel (all rows or none)"},
		{Method: "GET", Pattern: "/calls/{id}/export", Perm: access.ProgramManage, H: s.callExport, Summary: "a call's records with scores and ranks as .xlsx"},
		{Method: "GET", Pattern: "/calls/{id}/apply", Perm: access.ProjectApply, H: s.applyPage, Summary: "application form"},
		{Method: "POST", Pattern: "/calls/{id}/apply", Perm: access.ProjectApply, H: s.apply, Summary: "start an application (draft)"},
		{Method: "GET", Pattern: "/projects/{id}", Perm: access.SignedIn, H: s.projectPage, Summary: "a record, as the caller may see it (blind for blind reviewers)"},
		{Method: "POST", Pattern: "/projects/{id}", Perm: access.SignedIn, H: s.saveProject, Summary: "save the form (the applicant; staff on records the bureau runs)"},
		{Method: "POST", Pattern: "/projects/{id}/draft-reply", Perm: access.ProgramManage, H: s.draftReply, Summary: "fill a reply from a report template as of a date"},
		{Method: "GET", Pattern: "/calls/{id}/register", Perm: access.ProgramManage, H: s.registerPage, Summary: "register a record the bureau runs itself (a proposal)"},
		{Method: "POST", Pattern: "/calls/{id}/register", Perm: access.ProgramManage, H: s.register, Summary: "register a record the bureau runs itself"},
		{Method: "GET", Pattern: "/projects/{id}/children/{kind}/new", Perm: access.SignedIn, H: s.childPage, Summary: "form for a child record (a bid on a challenge)"},
		{Method: "POST", Pattern: "/projects/{id}/children/{kind}", Perm: access.SignedIn, H: s.addChild, Summary: "add a child record; who may is in the template"},
		{Method: "POST", Pattern: "/projects/{id}/duplicates/{other}", Perm: access.ProgramManage, H: s.decideDuplicate, Summary: "clear or uphold a record's resemblance to an earlier application, with the reason"},
		{Method: "POST", Pattern: "/projects/{id}/commit", Perm: access.ProjectApply, H: s.commitProject, Summary: "confirm the program's commitment (as the unit, or for the leader who signed it)"},
		{Method: "POST", Pattern: "/projects/{id}/move", Perm: access.SignedIn, H: s.moveProject, Summary: "take a transition (who may is in the template)"},
		{Method: "GET", Pattern: "/projects/{id}/suggestions", Perm: access.ProgramView, H: s.suggestionsPage, Summary: "candidates the matching engine suggests for a need (a challenge's solvers), with the reasons, and the decisions taken"},
		{Method: "POST", Pattern: "/projects/{id}/suggestions/{org}/{decision}", Perm: access.ProgramView, H: s.decideSuggestion, Summary: "accept (a docking starts) or reject a suggested candidate: the need's owner or a manager"},
		{Method: "POST", Pattern: "/projects/{id}/convert", Perm: access.ProgramManage, H: s.convertLeg, Summary: "convert a disbursed 拨投结合 grant leg to equity at the first market round"},
		{Method: "POST", Pattern: "/projects/{id}/outcomes", Perm: access.SignedIn, H: s.addOutcome, Summary: "record a milestone or outcome (the applicant or a manager)"},
		{Method: "POST", Pattern: "/projects/{id}/assign", Perm: access.ProgramManage, H: s.assignReviewers, Summary: "assign reviewers automatically"},
		{Method: "POST", Pattern: "/projects/{id}/override", Perm: access.ProgramManage, H: s.overrideReviewer, Summary: "assign a reviewer by hand, with a reason"},
		{Method: "POST", Pattern: "/assignments/{id}/withdraw", Perm: access.ProgramManage, H: s.withdrawReviewer, Summary: "withdraw an assignment, with a reason"},
		{Method: "POST", Pattern: "/projects/{id}/assignments/{aid}/rate", Perm: access.ProgramManage, H: s.rateExpert, Summary: "rate an expert's submitted review 1–5 (timeliness, quality), with a note"},
		{Method: "POST", Pattern: "/assignments/{id}/score", Perm: access.ReviewDo, H: s.scoreSheet, Summary: "submit a score sheet"},
		{Method: "POST", Pattern: "/assignments/{id}/decline", Perm: access.ReviewDo, H: s.declineReview, Summary: "decline an assignment or declare a conflict"},
		{Method: "POST", Pattern: "/projects/{id}/ai-summary", Perm: access.ReviewDo, H: s.askSummary, Summary: "AI 摘要: a reviewer asks the configured model for a summary of the record as they see it (blind stays blind; numbers checked against the form's; offered only when XINZHI_AI_BASE_URL is set)"},
		{Method: "GET", Pattern: "/reviews", Perm: access.ReviewDo, H: s.reviewsPage, Summary: "my review assignments"},
		{Method: "GET", Pattern: "/attachments/{id}", Perm: access.SignedIn, H: s.attachment, Summary: "a record's file, to those who may see the record"},
		{Method: "GET", Pattern: "/api/v1/programs", Perm: access.SignedIn, H: s.apiPrograms, API: true, Summary: "published programs, latest versions"},
		{Method: "POST", Pattern: "/api/v1/programs", Perm: access.ProgramManage, H: s.apiPublish, API: true, Summary: "publish a template (YAML body); ?dry_run=true previews"},
		{Method: "GET", Pattern: "/api/v1/calls", Perm: access.ProgramView, H: s.apiCalls, API: true, Summary: "calls, by program"},
		{Method: "GET", Pattern: "/api/v1/projects", Perm: access.ProgramView, H: s.apiProjects, API: true, Summary: "projects, by program and stage"},
		{Method: "GET", Pattern: "/api/v1/projects/{id}", Perm: access.SignedIn, H: s.apiProject, API: true, Summary: "one project as the caller may see it"},
		{Method: "POST", Pattern: "/api/v1/calls/{id}/projects", Perm: access.SignedIn, H: s.apiApply, API: true, Summary: "start a record in a call: an organisation's draft application, or (a manager) a record the bureau runs; body {\"data\": {…}}"},
		{Method: "PUT", Pattern: "/api/v1/projects/{id}", Perm: access.SignedIn, H: s.apiSaveProject, API: true, Summary: "save a record's form; body {\"data\": {…}, \"version\": n} (the version read)"},
		{Method: "POST", Pattern: "/api/v1/projects/{id}/commitments", Perm: access.ProjectApply, H: s.apiCommit, API: true, Summary: "confirm the program's commitment; body {\"role\": \"unit\"|\"leader\"}"},
		{Method: "POST", Pattern: "/api/v1/projects/{id}/move", Perm: access.SignedIn, H: s.apiMoveProject, API: true, Summary: "take a transition (who may is in the template); body {\"transition\": \"…\", \"note\": \"…\", \"amount\": n}"},
		{Method: "POST", Pattern: "/api/v1/projects/{id}/children/{kind}", Perm: access.SignedIn, H: s.apiAddChild, API: true, Summary: "add a child record (a bid on a published challenge); body {\"data\": {…}}"},
		{Method: "GET", Pattern: "/api/v1/projects/{id}/suggestions", Perm: access.ProgramView, H: s.apiSuggestions, API: true, Summary: "suggested candidates for a need, with reasons, and the decisions taken; ?limit=1..50"},
		{Method: "POST", Pattern: "/api/v1/projects/{id}/suggestions/{org}/{decision}", Perm: access.ProgramView, H: s.apiDecide, API: true, Summary: "accept or reject a suggested candidate; body {\"reason\": \"…\"}"},
		{Method: "POST", Pattern: "/api/v1/projects/{id}/conversion", Perm: access.ProgramManage, H: s.apiConvertLeg, API: true, Summary: "convert a disbursed grant leg to equity; body: round_date, pre_money, price, new_money, discount"},
		{Method: "POST", Pattern: "/api/v1/calls/{id}/import", Perm: access.ProgramManage, H: s.apiImportRecords, API: true, Summary: "import records into a call from a spreadsheet (multipart part file), all rows or none"},
		{Method: "GET", Pattern: "/api/v1/reviews", Perm: access.ReviewDo, H: s.apiReviews, API: true, Summary: "the caller's review assignments (blind)"},
	}, nil
}
