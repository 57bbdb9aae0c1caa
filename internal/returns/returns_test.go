package returns_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/returnforms"
)

var ctx = context.Background()

func at(s string) func() time.Time {
	return func() time.Time { t, _ := time.Parse(time.DateTime, s); return t.Add(-8 * time.Hour).UTC() }
}

type world struct {
	talent, stations     *returns.Form
	hr, telecom, other   registry.Organisation
	asHR, asOther, asMgr access.Principal
}

func setUp(t *testing.T, db *store.DB) world {
	t.Helper()
	if n, err := returns.PublishShipped(ctx, db, returnforms.Files); err != nil || n < 3 {
		t.Fatalf("publish shipped forms: %d %v", n, err)
	}
	var w world
	var err error
	if w.talent, err = returns.FormByKey(ctx, db, "talent_work"); err != nil {
		t.Fatal(err)
	}
	if w.stations, err = returns.FormByKey(ctx, db, "base_stations"); err != nil {
		t.Fatal(err)
	}
	w.hr, _ = registry.Create(ctx, db, registry.Organisation{Name: "沈阳市人力资源和社会保障局", Kind: "government"})
	w.telecom, _ = registry.Create(ctx, db, registry.Organisation{Name: "中国移动通信集团辽宁有限公司沈阳分公司", Kind: "enterprise"})
	w.other, _ = registry.Create(ctx, db, registry.Organisation{Name: "沈阳某企业", Kind: "enterprise"})
	for _, u := range []struct {
		f   *returns.Form
		org int64
	}{{w.talent, w.hr.ID}, {w.stations, w.telecom.ID}} {
		if err := returns.AddUnit(ctx, db, u.f, u.org); err != nil {
			t.Fatal(err)
		}
	}
	w.asHR = access.Principal{UserID: 1, Name: "hr", Roles: []access.Role{access.Org}, OrgID: w.hr.ID}
	w.asOther = access.Principal{UserID: 2, Name: "other", Roles: []access.Role{access.Org}, OrgID: w.other.ID}
	w.asMgr = access.Principal{UserID: 3, Name: "mgr", Roles: []access.Role{access.Manager}}
	return w
}

func TestFilingLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setUp(t, db)
		defer func(c func() time.Time) { returns.Clock = c }(returns.Clock)
		returns.Clock = at("2025-07-03 10:00:00")
		v := returns.Values{"talents_introduced": {"": 472}, "graduates_retained": {"": 98621}}

		// Not a unit, a bad period, a bad figure: refused, nothing kept.
		if _, err := returns.Save(ctx, db, w.asOther, w.talent, w.other.ID, "2025H1", v, 0); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("a non-unit filed: %v", err)
		}
		if _, err := returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025Q1", v, 0); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a quarter on a half-year form: %v", err)
		}
		bad := returns.Values{"talents_introduced": {"": 4.5}, "graduates_retained": {"": -1}, "salary": {"": 1}}
		_, err := returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025H1", bad, 0)
		var ps problem.List
		if !errors.As(err, &ps) || len(ps) != 3 {
			t.Fatalf("bad figures: %v", err)
		}

		f, err := returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025H1", v, 0)
		if err != nil || f.Status != returns.Draft || f.PeriodEnd != "2025-06-30" {
			t.Fatalf("save: %+v %v", f, err)
		}
		if _, err := returns.Save(ctx, db, w.asMgr, w.talent, w.hr.ID, "2025H1", v, 0); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("a second new filing of the same period: %v", err)
		}
		if _, err := returns.Submit(ctx, db, w.asHR, w.talent, f.ID); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("submitted without talent_service_cases: %v", err)
		}
		v["talent_service_cases"] = map[string]float64{"": 1200}
		if f, err = returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025H1", v, f.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025H1", v, f.Version-1); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("a stale save: %v", err)
		}
		if f, err = returns.Submit(ctx, db, w.asHR, w.talent, f.ID); err != nil || f.Status != returns.Submitted {
			t.Fatalf("submit: %+v %v", f, err)
		}
		if _, err := returns.Accept(ctx, db, w.asHR, w.talent, f.ID); !errors.Is(err, problem.ErrForbidden) {
			t.Errorf("the unit accepted its own return: %v", err)
		}
		if _, err := returns.Return(ctx, db, w.asMgr, w.talent, f.ID, ""); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("returned without a reason: %v", err)
		}
		if f, err = returns.Return(ctx, db, w.asMgr, w.talent, f.ID, "毕业生口径请按留沈就业创业"); err != nil || f.Status != returns.Returned {
			t.Fatalf("return: %+v %v", f, err)
		}
		if f, err = returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025H1", v, f.Version); err != nil {
			t.Fatal(err)
		}
		if _, err = returns.Submit(ctx, db, w.asHR, w.talent, f.ID); err != nil {
			t.Fatal(err)
		}
		if f, err = returns.Accept(ctx, db, w.asMgr, w.talent, f.ID); err != nil || f.Status != returns.Accepted {
			t.Fatalf("accept: %+v %v", f, err)
		}
		if _, err := returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025H1", v, f.Version); !errors.Is(err, problem.ErrConflict) {
			t.Errorf("an accepted filing changed without reopening: %v", err)
		}

		// A correction: reopened on 07-20, accepted again on 07-25. The
		// figures as of 07-22 are still the first accepted ones.
		returns.Clock = at("2025-07-20 09:00:00")
		if f, err = returns.Reopen(ctx, db, w.asHR, w.talent, f.ID, "人才数漏报两人"); err != nil {
			t.Fatal(err)
		}
		v["talents_introduced"][""] = 474
		if f, err = returns.Save(ctx, db, w.asHR, w.talent, w.hr.ID, "2025H1", v, f.Version); err != nil {
			t.Fatal(err)
		}
		if _, err = returns.Submit(ctx, db, w.asHR, w.talent, f.ID); err != nil {
			t.Fatal(err)
		}
		returns.Clock = at("2025-07-25 09:00:00")
		if _, err = returns.Accept(ctx, db, w.asMgr, w.talent, f.ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			asOf string
			want float64
		}{{"2025-07-02", 0}, {"2025-07-03", 472}, {"2025-07-22", 472}, {"2025-07-25", 474}} {
			var got float64
			if err := db.QueryRowContext(ctx, `SELECT COALESCE(sum(a.value), 0) FROM return_accepted a WHERE a.field = 'talents_introduced' AND a.accepted_on <= ?
				AND a.version = (SELECT max(b.version) FROM return_accepted b WHERE b.filing_id = a.filing_id AND b.accepted_on <= ?)`, c.asOf, c.asOf).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("as of %s: %v, want %v", c.asOf, got, c.want)
			}
		}
		h, err := returns.History(ctx, db, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, s := range h {
			actions = append(actions, s.Action)
		}
		want := []string{"save", "save", "submit", "return", "save", "submit", "accept", "reopen", "save", "submit", "accept"}
		if len(actions) != len(want) {
			t.Fatalf("history %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("history %v, want %v", actions, want)
			}
		}
		if h[3].Note != "毕业生口径请按留沈就业创业" || h[3].Actor != "mgr" {
			t.Errorf("the return's step: %+v", h[3])
		}
	})
}

