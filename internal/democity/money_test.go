package democity_test

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// checkMoney: the programs that move money carry it on their events: the
// disbursed total of 重大装备 and 重大专项 is the sum of their pay events,
// the approved total the sum of their approvals; every special project has
// its schedule and those two years in have passed their mid-term check.
func checkMoney(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, key := range []string{"major_equipment_tackling", "major_special_project", "finance_leg", "transplant_team"} {
		var disbursed, paid, approved, approvals float64
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(sum(p.amount_disbursed), 0), COALESCE(sum(p.amount_approved), 0) FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = ?`, key).
			Scan(&disbursed, &approved); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(sum(CASE WHEN e.transition IN ('pay', 'disburse') THEN e.amount END), 0), COALESCE(sum(CASE WHEN e.transition = 'approve' THEN e.amount END), 0)
FROM project_events e JOIN projects p ON p.id = e.project_id JOIN program_templates t ON t.id = p.template_id WHERE t.key = ?`, key).Scan(&paid, &approvals); err != nil {
			t.Fatal(err)
		}
		if disbursed == 0 || math.Abs(disbursed-paid) > 0.01 || math.Abs(approved-approvals) > 0.01 {
			t.Errorf("%s: disbursed %.2f, pay events %.2f; approved %.2f, approvals %.2f", key, disbursed, paid, approved, approvals)
		}
	}
	var unpaid int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM project_events e JOIN program_templates t ON t.id = e.template_id
WHERE e.transition IN ('pay', 'approve', 'disburse') AND t.key IN ('major_equipment_tackling', 'major_special_project', 'finance_leg', 'finance_support_case') AND e.amount IS NULL`).Scan(&unpaid); err != nil {
		t.Fatal(err)
	}
	if unpaid != 0 {
		t.Errorf("%d money moves without their amount", unpaid)
	}
	rows, err := db.QueryContext(ctx, `SELECT p.title, p.data, (SELECT count(*) FROM project_events e WHERE e.project_id = p.id AND e.transition = 'midterm_pass'), p.created_at
FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'major_special_project'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, passed := 0, 0
	for rows.Next() {
		var title, raw string
		var mid int
		var created any
		if err := rows.Scan(&title, &raw, &mid, &created); err != nil {
			t.Fatal(err)
		}
		var d struct {
			Milestones []map[string]any `json:"milestones"`
		}
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			t.Fatal(err)
		}
		n++
		if len(d.Milestones) < 3 {
			t.Errorf("special project %s has %d milestones", title, len(d.Milestones))
		}
		passed += mid
	}
	if n < 30 || passed < 10 {
		t.Errorf("%d special projects, %d past their mid-term check", n, passed)
	}
	var astray int // a problem solved outside the project's field: a 新能源 project solving 航空发动机部件
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM project_outcomes o JOIN projects p ON p.id = o.project_id JOIN program_templates t ON t.id = p.template_id
WHERE t.key IN ('major_special_project', 'challenge') AND o.kind = 'problem' AND p.data LIKE '%"field":"新能源"%' AND o.field NOT IN ('新能源储能', '智能网联汽车')`).Scan(&astray); err != nil {
		t.Fatal(err)
	}
	if astray != 0 {
		t.Errorf("%d problems of 新能源 projects in other fields", astray)
	}
	var reached int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM project_outcomes o JOIN projects p ON p.id = o.project_id JOIN program_templates t ON t.id = p.template_id
WHERE t.key = 'major_special_project' AND o.kind = 'milestone'`).Scan(&reached); err != nil {
		t.Fatal(err)
	}
	if reached < 2*passed {
		t.Errorf("%d milestones reached among the special projects' outcomes", reached)
	}
}

