package proposal

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

func auditChange(ctx context.Context, tx *store.Tx, entity string, id any, action string, before, after any) error {
	return audit.Append(ctx, tx, audit.Change{Entity: entity, EntityID: id, Action: action, Before: before, After: after})
}

// MemberContact is the member's contact details of proposal p, masked
// unless reveal; a reveal (for a holder of person.reveal) is audited.
func MemberContact(ctx context.Context, db *store.DB, keys *seal.Keyring, p *Proposal, reveal bool) (string, error) {
	if p.MemberContact == "" {
		return "", nil
	}
	if keys == nil {
		return "", problem.New(problem.ErrConflict, "person.no_keys")
	}
	plain, err := keys.Open(p.MemberContact, ctxContact)
	if err != nil {
		return "", fmt.Errorf("proposal %d contact: %w", p.ID, err)
	}
	if !reveal {
		return stdcode.MaskPhone(plain), nil
	}
	if err := audit.Record(ctx, db, audit.Change{Entity: "proposal", EntityID: p.ID, Action: "reveal_contact"}); err != nil {
		return "", err
	}
	return plain, nil
}

// New is what registering a proposal takes.
type New struct {
	Jurisdiction  string // "default" when empty
	Number        string
	Kind          string // cppcc, npc
	Member        string
	MemberContact string
	Cosigners     string
	Title         string
	Body          string
	ReceivedOn    string
}

// ctxContact is the sealing context of a member's contact details.
const ctxContact = "proposals.member_contact"

// Register records a proposal as received. The member's contact details
// are sealed with keys (personal data: encrypted at rest, masked on screen,
// every reveal audited).
func Register(ctx context.Context, db *store.DB, keys *seal.Keyring, by Actor, n New) (int64, error) {
	if n.Jurisdiction == "" {
		n.Jurisdiction = "default"
	}
	n.Number, n.Member, n.Title, n.MemberContact, n.Cosigners = trim(n.Number), trim(n.Member), trim(n.Title), trim(n.MemberContact), trim(n.Cosigners)
	for _, f := range []struct{ field, v string }{{"number", n.Number}, {"member", n.Member}, {"title", n.Title}} {
		if f.v == "" {
			return 0, problem.Invalid(f.field, "proposal.required")
		}
		if utf8.RuneCountInString(f.v) > 200 {
			return 0, problem.Invalid(f.field, "proposal.too_long", 200)
		}
	}
	if _, ok := Kinds[n.Kind]; !ok {
		return 0, problem.Invalid("kind", "proposal.kind_unknown")
	}
	if err := validDay("received_on", n.ReceivedOn); err != nil {
		return 0, err
	}
	if n.MemberContact != "" {
		if keys == nil {
			return 0, problem.Invalid("member_contact", "person.no_keys")
		}
		sealed, err := keys.Seal(n.MemberContact, ctxContact)
		if err != nil {
			return 0, fmt.Errorf("seal the member's contact: %w", err)
		}
		n.MemberContact = sealed
	}
	var id int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM proposals WHERE number = ?`, n.Number).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return problem.Invalid("number", "proposal.number_taken", n.Number)
		}
		if _, err := GetRules(ctx, tx, n.Jurisdiction); err != nil {
			return problem.Invalid("jurisdiction", "proposal.jurisdiction_unknown", n.Jurisdiction)
		}
		now := store.Now()
		if err := tx.QueryRowContext(ctx, `INSERT INTO proposals (jurisdiction, number, kind, member, member_contact, cosigners, title, body, received_on, state, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.Jurisdiction, n.Number, n.Kind, n.Member, n.MemberContact, n.Cosigners, n.Title, n.Body,
			n.ReceivedOn, string(Registered), now, now).Scan(&id); err != nil {
			return fmt.Errorf("register proposal: %w", err)
		}
		if err := event(ctx, tx, id, n.ReceivedOn, ActRegister, "", Registered, by, ""); err != nil {
			return err
		}
		// The member's contact details stay out of the audit log's copy.
		return auditChange(ctx, tx, "proposal", id, "register", nil, map[string]any{"number": n.Number, "kind": n.Kind, "member": n.Member, "title": n.Title, "received_on": n.ReceivedOn})
	})
	return id, err
}

