package program

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/expr-lang/expr"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Published is a template version as stored.
type Published struct {
	ID       int64
	Template *Template
}

// Publish stores a new version of a template. The version in the YAML must
// be the next one for its key; records keep the version they were created
// under.
func Publish(ctx context.Context, db *store.DB, source []byte) (Published, error) {
	t, err := Parse(source)
	if err != nil {
		return Published{}, err
	}
	var p Published
	err = db.InTx(ctx, func(tx *store.Tx) error {
		var last int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0) FROM program_templates WHERE key = ?`, t.Key).Scan(&last); err != nil {
			return fmt.Errorf("read versions of %s: %w", t.Key, err)
		}
		if t.Version != last+1 {
			return problem.New(problem.ErrConflict, "program.version_next", t.Key, last+1, t.Version)
		}
		a := audit.ActorFrom(ctx)
		if err := tx.QueryRowContext(ctx, `INSERT INTO program_templates (key, version, name, source, published_at, published_by)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, t.Key, t.Version, t.Name, string(source), store.Now(), a.Name).Scan(&p.ID); err != nil {
			return fmt.Errorf("store template %s v%d: %w", t.Key, t.Version, err)
		}
		p.Template = t
		return audit.Append(ctx, tx, audit.Change{Entity: "program_template", EntityID: p.ID, Action: "publish", After: map[string]any{"key": t.Key, "version": t.Version}})
	})
	return p, err
}

// LoadTemplate reads a stored template version.
func LoadTemplate(ctx context.Context, q store.Querier, id int64) (*Template, error) {
	var src string
	err := q.QueryRowContext(ctx, `SELECT source FROM program_templates WHERE id = ?`, id).Scan(&src)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("template %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load template %d: %w", id, err)
	}
	return Parse([]byte(src))
}

// Call opens a template version for a period, with a quota and a budget.
type Call struct {
	ID         int64   `json:"id"`
	TemplateID int64   `json:"template_id"`
	Key        string  `json:"key"`
	Name       string  `json:"name"`
	NameEN     string  `json:"name_en,omitempty"` // empty: the Chinese name on English pages too
	Opens      string  `json:"opens"`             // YYYY-MM-DD
	Closes     string  `json:"closes"`
	Quota      int     `json:"quota"`
	Budget     float64 `json:"budget"`
}

// OpenCall stores a call.
func OpenCall(ctx context.Context, db *store.DB, c Call) (Call, error) {
	c.Key, c.Name, c.NameEN = strings.TrimSpace(c.Key), strings.TrimSpace(c.Name), strings.TrimSpace(c.NameEN)
	if ps := CheckCall(c); len(ps) > 0 {
		return c, ps
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO calls (template_id, key, name, name_en, opens, closes, quota, budget, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.TemplateID, c.Key, c.Name, c.NameEN, c.Opens, c.Closes, c.Quota, c.Budget, store.Now()).Scan(&c.ID); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Invalid("key", "call.key_taken", c.Key)
			}
			return fmt.Errorf("open call: %w", err)
		}
		var key string
		if err := tx.QueryRowContext(ctx, `SELECT key FROM program_templates WHERE id = ?`, c.TemplateID).Scan(&key); err != nil {
			return fmt.Errorf("template %d: %w", c.TemplateID, problem.ErrNotFound)
		}
		if err := alertWatchers(ctx, tx, key, c); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "call", EntityID: c.ID, Action: "open", After: c})
	})
	return c, err
}

// Project is a record moving through a program's stages.
type Project struct {
	ID              int64
	CallID          int64
	TemplateID      int64
	OrganisationID  int64
	Title           string
	Stage           string
	Data            map[string]any
	AmountRequested float64
	AmountApproved  float64
	AmountDisbursed float64
	RefundDue       float64 // money to return (a closed or revoked project)
	Refunded        float64 // returned so far
	Version         int
	ParentID        int64  // a child record's parent (a bid's challenge)
	ChildKind       string // the parent template's kind of child
}

