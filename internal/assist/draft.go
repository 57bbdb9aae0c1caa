package assist

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// PurposeReply is drafting a proposal's reply from a section's figures.
const PurposeReply = "proposal_reply"

// ReplyRequest is what drafting a reply is given: the proposal's fields
// (each sent only as the administrator allows, and scrubbed) and the
// figures of a report section rendered as of a date.
type ReplyRequest struct {
	ProposalID        int64
	Title, Body       string
	Member, Cosigners string
	Template, AsOf    string
	Figures           map[string]report.Figure
	Instructions      string // what the drafter asks for, scrubbed too
}

// maxBody is the most of the proposal's text sent (runes).
const maxBody = 6000

const replySystem = `你是市科技局答复人大建议、政协提案的公文起草助手。只根据下面给出的指标写作。
规则：
1. 正文中凡是数量、金额、比例、增长等数字，一律写成占位符 {{指标编号}}，由系统从记录中填入数值；可写 {{编号|approx}}（约数，如4.5万）、{{编号|over}}（如超2万、30余）、{{编号|zh}}（中文数字，如四）、{{编号|wan}}（以万为单位）、{{编号|yi}}（以亿为单位）、{{编号|pct}}（百分比数值）。
2. 不要写任何下面没有给出的数字，也不要自己换算；日期与序号（第一、一是、（一））可以直接写。
3. 单位写在占位符后面，如 {{smart_factory_total}}家、{{compute_voucher_amount|yi}}元。
4. 只输出答复正文，用规范公文语体，分段，不要标题和解释。
You draft a city science and technology bureau's replies to deputies' proposals. Write every quantity as a placeholder {{indicator_id}}; never write a number that is not given.`

// replyMessages builds what is sent: only allowed fields, all scrubbed.
func replyMessages(req ReplyRequest, allowed map[string]bool) []Message {
	var b strings.Builder
	add := func(field, label, v string) {
		if !allowed[field] || strings.TrimSpace(v) == "" {
			return
		}
		clean, _ := Scrub(v)
		if utf8.RuneCountInString(clean) > maxBody {
			clean = string([]rune(clean)[:maxBody]) + "…"
		}
		fmt.Fprintf(&b, "%s：%s\n", label, clean)
	}
	add("proposal.title", "提案标题", req.Title)
	add("proposal.member", "提案人", req.Member)
	add("proposal.cosigners", "联名人", req.Cosigners)
	add("proposal.body", "提案内容", req.Body)
	fmt.Fprintf(&b, "\n可用指标（截至%s）：\n", req.AsOf)
	keys := make([]string, 0, len(req.Figures))
	for k := range req.Figures {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := req.Figures[k]
		if f.Undefined || f.By != "" {
			continue
		}
		period := ""
		if f.From != "" {
			period = "，期间" + f.From + "至" + f.To
		}
		fmt.Fprintf(&b, "- {{%s}}：%s = %s%s（截至%s%s）\n", k, f.Name, report.Plain(f.Value), f.Unit, f.AsOf, period)
	}
	if ins, _ := Scrub(strings.TrimSpace(req.Instructions)); ins != "" {
		fmt.Fprintf(&b, "\n起草要求：%s\n", ins)
	}
	return []Message{{Role: "system", Content: replySystem}, {Role: "user", Content: b.String()}}
}

// DraftReply asks the model for a reply, fills its placeholders and keeps
// it as an open draft (the proposal is not changed until it is accepted).
func (s *Service) DraftReply(ctx context.Context, who Who, req ReplyRequest) (int64, error) {
	if s == nil {
		return 0, problem.New(problem.ErrNotFound, "assist.off")
	}
	if len(req.Figures) == 0 {
		return 0, problem.Invalid("template", "assist.no_figures")
	}
	allowed, err := Allowed(ctx, s.db)
	if err != nil {
		return 0, err
	}
	text, hash, err := s.chat(ctx, who, PurposeReply, replyMessages(req, allowed))
	if err != nil {
		return 0, err
	}
	body, placed := FillPlaced(text, req.Figures)
	body = strings.TrimSpace(body)
	figs, err := json.Marshal(req.Figures)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// A new draft supersedes any still open for the proposal.
		if _, err := tx.ExecContext(ctx, `UPDATE assist_drafts SET state = 'discarded', decided_by_name = ?, decided_at = ? WHERE purpose = ? AND subject_id = ? AND state = 'open'`,
			who.Name, store.Now(), PurposeReply, req.ProposalID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO assist_drafts (purpose, subject_id, template, as_of, model, prompt_sha256, body, figures, placed, created_by, created_by_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, PurposeReply, req.ProposalID, req.Template, req.AsOf, s.cfg.Model, hash, body, string(figs), strings.Join(placed, ","),
			nullID(who.UserID), who.Name, store.Now()).Scan(&id); err != nil {
			return fmt.Errorf("keep the draft: %w", err)
		}
		c := CheckPlaced(body, req.Figures, placed)
		return audit.Append(ctx, tx, audit.Change{Entity: "assist_draft", EntityID: id, Action: "draft",
			After: map[string]any{"purpose": PurposeReply, "subject_id": req.ProposalID, "model": s.cfg.Model, "prompt_sha256": hash, "template": req.Template, "as_of": req.AsOf, "bound": c.Bound, "faults": c.Faults}})
	})
	return id, err
}

// Draft is a model's draft kept until it is accepted or discarded.
type Draft struct {
	ID                int64
	Purpose           string
	SubjectID         int64
	Template, AsOf    string
	Model, PromptHash string
	Body              string
	Figures           map[string]report.Figure
	Placed            []string // the figures the model placed by placeholder
	State             string   // open, accepted, discarded
	CreatedBy         int64
	CreatedByName     string
	CreatedAt         time.Time
	DecidedByName     string
}