func event(ctx context.Context, tx *store.Tx, id int64, day string, a Action, from, to State, by Actor, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO proposal_events (proposal_id, day, action, from_state, to_state, actor_name, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, day, string(a), string(from), string(to), by.Name, note)
	if err != nil {
		return fmt.Errorf("proposal %d event: %w", id, err)
	}
	return nil
}

// do runs action a on proposal id as of version on day: it reads the
// proposal in the transaction, refuses a stale version, checks the move
// (check, the one place), lets fn make the action's own changes to p and
// its side tables, then stores p with a conditional UPDATE on the version,
// records the event and audits it. Any error leaves everything as it was.
func do(ctx context.Context, db *store.DB, by Actor, id int64, version int, day string, a Action, fn func(tx *store.Tx, p *Proposal, rules Rules) (note string, err error)) error {
	if err := validDay("day", day); err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		p, err := Get(ctx, tx, id)
		if err != nil {
			return err
		}
		if version != 0 && p.Version != version {
			return problem.New(problem.ErrConflict, "error.edit_conflict")
		}
		rules, err := GetRules(ctx, tx, p.Jurisdiction)
		if err != nil {
			return err
		}
		if err := check(p, a, by, rules, day); err != nil {
			return err
		}
		before := snapshot(p)
		from := p.State
		if to := moves[a].to; to != "" {
			p.State = to
		}
		note, err := fn(tx, p, rules)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE proposals SET state = ?, round = ?, assigned_on = ?, due_on = ?, first_due_on = ?, first_replied_on = ?, replied_on = ?,
			class = ?, reply_template = ?, reply_as_of = ?, reply_body = ?, reply_figures = ?, drafted_by = ?, drafted_by_name = ?, reviewed_by_name = ?,
			signed_by = ?, signed_by_name = ?, report_id = ?, rating_handling = ?, rating_result = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`,
			string(p.State), p.Round, p.AssignedOn, p.DueOn, p.FirstDueOn, p.FirstRepliedOn, p.RepliedOn, p.Class, p.ReplyTemplate, p.ReplyAsOf, p.ReplyBody,
			p.ReplyFigures, nullID(p.DraftedBy), p.DraftedByName, p.ReviewedByName, nullID(p.SignedBy), p.SignedByName, nullText(p.ReportID),
			p.RatingHandling, p.RatingResult, store.Now(), id, p.Version)
		if err != nil {
			return fmt.Errorf("proposal %d %s: %w", id, a, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "error.edit_conflict")
		}
		if err := event(ctx, tx, id, day, a, from, p.State, by, note); err != nil {
			return err
		}
		after := snapshot(p)
		after["day"], after["note"] = day, note
		return auditChange(ctx, tx, "proposal", id, string(a), before, after)
	})
}

func snapshot(p *Proposal) map[string]any {
	return map[string]any{"state": p.State, "round": p.Round, "due_on": p.DueOn, "class": p.Class, "version": p.Version}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Assign (交办) gives the proposal to a lead unit and co-units on day; the
// deadline runs the jurisdiction's months from day.
func Assign(ctx context.Context, db *store.DB, by Actor, id int64, version int, day string, lead int64, co []int64) error {
	return do(ctx, db, by, id, version, day, ActAssign, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if lead == 0 {
			return "", problem.Invalid("lead", "proposal.lead_required")
		}
		if slices.Contains(co, lead) {
			return "", problem.Invalid("co", "proposal.lead_in_co")
		}
		if day < p.ReceivedOn {
			return "", problem.Invalid("day", "proposal.before_received", p.ReceivedOn)
		}
		units, err := Units(ctx, tx)
		if err != nil {
			return "", err
		}
		known := map[int64]string{}
		for _, u := range units {
			known[u.UnitID] = u.Name
		}
		seen := map[int64]bool{}
		for i, u := range append([]int64{lead}, co...) {
			if _, ok := known[u]; !ok {
				return "", problem.Invalid("lead", "proposal.unit_unknown")
			}
			if seen[u] {
				continue
			}
			seen[u] = true
			role := "co"
			if i == 0 {
				role = "lead"
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_units (proposal_id, unit_id, role, assigned_on, status) VALUES (?, ?, ?, ?, 'assigned')`, id, u, role, day); err != nil {
				return "", fmt.Errorf("assign proposal %d: %w", id, err)
			}
		}
		p.AssignedOn = day
		p.DueOn = addMonths(day, rules.ReplyMonths)
		p.FirstDueOn = p.DueOn
		return known[lead], nil
	})
}

