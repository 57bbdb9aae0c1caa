package program

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Reach is what a principal may see and do with one project. It is decided
// here and only here; pages, exports and the API all build on View.
type Reach struct {
	Staff       bool // bureau staff: every record, in full
	Manager     bool // may take manager transitions and assign reviewers
	Owner       bool // a user of the applicant organisation
	ParentOwner bool // a user of the parent record's organisation (a challenge's owner reading its bids)
	Public      bool // an organisation user reading a record open to others' children (a published challenge)
	Party       bool // an organisation the record names (a docking's counterpart, a partner) or that bid on it: reads it
	Reviewer    bool // assigned to review it
	Blind       bool // sees it without the applicant's identity
	Assignments []Assignment
}

// ReachOf decides p's reach over pr. A principal with none gets
// ErrNotFound, so that ids cannot be probed.
func ReachOf(ctx context.Context, q store.Querier, p access.Principal, pr Project, t *Template) (Reach, error) {
	var r Reach
	if p.Can(access.ProgramView) && p.OrgScope() == 0 {
		r.Staff, r.Manager = true, p.Can(access.ProgramManage)
	}
	if p.OrgID != 0 && p.OrgID == pr.OrganisationID && p.Can(access.ProjectApply) {
		r.Owner = true
	}
	if p.UserID != 0 && p.Can(access.ReviewDo) {
		as, err := listAssignments(ctx, q, `a.project_id = ? AND a.reviewer_id = ?`, pr.ID, p.UserID)
		if err != nil {
			return r, err
		}
		for _, a := range as {
			if a.Status != Withdrawn {
				r.Reviewer = true
				r.Assignments = append(r.Assignments, a)
			}
		}
	}
	if pr.ParentID != 0 && p.OrgID != 0 && p.Can(access.ProjectApply) {
		parent, err := GetProject(ctx, q, pr.ParentID)
		if err != nil {
			return r, err
		}
		r.ParentOwner = parent.OrganisationID == p.OrgID
	}
	if p.OrgID != 0 && p.Can(access.ProjectApply) {
		for _, c := range t.Children {
			if contains(c.By, "other_org") && contains(c.OpenIn, pr.Stage) {
				r.Public = true
			}
		}
	}
	if p.OrgID != 0 && !r.Owner && (p.Can(access.ProjectApply) || p.Can(access.OrgOwnView)) {
		// A bidder keeps reading what it bid on; an organisation a field
		// marked reads names (a docking's counterpart) reads the record.
		roles := []any{pr.ID, p.OrgID}
		var marks []string
		for _, f := range t.Form {
			if f.Reads && (f.Type == "organisation") {
				roles = append(roles, "field:"+f.Key)
				marks = append(marks, "?")
			}
		}
		named := "0"
		if len(marks) > 0 {
			named = `(SELECT COUNT(*) FROM project_parties WHERE project_id = ? AND organisation_id = ? AND role IN (` + strings.Join(marks, ", ") + `))`
		} else {
			roles = roles[:0]
		}
		var n int
		if err := q.QueryRowContext(ctx, `SELECT `+named+` + (SELECT COUNT(*) FROM projects WHERE parent_id = ? AND organisation_id = ?)`,
			append(roles, pr.ID, p.OrgID)...).Scan(&n); err != nil {
			return r, fmt.Errorf("parties of %d: %w", pr.ID, err)
		}
		r.Party = n > 0
	}
	if !r.Staff && !r.Owner && !r.Reviewer && !r.ParentOwner && !r.Public && !r.Party {
		return r, fmt.Errorf("project %d: %w", pr.ID, problem.ErrNotFound)
	}
	r.Blind = !r.Staff && !r.Owner && !r.ParentOwner && !r.Public && !r.Party && t.Review != nil && t.Review.Blind
	return r, nil
}

