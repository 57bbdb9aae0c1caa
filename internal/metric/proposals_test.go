package metric_test

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
)

// proposalCity is a year of proposals driven through internal/proposal's
// own flow: two lead units, replies of each class (one changed by the
// supervisor, one redrafted after 不满意), one replied late, one on time
// thanks to an extension, one sent back and assigned again, one overdue
// from 31 January (its deadline carried into May), one of the year before
// and one never assigned.
type proposalCity struct {
	bureau, industry                   int64
	p1, p2, p3, p4, p5, p6, p7         int64
	office, bureauStaff, industryStaff proposal.Actor
	supervisor, leader                 proposal.Actor
}

var ctx = context.Background()

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func buildProposals(t *testing.T, db *store.DB) *proposalCity {
	t.Helper()
	c := &proposalCity{}
	for _, u := range []struct {
		name string
		id   *int64
	}{{"沈阳市科学技术局", &c.bureau}, {"沈阳市工业和信息化局", &c.industry}} {
		o, err := registry.Create(ctx, db, registry.Organisation{Name: u.name, Kind: "government"})
		if err != nil {
			t.Fatal(err)
		}
		*u.id = o.ID
	}
	user := func(name string, unit int64) proposal.Actor {
		var id int64
		var org any
		if unit != 0 {
			org = unit
		}
		now := store.Now()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO users (username, password_hash, org_id, created_at, updated_at) VALUES (?, '', ?, ?, ?) RETURNING id`, name, org, now, now).Scan(&id)
		})
		if err != nil {
			t.Fatal(err)
		}
		return proposal.Actor{UserID: id, Name: name, UnitID: unit}
	}
	c.office, c.bureauStaff, c.industryStaff = user("office", 0), user("bureau-staff", c.bureau), user("industry-staff", c.industry)
	c.supervisor, c.leader = user("supervisor", 0), user("leader", 0)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ver := func(id int64) int {
		t.Helper()
		p, err := proposal.Get(ctx, db, id)
		must(err)
		return p.Version
	}
	register := func(number, received string) int64 {
		t.Helper()
		id, err := proposal.Register(ctx, db, nil, c.office, proposal.New{Number: number, Kind: "cppcc", Member: "王志坚", Title: "关于" + number + "的提案", ReceivedOn: received})
		must(err)
		return id
	}
	rep := report.Issued{Template: "seed-reply", Title: "答复", AsOf: "2025-06-30", Body: "王志坚委员：……",
		Figures: map[string]report.Figure{"x": {ID: "x", Value: 1, Records: []int64{1}}}}
	// reply drafts in class, reviews (changing the class to review when
	// given), signs and issues on the days given, by the lead's staff.
	reply := func(id int64, by proposal.Actor, class, draftDay, review, reviewDay, issueDay string) {
		t.Helper()
		must(proposal.Draft(ctx, db, by, id, ver(id), draftDay, class, rep))
		must(proposal.Review(ctx, db, c.supervisor, id, ver(id), reviewDay, review, ""))
		must(proposal.Sign(ctx, db, c.leader, id, ver(id), reviewDay))
		_, err := proposal.Issue(ctx, db, by, id, ver(id), issueDay)
		must(err)
	}
	rate := func(id int64, day, handling, result string) {
		t.Helper()
		must(proposal.Rate(ctx, db, c.office, id, ver(id), day, handling, result, ""))
	}

	// P1: the bureau's, class A, replied on time, rated satisfied.
	c.p1 = register("2025-001", "2025-02-20")
	must(proposal.Assign(ctx, db, c.office, c.p1, ver(c.p1), "2025-03-03", c.bureau, nil))
	reply(c.p1, c.bureauStaff, "A", "2025-04-01", "", "2025-04-07", "2025-04-10")
	rate(c.p1, "2025-04-20", "satisfied", "satisfied")

	// P2: the bureau's, drafted B, changed to C by the supervisor, replied
	// late (due 2025-06-03), rated 不满意 on the handling, redrafted as B.
	c.p2 = register("2025-002", "2025-02-20")
	must(proposal.Assign(ctx, db, c.office, c.p2, ver(c.p2), "2025-03-03", c.bureau, nil))
	reply(c.p2, c.bureauStaff, "B", "2025-04-01", "C", "2025-04-07", "2025-07-10")
	rate(c.p2, "2025-07-20", "dissatisfied", "mostly")
	must(proposal.Draft(ctx, db, c.bureauStaff, c.p2, ver(c.p2), "2025-08-01", "B", rep))

	// P3: the industry bureau's, due 2025-07-01, extended to 2025-08-15
	// (asked 06-20, approved 06-25), replied 08-10: on time.
	c.p3 = register("2025-003", "2025-03-20")
	must(proposal.Assign(ctx, db, c.office, c.p3, ver(c.p3), "2025-04-01", c.industry, nil))
	must(proposal.RequestExtension(ctx, db, c.industryStaff, c.p3, ver(c.p3), "2025-06-20", "2025-08-15", "需跨部门协调"))
	must(proposal.DecideExtension(ctx, db, c.supervisor, c.p3, ver(c.p3), "2025-06-25", true))
	reply(c.p3, c.industryStaff, "A", "2025-07-01", "", "2025-07-20", "2025-08-10")
	rate(c.p3, "2025-08-20", "mostly", "satisfied")

	// P4: the industry bureau's from 31 January: due 2025-05-01 (Go's and
	// SQLite's month arithmetic carry 31 April into May), never replied.
	c.p4 = register("2025-004", "2025-01-20")
	must(proposal.Assign(ctx, db, c.office, c.p4, ver(c.p4), "2025-01-31", c.industry, nil))

	// P5: assigned to the bureau 05-06, sent back 05-07, assigned to the
	// industry bureau 05-12 (due 08-12), never replied.
	c.p5 = register("2025-005", "2025-04-28")
	must(proposal.Assign(ctx, db, c.office, c.p5, ver(c.p5), "2025-05-06", c.bureau, nil))
	must(proposal.SendBack(ctx, db, c.bureauStaff, c.p5, ver(c.p5), "2025-05-07", "非本单位职责"))
	must(proposal.Assign(ctx, db, c.office, c.p5, ver(c.p5), "2025-05-12", c.industry, nil))

	// P6: the year before's; P7: never assigned.
	c.p6 = register("2024-101", "2024-10-20")
	must(proposal.Assign(ctx, db, c.office, c.p6, ver(c.p6), "2024-11-01", c.bureau, nil))
	c.p7 = register("2025-007", "2025-06-01")
	return c
}

func TestProposalIndicators(t *testing.T) {
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := buildProposals(t, db)
		day := func(s string) time.Time {
			d, _ := time.Parse(time.DateOnly, s)
			return d
		}
		eval := func(id, asOf, by string) metric.Result {
			t.Helper()
			r, err := metric.Eval(ctx, db, set, id, metric.Params{AsOf: day(asOf), By: by, Records: true})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		ids := func(xs ...int64) []int64 { slices.Sort(xs); return xs }

		// The records behind each figure as of the year's end, and as
		// they stood on days before.
		for _, tc := range []struct {
			id, asOf string
			want     []int64
		}{
			{"proposals_assigned", "2025-12-31", ids(c.p1, c.p2, c.p3, c.p4, c.p5)},
			{"proposals_assigned", "2025-05-06", ids(c.p1, c.p2, c.p3, c.p4, c.p5)},
			{"proposals_assigned", "2025-05-08", ids(c.p1, c.p2, c.p3, c.p4)}, // sent back, not yet assigned again
			{"proposals_assigned", "2024-12-31", ids(c.p6)},
			{"proposals_replied", "2025-12-31", ids(c.p1, c.p2, c.p3)},
			{"proposals_replied", "2025-07-09", ids(c.p1)},
			{"proposals_class_a", "2025-12-31", ids(c.p1, c.p3)},
			{"proposals_class_b", "2025-12-31", ids(c.p2)}, // redrafted as B in its second round
			{"proposals_class_c", "2025-12-31", nil},
			{"proposals_class_c", "2025-07-15", ids(c.p2)}, // as the supervisor set it, before the redraft
			{"proposals_class_b", "2025-07-15", nil},
			{"proposals_class_a", "2025-07-15", ids(c.p1)}, // P3 drafted A on 07-01 but not replied yet
			{"proposals_on_time", "2025-12-31", ids(c.p1, c.p3)},
			{"proposals_due", "2025-12-31", ids(c.p1, c.p2, c.p3, c.p4, c.p5)},
			{"proposals_due", "2025-05-01", ids(c.p1)},             // P4's deadline is 05-01: not past on the day
			{"proposals_due", "2025-05-02", ids(c.p1, c.p4)},       // past the day after
			{"proposals_due", "2025-07-05", ids(c.p1, c.p2, c.p4)}, // P3's deadline of 07-01 extended on 06-25
			{"proposals_rated", "2025-12-31", ids(c.p1, c.p2, c.p3)},
			{"proposals_rated", "2025-08-01", ids(c.p1, c.p2)},
			{"proposals_handling_satisfied", "2025-12-31", ids(c.p1, c.p3)},
			{"proposals_result_satisfied", "2025-12-31", ids(c.p1, c.p2, c.p3)},
		} {
			r := eval(tc.id, tc.asOf, "")
			if !slices.Equal(r.IDs, tc.want) || r.Value != float64(len(tc.want)) {
				t.Errorf("%s as of %s: %v records %v, want %v", tc.id, tc.asOf, r.Value, r.IDs, tc.want)
			}
		}
		// Each figure opens its proposals: their numbers, in 交办 order.
		recs, err := metric.ListRecords(ctx, db, set, eval("proposals_class_a", "2025-12-31", ""))
		if err != nil {
			t.Fatal(err)
		}
		if len(recs.Rows) != 2 || recs.Rows[0][0] != "2025-001" || recs.Rows[1][0] != "2025-003" || recs.Links[1] != "/proposals/"+itoa(c.p3) || recs.Rows[1][2] != "沈阳市工业和信息化局" {
			t.Errorf("records of class A: %v %v", recs.Rows, recs.Links)
		}

		// By lead unit, the indicators agree with the board's Yearly.
		units, total, err := proposal.Yearly(ctx, db, 2025, "2025-12-31")
		if err != nil {
			t.Fatal(err)
		}
		if len(units) != 2 || total.Count != 5 {
			t.Fatalf("Yearly: %d units, %d proposals", len(units), total.Count)
		}
		groups := map[string]map[string]float64{}
		for _, id := range []string{"proposals_assigned", "proposals_replied", "proposals_class_a", "proposals_class_b", "proposals_class_c", "proposals_due", "proposals_on_time",
			"proposals_rated", "proposals_handling_satisfied", "proposals_result_satisfied",
			"proposals_class_a_share", "proposals_class_b_share", "proposals_class_c_share", "proposals_on_time_rate", "proposals_handling_satisfaction_rate", "proposals_result_satisfaction_rate"} {
			groups[id] = eval(id, "2025-12-31", "unit").Groups
			whole := eval(id, "2025-12-31", "")
			want := map[string]float64{"proposals_assigned": float64(total.Count), "proposals_replied": float64(total.Replied), "proposals_class_a": float64(total.ByClass["A"]),
				"proposals_class_b": float64(total.ByClass["B"]), "proposals_class_c": float64(total.ByClass["C"]), "proposals_due": float64(total.Due), "proposals_on_time": float64(total.OnTime),
				"proposals_rated": float64(total.Rated), "proposals_handling_satisfied": float64(total.HandlingOK), "proposals_result_satisfied": float64(total.ResultOK),
				"proposals_class_a_share": total.ClassShare["A"], "proposals_class_b_share": total.ClassShare["B"], "proposals_class_c_share": total.ClassShare["C"],
				"proposals_on_time_rate": total.OnTimeRate, "proposals_handling_satisfaction_rate": total.HandlingRate, "proposals_result_satisfaction_rate": total.ResultRate}[id]
			if math.Abs(metric.Round1(whole.Value)-want) > 1e-9 {
				t.Errorf("%s: %v, Yearly's total %v", id, whole.Value, want)
			}
		}
		for _, u := range units {
			check := func(id string, want float64, rate bool) {
				t.Helper()
				got, ok := groups[id][u.Unit]
				switch {
				case rate && want < 0: // Yearly: no base
					if ok {
						t.Errorf("%s %s: %v, Yearly has no base", u.Unit, id, got)
					}
				case rate && math.Abs(metric.Round1(got)-want) > 1e-9, !rate && got != want:
					t.Errorf("%s %s: %v, Yearly %v", u.Unit, id, got, want)
				}
			}
			check("proposals_assigned", float64(u.Count), false)
			check("proposals_replied", float64(u.Replied), false)
			for _, cl := range []string{"A", "B", "C"} {
				lc := string(rune(cl[0] + 'a' - 'A'))
				check("proposals_class_"+lc, float64(u.ByClass[cl]), false)
				check("proposals_class_"+lc+"_share", u.ClassShare[cl], true)
			}
			check("proposals_due", float64(u.Due), false)
			check("proposals_on_time", float64(u.OnTime), false)
			check("proposals_on_time_rate", u.OnTimeRate, true)
			check("proposals_rated", float64(u.Rated), false)
			check("proposals_handling_satisfied", float64(u.HandlingOK), false)
			check("proposals_result_satisfied", float64(u.ResultOK), false)
			check("proposals_handling_satisfaction_rate", u.HandlingRate, true)
			check("proposals_result_satisfaction_rate", u.ResultRate, true)
		}
		// The figures themselves, so that agreement is not agreement on nothing.
		if g := groups["proposals_on_time_rate"]; math.Abs(g["沈阳市科学技术局"]-50) > 1e-9 || math.Abs(g["沈阳市工业和信息化局"]-100.0/3) > 1e-9 {
			t.Errorf("on-time rate by unit: %v", g)
		}
		if g := groups["proposals_handling_satisfaction_rate"]; g["沈阳市科学技术局"] != 50 || g["沈阳市工业和信息化局"] != 100 {
			t.Errorf("handling satisfaction by unit: %v", g)
		}
	})
}

// TestProposalDefinitionsChecked: a proposals indicator names statuses the
// model knows and counts by 交办 date; a class filter is the proposals'.
func TestProposalDefinitionsChecked(t *testing.T) {
	for src, want := range map[string]string{
		`- {id: x, name: x, kind: simple, model: proposals, where: {status: [answered]}, window: new, period: year, measure: count}`:      `status "answered"`,
		`- {id: x, name: x, kind: simple, model: proposals, window: state, measure: count}`:                                               "window: new or cumulative",
		`- {id: x, name: x, kind: simple, model: outcomes, where: {class: [A]}, window: cumulative, measure: count}`:                      "where.class applies to proposals",
		`- {id: x, name: x, kind: simple, model: proposals, where: {class: [A]}, window: cumulative, measure: count, dimensions: [unit]}`: "",
	} {
		_, err := metric.Load(fstest.MapFS{"p.yaml": {Data: []byte(src)}})
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: %v, want %q", src, err, want)
		}
	}
}