// SendBack returns the proposal as not the unit's own, within the window of
// working days after 交办. The lead's sending back returns it to the office
// to assign again; a co-unit's leaves the others handling it.
func SendBack(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, reason string) error {
	return do(ctx, db, by, id, version, day, ActSendBack, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if trim(reason) == "" {
			return "", problem.Invalid("reason", "proposal.reason_required")
		}
		u, _ := p.active(by.UnitID)
		if u.Role == "lead" {
			if _, err := tx.ExecContext(ctx, `UPDATE proposal_units SET status = 'sent_back', day = ?, by_name = ?, note = CASE WHEN role = 'lead' THEN ? ELSE note END
				WHERE proposal_id = ? AND status <> 'sent_back'`, day, by.Name, reason, id); err != nil {
				return "", err
			}
			p.State, p.AssignedOn, p.DueOn, p.FirstDueOn = SentBack, "", "", ""
		} else if _, err := tx.ExecContext(ctx, `UPDATE proposal_units SET status = 'sent_back', day = ?, by_name = ?, note = ? WHERE id = ?`, day, by.Name, reason, u.ID); err != nil {
			return "", err
		}
		return u.Name + "：" + reason, nil
	})
}

// AddContact logs a contact with the member.
func AddContact(ctx context.Context, db *store.DB, by Actor, id int64, version int, c Contact) error {
	return do(ctx, db, by, id, version, c.Day, ActContact, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if !slices.Contains(ContactKinds, c.Kind) {
			return "", problem.Invalid("kind", "proposal.contact_kind")
		}
		if !slices.Contains(ContactWays, c.Way) {
			return "", problem.Invalid("way", "proposal.contact_way")
		}
		if c.Day < p.AssignedOn {
			return "", problem.Invalid("day", "proposal.before_assigned", p.AssignedOn)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_contacts (proposal_id, unit_id, day, kind, way, note, by_name) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, by.UnitID, c.Day, c.Kind, c.Way, trim(c.Note), by.Name); err != nil {
			return "", fmt.Errorf("proposal %d contact: %w", id, err)
		}
		return ContactName(c.Kind).ZH + "（" + ContactName(c.Way).ZH + "）", nil
	})
}

// Draft sets the reply: a report rendered from a template as of a date (so
// every figure opens its records), with its class. Co-units countersign
// next; without co-units it goes straight to the supervisor.
func Draft(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, class string, rep report.Issued) error {
	return DraftWith(ctx, db, by, id, version, day, class, func(*store.Tx) (report.Issued, string, error) { return rep, "", nil })
}

