// Package proposalsweb serves proposal handling (提案办理): the deadline
// board with the yearly figures by unit, a proposal's page with its whole
// flow and the moves the caller may make, the registration form, and the
// published reply (public, without the member's contact details). The
// handling itself is package proposal's.
package proposalsweb

import (
	"embed"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
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
		{Method: "GET", Pattern: "/proposals", Perm: access.ProposalView, H: s.proposalsPage, Summary: "the deadline board (overdue marked) and the year's figures by unit: count and share per class, on-time reply rate, satisfaction"},
		{Method: "GET", Pattern: "/proposals/export", Perm: access.ProposalView, H: s.proposalsExport, Summary: "the board as filtered, as .xlsx"},
		{Method: "POST", Pattern: "/proposals/rules", Perm: access.ProposalAssign, H: s.setProposalRules, Summary: "set the jurisdiction's window for sending a proposal back (working days)"},
		{Method: "POST", Pattern: "/proposals/calendar", Perm: access.ProposalAssign, H: s.setProposalDay, Summary: "record a public holiday or a weekend worked in the calendar of working days"},
		{Method: "POST", Pattern: "/proposals/unit-codes", Perm: access.ProposalAssign, H: s.setUnitCode, Summary: "enter a handling unit's code (机关代字) that its replies' document numbers begin with"},
		{Method: "GET", Pattern: "/proposals/new", Perm: access.ProposalAssign, H: s.proposalNewPage, Summary: "register a proposal: form"},
		{Method: "POST", Pattern: "/proposals", Perm: access.ProposalAssign, H: s.registerProposal, Summary: "register a proposal (member, title, text, co-signers, received date)"},
		{Method: "GET", Pattern: "/proposals/{id}", Perm: access.ProposalView, H: s.proposalPage, Summary: "a proposal with its whole flow and the moves the caller may make"},
		{Method: "POST", Pattern: "/proposals/{id}/assign", Perm: access.ProposalAssign, H: s.proposalAct(proposal.ActAssign), Summary: "交办 to a lead unit and co-units"},
		{Method: "POST", Pattern: "/proposals/{id}/send-back", Perm: access.ProposalHandle, H: s.proposalAct(proposal.ActSendBack), Summary: "send it back as not the unit's own, within the window"},
		{Method: "POST", Pattern: "/proposals/{id}/contact", Perm: access.ProposalHandle, H: s.proposalAct(proposal.ActContact), Summary: "log a contact with the member (办前面商, progress, follow-up)"},
		{Method: "POST", Pattern: "/proposals/{id}/draft", Perm: access.ProposalHandle, H: s.proposalAct(proposal.ActDraft), Summary: "draft the reply from a report template as of a date, with its class"},
		{Method: "POST", Pattern: "/proposals/{id}/ai-draft", Perm: access.ProposalHandle, H: s.aiDraftReply, Summary: "AI 起草: ask the configured model for a draft of the reply from a report template's figures as of a date (the figures it may use; personal data removed; offered only when XINZHI_AI_BASE_URL is set)"},
		{Method: "POST", Pattern: "/proposals/{id}/ai-draft/{draft}/check", Perm: access.ProposalHandle, H: s.aiCheck, Summary: "check the edited AI draft: every number bound to a figure or marked; writes nothing"},
		{Method: "POST", Pattern: "/proposals/{id}/ai-draft/{draft}/accept", Perm: access.ProposalHandle, H: s.aiAccept, Summary: "accept the edited AI draft as the reply's draft once no number is unbound (audited: who, model, prompt hash, bound figures)"},
		{Method: "POST", Pattern: "/proposals/{id}/ai-draft/{draft}/discard", Perm: access.ProposalHandle, H: s.aiDiscard, Summary: "discard the AI draft"},
		{Method: "POST", Pattern: "/proposals/{id}/countersign", Perm: access.ProposalHandle, H: s.proposalAct(proposal.ActCountersign), Summary: "a co-unit countersigns (会签)"},
		{Method: "POST", Pattern: "/proposals/{id}/extend", Perm: access.ProposalHandle, H: s.proposalAct(proposal.ActExtend), Summary: "ask for an extension, with the reason"},
		{Method: "POST", Pattern: "/proposals/{id}/issue", Perm: access.ProposalHandle, H: s.proposalAct(proposal.ActIssue), Summary: "issue the signed reply as a frozen report"},
		{Method: "POST", Pattern: "/proposals/{id}/review", Perm: access.ProposalSupervise, H: s.proposalAct(proposal.ActReview), Summary: "督办 review; may change the class"},
		{Method: "POST", Pattern: "/proposals/{id}/return", Perm: access.ProposalSupervise, H: s.proposalAct(proposal.ActReturn), Summary: "return the draft to the lead unit"},
		{Method: "POST", Pattern: "/proposals/{id}/extension", Perm: access.ProposalSupervise, H: s.proposalAct(proposal.ActDecideExtend), Summary: "approve or refuse the pending extension"},
		{Method: "POST", Pattern: "/proposals/{id}/sign", Perm: access.ProposalSign, H: s.proposalAct(proposal.ActSign), Summary: "签发: a leader other than the drafter signs"},
		{Method: "POST", Pattern: "/proposals/{id}/rate", Perm: access.ProposalAssign, H: s.proposalAct(proposal.ActRate), Summary: "record the member's two ratings; 不满意 reopens it"},
		{Method: "GET", Pattern: "/replies/{id}", Perm: access.Public, H: s.replyPage, Summary: "a published reply, without the member's contact details"},
		{Method: "GET", Pattern: "/replies/{id}/docx", Perm: access.Public, H: s.replyDOCX, Summary: "a published reply as .docx"},
	}, nil
}
