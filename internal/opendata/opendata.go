// Package opendata publishes what may be published: funded projects and
// awards as 360Giving grants (organisation identifiers CN-USCI-<credit
// code>, currency CNY) and challenge lists as OCDS releases. Only form
// fields a template marks public: true ever leave; everything else (amounts
// aside, which the standards require) stays in.
package opendata

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Publisher names who publishes: the bureau, with the prefix of its grant
// identifiers (360G-…) and its organisation identifier.
type Publisher struct {
	Prefix string // e.g. 360G-shenyang-kjj
	ID     string // e.g. CN-USCI-11210100…
	Name   string // e.g. 沈阳市科学技术局
}

// Organization is a 360Giving organisation.
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Programme is a 360Giving grant programme.
type Programme struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// Grant is one 360Giving grant.
type Grant struct {
	ID                    string         `json:"id"`
	Title                 string         `json:"title"`
	Description           string         `json:"description"`
	Currency              string         `json:"currency"`
	AmountAppliedFor      float64        `json:"amountAppliedFor"`
	AmountAwarded         float64        `json:"amountAwarded"`
	AmountDisbursed       float64        `json:"amountDisbursed"`
	AwardDate             string         `json:"awardDate"`
	RecipientOrganization []Organization `json:"recipientOrganization"`
	FundingOrganization   []Organization `json:"fundingOrganization"`
	GrantProgramme        []Programme    `json:"grantProgramme"`
	FromOpenCall          string         `json:"fromOpenCall"`
	DateModified          string         `json:"dateModified"`
}

// Package is a 360Giving data package.
type Package struct {
	Grants []Grant `json:"grants"`
}

// OrgID is an organisation's identifier: CN-USCI-<credit code> when it has
// one, else the publisher's own.
func (pub Publisher) OrgID(id int64, code string) string {
	if code != "" {
		return "CN-USCI-" + code
	}
	return fmt.Sprintf("%s-org-%d", pub.Prefix, id)
}

// Grants lists every project with an approved amount as a grant, awarded on
// the day of the move that set the amount.
func Grants(ctx context.Context, q store.Querier, pub Publisher) (Package, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.template_id, p.data, p.amount_requested, p.amount_approved, p.amount_disbursed, p.updated_at,
		o.id, o.name, COALESCE(o.credit_code, '') FROM projects p JOIN organisations o ON o.id = p.organisation_id
		WHERE p.amount_approved > 0 ORDER BY p.id`)
	if err != nil {
		return Package{}, fmt.Errorf("grants: %w", err)
	}
	type rec struct {
		id, tid, org              int64
		raw, name, code           string
		requested, approved, paid float64
		updated                   time.Time
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.id, &r.tid, &r.raw, &r.requested, &r.approved, &r.paid, &r.updated, &r.org, &r.name, &r.code); err != nil {
			rows.Close()
			return Package{}, err
		}
		recs = append(recs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Package{}, err
	}
	out := Package{Grants: []Grant{}}
	tpls := map[int64]*program.Template{}
	for _, r := range recs {
		t, ok := tpls[r.tid]
		if !ok {
			if t, err = program.LoadTemplate(ctx, q, r.tid); err != nil {
				return out, err
			}
			tpls[r.tid] = t
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(r.raw), &data); err != nil {
			return out, fmt.Errorf("project %d: %w", r.id, err)
		}
		public := Public(t, data)
		title, _ := public["title"].(string)
		if title == "" {
			title = fmt.Sprintf("%s #%d", t.Name, r.id)
		}
		awarded, err := awardDate(ctx, q, t, r.id)
		if err != nil {
			return out, err
		}
		if awarded == "" {
			awarded = r.updated.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
		}
		out.Grants = append(out.Grants, Grant{
			ID: fmt.Sprintf("%s-%d", pub.Prefix, r.id), Title: title, Description: t.Name + "：" + title, Currency: "CNY",
			AmountAppliedFor: r.requested, AmountAwarded: r.approved, AmountDisbursed: r.paid, AwardDate: awarded,
			RecipientOrganization: []Organization{{ID: pub.OrgID(r.org, r.code), Name: r.name}},
			FundingOrganization:   []Organization{{ID: pub.ID, Name: pub.Name}},
			GrantProgramme:        []Programme{{Code: t.Key, Title: t.Name}}, FromOpenCall: "Yes",
			DateModified: r.updated.UTC().Format(time.RFC3339),
		})
	}
	return out, nil
}

// Public keeps only the form fields the template marks public.
func Public(t *program.Template, data map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range t.Form {
		if v, ok := data[f.Key]; ok && f.Public {
			out[f.Key] = v
		}
	}
	return out
}

// awardDate is the day (China time) of the first move that recorded the
// approved amount.
func awardDate(ctx context.Context, q store.Querier, t *program.Template, id int64) (string, error) {
	var keys []any
	for _, tr := range t.Transitions {
		if tr.Amount == "approved" {
			keys = append(keys, tr.Key)
		}
	}
	cst := time.FixedZone("CST", 8*3600)
	if len(keys) == 0 {
		return "", nil
	}
	ph := "?"
	for range keys[1:] {
		ph += ", ?"
	}
	var at time.Time
	err := q.QueryRowContext(ctx, `SELECT at FROM project_events WHERE project_id = ? AND transition IN (`+ph+`) ORDER BY id LIMIT 1`, append([]any{id}, keys...)...).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("award date of %d: %w", id, err)
	}
	return at.In(cst).Format(time.DateOnly), nil
}