// checkChallenges: every contracted challenge says what it needs and pays
// and was contracted with exactly one of at least two bids, the others not
// selected; its bidders fit its field; its title names no other field.
func checkChallenges(t *testing.T, db *store.DB) {
	ctx := context.Background()
	fields := []string{"集成电路", "高端装备", "新能源", "机器人", "人工智能", "航空航天", "新一代信息技术", "生物医药", "节能环保"}
	rows, err := db.QueryContext(ctx, `SELECT p.id, p.title, p.data,
	(SELECT count(*) FROM projects b WHERE b.parent_id = p.id),
	(SELECT count(*) FROM projects b WHERE b.parent_id = p.id AND b.stage = 'contracted'),
	(SELECT count(*) FROM projects b WHERE b.parent_id = p.id AND b.stage NOT IN ('contracted', 'not_selected')),
	(SELECT count(*) FROM projects b WHERE b.parent_id = p.id AND (b.title = '' OR b.amount_requested <= 0 OR b.call_id <> p.call_id)),
	(SELECT count(*) FROM projects b JOIN organisations o ON o.id = b.organisation_id WHERE b.parent_id = p.id AND o.name IN ('鲁迅美术学院', '沈阳音乐学院', '沈阳体育学院', '中国医科大学', '沈阳药科大学', '辽宁中医药大学', '沈阳农业大学'))
FROM projects p JOIN program_templates t ON t.id = p.template_id
WHERE t.key = 'challenge' AND EXISTS (SELECT 1 FROM project_events e WHERE e.project_id = p.id AND e.to_stage = 'contracted')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var title, raw string
		var bids, contracted, open, bad, unfit int
		if err := rows.Scan(&id, &title, &raw, &bids, &contracted, &open, &bad, &unfit); err != nil {
			t.Fatal(err)
		}
		n++
		var d map[string]any
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			t.Fatal(err)
		}
		if bids < 2 || contracted != 1 || open != 0 || bad != 0 || unfit != 0 {
			t.Errorf("%s: %d bids, %d contracted, %d neither contracted nor not selected, %d untitled, unpriced or in another call, %d unfit", title, bids, contracted, open, bad, unfit)
		}
		for _, k := range []string{"need", "indicators", "bounty", "bid_deadline", "term_months"} {
			if v, ok := d[k]; !ok || v == "" || v == 0.0 {
				t.Errorf("%s: no %s", title, k)
			}
		}
		for _, f := range fields {
			if f != d["field"] && strings.Contains(title, f) {
				t.Errorf("%s is filed under %v", title, d["field"])
			}
		}
	}
	if n < 8 {
		t.Errorf("%d contracted challenges, want 8", n)
	}
}

// checkFinance: 拨投贷担 cases have their legs and one grant converted;
// the demo bank has products and needs waiting in its inbox; the owners
// of challenges decided on the suggested solvers.
func checkFinance(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, c := range []struct {
		what string
		q    string
		args []any
		min  int
	}{
		{"legs of support cases", `SELECT count(*) FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'finance_leg' AND p.parent_id IS NOT NULL`, nil, 8},
		{"conversions", `SELECT count(*) FROM finance_conversions`, nil, 1},
		{"demo bank products", `SELECT count(*) FROM finance_products f JOIN organisations o ON o.id = f.institution_id WHERE o.name = ?`, []any{democity.DemoBank}, 3},
		{"needs waiting at the demo bank", `SELECT count(*) FROM finance_applications a JOIN finance_products f ON f.id = a.product_id JOIN organisations o ON o.id = f.institution_id WHERE o.name = ? AND a.decision = 'pending'`, []any{democity.DemoBank}, 1},
		{"decided at the demo bank", `SELECT count(*) FROM finance_applications a JOIN finance_products f ON f.id = a.product_id JOIN organisations o ON o.id = f.institution_id WHERE o.name = ? AND a.decision <> 'pending'`, []any{democity.DemoBank}, 1},
		{"demo enterprise records", `SELECT count(*) FROM projects p JOIN organisations o ON o.id = p.organisation_id WHERE o.name = ?`, []any{democity.DemoEnterprise}, 4},
		{"match decisions accepted", `SELECT count(*) FROM match_decisions WHERE decision = 'accepted' AND docking_id IS NOT NULL`, nil, 10},
		{"match decisions rejected", `SELECT count(*) FROM match_decisions WHERE decision = 'rejected'`, nil, 5},
		{"matched dockings agreed", `SELECT count(*) FROM match_decisions d JOIN projects p ON p.id = d.docking_id WHERE p.stage = 'agreement'`, nil, 8},
		{"matched dockings declined", `SELECT count(*) FROM match_decisions d JOIN projects p ON p.id = d.docking_id WHERE p.stage = 'declined'`, nil, 8},
	} {
		var n int
		if err := db.QueryRowContext(ctx, c.q, c.args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if n < c.min {
			t.Errorf("%s: %d, want at least %d", c.what, n, c.min)
		}
	}
}

// checkNames: organisations are named like real ones, not numbered.
func checkNames(t *testing.T, db *store.DB) {
	rows, err := db.QueryContext(context.Background(), `SELECT name FROM organisations`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	numbered := regexp.MustCompile(`[0-9]{4,}$`)
	bad := 0
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if numbered.MatchString(name) {
			if bad++; bad <= 5 {
				t.Errorf("a numbered name: %s", name)
			}
		}
	}
}
