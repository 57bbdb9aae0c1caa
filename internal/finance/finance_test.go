package finance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

func TestDays(t *testing.T) {
	for _, c := range []struct {
		from, to string
		want     int
	}{{"2025-03-01", "2025-03-01", 0}, {"2025-02-27", "2025-03-01", 2}, {"2024-02-28", "2024-03-01", 2}, {"2025-03-01", "2025-02-01", 0}, {"bad", "2025-01-01", 0}} {
		if got := finance.Days(c.from, c.to); got != c.want {
			t.Errorf("Days(%s, %s) = %d, want %d", c.from, c.to, got, c.want)
		}
	}
}

func TestCheckProduct(t *testing.T) {
	good := finance.Product{InstitutionID: 1, Kind: "ip_pledge", Name: "知识产权质押贷", Stages: []string{"rd", "poc"}, Collateral: "ip",
		AmountMin: 1e6, AmountMax: 1e7, Rate: 3.45, PromisedDays: 7, Listed: "2024-06-01"}
	if ps := finance.Check(good); len(ps) != 0 {
		t.Fatalf("good product refused: %v", ps)
	}
	for _, c := range []struct {
		field string
		edit  func(*finance.Product)
	}{
		{"kind", func(p *finance.Product) { p.Kind = "loan" }},
		{"name", func(p *finance.Product) { p.Name = " " }},
		{"stages", func(p *finance.Product) { p.Stages = []string{"研发"} }},
		{"amount_max", func(p *finance.Product) { p.AmountMax = 1 }},
		{"rate", func(p *finance.Product) { p.Rate = 40 }},
		{"promised_days", func(p *finance.Product) { p.PromisedDays = -1 }},
		{"collateral", func(p *finance.Product) { p.Collateral = "" }},
		{"delisted", func(p *finance.Product) { p.Delisted = "2024-01-01" }},
	} {
		p := good
		c.edit(&p)
		ps := finance.Check(p)
		if len(ps) != 1 || ps[0].Field != c.field {
			t.Errorf("%s: %v", c.field, ps)
		}
	}
}

// TestNeedToDecision: an enterprise's pilot-stage need is matched only to
// products that take its stage, amount and collateral; sending it to one
// starts an application and a docking; the bank decides, the green channel
// counts the days and flags the promise broken; decisions are taken once,
// by the institution.
func TestNeedToDecision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		mk := func(name, kind, size string) int64 {
			o, err := registry.Create(ctx, db, registry.Organisation{Name: name, Kind: kind, Size: size})
			if err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		firm := mk("沈阳中科晶益科技有限公司", "enterprise", "small")
		bank := mk("沈阳科技支行", "bank", "")
		other := mk("盛京银行科技金融部", "bank", "")
		if _, err := finance.Publish(ctx, db, finance.Product{InstitutionID: firm, Kind: "tech_credit", Name: "x", Collateral: "none", Listed: "2024-01-01"}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("an enterprise published a product: %v", err)
		}
		pub := func(p finance.Product) finance.Product {
			t.Helper()
			out, err := finance.Publish(ctx, db, p)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
		pilot := pub(finance.Product{InstitutionID: bank, Kind: "tech_credit", Name: "中试贷", Description: "面向中试熟化阶段的科技信贷，支持中试线建设", Stages: []string{"pilot"},
			AmountMin: 1e6, AmountMax: 1e7, Collateral: "none", Rate: 3.2, PromisedDays: 5, Listed: "2024-01-01"})
		ip := pub(finance.Product{InstitutionID: other, Kind: "ip_pledge", Name: "知识产权质押贷", Description: "专利质押融资，中试", Stages: []string{"pilot", "industrialisation"},
			AmountMin: 5e5, AmountMax: 5e6, Collateral: "ip", Rate: 3.0, PromisedDays: 10, Listed: "2024-01-01"})
		rd := pub(finance.Product{InstitutionID: other, Kind: "tech_credit", Name: "研发贷", Description: "研发阶段科技信贷", Stages: []string{"rd"}, Collateral: "none", Listed: "2024-01-01"})
		big := pub(finance.Product{InstitutionID: bank, Kind: "chain_finance", Name: "产业链中试融资", Description: "中试", AmountMin: 5e7, Collateral: "none", Listed: "2024-01-01"})

		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: mustLatest(t, db, "funding_need"), Key: "fn", Name: "融资需求", Opens: "2024-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		need, err := program.CreateProject(ctx, db, call.ID, firm, map[string]any{"title": "晶圆中试线融资", "stage": "中试", "amount_requested": 3e6, "collateral": "信用", "purpose": "建设中试线，开展中试熟化"})
		if err != nil {
			t.Fatal(err)
		}
		owner := access.Principal{UserID: 1, Roles: []access.Role{access.Org}, OrgID: firm}
		banker := access.Principal{UserID: 2, Roles: []access.Role{access.Finance}, OrgID: bank}
		stranger := access.Principal{UserID: 3, Roles: []access.Role{access.Finance}, OrgID: other}

		seg, err := search.Default()
		if err != nil {
			t.Fatal(err)
		}
		pool := finance.NewProducts(db, seg)
		offers, err := finance.Suggest(ctx, db, pool, owner, need.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(offers) != 1 || offers[0].ID != pilot.ID {
			t.Fatalf("offers %+v: want only 中试贷 (the IP loan needs a pledge the need does not offer, 研发贷 another stage, the chain loan a larger amount)", offers)
		}
		for _, c := range []struct {
			id  int64
			why string
		}{{ip.ID, "finance.wrong_collateral"}, {rd.ID, "finance.wrong_stage"}, {big.ID, "finance.wrong_amount"}} {
			var pe *problem.Error
			if _, err := finance.Send(ctx, db, owner, need.ID, c.id, at("2025-03-03")); !errors.As(err, &pe) || pe.Key != c.why {
				t.Errorf("send to %d: %v, want %s", c.id, err, c.why)
			}
		}
		if _, err := finance.Send(ctx, db, stranger, need.ID, pilot.ID, at("2025-03-03")); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("another organisation sent the need: %v", err)
		}
		a, err := finance.Send(ctx, db, owner, need.ID, pilot.ID, at("2025-03-03"))
		if err != nil {
			t.Fatal(err)
		}
		if a.DockingID == 0 || a.Decision != "pending" {
			t.Errorf("application %+v", a)
		}
		if _, err := finance.Send(ctx, db, owner, need.ID, pilot.ID, at("2025-03-04")); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("sent twice: %v", err)
		}
		if offers, _ := finance.Suggest(ctx, db, pool, owner, need.ID, 10); len(offers) != 0 {
			t.Errorf("a product sent to is suggested again: %+v", offers)
		}

		if _, err := finance.Decide(ctx, db, stranger, a.ID, "approved", 3e6, "2025-03-05", "", a.Version); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("another bank decided: %v", err)
		}
		if _, err := finance.Decide(ctx, db, owner, a.ID, "approved", 3e6, "2025-03-05", "", a.Version); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("the enterprise decided: %v", err)
		}
		if _, err := finance.Decide(ctx, db, banker, a.ID, "approved", 4e6, "2025-03-05", "", a.Version); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("approved more than asked: %v", err)
		}
		if _, err := finance.Decide(ctx, db, banker, a.ID, "approved", 3e6, "2025-03-01", "", a.Version); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("decided before it was sent: %v", err)
		}
		got, err := finance.Decide(ctx, db, banker, a.ID, "approved", 2.5e6, "2025-03-11", "首贷", a.Version)
		if err != nil {
			t.Fatal(err)
		}
		if got.Days != 8 || !got.Breach || got.Approved != 2.5e6 {
			t.Errorf("decided: %+v (want 8 days, past the 5 promised)", got)
		}
		if _, err := finance.Decide(ctx, db, banker, a.ID, "declined", 0, "2025-03-12", "", got.Version); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("decided twice: %v", err)
		}
		ch, err := finance.GreenChannel(ctx, db, "", "", "2025-06-30")
		if err != nil {
			t.Fatal(err)
		}
		if len(ch) != 1 || ch[0].InstitutionID != bank || ch[0].Breaches != 1 || ch[0].MedianDays != 8 || ch[0].Lent != 2.5e6 {
			t.Errorf("green channel %+v", ch)
		}
		// A delisted product is no longer suggested.
		if err := finance.Delist(ctx, db, pilot.ID, "2025-04-01", pilot.Version); err != nil {
			t.Fatal(err)
		}
		if err := finance.Delist(ctx, db, pilot.ID, "2025-04-02", pilot.Version); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("a stale delisting: %v", err)
		}
	})
}

