package finance

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Fund kinds (government guidance, angel, transformation of results) and
// the investee's stage when invested in.
var (
	FundKinds       = []string{"guidance", "angel", "transformation"}
	InvesteeStages  = []string{"seed", "startup", "growth", "mature"}
	fundManagerKind = []string{"fund", "government", "bank"}
)

// Fund is a government fund.
type Fund struct {
	ID        int64   `json:"id"`
	ManagerID int64   `json:"manager_id"`
	Manager   string  `json:"manager,omitempty"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	Size      float64 `json:"size"` // CNY
	Founded   string  `json:"founded"`
}

// Investment is one investment of a fund.
type Investment struct {
	ID         int64   `json:"id"`
	FundID     int64   `json:"fund_id"`
	InvesteeID int64   `json:"investee_id"`
	Stage      string  `json:"stage"`
	Amount     float64 `json:"amount"`
	On         string  `json:"invested_on"`
}

// AddFund stores a fund, audited.
func AddFund(ctx context.Context, db *store.DB, f Fund) (Fund, error) {
	f.Name = strings.TrimSpace(f.Name)
	var ps problem.List
	if !slices.Contains(FundKinds, f.Kind) {
		ps = append(ps, problem.Invalid("kind", "finance.bad_fund_kind", strings.Join(FundKinds, ", ")))
	}
	if n := utf8.RuneCountInString(f.Name); n == 0 || n > 60 {
		ps = append(ps, problem.Invalid("name", "finance.bad_name", 60))
	}
	if f.Size < 0 || math.IsNaN(f.Size) || math.IsInf(f.Size, 0) {
		ps = append(ps, problem.Invalid("size", "finance.negative"))
	}
	if _, err := time.Parse(time.DateOnly, f.Founded); err != nil {
		ps = append(ps, problem.Invalid("founded", "finance.bad_date"))
	}
	if len(ps) > 0 {
		return f, ps
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var kind string
		if err := tx.QueryRowContext(ctx, `SELECT kind, name FROM organisations WHERE id = ?`, f.ManagerID).Scan(&kind, &f.Manager); err != nil || !slices.Contains(fundManagerKind, kind) {
			return problem.Invalid("manager_id", "finance.bad_manager")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO funds (manager_id, kind, name, size, founded, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			f.ManagerID, f.Kind, f.Name, f.Size, f.Founded, store.Now()).Scan(&f.ID); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Invalid("name", "finance.fund_taken", f.Name)
			}
			return fmt.Errorf("finance: add fund: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "fund", EntityID: f.ID, Action: "create", After: f})
	})
	return f, err
}

// Invest records an investment of a fund in an enterprise, audited; the
// fund must exist by then.
func Invest(ctx context.Context, db *store.DB, in Investment) (Investment, error) {
	var ps problem.List
	if !slices.Contains(InvesteeStages, in.Stage) {
		ps = append(ps, problem.Invalid("stage", "finance.bad_investee_stage", strings.Join(InvesteeStages, ", ")))
	}
	if !(in.Amount > 0) || math.IsInf(in.Amount, 0) {
		ps = append(ps, problem.Invalid("amount", "finance.positive"))
	}
	if _, err := time.Parse(time.DateOnly, in.On); err != nil {
		ps = append(ps, problem.Invalid("invested_on", "finance.bad_date"))
	}
	if len(ps) > 0 {
		return in, ps
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var founded string
		if err := tx.QueryRowContext(ctx, `SELECT founded FROM funds WHERE id = ?`, in.FundID).Scan(&founded); err != nil {
			return problem.Invalid("fund_id", "finance.no_fund")
		}
		if in.On < founded {
			return problem.Invalid("invested_on", "finance.before_fund", founded)
		}
		var kind string
		if err := tx.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = ?`, in.InvesteeID).Scan(&kind); err != nil || kind != "enterprise" {
			return problem.Invalid("investee_id", "finance.bad_investee")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_investments (fund_id, investee_id, stage, amount, invested_on, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			in.FundID, in.InvesteeID, in.Stage, in.Amount, in.On, store.Now()).Scan(&in.ID); err != nil {
			return fmt.Errorf("finance: invest: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "fund_investment", EntityID: in.ID, Action: "create", After: in})
	})
	return in, err
}

// Funds lists the funds with their managers.
func Funds(ctx context.Context, q store.Querier) ([]Fund, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.manager_id, o.name, f.kind, f.name, f.size, f.founded FROM funds f JOIN organisations o ON o.id = f.manager_id ORDER BY f.kind, f.name`)
	if err != nil {
		return nil, fmt.Errorf("finance: funds: %w", err)
	}
	defer rows.Close()
	var out []Fund
	for rows.Next() {
		var f Fund
		if err := rows.Scan(&f.ID, &f.ManagerID, &f.Manager, &f.Kind, &f.Name, &f.Size, &f.Founded); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