// CreateProject starts a record of an organisation in a call, in the
// template's initial stage, with its first event.
func CreateProject(ctx context.Context, db *store.DB, callID, orgID int64, data map[string]any) (Project, error) {
	var p Project
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		p, err = createProject(ctx, tx, Project{CallID: callID, OrganisationID: orgID, Data: data})
		return err
	})
	return p, err
}

// defaultTitle names a record whose form has no text to name it by: the
// applicant and the program (沈阳某某公司 · 中小企业数字化转型试点).
// names caches organisations' names across calls; nil for none.
func defaultTitle(ctx context.Context, q store.Querier, t *Template, orgID int64, names map[int64]string) (string, error) {
	name, ok := names[orgID]
	if !ok {
		if err := q.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, orgID).Scan(&name); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("name of organisation %d: %w", orgID, err)
		}
		if names != nil {
			names[orgID] = name
		}
	}
	if name == "" {
		return t.Name, nil
	}
	return name + " · " + t.Name, nil
}

// createProject inserts p in its template's initial stage. A child record
// names its template and parent; any other takes its call's template.
func createProject(ctx context.Context, tx *store.Tx, p Project) (Project, error) {
	return createProjectAt(ctx, tx, p, Clock())
}

// createProjectAt is createProject at a given time (a record that began
// earlier than it is entered: a docking sent on a past day).
func createProjectAt(ctx context.Context, tx *store.Tx, p Project, now time.Time) (Project, error) {
	callID, orgID, data := p.CallID, p.OrganisationID, p.Data
	p.Version = 1
	if p.TemplateID == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT template_id FROM calls WHERE id = ?`, callID).Scan(&p.TemplateID); err != nil {
			return p, fmt.Errorf("call %d: %w", callID, problem.ErrNotFound)
		}
	}
	t, err := LoadTemplate(ctx, tx, p.TemplateID)
	if err != nil {
		return p, err
	}
	p.Stage = t.Initial()
	if t.TitleField() != "" {
		p.Title, _ = data[t.TitleField()].(string)
	}
	if p.Title == "" && t.TitleField() == "" { // a form without a text field: named by its maker (a bid after its challenge) or for its applicant
		if p.Title, err = defaultTitle(ctx, tx, t, orgID, nil); err != nil {
			return p, err
		}
	}
	p.AmountRequested = t.AmountOf(data)
	raw, err := json.Marshal(data)
	if err != nil {
		return p, err
	}
	now = now.UTC().Truncate(time.Microsecond)
	if err := tx.QueryRowContext(ctx, `INSERT INTO projects (call_id, template_id, organisation_id, title, stage, data, amount_requested, created_at, updated_at, parent_id, child_kind)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, callID, p.TemplateID, orgID, p.Title, p.Stage, string(raw), p.AmountRequested, now, now, nullID(p.ParentID), p.ChildKind).Scan(&p.ID); err != nil {
		return p, fmt.Errorf("create project: %w", err)
	}
	if err := appendEventAt(ctx, tx, t.Key, p.ID, "create", "", p.Stage, "", now); err != nil {
		return p, err
	}
	if err := syncParties(ctx, tx, t, p.ID, data); err != nil { // the people it names enter the ledger
		return p, err
	}
	return p, audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: p.ID, Action: "create", After: map[string]any{"call": callID, "organisation": orgID, "stage": p.Stage}})
}

func number(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return 0
}

func appendEvent(ctx context.Context, tx *store.Tx, program string, projectID int64, transition, from, to, note string) error {
	return appendEventAt(ctx, tx, program, projectID, transition, from, to, note, Clock())
}

