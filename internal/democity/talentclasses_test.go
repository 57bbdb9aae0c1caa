package democity_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// checkTalentClasses: every demo certification rests on an item of the
// 兴沈英才计划 2022版; most are C and D, a few B, an A at most rarely; the
// record's category and the person's level agree with the item's class.
func checkTalentClasses(t *testing.T, db *store.DB) {
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT p.data, COALESCE(i.class_key, ''), COALESCE(c.key, ''), COALESCE(pe.talent_level, ''), COALESCE(pe.id, 0)
		FROM projects p JOIN program_templates t ON t.id = p.template_id
		LEFT JOIN talent_recognitions r ON r.project_id = p.id LEFT JOIN talent_catalogue_items i ON i.id = r.item_id
		LEFT JOIN talent_catalogues c ON c.id = i.catalogue_id
		LEFT JOIN project_parties pp ON pp.project_id = p.id AND pp.role = 'field:talent' LEFT JOIN people pe ON pe.id = pp.person_id
		WHERE t.key = 'talent_certification'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	by := map[string]int{}
	n := 0
	classes, levels := map[int64]map[string]bool{}, map[int64]string{} // by person
	for rows.Next() {
		var raw, class, catalogue, level string
		var person int64
		if err := rows.Scan(&raw, &class, &catalogue, &level, &person); err != nil {
			t.Fatal(err)
		}
		n++
		if catalogue != "xingshen-2022" {
			t.Errorf("a certification rests on %q, not an item of 兴沈英才计划 2022版", catalogue)
			continue
		}
		var d map[string]any
		_ = json.Unmarshal([]byte(raw), &d)
		if cat, _ := d["category"].(string); !strings.HasPrefix(cat, class+"类") {
			t.Errorf("category %q on a record resting on a class %s item", cat, class)
		}
		if classes[person] == nil {
			classes[person] = map[string]bool{}
		}
		classes[person][class], levels[person] = true, level
		by[class]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo certifications by class: %v of %d", by, n)
	if n < 400 {
		t.Fatalf("%d certifications", n)
	}
	if by["C"]+by["D"] < n*9/10 || by["B"] < 3 || by["B"] > n/20 || by["A"] > 3 {
		t.Errorf("classes %v of %d: want mostly C and D, a few B, A rare", by, n)
	}
	for person, level := range levels {
		if !classes[person][level] { // one certified twice holds the later class
			t.Errorf("person %d holds level %q, the class of none of their certifications %v", person, level, classes[person])
		}
	}
}
