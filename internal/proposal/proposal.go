// Package proposal runs proposal handling (提案/建议办理) as bureaus do: a
// CPPCC member's proposal or a deputy's suggestion is registered, assigned
// (交办) to a lead unit and co-units — each may send it back within a
// window of working days — the units keep a contact log with the member,
// the lead drafts the reply from a report template as of a date (every
// figure an indicator that opens its records), co-units countersign (会签),
// a supervisor (督办) reviews it and may change its class, a leader other
// than the drafter signs (签发), the lead issues it as a frozen report, and
// the member rates the handling and the result; 不满意 reopens it for
// another round. Deadlines run three months from 交办 and move only by an
// approved extension. The numbers differ by city, so they are data
// (proposal_rules). The package owns its tables (migrations 0032–0034).
//
// Units are registry organisations of kind government; a staff account
// belongs to the unit its organisation (users.org_id) names.
package proposal

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// State is where a proposal stands.
type State string

// The states, in the order of the flow.
const (
	Registered State = "registered" // 已登记, not yet assigned
	Assigned   State = "assigned"   // 已交办, being handled (again, in a later round)
	SentBack   State = "sent_back"  // the lead unit sent it back; to be assigned again
	Drafted    State = "drafted"    // 协办未会签
	Reviewing  State = "reviewing"  // 督办未审核
	Reviewed   State = "reviewed"   // 待签发
	Signed     State = "signed"     // 已签发, to be issued
	Replied    State = "replied"    // 委员未评价
	Closed     State = "closed"     // 办结
)

// States lists the states in flow order.
var States = []State{Registered, Assigned, SentBack, Drafted, Reviewing, Reviewed, Signed, Replied, Closed}

var stateNames = map[State]i18n.Text{
	Registered: {ZH: "已登记", EN: "Registered"},
	Assigned:   {ZH: "办理中", EN: "Being handled"},
	SentBack:   {ZH: "已退回待重新交办", EN: "Sent back, to be reassigned"},
	Drafted:    {ZH: "协办未会签", EN: "Awaiting countersignature"},
	Reviewing:  {ZH: "督办未审核", EN: "Awaiting supervision"},
	Reviewed:   {ZH: "待签发", EN: "Awaiting signature"},
	Signed:     {ZH: "已签发待答复", EN: "Signed, to be issued"},
	Replied:    {ZH: "委员未评价", EN: "Replied, awaiting the member's rating"},
	Closed:     {ZH: "办结", EN: "Closed"},
}

// Name is the state's name in both languages.
func (s State) Name() i18n.Text {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return i18n.Text{ZH: string(s), EN: string(s)}
}

// Open reports whether the proposal still awaits its reply (the deadline
// runs).
func (s State) Open() bool {
	return s == Assigned || s == Drafted || s == Reviewing || s == Reviewed || s == Signed
}

// Action is a move on a proposal.
type Action string

// The actions.
const (
	ActRegister     Action = "register"
	ActAssign       Action = "assign"        // 交办
	ActSendBack     Action = "send_back"     // 退回
	ActContact      Action = "contact"       // 沟通联系
	ActDraft        Action = "draft"         // 起草答复
	ActCountersign  Action = "countersign"   // 会签
	ActReview       Action = "review"        // 督办审核
	ActReturn       Action = "return"        // 退回重拟
	ActSign         Action = "sign"          // 签发
	ActIssue        Action = "issue"         // 答复（印发）
	ActRate         Action = "rate"          // 登记委员评价
	ActExtend       Action = "extend"        // 申请延期
	ActDecideExtend Action = "decide_extend" // 审批延期
)