func mustLatest(t *testing.T, db *store.DB, key string) int64 {
	t.Helper()
	p, err := program.Latest(context.Background(), db, key)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

// TestFunds: investments need a fund founded by then and an enterprise.
func TestFunds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		mgr, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳创新投资管理有限公司", Kind: "fund"})
		firm, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某初创科技有限公司", Kind: "enterprise"})
		uni, _ := registry.Create(ctx, db, registry.Organisation{Name: "沈阳某大学", Kind: "university"})
		if _, err := finance.AddFund(ctx, db, finance.Fund{ManagerID: firm.ID, Kind: "angel", Name: "x", Founded: "2023-01-01"}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("an enterprise manages a fund: %v", err)
		}
		f, err := finance.AddFund(ctx, db, finance.Fund{ManagerID: mgr.ID, Kind: "angel", Name: "沈阳天使投资基金", Size: 5e8, Founded: "2023-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			in    finance.Investment
			field string
		}{
			{finance.Investment{FundID: f.ID, InvesteeID: firm.ID, Stage: "seed", Amount: 1e6, On: "2022-12-31"}, "invested_on"},
			{finance.Investment{FundID: f.ID, InvesteeID: uni.ID, Stage: "seed", Amount: 1e6, On: "2024-01-01"}, "investee_id"},
			{finance.Investment{FundID: f.ID, InvesteeID: firm.ID, Stage: "种子期", Amount: 1e6, On: "2024-01-01"}, "stage"},
			{finance.Investment{FundID: f.ID, InvesteeID: firm.ID, Stage: "seed", Amount: 0, On: "2024-01-01"}, "amount"},
		} {
			var pe *problem.Error
			_, err := finance.Invest(ctx, db, c.in)
			var list problem.List
			switch {
			case errors.As(err, &list) && len(list) == 1 && list[0].Field == c.field:
			case errors.As(err, &pe) && pe.Field == c.field:
			default:
				t.Errorf("%s: %v", c.field, err)
			}
		}
		if _, err := finance.Invest(ctx, db, finance.Investment{FundID: f.ID, InvesteeID: firm.ID, Stage: "seed", Amount: 2e6, On: "2024-05-01"}); err != nil {
			t.Fatal(err)
		}
	})
}

func at(day string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, day, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	return t.Add(10 * time.Hour)
}
