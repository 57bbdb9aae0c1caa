package proposalsweb

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// Drafting a reply with AI (package assist): offered only when a model
// endpoint is configured and the caller may draft. The model is given the
// figures a report template gives as of a date and the proposal's fields
// an administrator allows, scrubbed of personal data; its draft waits,
// with every number checked against the figures, until the drafter
// accepts it — then it is the proposal's draft, as one drafted from the
// template would be — or discards it.

// aiDraft is the AI section of a proposal's page.
type aiDraft struct {
	Draft    *assist.Draft
	Body     string           // the text in the editor: the draft's, or as the user last sent it
	Segments []assist.Segment // the text cut at its numerals
	Faults   int
	Bound    int
	Model    string
}

// aiData fills the AI section: the open draft with its text checked; body
// overrides the draft's text (a check or a refused acceptance).
func (s *area) aiData(r *http.Request, d *proposalData, body string) error {
	d.AIOn = s.Assist.On() && d.Can[string(proposal.ActDraft)]
	if !d.AIOn {
		return nil
	}
	dr, err := assist.OpenDraft(r.Context(), s.DB, assist.PurposeReply, d.P.ID)
	if err != nil || dr == nil {
		return err
	}
	if body == "" {
		body = dr.Body
	}
	c := dr.Check(body)
	d.AI = &aiDraft{Draft: dr, Body: body, Segments: c.Segments(dr.Figures), Faults: c.Faults, Bound: len(c.Bound), Model: dr.Model}
	return nil
}

// refuseAI shows the proposal's page again with the reason and, for a
// draft, the text as the user left it.
func (s *area) refuseAI(w http.ResponseWriter, r *http.Request, err error, body string) error {
	ok, rerr := s.pages.Refuse(w, r, err, "proposals.one", "proposals_one", func() (any, error) {
		d, err := s.proposalData(r)
		if err != nil {
			return nil, err
		}
		return d, s.aiData(r, d, body)
	}, "template", "as_of", "class", "instructions")
	if ok {
		return rerr
	}
	return err
}

// aiDraftReply asks the model for a draft of the reply.
func (s *area) aiDraftReply(w http.ResponseWriter, r *http.Request) error {
	if !s.Assist.On() {
		return problem.New(problem.ErrNotFound, "assist.off")
	}
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := proposal.Get(ctx, s.DB, id)
	if err != nil {
		return err
	}
	rules, err := proposal.GetRules(ctx, s.DB, p.Jurisdiction)
	if err != nil {
		return err
	}
	who := proposalActor(r)
	if err := proposal.Refusal(p, proposal.ActDraft, who, rules, clock.Today(ctx)); err != nil {
		return s.refuseAI(w, r, err, "")
	}
	rep, err := s.renderTemplate(r)
	if err != nil {
		return s.refuseAI(w, r, err, "")
	}
	_, err = s.Assist.DraftReply(ctx, assist.Who{UserID: who.UserID, Name: who.Name}, assist.ReplyRequest{
		ProposalID: p.ID, Title: p.Title, Body: p.Body, Member: p.Member, Cosigners: p.Cosigners,
		Template: rep.Template, AsOf: rep.AsOf, Figures: rep.Figures, Instructions: r.FormValue("instructions")})
	if err != nil {
		return s.refuseAI(w, r, err, "")
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d#ai-draft", id), http.StatusSeeOther)
	return nil
}

// renderTemplate renders the chosen report template as of the chosen date.
func (s *area) renderTemplate(r *http.Request) (report.Issued, error) {
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		return report.Issued{}, err
	}
	tpl, ok := tpls[r.FormValue("template")]
	if !ok {
		return report.Issued{}, problem.Invalid("template", "report.template_unknown", r.FormValue("template"))
	}
	asOf, err := time.ParseInLocation(time.DateOnly, r.FormValue("as_of"), site.Shanghai)
	if err != nil {
		return report.Issued{}, problem.Invalid("as_of", "metric.date", r.FormValue("as_of"))
	}
	return report.Render(r.Context(), s.DB, s.Indicators, tpl, asOf)
}