var actionNames = map[Action]i18n.Text{
	ActRegister:     {ZH: "登记", EN: "Register"},
	ActAssign:       {ZH: "交办", EN: "Assign"},
	ActSendBack:     {ZH: "退回（非本单位职责）", EN: "Send back (not ours)"},
	ActContact:      {ZH: "记录沟通联系", EN: "Log a contact"},
	ActDraft:        {ZH: "起草答复", EN: "Draft the reply"},
	ActCountersign:  {ZH: "会签", EN: "Countersign"},
	ActReview:       {ZH: "督办审核", EN: "Supervisory review"},
	ActReturn:       {ZH: "退回重拟", EN: "Return for redrafting"},
	ActSign:         {ZH: "签发", EN: "Sign"},
	ActIssue:        {ZH: "印发答复", EN: "Issue the reply"},
	ActRate:         {ZH: "登记委员评价", EN: "Record the member's rating"},
	ActExtend:       {ZH: "申请延期", EN: "Ask for an extension"},
	ActDecideExtend: {ZH: "审批延期", EN: "Decide on the extension"},
}

// Name is the action's name in both languages.
func (a Action) Name() i18n.Text {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return i18n.Text{ZH: string(a), EN: string(a)}
}

// Who may make a move, beside the permission its route declares.
type who int

const (
	byOffice     who = iota // the office that assigns (交办) and records ratings
	byUnit                  // staff of a unit the proposal is assigned to (lead or co)
	byLead                  // staff of the lead unit
	byCo                    // staff of a co-unit that has not countersigned
	bySupervisor            // an account other than the drafter's
	byLeader                // an account other than the drafter's
)

// move is one row of the transition table: the states an action may start
// from, the state it leads to ("" keeps the state, or the action decides),
// and who may make it.
type move struct {
	from []State
	to   State
	by   who
}

var handling = []State{Assigned, Drafted, Reviewing, Reviewed}

// moves is the one table of legal moves; check reads it.
var moves = map[Action]move{
	ActAssign:       {from: []State{Registered, SentBack}, to: Assigned, by: byOffice},
	ActSendBack:     {from: []State{Assigned}, by: byUnit},
	ActContact:      {from: []State{Assigned, Drafted, Reviewing, Reviewed, Signed, Replied}, by: byUnit},
	ActDraft:        {from: []State{Assigned}, by: byLead},
	ActCountersign:  {from: []State{Drafted}, by: byCo},
	ActReview:       {from: []State{Reviewing}, to: Reviewed, by: bySupervisor},
	ActReturn:       {from: []State{Drafted, Reviewing, Reviewed}, to: Assigned, by: bySupervisor},
	ActSign:         {from: []State{Reviewed}, to: Signed, by: byLeader},
	ActIssue:        {from: []State{Signed}, to: Replied, by: byLead},
	ActRate:         {from: []State{Replied}, by: byOffice},
	ActExtend:       {from: handling, by: byLead},
	ActDecideExtend: {from: handling, by: bySupervisor},
}

// Kinds of proposal.
var Kinds = map[string]i18n.Text{
	"cppcc": {ZH: "政协提案", EN: "CPPCC proposal"},
	"npc":   {ZH: "人大建议", EN: "People's Congress suggestion"},
}

// Ratings a member gives.
var Ratings = []string{"satisfied", "mostly", "dissatisfied"}

var ratingNames = map[string]i18n.Text{
	"satisfied":    {ZH: "满意", EN: "Satisfied"},
	"mostly":       {ZH: "基本满意", EN: "Mostly satisfied"},
	"dissatisfied": {ZH: "不满意", EN: "Dissatisfied"},
}

// RatingName is a rating's name in both languages.
func RatingName(r string) i18n.Text { return ratingNames[r] }

// Contact kinds and ways.
var (
	ContactKinds = []string{"pre", "progress", "feedback"}
	ContactWays  = []string{"meeting", "phone", "visit", "letter"}
	contactNames = map[string]i18n.Text{
		"pre": {ZH: "办前面商", EN: "Consultation before handling"}, "progress": {ZH: "办中沟通", EN: "Progress contact"},
		"feedback": {ZH: "办后回访", EN: "Follow-up after the reply"},
		"meeting":  {ZH: "面商", EN: "Meeting"}, "phone": {ZH: "电话", EN: "Phone"}, "visit": {ZH: "走访", EN: "Visit"}, "letter": {ZH: "书面", EN: "In writing"},
	}
)

