package democity

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
)

// classCategory is the certification form's category for a class of the
// 兴沈英才计划 2022版 (the form's E 青年骨干人才 is no class of that
// version: its doctorate and young talents are D 拔尖).
var classCategory = map[string]string{"A": "A类 顶尖人才", "B": "B类 国家级领军人才", "C": "C类 地方级领军人才", "D": "D类 拔尖人才"}

// demoItems draws the catalogue item a demo certification rests on.
type demoItems struct {
	r       *rand.Rand
	byClass map[string][]talent.Item
	byCode  map[string]talent.Item
}

// catalogueItems reads the shipped catalogue's items, with a random stream
// of their own.
func (g *gen) catalogueItems() (*demoItems, error) {
	c, err := talent.CatalogueByKey(g.ctx, g.db, "xingshen-2022")
	if err != nil {
		return nil, fmt.Errorf("demo city: talent catalogue: %w", err)
	}
	d := &demoItems{r: rand.New(rand.NewPCG(g.opt.Seed^0xca7a1060, g.opt.Seed)), byClass: map[string][]talent.Item{}, byCode: map[string]talent.Item{}}
	for _, it := range c.Items {
		d.byClass[it.Class] = append(d.byClass[it.Class], it)
		d.byCode[it.Code] = it
	}
	for _, k := range []string{"A", "B", "C", "D"} {
		if len(d.byClass[k]) == 0 {
			return nil, fmt.Errorf("demo city: talent catalogue has no class %s items", k)
		}
	}
	return d, nil
}

// pick is the item for a certification drawn as category cat by path: a C
// drawn is now and then a B (about one in seventeen) and rarely an A (one
// in two hundred); a D stays D; an E (young key talent) is a D for
// doctorate holders or young talents. Those certified by salary rest on
// the salary item of their class.
func (d *demoItems) pick(cat, path string) talent.Item {
	class := "D"
	if cat[:1] == "C" {
		switch x := d.r.IntN(200); {
		case x == 0:
			class = "A"
		case x < 12:
			class = "B"
		default:
			class = "C"
		}
	}
	switch {
	case path == "薪酬认定" && class == "C":
		return d.byCode["C5"]
	case path == "薪酬认定" && class == "D":
		return d.byCode["D5"]
	case cat[:1] == "E":
		return []talent.Item{d.byCode["D1"], d.byCode["D3"]}[d.r.IntN(2)]
	}
	var xs []talent.Item
	for _, it := range d.byClass[class] {
		if it.Code != "C5" && it.Code != "D5" { // the salary items are for the salary path
			xs = append(xs, it)
		}
	}
	return xs[d.r.IntN(len(xs))]
}

// restCertifications rests the demo's certifications, in the order they
// were made, on their items.
func (g *gen) restCertifications(items []int64) error {
	rows, err := g.db.QueryContext(g.ctx, `SELECT p.id, p.data FROM projects p JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = ? ORDER BY p.id`, talent.Certification)
	if err != nil {
		return fmt.Errorf("demo city: certifications: %w", err)
	}
	var rests []talent.Rest
	for rows.Next() {
		var id int64
		var raw string
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return fmt.Errorf("demo city: certifications: %w", err)
		}
		if len(rests) < len(items) {
			rests = append(rests, talent.Rest{ProjectID: id, ItemID: items[len(rests)]})
		}
		var d map[string]any
		_ = json.Unmarshal([]byte(raw), &d)
		if _, ok := d["category"].(string); !ok {
			rows.Close()
			return fmt.Errorf("demo city: certification %d has no category", id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(rests) != len(items) {
		return fmt.Errorf("demo city: %d certifications for %d items", len(rests), len(items))
	}
	return g.db.InTx(g.ctx, func(tx *store.Tx) error { return talent.RestOn(g.ctx, tx, rests) })
}
