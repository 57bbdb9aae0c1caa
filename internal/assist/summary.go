package assist

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// PurposeSummary is a reviewer's summary of an application.
const PurposeSummary = "review_summary"

// SummaryField is one field of an application's form as the reviewer
// sees it (a blind reviewer's view has no identity fields): a number is
// given to the model as a figure it may only cite by placeholder; text is
// scrubbed of personal data.
type SummaryField struct {
	Key, Label string
	Text       string   // text, a choice, a date, a table written out
	Number     *float64 // a number, an amount or a percentage
	Unit       string
}

// SummaryRequest is what a reviewer's summary is made from.
type SummaryRequest struct {
	ProjectID   int64
	Program     string
	Fields      []SummaryField
	Attachments []string // file names only: the attachments' content is not sent
}

const summarySystem = `你是科技计划项目评审专家的助手。请根据申报书内容写一份供评审参考的摘要（300字以内）：项目目标、主要内容、创新点、预期成果、预算要点、需要专家重点核实的问题。
规则：
1. 申报书中的数字一律写成占位符 {{字段编号}}，由系统从申报书填入；不要写申报书没有给出的数字，不要自己计算。
2. 只依据给出的内容，不评分，不下结论。
3. 只输出摘要正文。
You help an expert reviewer: summarise the application; write every number as a placeholder {{field_key}}; never write a number the application does not give.`

// summaryFigures are the form's numbers as figures to bind to.
func summaryFigures(req SummaryRequest) map[string]report.Figure {
	figs := map[string]report.Figure{}
	for _, f := range req.Fields {
		if f.Number != nil {
			figs[f.Key] = report.Figure{ID: f.Key, Name: f.Label, Unit: f.Unit, Value: *f.Number, Records: []int64{req.ProjectID}}
		}
	}
	return figs
}

func summaryMessages(req SummaryRequest) []Message {
	var b strings.Builder
	fmt.Fprintf(&b, "计划：%s\n申报书：\n", req.Program)
	for _, f := range req.Fields {
		if f.Number != nil {
			fmt.Fprintf(&b, "- %s {{%s}} = %s%s\n", f.Label, f.Key, report.Plain(*f.Number), f.Unit)
			continue
		}
		clean, _ := Scrub(strings.TrimSpace(f.Text))
		if clean == "" {
			continue
		}
		if utf8.RuneCountInString(clean) > 2000 {
			clean = string([]rune(clean)[:2000]) + "…"
		}
		fmt.Fprintf(&b, "- %s：%s\n", f.Label, clean)
	}
	if len(req.Attachments) > 0 {
		names := make([]string, len(req.Attachments))
		for i, n := range req.Attachments {
			names[i], _ = Scrub(n)
		}
		fmt.Fprintf(&b, "附件（仅文件名）：%s\n", strings.Join(names, "、"))
	}
	return []Message{{Role: "system", Content: summarySystem}, {Role: "user", Content: b.String()}}
}

// Summarise asks the model for a reviewer's summary of an application and
// keeps it for the reviewer who asked (a summary made from one view is
// shown to no one else: a manager's view names the applicant, a blind
// reviewer's does not). Its numbers are checked against the form's.
func (s *Service) Summarise(ctx context.Context, who Who, req SummaryRequest) (int64, error) {
	if s == nil {
		return 0, problem.New(problem.ErrNotFound, "assist.off")
	}
	figs := summaryFigures(req)
	text, hash, err := s.chat(ctx, who, PurposeSummary, summaryMessages(req))
	if err != nil {
		return 0, err
	}
	body, placed := FillPlaced(text, figs)
	body = strings.TrimSpace(body)
	fj, err := json.Marshal(figs)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE assist_drafts SET state = 'discarded', decided_by_name = ?, decided_at = ? WHERE purpose = ? AND subject_id = ? AND created_by = ? AND state = 'open'`,
			who.Name, store.Now(), PurposeSummary, req.ProjectID, who.UserID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO assist_drafts (purpose, subject_id, model, prompt_sha256, body, figures, placed, created_by, created_by_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, PurposeSummary, req.ProjectID, s.cfg.Model, hash, body, string(fj), strings.Join(placed, ","),
			nullID(who.UserID), who.Name, store.Now()).Scan(&id); err != nil {
			return fmt.Errorf("keep the summary: %w", err)
		}
		c := CheckPlaced(body, figs, placed)
		return audit.Append(ctx, tx, audit.Change{Entity: "assist_draft", EntityID: id, Action: "summary",
			After: map[string]any{"purpose": PurposeSummary, "subject_id": req.ProjectID, "model": s.cfg.Model, "prompt_sha256": hash, "bound": c.Bound, "faults": c.Faults}})
	})
	return id, err
}

// OwnSummary is the latest summary of a project the user asked for, or nil.
func OwnSummary(ctx context.Context, q store.Querier, project, userID int64) (*Draft, error) {
	d, err := scanDraft(q.QueryRowContext(ctx, `SELECT `+draftColumns+` FROM assist_drafts WHERE purpose = ? AND subject_id = ? AND created_by = ? AND state = 'open' ORDER BY id DESC LIMIT 1`,
		PurposeSummary, project, userID))
	if errors.Is(err, problem.ErrNotFound) {
		return nil, nil
	}
	return d, err
}
