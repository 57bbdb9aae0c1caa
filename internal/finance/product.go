// Package finance holds science finance (科技金融): the financial products
// institutions publish with their eligibility, enterprises' funding needs
// matched to them and the institutions' decisions (the green channel counts
// the days), government funds and their investments, and the conversion of
// a grant leg to equity (拨投结合).
package finance

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Product kinds, stages of the funded work, sizes and collateral, in display
// order; their names are in the message catalogue under finance.kind.KEY and
// so on.
var (
	Kinds       = []string{"tech_credit", "ip_pledge", "equity_pledge", "chain_finance", "guarantee", "insurance_rd", "insurance_transfer", "fund_investment"}
	Stages      = []string{"rd", "poc", "pilot", "industrialisation"}
	Sizes       = []string{"large", "medium", "small", "micro"}
	Collaterals = []string{"none", "ip", "equity", "receivables", "property", "guarantee"}
	// CreditKinds are the kinds that lend.
	CreditKinds = []string{"tech_credit", "ip_pledge", "equity_pledge", "chain_finance"}
	// institutionKinds may publish products.
	institutionKinds = []string{"bank", "guarantor", "insurer", "fund"}
)

// StageOf maps the funding-need form's choice (技术研发 …) to a stage key.
var StageOf = map[string]string{"技术研发": "rd", "概念验证": "poc", "中试": "pilot", "产业化": "industrialisation"}

// Product is a financial product and who may use it.
type Product struct {
	ID            int64    `json:"id"`
	InstitutionID int64    `json:"institution_id"`
	Institution   string   `json:"institution,omitempty"`
	Kind          string   `json:"kind"`
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	Stages        []string `json:"stages"`         // empty: any stage
	Sizes         []string `json:"sizes"`          // empty: any size
	Tags          []string `json:"tags,omitempty"` // e.g. 专精特新, 高新技术企业
	AmountMin     float64  `json:"amount_min"`     // CNY; 0: no floor
	AmountMax     float64  `json:"amount_max"`     // CNY; 0: no cap
	Collateral    string   `json:"collateral"`     // none: credit only
	Rate          float64  `json:"rate"`           // annual rate or premium, percent
	PromisedDays  int      `json:"promised_days"`  // decides within this many days of a request; 0: no promise
	Listed        string   `json:"listed"`         // YYYY-MM-DD
	Delisted      string   `json:"delisted,omitempty"`
	Version       int      `json:"version"`
}

// Check names every field to fix.
func Check(p Product) problem.List {
	var ps problem.List
	bad := func(field, key string, args ...any) { ps = append(ps, problem.Invalid(field, key, args...)) }
	if p.InstitutionID <= 0 {
		bad("institution_id", "finance.no_institution")
	}
	if !slices.Contains(Kinds, p.Kind) {
		bad("kind", "finance.bad_kind", strings.Join(Kinds, ", "))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Name)); n == 0 || n > 60 {
		bad("name", "finance.bad_name", 60)
	}
	if utf8.RuneCountInString(p.Description) > 2000 {
		bad("description", "finance.long_description", 2000)
	}
	for _, s := range p.Stages {
		if !slices.Contains(Stages, s) {
			bad("stages", "finance.bad_stage", s, strings.Join(Stages, ", "))
		}
	}
	for _, s := range p.Sizes {
		if !slices.Contains(Sizes, s) {
			bad("sizes", "finance.bad_size", s, strings.Join(Sizes, ", "))
		}
	}
	if !slices.Contains(Collaterals, p.Collateral) {
		bad("collateral", "finance.bad_collateral", strings.Join(Collaterals, ", "))
	}
	for _, f := range []struct {
		field string
		v     float64
	}{{"amount_min", p.AmountMin}, {"amount_max", p.AmountMax}, {"rate", p.Rate}} {
		if f.v < 0 || math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			bad(f.field, "finance.negative")
		}
	}
	if p.AmountMax > 0 && p.AmountMin > p.AmountMax {
		bad("amount_max", "finance.range")
	}
	if p.Rate > 36 {
		bad("rate", "finance.rate_max", 36)
	}
	if p.PromisedDays < 0 || p.PromisedDays > 365 {
		bad("promised_days", "finance.days_range", 365)
	}
	if _, err := time.Parse(time.DateOnly, p.Listed); err != nil {
		bad("listed", "finance.bad_date")
	}
	if p.Delisted != "" {
		if _, err := time.Parse(time.DateOnly, p.Delisted); err != nil || p.Delisted < p.Listed {
			bad("delisted", "finance.bad_delisted")
		}
	}
	return ps
}