func TestByDistrictAndReminders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setUp(t, db)
		asTel := access.Principal{UserID: 4, Name: "tel", Roles: []access.Role{access.Org}, OrgID: w.telecom.ID}
		_, err := returns.Save(ctx, db, asTel, w.stations, w.telecom.ID, "2025-05", returns.Values{"built": {"210112": 40, "110101": 3}, "in_service": {"": 9}}, 0)
		var ps problem.List
		if !errors.As(err, &ps) || len(ps) != 2 || ps[0].Field != "built.110101" || ps[1].Field != "in_service." {
			t.Fatalf("a Beijing district and a figure without one: %v", err)
		}
		// The May return is due on 06-10, reminders from 06-07.
		day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
		for _, c := range []struct {
			today string
			want  int // the telecom's notices so far
		}{{"2025-06-05", 0}, {"2025-06-07", 1}, {"2025-06-08", 1}, {"2025-06-11", 2}, {"2025-06-12", 2}} {
			if _, err := returns.Remind(ctx, db, day(c.today)); err != nil {
				t.Fatal(err)
			}
			if got, _ := program.Unread(ctx, db, 0, w.telecom.ID); got != c.want {
				t.Errorf("%s: the telecom has %d notices, want %d", c.today, got, c.want)
			}
		}
		ns, err := program.Notices(ctx, db, 0, w.telecom.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, n := range ns {
			kinds[n.Kind]++
		}
		if kinds["return_due"] != 1 || kinds["return_overdue"] != 1 {
			t.Errorf("the telecom's reminders %v: want one due and one overdue (May)", kinds)
		}
		f, err := returns.Save(ctx, db, asTel, w.stations, w.telecom.ID, "2025-05", returns.Values{"built": {"210112": 40, "210106": 12}, "in_service": {"210112": 3100, "210106": 2200}}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := returns.Submit(ctx, db, asTel, w.stations, f.ID); err != nil {
			t.Fatal(err)
		}
		periods, cells, err := returns.Board(ctx, db, w.stations, day("2025-06-12"), 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(periods) != 3 || periods[0] != "2025-05" || len(cells) != len(periods) {
			t.Fatalf("board periods %v, %d cells for one unit", periods, len(cells))
		}
		// On a period's last day that period has ended and leads the board,
		// and the board still holds as many periods as asked for.
		if ps, cs, err := returns.Board(ctx, db, w.stations, day("2025-06-30"), 3); err != nil || len(ps) != 3 || ps[0] != "2025-06" || len(cs) != 3 {
			t.Errorf("board on 2025-06-30: %v, %d cells (%v)", ps, len(cs), err)
		}
		for _, c := range cells {
			switch c.Period {
			case "2025-05":
				if c.Status != returns.Submitted || c.Overdue {
					t.Errorf("May: %+v", c)
				}
			case "2025-04":
				if c.Status != "missing" || !c.Overdue {
					t.Errorf("April: %+v", c)
				}
			}
		}
	})
}
