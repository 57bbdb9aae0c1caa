package finance

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// GrantToEquity is the finance_leg instrument that converts: public money
// granted first, turned into shares at the first market equity round.
const GrantToEquity = "拨投结合（先投后股）"

// Round is the first market equity round that triggers a conversion.
type Round struct {
	Date     string  `json:"round_date"`
	PreMoney float64 `json:"pre_money"` // the company's value before the round, CNY
	Price    float64 `json:"price"`     // CNY per share paid by the round's investors
	NewMoney float64 `json:"new_money"` // what the round's investors put in, CNY
	Discount float64 `json:"discount"`  // percent off the round's price agreed for the public money
}

// Conversion is what a grant leg became.
type Conversion struct {
	ID              int64   `json:"id"`
	LegID           int64   `json:"leg_id"`
	Round           Round   `json:"round"`
	Amount          float64 `json:"amount"`           // the public money disbursed
	ConversionPrice float64 `json:"conversion_price"` // Price × (1 − Discount/100)
	Shares          float64 `json:"shares"`           // ⌊Amount / ConversionPrice⌋
	Stake           float64 `json:"stake"`            // percent of the company after the round
}

// Convert works out a conversion: the public money buys shares at the
// round's price less the agreed discount; the company after the round has
// its shares before (PreMoney / Price), the round's (NewMoney / Price) and
// the converted ones.
func Convert(amount float64, r Round) (Conversion, problem.List) {
	var ps problem.List
	if _, err := time.Parse(time.DateOnly, r.Date); err != nil {
		ps = append(ps, problem.Invalid("round_date", "finance.bad_date"))
	}
	for _, f := range []struct {
		field string
		v     float64
	}{{"pre_money", r.PreMoney}, {"price", r.Price}, {"new_money", r.NewMoney}} {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			ps = append(ps, problem.Invalid(f.field, "finance.positive"))
		}
	}
	if !(r.Discount >= 0 && r.Discount < 90) {
		ps = append(ps, problem.Invalid("discount", "finance.discount", 90))
	}
	if !(amount > 0) {
		ps = append(ps, problem.Invalid("amount", "finance.nothing_disbursed"))
	}
	if len(ps) > 0 {
		return Conversion{}, ps
	}
	c := Conversion{Round: r, Amount: amount, ConversionPrice: r.Price * (1 - r.Discount/100)}
	c.Shares = math.Floor(amount / c.ConversionPrice)
	total := r.PreMoney/r.Price + r.NewMoney/r.Price + c.Shares
	c.Stake = math.Round(c.Shares/total*100*10000) / 10000
	return c, nil
}

// ConvertLeg converts a disbursed grant leg at round r: the leg moves to
// converted with its equity share, and the conversion is kept, in one
// transaction. Program managers only (the template says so).
func ConvertLeg(ctx context.Context, db *store.DB, p access.Principal, legID int64, r Round) (Conversion, error) {
	leg, err := program.GetProject(ctx, db, legID)
	if err != nil {
		return Conversion{}, err
	}
	t, err := program.LoadTemplate(ctx, db, leg.TemplateID)
	if err != nil {
		return Conversion{}, err
	}
	if t.Key != "finance_leg" || leg.Data["instrument"] != GrantToEquity {
		return Conversion{}, problem.New(problem.ErrConflict, "finance.not_convertible")
	}
	if r.Date > clock.Today(ctx) { // after the business date
		return Conversion{}, problem.Invalid("round_date", "finance.future")
	}
	c, ps := Convert(leg.AmountDisbursed, r)
	if len(ps) > 0 {
		return c, ps
	}
	c.LegID = legID
	_, err = program.MoveWith(ctx, db, p, legID, "convert", program.MoveInput{
		Note: fmt.Sprintf("首轮市场化融资 %s：投前估值 %.0f 元，每股 %.4f 元，折扣 %.1f%%", r.Date, r.PreMoney, r.Price, r.Discount),
		Data: map[string]any{"equity_share": c.Stake},
		Also: func(tx *store.Tx, _ program.Project) error {
			if err := tx.QueryRowContext(ctx, `INSERT INTO finance_conversions (leg_id, round_date, pre_money, price, new_money, discount, conversion_price, amount, shares, stake, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, legID, r.Date, r.PreMoney, r.Price, r.NewMoney, r.Discount, c.ConversionPrice, c.Amount, c.Shares, c.Stake, store.Now()).Scan(&c.ID); err != nil {
				if store.IsUniqueViolation(err) {
					return problem.New(problem.ErrConflict, "finance.converted")
				}
				return fmt.Errorf("finance: record conversion: %w", err)
			}
			return audit.Append(ctx, tx, audit.Change{Entity: "finance_conversion", EntityID: c.ID, Action: "convert", After: c})
		}})
	return c, err
}