// Publish stores a new product of an institution (bank, guarantor, insurer
// or fund), audited.
func Publish(ctx context.Context, db *store.DB, p Product) (Product, error) {
	p.Name = strings.TrimSpace(p.Name)
	if p.Stages == nil { // as read back: an empty list, not null
		p.Stages = []string{}
	}
	if p.Sizes == nil {
		p.Sizes = []string{}
	}
	if ps := Check(p); len(ps) > 0 {
		return p, ps
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var kind string
		if err := tx.QueryRowContext(ctx, `SELECT kind, name FROM organisations WHERE id = ?`, p.InstitutionID).Scan(&kind, &p.Institution); err != nil {
			return problem.Invalid("institution_id", "finance.no_institution")
		}
		if !slices.Contains(institutionKinds, kind) {
			return problem.Invalid("institution_id", "finance.not_institution", p.Institution)
		}
		now := store.Now()
		p.Version = 1
		if err := tx.QueryRowContext(ctx, `INSERT INTO finance_products (institution_id, kind, name, description, stages, sizes, tags, amount_min, amount_max, collateral, rate, promised_days, listed, delisted, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.InstitutionID, p.Kind, p.Name, p.Description, strings.Join(p.Stages, ","), strings.Join(p.Sizes, ","), strings.Join(p.Tags, ","),
			p.AmountMin, p.AmountMax, p.Collateral, p.Rate, p.PromisedDays, p.Listed, p.Delisted, now, now).Scan(&p.ID); err != nil {
			return fmt.Errorf("finance: publish product: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "finance_product", EntityID: p.ID, Action: "publish", After: p})
	})
	return p, err
}

// Delist ends a product's listing on day (later requests cannot choose it;
// requests already sent are still decided). The version guards against a
// concurrent edit.
func Delist(ctx context.Context, db *store.DB, id int64, day string, version int) error {
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return problem.Invalid("delisted", "finance.bad_date")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE finance_products SET delisted = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ? AND listed <= ?`,
			day, store.Now(), id, version, day)
		if err != nil {
			return fmt.Errorf("finance: delist: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "finance.delist_conflict")
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "finance_product", EntityID: id, Action: "delist", After: map[string]any{"delisted": day}})
	})
}

const productCols = `p.id, p.institution_id, o.name, p.kind, p.name, p.description, p.stages, p.sizes, p.tags, p.amount_min, p.amount_max, p.collateral, p.rate, p.promised_days, p.listed, p.delisted, p.version`

func scanProduct(sc interface{ Scan(...any) error }) (Product, error) {
	var p Product
	var stages, sizes, tags string
	err := sc.Scan(&p.ID, &p.InstitutionID, &p.Institution, &p.Kind, &p.Name, &p.Description, &stages, &sizes, &tags,
		&p.AmountMin, &p.AmountMax, &p.Collateral, &p.Rate, &p.PromisedDays, &p.Listed, &p.Delisted, &p.Version)
	p.Stages, p.Sizes, p.Tags = split(stages), split(sizes), split(tags)
	return p, err
}

func split(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// GetProduct reads one product.
func GetProduct(ctx context.Context, q store.Querier, id int64) (Product, error) {
	p, err := scanProduct(q.QueryRowContext(ctx, `SELECT `+productCols+` FROM finance_products p JOIN organisations o ON o.id = p.institution_id WHERE p.id = ?`, id))
	if err != nil {
		return p, fmt.Errorf("product %d: %w", id, problem.ErrNotFound)
	}
	return p, nil
}

// Products lists the products listed on day (all when day is ""), of one
// kind when kind is set, by kind then name.
func Products(ctx context.Context, q store.Querier, day, kind string) ([]Product, error) {
	where, args := []string{"1 = 1"}, []any{}
	if day != "" {
		where = append(where, "p.listed <= ? AND (p.delisted = '' OR p.delisted > ?)")
		args = append(args, day, day)
	}
	if kind != "" {
		where = append(where, "p.kind = ?")
		args = append(args, kind)
	}
	rows, err := q.QueryContext(ctx, `SELECT `+productCols+` FROM finance_products p JOIN organisations o ON o.id = p.institution_id WHERE `+strings.Join(where, " AND ")+` ORDER BY p.kind, p.name, p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("finance: products: %w", err)
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// MayPublish reports whether p may publish or delist products of an
// institution: program managers for any, a finance user for its own.
func MayPublish(p access.Principal, institutionID int64) bool {
	return p.Can(access.ProgramManage) || (p.Has(access.Finance) && p.OrgID != 0 && p.OrgID == institutionID)
}