const draftColumns = `id, purpose, subject_id, template, as_of, model, prompt_sha256, body, figures, placed, COALESCE(created_by, 0), created_by_name, created_at, state, decided_by_name`

func scanDraft(row interface{ Scan(...any) error }) (*Draft, error) {
	var d Draft
	var figs, placed string
	if err := row.Scan(&d.ID, &d.Purpose, &d.SubjectID, &d.Template, &d.AsOf, &d.Model, &d.PromptHash, &d.Body, &figs, &placed, &d.CreatedBy, &d.CreatedByName, &d.CreatedAt, &d.State, &d.DecidedByName); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, problem.New(problem.ErrNotFound, "assist.draft_unknown")
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(figs), &d.Figures); err != nil {
		return nil, fmt.Errorf("draft %d figures: %w", d.ID, err)
	}
	if placed != "" {
		d.Placed = strings.Split(placed, ",")
	}
	return &d, nil
}

// GetDraft reads a draft.
func GetDraft(ctx context.Context, q store.Querier, id int64) (*Draft, error) {
	return scanDraft(q.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM assist_drafts WHERE id = ?`, id))
}

// OpenDraft is the latest open draft for a subject, or nil.
func OpenDraft(ctx context.Context, q store.Querier, purpose string, subject int64) (*Draft, error) {
	d, err := scanDraft(q.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM assist_drafts WHERE purpose = ? AND subject_id = ? AND state = 'open' ORDER BY id DESC LIMIT 1`, purpose, subject))
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	return d, err
}

// Accept checks the text as the user left it against the draft's figures
// and, when every numeral is bound, closes the draft as accepted in tx,
// auditing who accepted it, the model, the prompt's hash and the bound
// figures. It returns the report the accepted text is: its figures are
// those the text states. A numeral no figure gives refuses it (the marks
// say where).
func Accept(ctx context.Context, tx *store.Tx, d *Draft, by Who, body string) (report.Issued, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	if body == "" {
		return report.Issued{}, problem.Invalid("body", "assist.body_empty")
	}
	c := d.Check(body)
	if c.Faults > 0 {
		return report.Issued{}, problem.Invalid("body", "assist.unbound", c.Faults)
	}
	res, err := tx.ExecContext(ctx, `UPDATE assist_drafts SET state = 'accepted', body = ?, decided_by_name = ?, decided_at = ? WHERE id = ? AND state = 'open'`,
		body, by.Name, store.Now(), d.ID)
	if err != nil {
		return report.Issued{}, fmt.Errorf("accept draft %d: %w", d.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return report.Issued{}, problem.New(problem.ErrConflict, "assist.draft_closed")
	}
	rep := report.Issued{Template: d.Template, AsOf: d.AsOf, Body: body, Figures: map[string]report.Figure{}}
	bound := make([]map[string]any, 0, len(c.Bound))
	for _, k := range c.Bound {
		f := d.Figures[k]
		rep.Figures[k] = f
		bound = append(bound, map[string]any{"id": k, "value": f.Value, "unit": f.Unit, "as_of": f.AsOf, "records": len(f.Records)})
	}
	err = audit.Append(ctx, tx, audit.Change{Entity: "assist_draft", EntityID: d.ID, Action: "accept",
		Before: map[string]any{"state": "open"},
		After: map[string]any{"state": "accepted", "accepted_by": by.Name, "accepted_by_id": by.UserID, "purpose": d.Purpose, "subject_id": d.SubjectID,
			"model": d.Model, "prompt_sha256": d.PromptHash, "bound": bound, "edited": body != strings.TrimSpace(d.Body)}})
	return rep, err
}

// Check reads text (the draft's, as edited) against the draft's figures.
func (d *Draft) Check(text string) Checked { return CheckPlaced(text, d.Figures, d.Placed) }

// Discard closes an open draft unused, audited.
func Discard(ctx context.Context, db *store.DB, d *Draft, by Who) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assist_drafts SET state = 'discarded', decided_by_name = ?, decided_at = ? WHERE id = ? AND state = 'open'`, by.Name, store.Now(), d.ID)
		if err != nil {
			return fmt.Errorf("discard draft %d: %w", d.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "assist.draft_closed")
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "assist_draft", EntityID: d.ID, Action: "discard", Before: map[string]any{"state": "open"}, After: map[string]any{"state": "discarded"}})
	})
}

// Segment is a piece of a checked text for a page: plain text, a bound
// figure (its id and name), an exempt numeral, or a fault.
type Segment struct {
	Text   string
	Kind   string // "", bound, exempt, fault
	Figure string
	Name   string // the figure's name and as-of, for the mark's title
}

// Segments cuts the checked text at its marks.
func (c Checked) Segments(figs map[string]report.Figure) []Segment {
	var out []Segment
	last := 0
	for _, m := range c.Marks {
		if m.Start < last {
			continue
		}
		if m.Start > last {
			out = append(out, Segment{Text: c.Text[last:m.Start]})
		}
		s := Segment{Text: c.Text[m.Start:m.End]}
		switch {
		case m.Problem != "":
			s.Kind = "fault"
		case m.Exempt != "":
			s.Kind = "exempt"
		default:
			f := figs[m.Figure]
			s.Kind, s.Figure, s.Name = "bound", m.Figure, f.Name+" = "+report.Plain(f.Value)+f.Unit+"（"+f.AsOf+"）"
		}
		out = append(out, s)
		last = m.End
	}
	if last < len(c.Text) {
		out = append(out, Segment{Text: c.Text[last:]})
	}
	return out
}