// DraftWith is Draft with the reply made in the same transaction, after
// the move is checked: an assisted draft is accepted (and its acceptance
// audited) only if the proposal takes it. note, when set, is added to the
// event's.
func DraftWith(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, class string, reply func(tx *store.Tx) (rep report.Issued, note string, err error)) error {
	return do(ctx, db, by, id, version, day, ActDraft, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if _, ok := rules.Class(class); !ok {
			return "", problem.Invalid("class", "proposal.class_unknown", classKeys(rules))
		}
		rep, extra, err := reply(tx)
		if err != nil {
			return "", err
		}
		if trim(rep.Body) == "" {
			return "", problem.Invalid("template", "proposal.reply_empty")
		}
		figs, err := json.Marshal(rep.Figures)
		if err != nil {
			return "", err
		}
		p.Class, p.ReplyTemplate, p.ReplyAsOf, p.ReplyBody, p.ReplyFigures = class, rep.Template, rep.AsOf, rep.Body, string(figs)
		p.DraftedBy, p.DraftedByName, p.ReviewedByName, p.SignedBy, p.SignedByName = by.UserID, by.Name, "", 0, ""
		// A new draft asks every co-unit again.
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_units SET status = 'assigned', day = '', by_name = '', note = '' WHERE proposal_id = ? AND role = 'co' AND status = 'countersigned'`, id); err != nil {
			return "", err
		}
		p.State = Reviewing
		if len(p.CoUnits()) > 0 {
			p.State = Drafted
		}
		if extra != "" {
			extra = " · " + extra
		}
		return rep.Template + " @ " + rep.AsOf + " · " + class + extra, nil
	})
}

func classKeys(r Rules) string {
	s := ""
	for i, c := range r.Classes {
		if i > 0 {
			s += "/"
		}
		s += c.Key
	}
	return s
}

// Countersign (会签) is a co-unit's agreement with the draft, with its
// opinion; the last one hands the draft to the supervisor.
func Countersign(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, opinion string) error {
	return do(ctx, db, by, id, version, day, ActCountersign, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		u, _ := p.active(by.UnitID)
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_units SET status = 'countersigned', day = ?, by_name = ?, note = ? WHERE id = ?`, day, by.Name, trim(opinion), u.ID); err != nil {
			return "", err
		}
		waiting := 0
		for _, c := range p.CoUnits() {
			if c.ID != u.ID && c.Status == "assigned" {
				waiting++
			}
		}
		if waiting == 0 {
			p.State = Reviewing
		}
		return u.Name, nil
	})
}

// Review is the supervisor's (督办) review: it may change the class.
func Review(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, class, note string) error {
	return do(ctx, db, by, id, version, day, ActReview, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if class != "" && class != p.Class {
			if _, ok := rules.Class(class); !ok {
				return "", problem.Invalid("class", "proposal.class_unknown", classKeys(rules))
			}
			note = trim(p.Class + "→" + class + " " + note)
			p.Class = class
		}
		p.ReviewedByName = by.Name
		return trim(note), nil
	})
}

// Return sends the draft back to the lead unit to draft again.
func Return(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, reason string) error {
	return do(ctx, db, by, id, version, day, ActReturn, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if trim(reason) == "" {
			return "", problem.Invalid("reason", "proposal.reason_required")
		}
		p.ReviewedByName, p.SignedBy, p.SignedByName = "", 0, ""
		return trim(reason), nil
	})
}

// Sign (签发) is the leader's signature: an account other than the drafter's.
func Sign(ctx context.Context, db *store.DB, by Actor, id int64, version int, day string) error {
	return do(ctx, db, by, id, version, day, ActSign, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		p.SignedBy, p.SignedByName = by.UserID, by.Name
		return "", nil
	})
}

// Issue sends the signed reply: it is frozen as an issued report (the text
// and figures as signed; the member's contact details are no part of it)
// and the member's rating is awaited.
func Issue(ctx context.Context, db *store.DB, by Actor, id int64, version int, day string) (string, error) {
	var reportID string
	err := do(ctx, db, by, id, version, day, ActIssue, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		rep := report.Issued{Template: p.ReplyTemplate, Title: replyTitle(p), AsOf: p.ReplyAsOf, Body: p.ReplyBody}
		if err := json.Unmarshal([]byte(p.ReplyFigures), &rep.Figures); err != nil {
			return "", fmt.Errorf("proposal %d figures: %w", id, err)
		}
		if err := report.Freeze(ctx, tx, &rep); err != nil {
			return "", err
		}
		p.ReportID, p.RepliedOn = rep.ID, day
		if p.Round == 1 {
			p.FirstRepliedOn = day
		}
		reportID = rep.ID
		return rep.ID, nil
	})
	return reportID, err
}