// View is a project as one principal may see it. When Blind, nothing in it
// names the applicant: no organisation, no parties, no organisation or person
// fields, no file names, no actors in the history.
type View struct {
	ID              int64          `json:"id"`
	Program         string         `json:"program"`
	ProgramName     string         `json:"program_name"`
	TemplateVersion int            `json:"template_version"`
	CallID          int64          `json:"call_id"`
	Call            string         `json:"call"`
	CallEN          string         `json:"call_en,omitempty"`
	Title           string         `json:"title"`
	Stage           string         `json:"stage"`
	Organisation    *OrgRef        `json:"organisation,omitempty"`
	Parties         []Party        `json:"parties,omitempty"`
	Data            map[string]any `json:"data"`
	Attachments     []Attachment   `json:"attachments"`
	History         []Event        `json:"history"`
	AmountRequested float64        `json:"amount_requested"`
	AmountApproved  float64        `json:"amount_approved"`
	AmountDisbursed float64        `json:"amount_disbursed"`
	AmountRefundDue float64        `json:"amount_refund_due,omitempty"`
	AmountRefunded  float64        `json:"amount_refunded,omitempty"`
	Outcomes        []Outcome      `json:"outcomes"`
	Deadlines       []Deadline     `json:"deadlines,omitempty"`
	ParentID        int64          `json:"parent_id,omitempty"`
	ChildKind       string         `json:"child_kind,omitempty"`
	Blind           bool           `json:"blind"`
	Version         int            `json:"version"`

	Reach    Reach     `json:"-"`
	Template *Template `json:"-"`
	Project  Project   `json:"-"`
}

// OrgRef names an organisation.
type OrgRef struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code,omitempty"`
}

// ViewOf loads project id as p may see it.
func ViewOf(ctx context.Context, q store.Querier, p access.Principal, id int64) (View, error) {
	pr, err := GetProject(ctx, q, id)
	if err != nil {
		return View{}, err
	}
	t, err := LoadTemplate(ctx, q, pr.TemplateID)
	if err != nil {
		return View{}, err
	}
	reach, err := ReachOf(ctx, q, p, pr, t)
	if err != nil {
		return View{}, err
	}
	c, err := GetCall(ctx, q, pr.CallID)
	if err != nil {
		return View{}, err
	}
	v := View{ID: pr.ID, Program: t.Key, ProgramName: t.Name, TemplateVersion: t.Version, CallID: c.ID, Call: c.Name, CallEN: c.NameEN,
		Title: pr.Title, Stage: pr.Stage, AmountRequested: pr.AmountRequested, AmountApproved: pr.AmountApproved, AmountDisbursed: pr.AmountDisbursed, AmountRefundDue: pr.RefundDue, AmountRefunded: pr.Refunded, Blind: reach.Blind, Version: pr.Version,
		Reach: reach, Template: t, Project: pr, Data: map[string]any{}, ParentID: pr.ParentID, ChildKind: pr.ChildKind}
	if v.Attachments, err = Attachments(ctx, q, pr.ID); err != nil {
		return v, err
	}
	if v.History, err = History(ctx, q, pr.ID); err != nil {
		return v, err
	}
	if v.Outcomes, err = Outcomes(ctx, q, pr.ID); err != nil {
		return v, err
	}
	var entered time.Time
	if n := len(v.History); n > 0 {
		entered = v.History[n-1].At
	}
	v.Deadlines = Deadlines(t, c, pr.Stage, entered, clock.Now(ctx))
	if reach.Blind {
		for _, f := range t.Form {
			val, ok := pr.Data[f.Key]
			switch {
			case !ok || f.Type == "organisation" || f.Type == "person":
			case f.Type == "table": // the rows without their organisation and person columns (a partner's name)
				rows, _ := val.([]any)
				out := make([]any, 0, len(rows))
				for _, r := range rows {
					row, _ := r.(map[string]any)
					kept := map[string]any{}
					for _, c := range f.Columns {
						if cv, ok := row[c.Key]; ok && c.Type != "organisation" && c.Type != "person" {
							kept[c.Key] = cv
						}
					}
					out = append(out, kept)
				}
				v.Data[f.Key] = out
			default:
				v.Data[f.Key] = val
			}
		}
		for i := range v.Attachments {
			v.Attachments[i].Name = fmt.Sprintf("%d%s", i+1, v.Attachments[i].Extension())
		}
		for i := range v.History {
			v.History[i].Actor, v.History[i].Note = "", ""
		}
		return v, nil
	}
	v.Data = pr.Data
	org, err := registry.Get(ctx, q, 0, pr.OrganisationID)
	if err != nil {
		return v, err
	}
	v.Organisation = &OrgRef{ID: org.ID, Name: org.Name, CreditCode: org.CreditCode}
	v.Parties, err = Parties(ctx, q, pr.ID)
	return v, err
}

// Parties lists a project's partners and people.
func Parties(ctx context.Context, q store.Querier, projectID int64) ([]Party, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(organisation_id, 0), COALESCE(person_id, 0), role FROM project_parties WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("parties: %w", err)
	}
	defer rows.Close()
	var out []Party
	for rows.Next() {
		var pt Party
		if err := rows.Scan(&pt.OrganisationID, &pt.PersonID, &pt.Role); err != nil {
			return nil, err
		}
		out = append(out, pt)
	}
	return out, rows.Err()
}
