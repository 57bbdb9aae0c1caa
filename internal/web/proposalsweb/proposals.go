package proposalsweb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// Proposal handling (提案办理): the deadline board with the yearly figures
// by unit, a proposal's page with its whole flow and the moves the caller
// may make, the registration form, and the published reply (public,
// without the member's contact details). Who may make a move is decided
// twice: the route's permission, then package proposal (the unit the
// account belongs to, the drafter's account).

// proposalsData is the deadline board.
type proposalsData struct {
	Filter proposal.Filter
	Rows   []proposal.Row
	Units  []proposal.Figures
	Total  proposal.Figures
	// YearRows are the units' figures and then the total.
	YearRows []proposal.Figures
	Classes  []proposal.Class
	Years    []int
	Unit     []proposal.Unit
	States   []proposal.State
	Day      string
	Rules    proposal.Rules // the jurisdiction's numbers, shown and (the window) set on the board
	Year     int            // the year of the figures: the filter's, this year when it shows every year
}

func (s *area) proposalFilter(r *http.Request) proposal.Filter {
	q := r.URL.Query()
	f := proposal.Filter{Class: q.Get("class"), State: proposal.State(q.Get("state")), Overdue: q.Get("overdue") == "1", Day: clock.Today(r.Context())}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	if q.Get("year") == "" {
		f.Year, _ = strconv.Atoi(f.Day[:4])
	}
	f.UnitID, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	return f
}

func (s *area) proposalsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.proposalsData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "proposals.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("form.saved")
	}
	return s.pages.Render(w, http.StatusOK, "proposals", p)
}

func (s *area) proposalsData(r *http.Request) (*proposalsData, error) {
	ctx := r.Context()
	f := s.proposalFilter(r)
	d := &proposalsData{Filter: f, Day: f.Day, States: proposal.States}
	var err error
	if d.Rows, err = proposal.List(ctx, s.DB, f); err != nil {
		return nil, err
	}
	year := f.Year
	if year == 0 {
		year, _ = strconv.Atoi(f.Day[:4])
	}
	d.Year = year
	if d.Units, d.Total, err = proposal.Yearly(ctx, s.DB, year, f.Day); err != nil {
		return nil, err
	}
	d.Classes = d.Total.ClassesInList
	if d.Rules, err = proposal.GetRules(ctx, s.DB, "default"); err != nil {
		return nil, err
	}
	d.YearRows = append(append([]proposal.Figures{}, d.Units...), d.Total)
	if d.Unit, err = proposal.Units(ctx, s.DB); err != nil {
		return nil, err
	}
	this, _ := strconv.Atoi(f.Day[:4])
	for y := this; y > this-5; y-- {
		d.Years = append(d.Years, y)
	}
	return d, nil
}

// setProposalRules sets the jurisdiction's window for sending back, in
// working days (3, 5, 7 or 10 by city).
func (s *area) setProposalRules(w http.ResponseWriter, r *http.Request) error {
	days, err := strconv.Atoi(strings.TrimSpace(r.FormValue("send_back_days")))
	if err != nil {
		days = 0
	}
	if err := proposal.SetSendBackDays(r.Context(), s.DB, "default", days); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "proposals.title", "proposals", func() (any, error) { return s.proposalsData(r) }, "send_back_days"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/proposals?saved=1#rules", http.StatusSeeOther)
	return nil
}

// setProposalDay records a holiday or a weekend worked in the
// jurisdiction's calendar of working days.
func (s *area) setProposalDay(w http.ResponseWriter, r *http.Request) error {
	err := proposal.SetCalendarDay(r.Context(), s.DB, "default", r.FormValue("day"), r.FormValue("working") == "1", r.FormValue("name"))
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "proposals.title", "proposals", func() (any, error) { return s.proposalsData(r) }, "day", "name"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/proposals?saved=1#rules", http.StatusSeeOther)
	return nil
}

