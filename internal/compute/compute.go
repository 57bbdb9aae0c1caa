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
	if err := tx.QueryRowContext(ctx, `INSERT INTO compute_capacity (organisation_id, phase, precision, pflops, status, national_network, since, until, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.OrganisationID, c.Phase, c.Precision, c.PFLOPS, c.Status, c.NationalNetwork, c.Since, c.Until, store.Now()).Scan(&c.ID); err != nil {
		return c, fmt.Errorf("add compute capacity: %w", err)
	}
	return c, audit.Append(ctx, tx, audit.Change{Entity: "compute_capacity", EntityID: c.ID, Action: "create", After: c})
}

// Of lists a centre's capacities, oldest first.
func Of(ctx context.Context, q store.Querier, orgID int64) ([]Capacity, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, organisation_id, phase, precision, pflops, status, national_network, since, until FROM compute_capacity
		WHERE organisation_id = ? ORDER BY since, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("compute capacity: %w", err)
	}
	defer rows.Close()
	var out []Capacity
	for rows.Next() {
		var c Capacity
		if err := rows.Scan(&c.ID, &c.OrganisationID, &c.Phase, &c.Precision, &c.PFLOPS, &c.Status, &c.NationalNetwork, &c.Since, &c.Until); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
