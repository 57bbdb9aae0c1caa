package democity_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// testKeys seal the demo city's personal data in the tests.
func testKeys(t *testing.T) *seal.Keyring {
	t.Helper()
	line, err := seal.NewKeyLine("kdemo")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// checkPeople: the city holds its people, with valid sealed ID numbers,
// and every record that names a person names one of them, as a party.
func checkPeople(t *testing.T, db *store.DB, keys *seal.Keyring) {
	ctx := context.Background()
	if n := count(t, db, `SELECT COUNT(*) FROM people`); n < 20000 {
		t.Errorf("%d people, want at least 20,000", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM organisations o WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.organisation_id = o.id)`); n != 0 {
		t.Errorf("%d organisations without a person", n)
	}
	// English pages name the city's calls in English.
	if n := count(t, db, `SELECT COUNT(*) FROM calls c JOIN program_templates t ON t.id = c.template_id WHERE c.name_en = '' AND t.source LIKE '%name_en:%'`); n != 0 {
		t.Errorf("%d calls of programs with an English name have none", n)
	}
	// The demo enterprise's profile is whole: address, yearly figures, a team.
	if n := count(t, db, `SELECT COUNT(DISTINCT f.kind) FROM organisation_figures f JOIN organisations o ON o.id = f.organisation_id WHERE o.name = ? AND o.address <> ''`, democity.DemoEnterprise); n < 7 {
		t.Errorf("the demo enterprise's profile has %d kinds of figures", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE o.name = ?`, democity.DemoEnterprise); n < 10 {
		t.Errorf("the demo enterprise has %d people", n)
	}
	ps, _, _, err := registry.People(ctx, db, keys, 0, registry.PeopleFilter{PerPage: 50}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		res, err := stdcode.CheckIDNumber(p.IDNumber, time.Now())
		if err != nil {
			t.Errorf("person %d (%s): ID number %q: %v", p.ID, p.Name, p.IDNumber, err)
			continue
		}
		if res.Birth.Year() != p.BirthYear || res.Male != (p.Gender == "male") {
			t.Errorf("person %d: ID number %s disagrees with birth year %d, gender %s", p.ID, p.IDNumber, p.BirthYear, p.Gender)
		}
		if p.Name == "" || p.Degree == "" {
			t.Errorf("person %d: a thin profile %+v", p.ID, p)
		}
	}
	masked, _, _, err := registry.People(ctx, db, keys, 0, registry.PeopleFilter{PerPage: 5}, false)
	if err != nil || len(masked) == 0 || masked[0].IDNumber == ps[0].IDNumber {
		t.Errorf("people listed unmasked: %+v, %v", masked, err)
	}
	// Every person field of every record names a person of the registry,
	// and is a party of the record.
	rows, err := db.QueryContext(ctx, `SELECT p.id, t.key, t.source, p.data FROM projects p JOIN program_templates t ON t.id = p.template_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	tmpls := map[string]*program.Template{}
	refs, records := 0, 0
	for rows.Next() {
		var id int64
		var key, body, raw string
		if err := rows.Scan(&id, &key, &body, &raw); err != nil {
			t.Fatal(err)
		}
		tp := tmpls[key]
		if tp == nil {
			if tp, err = program.Parse([]byte(body)); err != nil {
				t.Fatal(err)
			}
			tmpls[key] = tp
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			t.Fatal(err)
		}
		for _, f := range tp.Form {
			if f.Type != "person" {
				continue
			}
			records++
			v, ok := d[f.Key].(float64)
			if !ok || v <= 0 {
				t.Errorf("record %d of %s names nobody in %s", id, key, f.Key)
				continue
			}
			refs++
		}
	}
	if records < 10000 {
		t.Errorf("only %d person fields in the records", records)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM project_parties pp JOIN people p ON p.id = pp.person_id WHERE pp.role LIKE 'field:%'`); n < refs {
		t.Errorf("%d person parties for %d person fields", n, refs)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM projects p JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = 'talent_certification' AND p.stage = 'certified' AND NOT EXISTS (SELECT 1 FROM project_parties pp JOIN people x ON x.id = pp.person_id
		WHERE pp.project_id = p.id AND x.talent_level IS NOT NULL)`); n != 0 {
		t.Errorf("%d certified talents without a talent level", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM project_parties pp JOIN projects p ON p.id = pp.project_id JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = 'transplant_team' AND pp.role = 'field:person'`); n < 20*3 {
		t.Errorf("transplanted teams have %d members, want three or more each", n)
	}
}

// checkExperts: the pool's experts have accounts, fields and employment;
// past records were reviewed by full panels without a conflict; the records
// in review had their experts drawn by the engine, which found conflicts;
// each demo expert has a review waiting.
func checkExperts(t *testing.T, db *store.DB) {
	ctx := context.Background()
	if n := count(t, db, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'reviewer' AND u.person_id IS NOT NULL
		AND EXISTS (SELECT 1 FROM expert_fields f WHERE f.user_id = u.id) AND EXISTS (SELECT 1 FROM person_employment e WHERE e.person_id = u.person_id)`); n < 300 {
		t.Errorf("%d experts with a person, fields and employment, want 300", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM (SELECT person_id FROM person_employment GROUP BY person_id HAVING COUNT(*) > 1) m`); n < 50 {
		t.Errorf("%d experts who changed employer, want at least 50", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM review_assignments WHERE status = 'submitted'`); n < 5000 {
		t.Errorf("%d submitted reviews, want thousands", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM review_assignments a WHERE a.status = 'submitted' AND NOT EXISTS (SELECT 1 FROM review_scores s WHERE s.assignment_id = a.id)`); n != 0 {
		t.Errorf("%d submitted reviews without scores", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM review_exclusions WHERE reason IN ('own_org', 'former_employer', 'co_applicant', 'parent', 'child')`); n < 1 {
		t.Error("the engine found no conflict among the records in review")
	}
	// No past panel holds an expert who ever worked for the applicant; no
	// panel drawn by the engine one who works there or left within the
	// conflict window (three years).
	if n := count(t, db, `SELECT COUNT(*) FROM review_assignments a JOIN projects p ON p.id = a.project_id JOIN users u ON u.id = a.reviewer_id
		JOIN person_employment e ON e.person_id = u.person_id AND e.organisation_id = p.organisation_id WHERE a.assigned_by = '演示数据'`); n != 0 {
		t.Errorf("%d past reviews by an expert of the applicant", n)
	}
	window := time.Now().AddDate(-3, 0, 0).Format(time.DateOnly)
	if n := count(t, db, `SELECT COUNT(*) FROM review_assignments a JOIN projects p ON p.id = a.project_id JOIN users u ON u.id = a.reviewer_id
		JOIN person_employment e ON e.person_id = u.person_id AND e.organisation_id = p.organisation_id
		WHERE a.assigned_by <> '演示数据' AND a.override_reason = '' AND (e.ended = '' OR e.ended >= ?)`, window); n != 0 {
		t.Errorf("%d reviews drawn by the engine went to an expert of the applicant", n)
	}
	// A sample of past reviews, checked by the engine's own conflict rule.
	rows, err := db.QueryContext(ctx, `SELECT reviewer_id, project_id FROM review_assignments WHERE assigned_by = '演示数据' ORDER BY id LIMIT 40`)
	if err != nil {
		t.Fatal(err)
	}
	var pairs [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	for _, p := range pairs {
		cs, err := program.Conflicts(ctx, db, p[0], p[1], 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			if c.Reason != program.ConflictCoApplicant { // co-applications accrue after the review
				t.Errorf("reviewer %d on record %d: conflict %+v", p[0], p[1], c)
			}
		}
	}
	for _, name := range democity.DemoReviewers {
		if n := count(t, db, `SELECT COUNT(*) FROM review_assignments a JOIN users u ON u.id = a.reviewer_id WHERE u.username = ? AND a.status = 'assigned'`, name); n < 1 {
			t.Errorf("%s has no review waiting", name)
		}
	}
	// 重大装备 matches experts on the record's chain: every panel, past or
	// drawn by the engine, is of experts of that chain.
	fields := map[int64]map[string]bool{}
	frows, err := db.QueryContext(ctx, `SELECT user_id, field FROM expert_fields`)
	if err != nil {
		t.Fatal(err)
	}
	for frows.Next() {
		var u int64
		var f string
		if err := frows.Scan(&u, &f); err != nil {
			t.Fatal(err)
		}
		if fields[u] == nil {
			fields[u] = map[string]bool{}
		}
		fields[u][f] = true
	}
	frows.Close()
	arows, err := db.QueryContext(ctx, `SELECT a.reviewer_id, p.data FROM review_assignments a JOIN projects p ON p.id = a.project_id
		JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'major_equipment_tackling' AND a.override_reason = ''`)
	if err != nil {
		t.Fatal(err)
	}
	panels, off := 0, 0
	for arows.Next() {
		var u int64
		var raw string
		if err := arows.Scan(&u, &raw); err != nil {
			t.Fatal(err)
		}
		var d map[string]any
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			t.Fatal(err)
		}
		panels++
		if chain, _ := d["chain"].(string); !fields[u][chain] {
			off++
		}
	}
	arows.Close()
	if panels < 100 || off != 0 {
		t.Errorf("重大装备: %d reviews, %d by experts of another chain", panels, off)
	}
	// Panels a manager can decide on: the template's number of sheets in
	// (two special projects, as the browser walk of the manager needs).
	if n := count(t, db, `SELECT COUNT(*) FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'major_special_project' AND p.stage = 'review'
		AND (SELECT COUNT(*) FROM review_assignments a WHERE a.project_id = p.id AND a.status = 'submitted') >= 5`); n < 2 {
		t.Errorf("%d special projects with their five sheets in, want 2", n)
	}
	// Panels in review: none in, part in, all in.
	if n := count(t, db, `SELECT COUNT(*) FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'major_equipment_tackling' AND p.stage = 'review'
		AND (SELECT COUNT(*) FROM review_assignments a WHERE a.project_id = p.id AND a.status = 'submitted') >= 3`); n < 2 {
		t.Errorf("%d records in review with three scores in", n)
	}
}

// checkDisciplines: a university's disciplines and majors fit what it
// teaches: no traditional medicine or fine arts at 东北大学, nothing but
// music at the conservatory; disciplines carry their codes.
func checkDisciplines(t *testing.T, db *store.DB) {
	for _, c := range []struct {
		uni, name string
		want      bool
	}{{"东北大学", "中医学", false}, {"东北大学", "美术", false}, {"东北大学", "控制科学与工程", true}, {"鲁迅美术学院", "冶金工程", false}} {
		n := count(t, db, `SELECT COUNT(*) FROM disciplines d JOIN organisations o ON o.id = d.organisation_id WHERE o.name = ? AND d.name = ?`, c.uni, c.name)
		if (n > 0) != c.want {
			t.Errorf("%s has %s: %d, want %v", c.uni, c.name, n, c.want)
		}
	}
	if n := count(t, db, `SELECT COUNT(*) FROM disciplines d JOIN organisations o ON o.id = d.organisation_id
		WHERE o.name = '沈阳音乐学院' AND d.kind = 'discipline' AND d.name <> '音乐'`); n != 0 {
		t.Errorf("the conservatory has %d disciplines other than music", n)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM disciplines WHERE kind = 'discipline' AND code = ''`); n != 0 {
		t.Errorf("%d disciplines without a code", n)
	}
}