// setUnitCode enters the code a handling unit puts before its document
// numbers (机关代字), which a reply letter's 发文字号 begins with.
func (s *area) setUnitCode(w http.ResponseWriter, r *http.Request) error {
	unit, _ := strconv.ParseInt(r.FormValue("unit"), 10, 64)
	if err := proposal.SetUnitCode(r.Context(), s.DB, unit, r.FormValue("code")); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "proposals.title", "proposals", func() (any, error) { return s.proposalsData(r) }, "code"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/proposals?saved=1#rules", http.StatusSeeOther)
	return nil
}

// proposalsExport sends the board as it is filtered, as .xlsx.
func (s *area) proposalsExport(w http.ResponseWriter, r *http.Request) error {
	f := s.proposalFilter(r)
	rows, err := proposal.List(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	t := func(k string) string { return i18n.T(lang, k) }
	sh := tabular.Sheet{Name: t("proposals.title"), Header: []string{t("proposals.number"), t("proposals.kind"), t("proposals.member"), t("proposals.title_h"),
		t("proposals.lead"), t("proposals.state"), t("proposals.assigned_on"), t("proposals.due_on"), t("proposals.replied_on"), t("proposals.class"),
		t("proposals.overdue"), t("proposals.extended")}}
	for _, x := range rows {
		sh.Rows = append(sh.Rows, []any{x.Number, proposal.Kinds[x.Kind].In(lang), x.Member, x.Title, x.Lead, x.State.Name().In(lang), x.AssignedOn, x.DueOn,
			x.RepliedOn, x.Class, yesNo(x.Overdue, t), yesNo(x.Extended, t)})
	}
	// The second sheet: the year's figures by lead unit, as the board shows them.
	year := f.Year
	if year == 0 {
		year, _ = strconv.Atoi(f.Day[:4])
	}
	units, total, err := proposal.Yearly(r.Context(), s.DB, year, f.Day)
	if err != nil {
		return err
	}
	by := tabular.Sheet{Name: i18n.T(lang, "proposals.yearly", year), Header: []string{t("proposals.lead"), t("proposals.count"), t("proposals.replied_n")}}
	for _, c := range total.ClassesInList {
		by.Header = append(by.Header, c.Text().In(lang), c.Key+" %")
	}
	by.Header = append(by.Header, t("proposals.on_time_rate")+" %", t("proposals.handling_rate")+" %", t("proposals.result_rate")+" %", t("proposals.overdue"),
		t("proposals.extended"), t("proposals.rehandled"))
	rate := func(x float64) any {
		if x < 0 {
			return "—"
		}
		return x
	}
	for _, u := range append(units, total) {
		name := u.Unit
		if u.UnitID == 0 {
			name = t("proposals.total")
		}
		row := []any{name, u.Count, u.Replied}
		for _, c := range total.ClassesInList {
			row = append(row, u.ByClass[c.Key], rate(u.ClassShare[c.Key]))
		}
		by.Rows = append(by.Rows, append(row, rate(u.OnTimeRate), rate(u.HandlingRate), rate(u.ResultRate), u.Overdue, u.Extended, u.Rehandled))
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="proposals-`+f.Day+`.xlsx"`)
	return tabular.WriteXLSX(w, sh, by)
}

func yesNo(b bool, t func(string) string) string {
	if b {
		return t("proposals.yes")
	}
	return ""
}

func (s *area) proposalNewPage(w http.ResponseWriter, r *http.Request) error {
	p := s.NewPage(w, r, "proposals.new", proposal.Kinds)
	p.Form["received_on"] = p.Today()
	return s.pages.Render(w, http.StatusOK, "proposals_new", p)
}

func (s *area) registerProposal(w http.ResponseWriter, r *http.Request) error {
	n := proposal.New{Number: r.FormValue("number"), Kind: r.FormValue("kind"), Member: r.FormValue("member"), MemberContact: r.FormValue("member_contact"),
		Cosigners: r.FormValue("cosigners"), Title: r.FormValue("title"), Body: r.FormValue("body"), ReceivedOn: r.FormValue("received_on")}
	id, err := proposal.Register(r.Context(), s.DB, s.Keys, proposalActor(r), n)
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "proposals.new", "proposals_new", func() (any, error) { return proposal.Kinds, nil },
			"number", "kind", "member", "member_contact", "cosigners", "title", "body", "received_on"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/proposals/%d?saved=1", id), http.StatusSeeOther)
	return nil
}

func proposalActor(r *http.Request) proposal.Actor {
	p := site.Info(r).Principal
	return proposal.Actor{UserID: p.UserID, Name: p.Name, UnitID: p.OrgID}
}

// proposalMove is one move the page offers, with the permission its route
// needs.
type proposalMove struct {
	Action proposal.Action
	Perm   access.Permission
}

// proposalMoves are the page's forms, in the order of the flow.
var proposalMoves = []proposalMove{
	{proposal.ActAssign, access.ProposalAssign}, {proposal.ActSendBack, access.ProposalHandle}, {proposal.ActContact, access.ProposalHandle},
	{proposal.ActDraft, access.ProposalHandle}, {proposal.ActCountersign, access.ProposalHandle}, {proposal.ActExtend, access.ProposalHandle},
	{proposal.ActDecideExtend, access.ProposalSupervise}, {proposal.ActReview, access.ProposalSupervise}, {proposal.ActReturn, access.ProposalSupervise},
	{proposal.ActSign, access.ProposalSign}, {proposal.ActIssue, access.ProposalHandle}, {proposal.ActRate, access.ProposalAssign},
}

// proposalData is a proposal's page.
type proposalData struct {
	P           *proposal.Proposal
	Rules       proposal.Rules
	Can         map[string]bool
	Any         bool
	Units       []proposal.Unit
	Templates   []string
	Today       string
	Overdue     bool
	SendBackBy  string // the last day a unit may send it back
	ContactBy   string // the day 办前面商 is due by
	PreLate     bool   // 办前面商 not yet made and its working days passed
	RateBy      string // replied: the last day of the member's window to rate it
	Pending     *proposal.Extension
	ShowContact bool   // the handling units see the member's contact details, masked
	Contact     string // masked, or revealed (person.reveal, ?reveal=1, audited)
	CanReveal   bool
	Revealed    bool
	Class       string          // the class's name in the page's language
	Figures     []report.Figure // the draft's figures, each opening its records
	Ratings     []string
	Kinds       []string // contact kinds
	Ways        []string // contact ways
	CanReport   bool     // may open the issued report with its figures (cockpit.view)
	AIOn        bool     // a model is configured and the caller may draft: offer 「AI 起草」
	AI          *aiDraft // the open AI draft, checked
}

func (s *area) proposalData(r *http.Request) (*proposalData, error) {
	id, err := site.PathID(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	p, err := proposal.Get(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	d := &proposalData{P: p, Today: clock.Today(ctx), Can: map[string]bool{}}
	if d.Rules, err = proposal.GetRules(ctx, s.DB, p.Jurisdiction); err != nil {
		return nil, err
	}
	pr, who := site.Info(r).Principal, proposalActor(r)
	for _, m := range proposalMoves {
		if pr.Can(m.Perm) && proposal.Can(p, m.Action, who, d.Rules, d.Today) {
			d.Can[string(m.Action)], d.Any = true, true
		}
	}
	if d.Can[string(proposal.ActAssign)] {
		if d.Units, err = proposal.Units(ctx, s.DB); err != nil {
			return nil, err
		}
	}
	if d.Can[string(proposal.ActDraft)] {
		tpls, err := report.LoadTemplates(reports.Files)
		if err != nil {
			return nil, err
		}
		for k := range tpls {
			d.Templates = append(d.Templates, k)
		}
		sort.Strings(d.Templates)
	}
	d.Overdue = p.Overdue(d.Today)
	if p.AssignedOn != "" {
		d.SendBackBy = d.Rules.AddWorkdays(p.AssignedOn, d.Rules.SendBackDays)
		d.ContactBy = d.Rules.AddWorkdays(p.AssignedOn, d.Rules.ContactDays)
		pre := false
		for _, c := range p.Contacts {
			pre = pre || c.Kind == "pre"
		}
		d.PreLate = !pre && p.Round == 1 && (p.State == proposal.Assigned || p.State == proposal.Drafted) && d.Today > d.ContactBy
	}
	if p.State == proposal.Replied {
		d.RateBy = d.Rules.AddWorkdays(p.RepliedOn, d.Rules.FeedbackDays)
	}
	if e, ok := p.PendingExtension(); ok {
		d.Pending = &e
	}
	d.ShowContact = pr.Can(access.ProposalHandle)
	if d.ShowContact {
		d.CanReveal = pr.Can(access.PersonReveal)
		d.Revealed = d.CanReveal && r.Method == http.MethodGet && r.URL.Query().Get("reveal") == "1"
		if d.Contact, err = proposal.MemberContact(ctx, s.DB, s.Keys, p, d.Revealed); err != nil {
			return nil, err
		}
	}
	d.CanReport = pr.Can(access.CockpitView)
	d.Ratings, d.Kinds, d.Ways = proposal.Ratings, proposal.ContactKinds, proposal.ContactWays
	if p.ReplyBody != "" {
		var figs map[string]report.Figure
		if err := json.Unmarshal([]byte(p.ReplyFigures), &figs); err != nil {
			return nil, fmt.Errorf("proposal %d figures: %w", p.ID, err)
		}
		for _, f := range figs {
			d.Figures = append(d.Figures, f)
		}
		sort.Slice(d.Figures, func(i, j int) bool { return d.Figures[i].ID < d.Figures[j].ID })
	}
	if c, ok := d.Rules.Class(p.Class); ok {
		d.Class = c.Text().In(site.Info(r).Lang)
	}
	return d, nil
}

func (s *area) proposalPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.proposalData(r)
	if err != nil {
		return err
	}
	if err := s.aiData(r, d, ""); err != nil {
		return err
	}
	p := s.NewPage(w, r, "proposals.one", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("form.saved")
	}
	p.Form["as_of"] = s.DataDay()
	return s.pages.Render(w, http.StatusOK, "proposals_one", p)
}

// proposalAct makes one move from the proposal page's form: the domain
// checks it, and a refusal shows the page again with the reason, nothing
// changed.
func (s *area) proposalAct(a proposal.Action) site.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := site.PathID(r)
		if err != nil {
			return err
		}
		ctx := r.Context()
		who, day := proposalActor(r), clock.Today(ctx)
		v, _ := strconv.Atoi(r.FormValue("version"))
		if v == 0 {
			v = -1 // a form without its version is stale, never a blind overwrite
		}
		f := r.FormValue
		switch a {
		case proposal.ActAssign:
			lead, _ := strconv.ParseInt(f("lead"), 10, 64)
			var co []int64
			for _, x := range r.Form["co"] {
				if n, e := strconv.ParseInt(x, 10, 64); e == nil && n != 0 {
					co = append(co, n)
				}
			}
			err = proposal.Assign(ctx, s.DB, who, id, v, day, lead, co)
		case proposal.ActSendBack:
			err = proposal.SendBack(ctx, s.DB, who, id, v, day, f("reason"))
		case proposal.ActContact:
			cday := f("day")
			if cday == "" {
				cday = day
			}
			err = proposal.AddContact(ctx, s.DB, who, id, v, proposal.Contact{Day: cday, Kind: f("kind"), Way: f("way"), Note: f("note")})
		case proposal.ActDraft:
			err = s.draftProposal(r, who, id, v, day)
		case proposal.ActCountersign:
			err = proposal.Countersign(ctx, s.DB, who, id, v, day, f("opinion"))
		case proposal.ActReview:
			err = proposal.Review(ctx, s.DB, who, id, v, day, f("class"), f("note"))
		case proposal.ActReturn:
			err = proposal.Return(ctx, s.DB, who, id, v, day, f("reason"))
		case proposal.ActSign:
			err = proposal.Sign(ctx, s.DB, who, id, v, day)
		case proposal.ActIssue:
			_, err = proposal.Issue(ctx, s.DB, who, id, v, day)
		case proposal.ActRate:
			err = proposal.Rate(ctx, s.DB, who, id, v, day, f("handling"), f("result"), f("note"))
		case proposal.ActExtend:
			err = proposal.RequestExtension(ctx, s.DB, who, id, v, day, f("due"), f("reason"))
		case proposal.ActDecideExtend:
			err = proposal.DecideExtension(ctx, s.DB, who, id, v, day, f("decision") == "approve")
		}
		if err != nil {
			if ok, rerr := s.pages.Refuse(w, r, err, "proposals.one", "proposals_one", func() (any, error) { return s.proposalData(r) },
				"reason", "note", "opinion", "due", "template", "as_of", "class", "day"); ok {
				return rerr
			}
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/proposals/%d?saved=1", id), http.StatusSeeOther)
		return nil
	}
}

// draftProposal renders the chosen report template as of the chosen date
// (every figure an indicator with its records) and sets it as the draft.
func (s *area) draftProposal(r *http.Request, who proposal.Actor, id int64, version int, day string) error {
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		return err
	}
	tpl, ok := tpls[r.FormValue("template")]
	if !ok {
		return problem.Invalid("template", "report.template_unknown", r.FormValue("template"))
	}
	asOf, err := time.ParseInLocation(time.DateOnly, r.FormValue("as_of"), site.Shanghai)
	if err != nil {
		return problem.Invalid("as_of", "metric.date", r.FormValue("as_of"))
	}
	rep, err := report.Render(r.Context(), s.DB, s.Indicators, tpl, asOf)
	if err != nil {
		return err
	}
	return proposal.Draft(r.Context(), s.DB, who, id, version, day, r.FormValue("class"), rep)
}

// replyData is a published reply: what the public may read.
type replyData struct {
	ID                                            int64
	Number, Title, Member, Kind, Class, RepliedOn string
	Report                                        report.Issued
}

// publishedReply reads an issued reply for the public page; a proposal
// not yet replied to is not found.
func (s *area) publishedReply(r *http.Request) (*replyData, error) {
	id, err := site.PathID(r)
	if err != nil {
		return nil, err
	}
	p, err := proposal.Get(r.Context(), s.DB, id)
	if err != nil {
		return nil, err
	}
	if p.ReportID == "" {
		return nil, problem.New(problem.ErrNotFound, "proposal.not_found", id)
	}
	rep, err := report.Get(r.Context(), s.DB, p.ReportID)
	if err != nil {
		return nil, err
	}
	lang := site.Info(r).Lang
	rules, err := proposal.GetRules(r.Context(), s.DB, p.Jurisdiction)
	if err != nil {
		return nil, err
	}
	c, _ := rules.Class(p.Class)
	// The member's contact details are never part of it: only the name,
	// as on the proposal.
	return &replyData{ID: p.ID, Number: p.Number, Title: p.Title, Member: p.Member, Kind: proposal.Kinds[p.Kind].In(lang), Class: c.Text().In(lang), RepliedOn: p.RepliedOn, Report: rep}, nil
}

func (s *area) replyPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.publishedReply(r)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "proposals_reply", s.NewPage(w, r, "proposals.reply", d))
}

func (s *area) replyDOCX(w http.ResponseWriter, r *http.Request) error {
	d, err := s.publishedReply(r)
	if err != nil {
		return err
	}
	p, err := proposal.Get(r.Context(), s.DB, d.ID)
	if err != nil {
		return err
	}
	h, err := proposal.LetterheadOf(r.Context(), s.DB, p)
	if err != nil {
		return err
	}
	rep := d.Report
	rep.Unit, rep.DocNumber, rep.Contact, rep.Date = h.Unit, h.DocNumber, h.Contact, h.Date
	var b bytes.Buffer
	if err := report.DOCX(&b, rep); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", `attachment; filename="reply-`+strings.ReplaceAll(d.Number, `"`, "")+`.docx"`)
	_, err = w.Write(b.Bytes())
	return err
}
