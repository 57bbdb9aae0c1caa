package democity

import (
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// supportCase is a 拨投贷担 case as its legs need it.
type supportCase struct {
	id        int64
	i         int
	title     string
	org       int64
	approved  time.Time
	executing time.Time // zero: not yet executing on 30 June
}

// caseHistory gives a support case its approved amount, its terms and, a
// few weeks after approval, its execution.
func (g *gen) caseHistory(s *program.Seeded, i int) supportCase {
	r := g.sub("case|" + s.Title)
	approved := s.Marks[0].At
	s.Approved = 4500000
	s.Data["summary"] = "企业处于" + s.Data["phase"].(string) + "阶段，财政资金以“拨投结合”方式先行投入，政府基金跟投，银行配套科技信贷，担保机构分险。"
	s.Data["conversion_terms"] = "企业首轮市场化股权融资时，财政拨款按该轮投前估值八折转为股权，由市科技成果转化基金持有，三年内按约退出。"
	c := supportCase{i: i, title: s.Title, org: s.OrganisationID, approved: approved}
	if ex := after(r, approved, 10, 10); !ex.After(asOfEnd) {
		s.Marks = append(s.Marks, program.Mark{Stage: "executing", At: ex})
		c.executing = ex
	}
	return c
}

// leg is one instrument of a support case.
type leg struct {
	instrument, institution string
	amount, rate            float64
	months                  int
	disburses               bool
}

// financeLegs writes the legs of the support cases: the grant that
// converts to equity, the fund's investment, the bank's loan and the
// guarantee behind it; their disbursements add up to what the case was
// approved. A grant disbursed early enough has converted at the company's
// first market round.
func (g *gen) financeLegs(cases []supportCase) error {
	for _, c := range cases {
		var call int64
		if err := g.db.QueryRowContext(g.ctx, `SELECT call_id FROM projects WHERE id = ?`, c.id).Scan(&call); err != nil {
			return fmt.Errorf("call of support case %d: %w", c.id, err)
		}
		r := g.sub("legs|" + c.title)
		legs := []leg{
			{finance.GrantToEquity, "沈阳市科学技术局", 1500000, 0, 36, true},
			{"股权投资", "沈阳天使投资基金管理有限公司", 1000000, 0, 60, true},
			{"贷款", institutions[c.i%6].name, 2000000, 3.45, 12, true},
			{"融资担保", "沈阳中小企业融资担保有限公司", 2000000, 1.0, 12, false},
		}
		var grant *program.Seeded
		for _, l := range legs {
			inst, err := registry.ByName(g.ctx, g.db, l.institution)
			if err != nil {
				return fmt.Errorf("leg institution %s: %w", l.institution, err)
			}
			s := program.Seeded{OrganisationID: c.org, ParentID: c.id, ChildKind: "legs", TemplateKey: "finance_leg", CallID: call,
				Title:   fmt.Sprintf("%s · %s（%s）", c.title, l.instrument, l.institution),
				Created: c.approved.Add(2 * time.Hour),
				Data:    data{"instrument": l.instrument, "institution": float64(inst.ID), "amount_requested": l.amount, "term_months": float64(l.months)}}
			if l.rate > 0 {
				s.Data["rate"] = l.rate
			}
			if !c.executing.IsZero() {
				signed := after(r, c.executing, 3, 7)
				if !signed.After(asOfEnd) {
					s.Marks = append(s.Marks, program.Mark{Stage: "signed", At: signed})
					if paid := after(r, signed, 5, 10); l.disburses && !paid.After(asOfEnd) {
						s.Marks = append(s.Marks, program.Mark{Stage: "disbursed", At: paid})
						s.Disbursed = l.amount
					}
				}
			}
			if l.instrument == finance.GrantToEquity {
				grant = &s
				continue // written with its conversion below
			}
			if err := g.record("finance_leg", s); err != nil {
				return err
			}
		}
		if grant != nil {
			if err := g.convertedGrant(*grant); err != nil {
				return err
			}
		}
	}
	return g.flush()
}

// convertedGrant writes a disbursed grant leg that converted at the
// company's first market round three months on, and the conversion.
func (g *gen) convertedGrant(s program.Seeded) error {
	if s.Disbursed == 0 {
		return g.record("finance_leg", s)
	}
	paid := s.Marks[len(s.Marks)-1].At
	round := workday(paid.AddDate(0, 3, 0))
	if round.After(asOfEnd) {
		return g.record("finance_leg", s)
	}
	c, ps := finance.Convert(s.Disbursed, finance.Round{Date: round.Format(time.DateOnly), PreMoney: 120e6, Price: 12, NewMoney: 30e6, Discount: 20})
	if len(ps) > 0 {
		return fmt.Errorf("demo conversion: %w", ps)
	}
	s.Data["equity_share"] = c.Stake
	s.Marks = append(s.Marks, program.Mark{Stage: "converted", At: round.Add(time.Hour)})
	id, err := g.recordNow("finance_leg", s)
	if err != nil {
		return err
	}
	return g.db.InTx(g.ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(g.ctx, `INSERT INTO finance_conversions (leg_id, round_date, pre_money, price, new_money, discount, conversion_price, amount, shares, stake, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, c.Round.Date, c.Round.PreMoney, c.Round.Price, c.Round.NewMoney, c.Round.Discount, c.ConversionPrice, c.Amount, c.Shares, c.Stake, round.Add(time.Hour).UTC())
		if err != nil {
			return fmt.Errorf("demo conversion: %w", err)
		}
		return nil
	})
}