// draftOf reads the {draft} of the proposal {id}.
func (s *area) draftOf(r *http.Request) (int64, *assist.Draft, error) {
	id, err := site.PathID(r)
	if err != nil {
		return 0, nil, err
	}
	did, err := site.PathInt(r, "draft")
	if err != nil {
		return 0, nil, err
	}
	d, err := assist.GetDraft(r.Context(), s.DB, did)
	if err != nil {
		return 0, nil, err
	}
	if d.Purpose != assist.PurposeReply || d.SubjectID != id {
		return 0, nil, problem.New(problem.ErrNotFound, "assist.draft_unknown")
	}
	return id, d, nil
}

// aiCheck shows the edited text checked again; nothing is written.
func (s *area) aiCheck(w http.ResponseWriter, r *http.Request) error {
	_, dr, err := s.draftOf(r)
	if err != nil {
		return err
	}
	d, err := s.proposalData(r)
	if err != nil {
		return err
	}
	if err := s.aiData(r, d, r.FormValue("body")); err != nil {
		return err
	}
	if d.AI == nil || d.AI.Draft.ID != dr.ID {
		return problem.New(problem.ErrConflict, "assist.draft_closed")
	}
	pg := s.NewPage(w, r, "proposals.one", d)
	pg.Form["as_of"] = s.DataDay()
	pg.Form["class"] = r.FormValue("class")
	if d.AI.Faults > 0 {
		pg.Flash, pg.Bad = pg.T("assist.unbound", d.AI.Faults), true
	} else {
		pg.Flash = pg.T("proposals.ai.checked", d.AI.Bound)
	}
	return s.pages.Render(w, http.StatusOK, "proposals_one", pg)
}

// aiAccept makes the edited draft the proposal's draft, when every number
// in it is a figure's; the acceptance is audited with the model, the
// prompt's hash and the figures bound.
func (s *area) aiAccept(w http.ResponseWriter, r *http.Request) error {
	id, dr, err := s.draftOf(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	who := proposalActor(r)
	v, _ := strconv.Atoi(r.FormValue("version"))
	if v == 0 {
		v = -1
	}
	body := r.FormValue("body")
	err = proposal.DraftWith(ctx, s.DB, who, id, v, clock.Today(ctx), r.FormValue("class"), func(tx *store.Tx) (report.Issued, string, error) {
		rep, err := assist.Accept(ctx, tx, dr, assist.Who{UserID: who.UserID, Name: who.Name}, body)
		return rep, "AI " + dr.Model, err
	})
	if err != nil {
		return s.refuseAI(w, r, err, body)
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d?saved=1", id), http.StatusSeeOther)
	return nil
}

// aiDiscard closes the draft unused.
func (s *area) aiDiscard(w http.ResponseWriter, r *http.Request) error {
	id, dr, err := s.draftOf(r)
	if err != nil {
		return err
	}
	who := proposalActor(r)
	if dr.CreatedBy != who.UserID && dr.CreatedBy != 0 {
		// another drafter's: only the unit's staff who may draft it
		p, err := proposal.Get(r.Context(), s.DB, id)
		if err != nil {
			return err
		}
		rules, err := proposal.GetRules(r.Context(), s.DB, p.Jurisdiction)
		if err != nil {
			return err
		}
		if err := proposal.Refusal(p, proposal.ActDraft, who, rules, clock.Today(r.Context())); err != nil {
			return s.refuseAI(w, r, err, "")
		}
	}
	if err := assist.Discard(r.Context(), s.DB, dr, assist.Who{UserID: who.UserID, Name: who.Name}); err != nil {
		return s.refuseAI(w, r, err, "")
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d", id), http.StatusSeeOther)
	return nil
}