// ContactName names a contact kind or way.
func ContactName(k string) i18n.Text { return contactNames[k] }

// Class is one reply class of a jurisdiction's list.
type Class struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// Text is the class's name in both languages, its key first.
func (c Class) Text() i18n.Text {
	return i18n.Text{ZH: c.Key + " " + c.Name, EN: c.Key + " " + c.NameEN}
}

// Rules are a jurisdiction's numbers.
type Rules struct {
	Jurisdiction       string
	SendBackDays       int
	ContactDays        int
	ReplyMonths        int
	MaxExtensionMonths int
	RehandleMonths     int
	FeedbackDays       int // working days after the reply for the member's rating
	Classes            []Class
	// calendar holds the days that differ from the Monday-to-Friday week
	// (proposal_calendar): false for a holiday, true for a weekend worked.
	calendar map[string]bool
}

// Working reports whether day is a working day under the rules' calendar.
func (r Rules) Working(day time.Time) bool {
	if w, ok := r.calendar[day.Format(time.DateOnly)]; ok {
		return w
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays is the nth working day after day under the rules' calendar
// (public holidays off, weekends worked as the calendar says); day itself
// when n is 0.
func (r Rules) AddWorkdays(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if r.Working(t) {
			n--
		}
	}
	return t.Format(time.DateOnly)
}

// Class finds a class by key.
func (r Rules) Class(key string) (Class, bool) {
	for _, c := range r.Classes {
		if c.Key == key {
			return c, true
		}
	}
	return Class{}, false
}

// GetRules reads a jurisdiction's rules.
func GetRules(ctx context.Context, q store.Querier, jurisdiction string) (Rules, error) {
	r := Rules{Jurisdiction: jurisdiction}
	var classes string
	err := q.QueryRowContext(ctx, `SELECT send_back_days, contact_days, reply_months, max_extension_months, rehandle_months, feedback_days, classes
		FROM proposal_rules WHERE jurisdiction = ?`, jurisdiction).
		Scan(&r.SendBackDays, &r.ContactDays, &r.ReplyMonths, &r.MaxExtensionMonths, &r.RehandleMonths, &r.FeedbackDays, &classes)
	if err != nil {
		return r, fmt.Errorf("proposal rules %q: %w", jurisdiction, err)
	}
	if err := json.Unmarshal([]byte(classes), &r.Classes); err != nil {
		return r, fmt.Errorf("proposal rules %q: classes: %w", jurisdiction, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT day, working FROM proposal_calendar WHERE jurisdiction = ?`, jurisdiction)
	if err != nil {
		return r, fmt.Errorf("proposal calendar %q: %w", jurisdiction, err)
	}
	defer rows.Close()
	r.calendar = map[string]bool{}
	for rows.Next() {
		var day string
		var working bool
		if err := rows.Scan(&day, &working); err != nil {
			return r, err
		}
		r.calendar[day] = working
	}
	return r, rows.Err()
}

// SetCalendarDay records a day that differs from the Monday-to-Friday week
// for a jurisdiction: a holiday (working false) or a weekend worked (true).
func SetCalendarDay(ctx context.Context, db *store.DB, jurisdiction, day string, working bool, name string) error {
	if err := validDay("day", day); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM proposal_calendar WHERE jurisdiction = ? AND day = ?`, jurisdiction, day); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_calendar (jurisdiction, day, working, name) VALUES (?, ?, ?, ?)`, jurisdiction, day, working, trim(name)); err != nil {
			return fmt.Errorf("proposal calendar %s: %w", day, err)
		}
		return auditChange(ctx, tx, "proposal_calendar", jurisdiction+"/"+day, "set", nil, map[string]any{"working": working, "name": trim(name)})
	})
}

// SetSendBackDays sets a jurisdiction's window for sending back (3, 5, 7
// or 10 working days by city).
func SetSendBackDays(ctx context.Context, db *store.DB, jurisdiction string, days int) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		if days < 1 || days > 30 {
			return problem.Invalid("send_back_days", "proposal.window_range")
		}
		res, err := tx.ExecContext(ctx, `UPDATE proposal_rules SET send_back_days = ? WHERE jurisdiction = ?`, days, jurisdiction)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.New(problem.ErrNotFound, "proposal.not_found", jurisdiction)
		}
		return auditChange(ctx, tx, "proposal_rules", jurisdiction, "set_send_back_days", nil, map[string]any{"send_back_days": days})
	})
}

// Unit is a unit a proposal was assigned to.
type Unit struct {
	ID         int64
	UnitID     int64
	Name       string
	Role       string // lead, co
	AssignedOn string
	Status     string // assigned, sent_back, countersigned
	Day        string
	By         string
	Note       string
	Code       string // the unit's code before its document numbers (Units only)
}

// Contact is one entry of the contact log.
type Contact struct {
	ID     int64
	UnitID int64
	Unit   string
	Day    string
	Kind   string
	Way    string
	Note   string
	By     string
}

// Extension is a request to move the deadline.
type Extension struct {
	ID          int64
	RequestedOn string
	RequestedBy string
	DueOn       string
	Reason      string
	Status      string // pending, approved, refused
	DecidedOn   string
	DecidedBy   string
}

// Rating is the member's pair of ratings of one round.
type Rating struct {
	Round            int
	Day              string
	Handling, Result string
	Note             string
}

// Event is one move in a proposal's history.
type Event struct {
	Day      string
	Action   Action
	From, To State
	Actor    string
	Note     string
}

// Proposal is a proposal with its whole flow.
type Proposal struct {
	ID             int64
	Jurisdiction   string
	Number         string
	Kind           string
	Member         string
	MemberContact  string // sealed (MemberContact opens it); never published
	Cosigners      string
	Title          string
	Body           string
	ReceivedOn     string
	State          State
	Round          int
	AssignedOn     string
	DueOn          string
	FirstDueOn     string
	FirstRepliedOn string
	RepliedOn      string
	Class          string
	ReplyTemplate  string
	ReplyAsOf      string
	ReplyBody      string
	ReplyFigures   string // JSON of the figures, as report.Issued keeps them
	DraftedBy      int64
	DraftedByName  string
	ReviewedByName string
	SignedBy       int64
	SignedByName   string
	ReportID       string
	RatingHandling string
	RatingResult   string
	Version        int

	Units      []Unit
	Contacts   []Contact
	Extensions []Extension
	Ratings    []Rating
	Events     []Event
}

// Lead is the unit leading the proposal now (zero when none).
func (p *Proposal) Lead() Unit {
	for _, u := range p.Units {
		if u.Role == "lead" && u.Status != "sent_back" {
			return u
		}
	}
	return Unit{}
}

// CoUnits are the co-units handling it now (not those that sent it back).
func (p *Proposal) CoUnits() []Unit {
	var out []Unit
	for _, u := range p.Units {
		if u.Role == "co" && u.Status != "sent_back" {
			out = append(out, u)
		}
	}
	return out
}

// active finds the unit of the current assignment that unitID names.
func (p *Proposal) active(unitID int64) (Unit, bool) {
	for _, u := range p.Units {
		if u.UnitID == unitID && u.Status != "sent_back" && unitID != 0 {
			return u, true
		}
	}
	return Unit{}, false
}

// PendingExtension is the request awaiting a decision, if any.
func (p *Proposal) PendingExtension() (Extension, bool) {
	for _, e := range p.Extensions {
		if e.Status == "pending" {
			return e, true
		}
	}
	return Extension{}, false
}

// Overdue reports whether the proposal awaits its reply past its deadline
// on day.
func (p *Proposal) Overdue(day string) bool {
	return p.State.Open() && p.DueOn != "" && day > p.DueOn
}

// draftedBy reports whether by is the account that drafted the reply: the
// same user, or the same name (an account known only by its name, as the
// demo city's history writes it).
func (p *Proposal) draftedBy(by Actor) bool {
	if p.DraftedByName == "" && p.DraftedBy == 0 {
		return false
	}
	return (by.UserID != 0 && by.UserID == p.DraftedBy) || by.Name == p.DraftedByName
}

// Actor is who acts: the account and the unit it belongs to.
type Actor struct {
	UserID int64
	Name   string
	UnitID int64 // the account's organisation; 0 when it belongs to none
}

// check is the one place that decides whether who may make action a on p
// on day; its errors name what is wrong in both languages.
func check(p *Proposal, a Action, by Actor, rules Rules, day string) error {
	m, ok := moves[a]
	if !ok {
		return problem.New(problem.ErrInvalid, "proposal.action_unknown", string(a))
	}
	if !slices.Contains(m.from, p.State) {
		return problem.New(problem.ErrConflict, "proposal.illegal", a.Name(), p.State.Name())
	}
	switch m.by {
	case byUnit:
		if _, ok := p.active(by.UnitID); !ok {
			return problem.New(problem.ErrForbidden, "proposal.not_unit", a.Name())
		}
	case byLead:
		if lead := p.Lead(); lead.UnitID == 0 || lead.UnitID != by.UnitID {
			return problem.New(problem.ErrForbidden, "proposal.not_lead", lead.Name, a.Name())
		}
	case byCo:
		u, ok := p.active(by.UnitID)
		if !ok || u.Role != "co" || u.Status != "assigned" {
			return problem.New(problem.ErrForbidden, "proposal.not_co")
		}
	case bySupervisor:
		if a != ActDecideExtend && p.draftedBy(by) {
			return problem.New(problem.ErrForbidden, "proposal.supervisor_is_drafter")
		}
	case byLeader:
		if p.draftedBy(by) {
			return problem.New(problem.ErrForbidden, "proposal.signer_is_drafter")
		}
	}
	if a == ActSendBack {
		last := rules.AddWorkdays(p.AssignedOn, rules.SendBackDays)
		if day > last {
			return problem.New(problem.ErrConflict, "proposal.send_back_closed", rules.SendBackDays, last)
		}
	}
	return nil
}

// Can reports whether who may make action a on p on day, for pages that
// offer only the moves one may make.
func Can(p *Proposal, a Action, by Actor, rules Rules, day string) bool {
	return check(p, a, by, rules, day) == nil
}

// Refusal is why who may not make action a on p on day, nil when they
// may: for work done before the move itself (an AI draft is asked for
// only by those who may draft).
func Refusal(p *Proposal, a Action, by Actor, rules Rules, day string) error {
	return check(p, a, by, rules, day)
}

// AddWorkdays is the nth working day of the Monday-to-Friday week after day
// (YYYY-MM-DD); day itself when n is 0. Rules.AddWorkdays also keeps the
// jurisdiction's holidays and weekends worked: the rules decide with it.
func AddWorkdays(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t.Format(time.DateOnly)
}

// addMonths is day moved by n months.
func addMonths(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, n, 0).Format(time.DateOnly)
}

// validDay checks a YYYY-MM-DD date.
func validDay(field, s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return problem.Invalid(field, "proposal.date", s)
	}
	return nil
}

const cols = `id, jurisdiction, number, kind, member, member_contact, cosigners, title, body, received_on, state, round, assigned_on, due_on, first_due_on,
	first_replied_on, replied_on, class, reply_template, reply_as_of, reply_body, reply_figures, COALESCE(drafted_by, 0), drafted_by_name, reviewed_by_name,
	COALESCE(signed_by, 0), signed_by_name, COALESCE(report_id, ''), rating_handling, rating_result, version`

func scan(row interface{ Scan(...any) error }, p *Proposal) error {
	var st string
	err := row.Scan(&p.ID, &p.Jurisdiction, &p.Number, &p.Kind, &p.Member, &p.MemberContact, &p.Cosigners, &p.Title, &p.Body, &p.ReceivedOn, &st, &p.Round,
		&p.AssignedOn, &p.DueOn, &p.FirstDueOn, &p.FirstRepliedOn, &p.RepliedOn, &p.Class, &p.ReplyTemplate, &p.ReplyAsOf, &p.ReplyBody, &p.ReplyFigures,
		&p.DraftedBy, &p.DraftedByName, &p.ReviewedByName, &p.SignedBy, &p.SignedByName, &p.ReportID, &p.RatingHandling, &p.RatingResult, &p.Version)
	p.State = State(st)
	return err
}

// Get reads a proposal with its whole flow.
func Get(ctx context.Context, q store.Querier, id int64) (*Proposal, error) {
	p := &Proposal{}
	if err := scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM proposals WHERE id = ?`, id), p); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, problem.New(problem.ErrNotFound, "proposal.not_found", id)
		}
		return nil, fmt.Errorf("proposal %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, `SELECT u.id, u.unit_id, o.name, u.role, u.assigned_on, u.status, u.day, u.by_name, u.note
		FROM proposal_units u JOIN organisations o ON o.id = u.unit_id WHERE u.proposal_id = ? ORDER BY u.id`, id)
	if err != nil {
		return nil, fmt.Errorf("proposal %d units: %w", id, err)
	}
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.UnitID, &u.Name, &u.Role, &u.AssignedOn, &u.Status, &u.Day, &u.By, &u.Note); err != nil {
			rows.Close()
			return nil, err
		}
		p.Units = append(p.Units, u)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT c.id, c.unit_id, o.name, c.day, c.kind, c.way, c.note, c.by_name
		FROM proposal_contacts c JOIN organisations o ON o.id = c.unit_id WHERE c.proposal_id = ? ORDER BY c.day, c.id`, id)
	if err != nil {
		return nil, fmt.Errorf("proposal %d contacts: %w", id, err)
	}
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.ID, &c.UnitID, &c.Unit, &c.Day, &c.Kind, &c.Way, &c.Note, &c.By); err != nil {
			rows.Close()
			return nil, err
		}
		p.Contacts = append(p.Contacts, c)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT id, requested_on, requested_by, due_on, reason, status, decided_on, decided_by FROM proposal_extensions WHERE proposal_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("proposal %d extensions: %w", id, err)
	}
	for rows.Next() {
		var e Extension
		if err := rows.Scan(&e.ID, &e.RequestedOn, &e.RequestedBy, &e.DueOn, &e.Reason, &e.Status, &e.DecidedOn, &e.DecidedBy); err != nil {
			rows.Close()
			return nil, err
		}
		p.Extensions = append(p.Extensions, e)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT round, day, handling, result, note FROM proposal_ratings WHERE proposal_id = ? ORDER BY round`, id)
	if err != nil {
		return nil, fmt.Errorf("proposal %d ratings: %w", id, err)
	}
	for rows.Next() {
		var r Rating
		if err := rows.Scan(&r.Round, &r.Day, &r.Handling, &r.Result, &r.Note); err != nil {
			rows.Close()
			return nil, err
		}
		p.Ratings = append(p.Ratings, r)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT day, action, from_state, to_state, actor_name, note FROM proposal_events WHERE proposal_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("proposal %d events: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var a, f, t string
		if err := rows.Scan(&e.Day, &a, &f, &t, &e.Actor, &e.Note); err != nil {
			return nil, err
		}
		e.Action, e.From, e.To = Action(a), State(f), State(t)
		p.Events = append(p.Events, e)
	}
	return p, rows.Err()
}

// Units lists the organisations that may handle proposals: the registry's
// government bodies.
func Units(ctx context.Context, q store.Querier) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name, COALESCE(c.code, '') FROM organisations o
		LEFT JOIN proposal_unit_codes c ON c.unit_id = o.id WHERE o.kind = 'government' ORDER BY o.name, o.id`)
	if err != nil {
		return nil, fmt.Errorf("proposal units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.UnitID, &u.Name, &u.Code); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	i18n.SortByName(out, func(u Unit) string { return u.Name })
	return out, rows.Err()
}

func trim(s string) string { return strings.TrimSpace(s) }