// appendEventAt is appendEvent at a given time.
func appendEventAt(ctx context.Context, tx *store.Tx, program string, projectID int64, transition, from, to, note string, at time.Time) error {
	a := audit.ActorFrom(ctx)
	var actorID any
	if a.ID != 0 {
		actorID = a.ID
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO project_events (project_id, template_id, transition, from_stage, to_stage, at, actor_id, actor, note)
		VALUES (?, (SELECT template_id FROM projects WHERE id = ?), ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		projectID, projectID, transition, from, to, at, actorID, a.Name, note).Scan(&id); err != nil {
		return fmt.Errorf("append stage event: %w", err)
	}
	return rollUp(ctx, tx, program, projectID, id, from, to, at)
}

// Clock gives the time of stage events; tests replace it to write history
// on chosen days.
var Clock = store.Now

// businessNow is Clock's time on the business date pinned in ctx (package
// clock), if one is: what judges due days and overdue months.
func businessNow(ctx context.Context) time.Time {
	if d, ok := clock.Pinned(ctx); ok {
		return clock.At(d, Clock())
	}
	return Clock()
}

// rollUp keeps stage_daily in step with the event just written: the record
// entered to (for the first time, if no earlier event reached it) and left
// from, on the event's day in China time.
func rollUp(ctx context.Context, tx *store.Tx, program string, projectID, eventID int64, from, to string, at time.Time) error {
	day := at.In(shanghai).Format(time.DateOnly)
	var earlier int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM project_events WHERE project_id = ? AND to_stage = ? AND id < ?`, projectID, to, eventID).Scan(&earlier); err != nil {
		return fmt.Errorf("roll up: %w", err)
	}
	first := 0
	if earlier == 0 {
		first = 1
	}
	const upsert = `INSERT INTO stage_daily (program, stage, day, first_reached, entered, exited) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (program, stage, day) DO UPDATE SET first_reached = stage_daily.first_reached + excluded.first_reached,
		entered = stage_daily.entered + excluded.entered, exited = stage_daily.exited + excluded.exited`
	if _, err := tx.ExecContext(ctx, upsert, program, to, day, first, 1, 0); err != nil {
		return fmt.Errorf("roll up: %w", err)
	}
	if from != "" {
		if _, err := tx.ExecContext(ctx, upsert, program, from, day, 0, 0, 1); err != nil {
			return fmt.Errorf("roll up: %w", err)
		}
	}
	return nil
}

// GetProject reads a project.
func GetProject(ctx context.Context, q store.Querier, id int64) (Project, error) {
	var p Project
	var raw string
	err := q.QueryRowContext(ctx, `SELECT id, call_id, template_id, organisation_id, title, stage, data, amount_requested, amount_approved, amount_disbursed, amount_refund_due, amount_refunded, version, COALESCE(parent_id, 0), child_kind FROM projects WHERE id = ?`, id).
		Scan(&p.ID, &p.CallID, &p.TemplateID, &p.OrganisationID, &p.Title, &p.Stage, &raw, &p.AmountRequested, &p.AmountApproved, &p.AmountDisbursed, &p.RefundDue, &p.Refunded, &p.Version, &p.ParentID, &p.ChildKind)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("project %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("load project %d: %w", id, err)
	}
	return p, json.Unmarshal([]byte(raw), &p.Data)
}

// Event is one stage change of a project.
type Event struct {
	Transition string    `json:"transition"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor,omitempty"`
	Note       string    `json:"note,omitempty"`
	Amount     *float64  `json:"amount,omitempty"` // what the move approved, paid or took back
}

// History lists a project's stage events in order.
func History(ctx context.Context, q store.Querier, id int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT transition, from_stage, to_stage, at, actor, note, amount FROM project_events WHERE project_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("load history: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var amount sql.NullFloat64
		if err := rows.Scan(&e.Transition, &e.From, &e.To, &e.At, &e.Actor, &e.Note, &amount); err != nil {
			return nil, err
		}
		if amount.Valid {
			e.Amount = &amount.Float64
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Move takes transition key on project id as principal p. It is refused when
// the project is not in one of the transition's stages, when p may not take
// it, when a required field is empty or the rule does not hold; and when
// someone else moved the project meanwhile, exactly one of the two succeeds.
func Move(ctx context.Context, db *store.DB, p access.Principal, id int64, key, note string) (Project, error) {
	return MoveWith(ctx, db, p, id, key, MoveInput{Note: note})
}

// MoveInput is what a move carries besides its transition: a note (the
// reason of a decision) and, for transitions that record money, the amount
// in CNY.
type MoveInput struct {
	Note   string
	Amount *float64
	// Data sets form fields with the move (checked like the form), before
	// the transition's required fields and rule are read: a conversion's
	// equity share.
	Data map[string]any
	// Also runs in the move's transaction after it, with the moved record:
	// what must be written with the move or not at all.
	Also func(tx *store.Tx, pr Project) error
}

// MoveWith is Move with an amount: a transition declaring amount: approved
// sets the approved amount (at most the amount requested); amount:
// disbursed adds to what was paid out (in all at most the approved amount).
func MoveWith(ctx context.Context, db *store.DB, p access.Principal, id int64, key string, in MoveInput) (Project, error) {
	note := in.Note
	var out Project
	err := db.InTx(ctx, func(tx *store.Tx) error {
		pr, err := GetProject(ctx, tx, id)
		if err != nil {
			return err
		}
		t, err := LoadTemplate(ctx, tx, pr.TemplateID)
		if err != nil {
			return err
		}
		var tr *Transition
		for i := range t.Transitions {
			if t.Transitions[i].Key == key {
				tr = &t.Transitions[i]
			}
		}
		if tr == nil {
			return problem.New(problem.ErrInvalid, "project.transition_unknown", key)
		}
		if !contains(tr.From, pr.Stage) {
			return problem.New(problem.ErrConflict, "project.wrong_stage", tr.named(), pr.Stage)
		}
		if in.Data != nil {
			if ps := CheckData(t, in.Data, false); len(ps) > 0 {
				return ps
			}
			merged := make(map[string]any, len(pr.Data)+len(in.Data))
			for k, v := range pr.Data {
				merged[k] = v
			}
			for k, v := range in.Data {
				merged[k] = v
			}
			pr.Data = merged
		}
		ok, err := mayTake(ctx, tx, p, pr, tr)
		if err != nil {
			return err
		}
		if !ok {
			return problem.New(problem.ErrForbidden, "project.not_allowed", tr.named())
		}
		if t.Grave(tr) && strings.TrimSpace(note) == "" {
			return problem.Invalid("note", "project.reason_required", tr.named())
		}
		if tr.Deadline == "call_end" && pr.ParentID != 0 {
			if err := childrenOpen(ctx, tx, pr); err != nil {
				return err
			}
		} else if tr.Deadline == "call_end" {
			c, err := GetCall(ctx, tx, pr.CallID)
			if err != nil {
				return err
			}
			if d, ok := due(*tr, c, time.Time{}); ok && clock.Now(ctx).After(d.Due) {
				return problem.New(problem.ErrConflict, "project.deadline_passed", tr.named(), c.Closes)
			}
		}
		var missing []string
		for _, f := range tr.Requires {
			if empty(pr.Data[f]) {
				fd, _ := t.Field(f)
				missing = append(missing, fd.Label)
			}
		}
		if len(missing) > 0 {
			return problem.New(problem.ErrInvalid, "project.missing", strings.Join(missing, "、"))
		}
		if err := checkUnique(ctx, tx, t, pr, tr.To); err != nil {
			return err
		}
		if tr.Rule != "" {
			if err := lockLedger(ctx, tx, t, pr, tr.Rule); err != nil {
				return err
			}
			env, err := ruleEnv(ctx, tx, t, pr)
			if err != nil {
				return err
			}
			var ledgerErr error
			ledgerEnv(ctx, tx, t, pr, env, &ledgerErr)
			mv := map[string]any{"amount": 0.0, "note": strings.TrimSpace(note)}
			if in.Amount != nil {
				mv["amount"] = *in.Amount
			}
			env["move"] = mv
			ok, err := expr.Eval(tr.Rule, env)
			if err == nil {
				err = ledgerErr
			}
			if err != nil {
				return fmt.Errorf("evaluate rule of %s: %w", tr.Key, err)
			}
			if b, _ := ok.(bool); !b {
				msg := tr.Message
				if msg == "" {
					msg = tr.Rule
				}
				return problem.New(problem.ErrInvalid, "project.rule_failed", i18n.Text{ZH: msg, EN: tr.MessageEN})
			}
		}
		if err := checkCommitted(ctx, tx, t, pr, tr); err != nil {
			return err
		}
		if err := screen(ctx, tx, t, pr, tr); err != nil {
			return err
		}
		if err := checkDuplicates(ctx, tx, t, pr, tr); err != nil {
			return err
		}
		if err := bar(ctx, tx, pr, tr, Clock()); err != nil {
			return err
		}
		set, amount := "", 0.0
		if tr.Amount != "" {
			var approved, disbursed float64
			if err := tx.QueryRowContext(ctx, `SELECT amount_approved, amount_disbursed FROM projects WHERE id = ?`, pr.ID).Scan(&approved, &disbursed); err != nil {
				return fmt.Errorf("amounts of %d: %w", pr.ID, err)
			}
			switch {
			case in.Amount == nil:
				return problem.Invalid("amount", "project.amount_required", tr.named())
			case *in.Amount < 0 || math.IsNaN(*in.Amount) || math.IsInf(*in.Amount, 0):
				return problem.Invalid("amount", "project.amount_negative")
			case tr.Amount == "approved" && pr.AmountRequested > 0 && *in.Amount > pr.AmountRequested:
				return problem.Invalid("amount", "project.amount_over_requested", pr.AmountRequested)
			case tr.Amount == "disbursed" && (approved > 0 || approves(t)) && disbursed+*in.Amount > approved:
				return problem.Invalid("amount", "project.amount_over_approved", approved, disbursed)
			case tr.Amount == "refunded" && *in.Amount > pr.RefundDue-pr.Refunded+0.005:
				return problem.Invalid("amount", "project.amount_over_refund", pr.RefundDue, pr.Refunded)
			}
			amount = *in.Amount
			switch tr.Amount {
			case "approved":
				set = ", amount_approved = ?"
			case "disbursed":
				set = ", amount_disbursed = amount_disbursed + ?"
			default:
				set = ", amount_refunded = amount_refunded + ?"
			}
		}
		refund, err := refundDue(ctx, tx, pr, tr)
		if err != nil {
			return err
		}
		if refund != nil {
			set += ", amount_refund_due = ?"
		}
		args := []any{tr.To, store.Now()}
		if tr.Amount != "" {
			args = append(args, amount)
		}
		if refund != nil {
			args = append(args, *refund)
		}
		if in.Data != nil {
			raw, err := json.Marshal(pr.Data)
			if err != nil {
				return err
			}
			set += ", data = ?"
			args = append(args, string(raw))
		}
		res, err := tx.ExecContext(ctx, `UPDATE projects SET stage = ?, version = version + 1, updated_at = ?`+set+` WHERE id = ? AND stage = ? AND version = ?`,
			append(args, pr.ID, pr.Stage, pr.Version)...)
		if err != nil {
			return fmt.Errorf("move project %d: %w", pr.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "project.moved_meanwhile")
		}
		if err := appendEvent(ctx, tx, t.Key, pr.ID, tr.Key, pr.Stage, tr.To, note); err != nil {
			return err
		}
		if tr.Amount != "" { // the event just written is the record's newest: the row is ours until commit
			if _, err := tx.ExecContext(ctx, `UPDATE project_events SET amount = ? WHERE id = (SELECT max(id) FROM project_events WHERE project_id = ?)`, amount, pr.ID); err != nil {
				return fmt.Errorf("amount of the move: %w", err)
			}
		}
		if in.Data != nil { // data given with the move may name other people
			if err := syncParties(ctx, tx, t, pr.ID, pr.Data); err != nil {
				return err
			}
		}
		from := pr.Stage
		pr.Stage, pr.Version = tr.To, pr.Version+1
		out = pr
		if p.OrgID != pr.OrganisationID {
			title := pr.Title
			if title == "" { // a draft whose title field is still empty: named for its applicant
				if title, err = defaultTitle(ctx, tx, t, pr.OrganisationID, nil); err != nil {
					return err
				}
			}
			// Args: the record, the move in Chinese, the move in English; each
			// language's message picks its own by index.
			if err := Notify(ctx, tx, Notice{OrganisationID: pr.OrganisationID, ProjectID: pr.ID, Kind: "project_moved", Args: []any{title, tr.Name, cmp.Or(tr.NameEN, tr.Name)}}); err != nil {
				return err
			}
		}
		if err := noticeSubmitted(ctx, tx, t, p, pr, tr); err != nil {
			return err
		}
		if tr.Grants != nil {
			if err := grant(ctx, tx, tr.Grants, pr); err != nil {
				return err
			}
		}
		after := map[string]any{"stage": tr.To}
		if tr.Amount != "" {
			after["amount_"+tr.Amount] = amount
		}
		if refund != nil {
			after["amount_refund_due"] = *refund
		}
		if tr.Snapshot != "" {
			if err := snapshot(ctx, tx, p, pr, tr); err != nil {
				return err
			}
		}
		for k, v := range in.Data {
			after[k] = v
		}
		if in.Also != nil {
			if err := in.Also(tx, pr); err != nil {
				return err
			}
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: pr.ID, Action: tr.Key, Before: map[string]any{"stage": from}, After: after})
	})
	return out, recordRefusal(ctx, db, err)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// mayTake: "owner" is a user of the applicant organisation, "role:R" a
// holder of R, "reviewer" a reviewer assigned to the project (and not
// declined or withdrawn).
func mayTake(ctx context.Context, q store.Querier, p access.Principal, pr Project, tr *Transition) (bool, error) {
	for _, by := range tr.By {
		switch {
		case by == "owner":
			if p.OrgID != 0 && p.OrgID == pr.OrganisationID && (p.Has(access.Org) || p.Has(access.Finance)) {
				return true, nil
			}
		case by == "reviewer":
			if p.UserID == 0 {
				continue
			}
			var n int
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM review_assignments WHERE project_id = ? AND reviewer_id = ? AND status IN ('assigned', 'submitted')`,
				pr.ID, p.UserID).Scan(&n); err != nil {
				return false, fmt.Errorf("check assignment: %w", err)
			}
			if n > 0 {
				return true, nil
			}
		default:
			if r, ok := strings.CutPrefix(by, "role:"); ok && p.Has(access.Role(r)) {
				return true, nil
			}
		}
	}
	return false, nil
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	}
	return false
}

// ruleEnv is what a rule sees for one project: its form data over the
// template's typed defaults, the applicant's registry profile, the record's
// amounts.
func ruleEnv(ctx context.Context, q store.Querier, t *Template, pr Project) (map[string]any, error) {
	env := exprEnv(t)
	for k, v := range pr.Data {
		if _, ok := env[k]; ok && v != nil {
			env[k] = v
		}
	}
	org, err := registry.Get(ctx, q, 0, pr.OrganisationID)
	if err != nil {
		return nil, err
	}
	applicant := env["applicant"].(map[string]any)
	applicant["name"], applicant["credit_code"], applicant["kind"] = org.Name, org.CreditCode, org.Kind
	applicant["district"], applicant["size"], applicant["founded"] = org.District, org.Size, org.Founded
	applicant["tags"], applicant["clusters"] = org.Tags, org.Clusters
	recs, err := registry.Recognitions(ctx, q, "organisation", org.ID)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, r := range recs {
		if r.Revoked == "" {
			names = append(names, r.KindName, r.KindName+":"+r.Level)
		}
	}
	applicant["recognitions"] = names
	applicant["has_valid"] = func(kind, day string) bool {
		for _, r := range recs {
			if (r.Kind == kind || r.KindName == kind) && r.ValidOn(day) {
				return true
			}
		}
		return false
	}
	var approvedThisYear float64
	year := store.Now().In(shanghai).Format("2006")
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(p.amount_approved), 0) FROM projects p JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = ? AND p.organisation_id = ? AND p.id <> ? AND p.created_at >= ?`, t.Key, pr.OrganisationID, pr.ID, yearStart(year)).Scan(&approvedThisYear); err != nil {
		return nil, fmt.Errorf("approved this year: %w", err)
	}
	applicant["approved_this_year"] = approvedThisYear
	if c, err := GetCall(ctx, q, pr.CallID); err == nil {
		env["call"] = map[string]any{"key": c.Key, "quota": c.Quota, "budget": c.Budget, "opens": c.Opens, "closes": c.Closes, "deadline": c.Closes}
	}
	figs, err := registry.Figures(ctx, q, org.ID)
	if err != nil {
		return nil, err
	}
	latest := map[string]float64{}
	years := map[string]int{}
	for _, f := range figs {
		if f.Year >= years[f.Kind] {
			years[f.Kind], latest[f.Kind] = f.Year, f.Value
		}
	}
	applicant["figures"] = latest
	env["record"].(map[string]any)["amount_requested"] = pr.AmountRequested
	env["record"].(map[string]any)["stage"] = pr.Stage
	env["record"].(map[string]any)["amount_approved"] = pr.AmountApproved
	env["record"].(map[string]any)["amount_disbursed"] = pr.AmountDisbursed
	env["record"].(map[string]any)["amount_refund_due"] = pr.RefundDue
	env["record"].(map[string]any)["amount_refunded"] = pr.Refunded
	if err := progressEnv(ctx, q, t, pr, env); err != nil {
		return nil, err
	}
	if len(t.Children) > 0 {
		rows, err := q.QueryContext(ctx, `SELECT c.child_kind, COUNT(*) FROM projects c JOIN program_templates ct ON ct.id = c.template_id
			WHERE c.parent_id = ? AND c.stage <> 'draft' GROUP BY c.child_kind`, pr.ID)
		if err != nil {
			return nil, fmt.Errorf("children of %d: %w", pr.ID, err)
		}
		children := env["children"].(map[string]any)
		for rows.Next() {
			var kind string
			var n int
			if err := rows.Scan(&kind, &n); err != nil {
				rows.Close()
				return nil, err
			}
			children[kind] = n
		}
		rows.Close()
	}
	if pr.ParentID != 0 {
		parent, err := GetProject(ctx, q, pr.ParentID)
		if err != nil {
			return nil, err
		}
		env["parent"] = map[string]any{"stage": parent.Stage, "amount_requested": parent.AmountRequested}
	}
	if t.Review != nil {
		res, err := Results(ctx, q, t, pr.ID, 1)
		if err != nil {
			return nil, err
		}
		rv := env["review"].(map[string]any)
		rv["assigned"], rv["submitted"] = res.Assigned, res.Submitted
		if res.Score != nil {
			rv["score"] = *res.Score
		}
	}
	return env, nil
}

// PublishShipped publishes every template in fsys (*.yaml) whose version is
// the next for its key, and skips those already stored. It answers how many
// it published.
func PublishShipped(ctx context.Context, db *store.DB, fsys fs.FS) (int, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return n, err
		}
		t, err := Parse(src)
		if err != nil {
			return n, fmt.Errorf("%s: %w", name, err)
		}
		var last int
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(max(version), 0) FROM program_templates WHERE key = ?`, t.Key).Scan(&last); err != nil {
			return n, err
		}
		if t.Version == last && last > 0 {
			// Shipped again under the same number but changed (a newer
			// release of Xinzhi): it becomes the next version, and records
			// keep the version they were made under.
			var stored string
			if err := db.QueryRowContext(ctx, `SELECT source FROM program_templates WHERE key = ? AND version = ?`, t.Key, last).Scan(&stored); err != nil {
				return n, err
			}
			if withoutVersion(stored) == withoutVersion(string(src)) {
				continue
			}
			src = []byte(versionLine.ReplaceAllString(string(src), fmt.Sprintf("version: %d", last+1)))
		} else if t.Version != last+1 {
			continue
		}
		if _, err := Publish(ctx, db, src); err != nil {
			return n, fmt.Errorf("%s: %w", name, err)
		}
		n++
	}
	return n, nil
}

// versionLine is a template's version line.
var versionLine = regexp.MustCompile(`(?m)^version:[ \t]*\d+[ \t]*$`)

// withoutVersion is a template's source with its version line left out, to
// tell a changed template from the same one under another number.
func withoutVersion(src string) string { return versionLine.ReplaceAllString(src, "") }

// CheckCall names every field of a call to fix.
func CheckCall(c Call) problem.List {
	var ps problem.List
	c.Key, c.Name = strings.TrimSpace(c.Key), strings.TrimSpace(c.Name)
	if !keyRE.MatchString(strings.ReplaceAll(c.Key, "-", "_")) {
		ps = append(ps, problem.Invalid("key", "call.key_invalid"))
	}
	if c.Name == "" {
		ps = append(ps, problem.Invalid("name", "call.name_required"))
	}
	datesOK := true
	for _, d := range []struct{ field, v string }{{"opens", c.Opens}, {"closes", c.Closes}} {
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			ps = append(ps, problem.Invalid(d.field, "call.date_invalid", d.v))
			datesOK = false
		}
	}
	if datesOK && c.Closes < c.Opens {
		ps = append(ps, problem.Invalid("closes", "call.dates"))
	}
	if c.Quota < 0 {
		ps = append(ps, problem.Invalid("quota", "call.negative"))
	}
	if c.Budget < 0 || math.IsNaN(c.Budget) || math.IsInf(c.Budget, 0) {
		ps = append(ps, problem.Invalid("budget", "call.negative"))
	}
	return ps
}

// grant gives the applicant the recognition a transition declares, dated
// the day of the move.
func grant(ctx context.Context, tx *store.Tx, g *Grant, pr Project) error {
	return grantOn(ctx, tx, g, pr, Clock())
}

// grantOn is grant for a move made at a given time (seeded histories).
func grantOn(ctx context.Context, tx *store.Tx, g *Grant, pr Project, at time.Time) error {
	kind := g.Kind
	if g.KindField != "" {
		v, _ := pr.Data[g.KindField].(string)
		if k, ok := g.KindMap[v]; ok {
			kind = k
		}
	}
	level := g.Level
	if g.LevelField != "" {
		if v, ok := pr.Data[g.LevelField].(string); ok && v != "" {
			level = v
		}
	}
	if kind == "" {
		return problem.Invalid(g.KindField, "program.grant_no_kind")
	}
	return registry.GrantTx(ctx, tx, registry.Recognition{Kind: kind, Level: level, Subject: "organisation", SubjectID: pr.OrganisationID,
		Authority: g.Authority, Granted: at.In(shanghai).Format(time.DateOnly), Note: fmt.Sprintf("project #%d", pr.ID)})
}

// approves reports whether the template approves an amount somewhere: then
// nothing may be paid out beyond what was approved, even when that is 0.
func approves(t *Template) bool {
	for _, tr := range t.Transitions {
		if tr.Amount == "approved" {
			return true
		}
	}
	return false
}
