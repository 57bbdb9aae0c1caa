// Package compute keeps the city's compute capacity (算力): for each compute
// centre (an organisation of kind compute) its capacity by precision, in a
// status (planned, building, operating) from a date until superseded, and
// whether it has joined the national integrated compute network. The
// precision is always stored with the figure: PFLOPS at FP16 and at FP64
// are different things.
package compute

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Precisions and statuses a capacity may have.
var (
	Precisions = []string{"FP16", "FP32", "FP64", "INT8"}
	Statuses   = []string{"planned", "building", "operating"}
)

// Capacity is one centre's capacity at one precision, in one status from
// Since until Until (empty: still so).
type Capacity struct {
	ID              int64   `json:"id"`
	OrganisationID  int64   `json:"organisation_id"`
	Phase           string  `json:"phase,omitempty"` // 一期, 二期 …
	Precision       string  `json:"precision"`
	PFLOPS          float64 `json:"pflops"`
	Status          string  `json:"status"`
	NationalNetwork bool    `json:"national_network"`
	Since           string  `json:"since"`
	Until           string  `json:"until,omitempty"`
	Price           float64 `json:"price,omitempty"` // CNY per PFLOPS-day at this precision; 0: not published
	Chips           string  `json:"chips,omitempty"`
	Centre          string  `json:"centre,omitempty"` // the centre's name, when listed
}

// Check names every field of c to fix.
func Check(c Capacity) problem.List {
	var ps problem.List
	if c.OrganisationID <= 0 {
		ps = append(ps, problem.Invalid("organisation_id", "compute.centre_required"))
	}
	if !slices.Contains(Precisions, c.Precision) {
		ps = append(ps, problem.Invalid("precision", "compute.precision", c.Precision))
	}
	if !slices.Contains(Statuses, c.Status) {
		ps = append(ps, problem.Invalid("status", "compute.status", c.Status))
	}
	if c.PFLOPS < 0 || math.IsNaN(c.PFLOPS) || math.IsInf(c.PFLOPS, 0) || c.PFLOPS > 1e6 {
		ps = append(ps, problem.Invalid("pflops", "compute.pflops"))
	}
	if c.Price < 0 || math.IsNaN(c.Price) || math.IsInf(c.Price, 0) {
		ps = append(ps, problem.Invalid("price", "finance.negative"))
	}
	since, err := time.Parse(time.DateOnly, c.Since)
	if err != nil {
		ps = append(ps, problem.Invalid("since", "compute.date", c.Since))
	}
	if c.Until != "" {
		until, err := time.Parse(time.DateOnly, c.Until)
		if err != nil || (!since.IsZero() && !until.After(since)) {
			ps = append(ps, problem.Invalid("until", "compute.until", c.Until))
		}
	}
	return ps
}

// Add records a capacity inside tx, audited. The centre must be an
// organisation of kind compute.
func Add(ctx context.Context, tx *store.Tx, c Capacity) (Capacity, error) {
	if ps := Check(c); len(ps) > 0 {
		return c, ps
	}
	var kind string
	if err := tx.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = ?`, c.OrganisationID).Scan(&kind); err != nil || kind != "compute" {
		return c, problem.Invalid("organisation_id", "compute.not_a_centre")
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO compute_capacity (organisation_id, phase, precision, pflops, status, national_network, since, until, price, chips, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.OrganisationID, c.Phase, c.Precision, c.PFLOPS, c.Status, c.NationalNetwork, c.Since, c.Until, c.Price, c.Chips, store.Now()).Scan(&c.ID); err != nil {
		return c, fmt.Errorf("add compute capacity: %w", err)
	}
	return c, audit.Append(ctx, tx, audit.Change{Entity: "compute_capacity", EntityID: c.ID, Action: "create", After: c})
}

// Of lists a centre's capacities, oldest first.
func Of(ctx context.Context, q store.Querier, orgID int64) ([]Capacity, error) {
	rows, err := q.QueryContext(ctx, `SELECT x.id, x.organisation_id, x.phase, x.precision, x.pflops, x.status, x.national_network, x.since, x.until, x.price, x.chips, o.name
		FROM compute_capacity x JOIN organisations o ON o.id = x.organisation_id WHERE x.organisation_id = ? ORDER BY x.since, x.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("compute capacity: %w", err)
	}
	defer rows.Close()
	var out []Capacity
	for rows.Next() {
		var c Capacity
		if err := rows.Scan(&c.ID, &c.OrganisationID, &c.Phase, &c.Precision, &c.PFLOPS, &c.Status, &c.NationalNetwork, &c.Since, &c.Until, &c.Price, &c.Chips, &c.Centre); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InForce lists every capacity in force on day (since ≤ day < until), by
// centre, precision and status.
func InForce(ctx context.Context, q store.Querier, day string) ([]Capacity, error) {
	rows, err := q.QueryContext(ctx, `SELECT x.id, x.organisation_id, x.phase, x.precision, x.pflops, x.status, x.national_network, x.since, x.until, x.price, x.chips, o.name
		FROM compute_capacity x JOIN organisations o ON o.id = x.organisation_id WHERE x.since <= ? AND (x.until = '' OR x.until > ?) ORDER BY o.name_key, o.name, x.precision, x.status, x.id`, day, day)
	if err != nil {
		return nil, fmt.Errorf("compute capacity in force: %w", err)
	}
	defer rows.Close()
	var out []Capacity
	for rows.Next() {
		var c Capacity
		if err := rows.Scan(&c.ID, &c.OrganisationID, &c.Phase, &c.Precision, &c.PFLOPS, &c.Status, &c.NationalNetwork, &c.Since, &c.Until, &c.Price, &c.Chips, &c.Centre); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Total is capacity summed by precision and status.
type Total struct {
	Precision string  `json:"precision"`
	Status    string  `json:"status"`
	PFLOPS    float64 `json:"pflops"`
}

// Totals sums capacities by precision and status, in the order of
// Precisions and Statuses.
func Totals(cs []Capacity) []Total {
	sum := map[[2]string]float64{}
	for _, c := range cs {
		sum[[2]string{c.Precision, c.Status}] += c.PFLOPS
	}
	out := []Total{}
	for _, p := range Precisions {
		for _, s := range Statuses {
			if v, ok := sum[[2]string{p, s}]; ok {
				out = append(out, Total{p, s, v})
			}
		}
	}
	return out
}

// Vouchers sums the compute vouchers: how many were approved, the amounts
// approved and redeemed, and the balance still to redeem.
type Vouchers struct {
	Approved       int     `json:"approved"`
	AmountApproved float64 `json:"amount_approved"`
	Redeemed       float64 `json:"amount_redeemed"`
	Balance        float64 `json:"balance"`
}

// VoucherSummary reads the vouchers' figures from the compute_voucher
// records (approved, settled, redeemed; expired ones hold no balance).
func VoucherSummary(ctx context.Context, q store.Querier) (Vouchers, error) {
	var v Vouchers
	err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(p.amount_approved), 0), COALESCE(SUM(p.amount_disbursed), 0),
		COALESCE(SUM(CASE WHEN p.stage IN ('approved', 'settled') THEN p.amount_approved - p.amount_disbursed ELSE 0 END), 0)
		FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'compute_voucher' AND p.stage IN ('approved', 'settled', 'redeemed', 'expired')`).
		Scan(&v.Approved, &v.AmountApproved, &v.Redeemed, &v.Balance)
	if err != nil {
		return v, fmt.Errorf("compute: vouchers: %w", err)
	}
	return v, nil
}