// replyTitle is the issued reply's title: the template's is the letter's
// own; a reply names its proposal.
func replyTitle(p *Proposal) string {
	return "关于" + p.Number + "《" + p.Title + "》的答复（" + p.Class + "）"
}

// Rate records the member's ratings of the handling and of the result.
// 不满意 on either reopens the proposal for another round of handling with
// a new deadline; otherwise it is closed.
func Rate(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, handling, result, note string) error {
	return do(ctx, db, by, id, version, day, ActRate, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if !slices.Contains(Ratings, handling) {
			return "", problem.Invalid("handling", "proposal.rating_unknown")
		}
		if !slices.Contains(Ratings, result) {
			return "", problem.Invalid("result", "proposal.rating_unknown")
		}
		if day < p.RepliedOn {
			return "", problem.Invalid("day", "proposal.before_replied", p.RepliedOn)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_ratings (proposal_id, round, day, handling, result, note) VALUES (?, ?, ?, ?, ?, ?)`,
			id, p.Round, day, handling, result, trim(note)); err != nil {
			return "", fmt.Errorf("proposal %d rating: %w", id, err)
		}
		p.RatingHandling, p.RatingResult = handling, result
		if handling == "dissatisfied" || result == "dissatisfied" {
			p.State, p.Round = Assigned, p.Round+1
			p.DueOn = addMonths(day, rules.RehandleMonths)
			p.DraftedBy, p.DraftedByName, p.ReviewedByName, p.SignedBy, p.SignedByName = 0, "", "", 0, ""
			return RatingName(handling).ZH + "/" + RatingName(result).ZH + "，重新办理", nil
		}
		p.State = Closed
		return RatingName(handling).ZH + "/" + RatingName(result).ZH, nil
	})
}

// RequestExtension asks to move the deadline to due, with the reason; the
// new deadline may not pass the jurisdiction's longest (months from 交办).
func RequestExtension(ctx context.Context, db *store.DB, by Actor, id int64, version int, day, due, reason string) error {
	return do(ctx, db, by, id, version, day, ActExtend, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		if _, ok := p.PendingExtension(); ok {
			return "", problem.New(problem.ErrConflict, "proposal.extension_pending")
		}
		if day > p.DueOn {
			return "", problem.New(problem.ErrConflict, "proposal.extension_late", p.DueOn)
		}
		if err := validDay("due", due); err != nil {
			return "", err
		}
		if due <= p.DueOn {
			return "", problem.Invalid("due", "proposal.extension_not_later", p.DueOn)
		}
		if last := addMonths(p.AssignedOn, rules.MaxExtensionMonths); p.Round == 1 && due > last {
			return "", problem.Invalid("due", "proposal.extension_too_late", rules.MaxExtensionMonths, last)
		}
		if trim(reason) == "" {
			return "", problem.Invalid("reason", "proposal.reason_required")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_extensions (proposal_id, requested_on, requested_by, due_on, reason, status) VALUES (?, ?, ?, ?, ?, 'pending')`,
			id, day, by.Name, due, trim(reason)); err != nil {
			return "", fmt.Errorf("proposal %d extension: %w", id, err)
		}
		return due + " " + trim(reason), nil
	})
}

// DecideExtension approves or refuses the pending request; only an
// approved one moves the deadline.
func DecideExtension(ctx context.Context, db *store.DB, by Actor, id int64, version int, day string, approve bool) error {
	return do(ctx, db, by, id, version, day, ActDecideExtend, func(tx *store.Tx, p *Proposal, rules Rules) (string, error) {
		e, ok := p.PendingExtension()
		if !ok {
			return "", problem.New(problem.ErrConflict, "proposal.extension_none")
		}
		status := "refused"
		if approve {
			status = "approved"
			p.DueOn = e.DueOn
			if p.Round == 1 {
				p.FirstDueOn = e.DueOn
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposal_extensions SET status = ?, decided_on = ?, decided_by = ? WHERE id = ? AND status = 'pending'`, status, day, by.Name, e.ID); err != nil {
			return "", err
		}
		return status + " " + e.DueOn, nil
	})
}
