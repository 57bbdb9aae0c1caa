package compute

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Centres is the pool key of compute centres (match.Need.Pool).
const Centres = "centres"

func init() {
	// A compute demand asks for centres with free capacity at its
	// precision: at least its PFLOPS in operation and not committed to other
	// demands; cheaper centres and those on the national network first.
	match.Needs["compute_demand"] = match.Need{Topic: "算力", Pool: Centres, Query: func(pr program.Project) match.Query {
		p, _ := pr.Data["precision"].(string)
		need, _ := pr.Data["pflops"].(float64)
		q := match.Query{Text: fmt.Sprint(pr.Data["title"], " ", pr.Data["purpose"]), TextWeight: 0.3, Browse: true,
			Must:     []match.Constraint{match.In("precision", p), match.Between("free_"+p, need, 1e9)},
			Features: []match.Feature{{Name: "price_" + p, Weight: 0.4, Lower: true}, {Name: "national", Weight: 0.2}, {Name: "free_" + p, Weight: 0.1}}}
		return q
	}}
}

// centreSource is every compute centre, with what it has free today.
type centreSource struct{ today func() string }

// NewCentres returns the pool of compute centres.
func NewCentres(db *store.DB, seg *search.Segmenter) *match.Pool {
	return match.NewPool(db, seg, centreSource{today: func() string { return store.Now().Add(8 * time.Hour).Format(time.DateOnly) }})
}

func (centreSource) Config() match.Config {
	return match.Config{Fields: map[string]float64{"name": 2, "description": 1, "chips": 1}}
}

// Touched: capacity, a centre's profile or any record (a demand committing
// capacity) may change what centres have free; there are few centres, so
// all are read again.
func (centreSource) Touched(ctx context.Context, db *store.DB, evs []match.Event) ([]int64, error) {
	if len(match.Of(evs, "compute_capacity", "organisation", "project")) == 0 {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM organisations WHERE kind = 'compute'`)
	if err != nil {
		return nil, fmt.Errorf("compute: centres: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s centreSource) Load(ctx context.Context, db *store.DB, ids []int64) ([]match.Doc, error) {
	day := s.today()
	if d, ok := clock.Pinned(ctx); ok { // a server on a business date: what is free that day
		day = d.Format(time.DateOnly)
	}
	caps, err := InForce(ctx, db, day)
	if err != nil {
		return nil, err
	}
	want := map[int64]bool{}
	for _, id := range ids {
		want[id] = true
	}
	docs := map[int64]*match.Doc{}
	var order []int64
	rows, err := db.QueryContext(ctx, `SELECT id, name, description FROM organisations WHERE kind = 'compute'`)
	if err != nil {
		return nil, fmt.Errorf("compute: centres: %w", err)
	}
	for rows.Next() {
		var id int64
		var name, desc string
		if err := rows.Scan(&id, &name, &desc); err != nil {
			rows.Close()
			return nil, err
		}
		if ids != nil && !want[id] {
			continue
		}
		docs[id] = &match.Doc{ID: id, Text: map[string]string{"name": name, "description": desc}, Attrs: map[string][]string{}, Nums: map[string]float64{"national": 0}}
		order = append(order, id)
	}
	rows.Close()
	var chips = map[int64][]string{}
	for _, c := range caps {
		d := docs[c.OrganisationID]
		if d == nil || c.Status != "operating" {
			continue
		}
		if d.Nums["free_"+c.Precision] == 0 {
			d.Attrs["precision"] = append(d.Attrs["precision"], c.Precision)
		}
		d.Nums["free_"+c.Precision] += c.PFLOPS
		if c.Price > 0 && (d.Nums["price_"+c.Precision] == 0 || c.Price < d.Nums["price_"+c.Precision]) {
			d.Nums["price_"+c.Precision] = c.Price
		}
		if c.NationalNetwork {
			d.Nums["national"] = 1
		}
		if c.Chips != "" {
			chips[c.OrganisationID] = append(chips[c.OrganisationID], c.Chips)
		}
	}
	committed, err := Committed(ctx, db, day)
	if err != nil {
		return nil, err
	}
	for k, v := range committed {
		if d := docs[k.Centre]; d != nil {
			d.Nums["free_"+k.Precision] -= v
		}
	}
	out := make([]match.Doc, 0, len(order))
	for _, id := range order {
		d := docs[id]
		d.Text["chips"] = strings.Join(chips[id], " ")
		out = append(out, *d)
	}
	return out, nil
}

// CentrePrecision is a centre at a precision.
type CentrePrecision struct {
	Centre    int64
	Precision string
}

// Committed sums the PFLOPS that demands contracted or in use on day hold
// at each centre and precision (from their start for their days).
func Committed(ctx context.Context, db *store.DB, day string) (map[CentrePrecision]float64, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.data FROM projects p JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = 'compute_demand' AND p.stage IN ('contracted', 'in_use')`)
	if err != nil {
		return nil, fmt.Errorf("compute: committed: %w", err)
	}
	defer rows.Close()
	out := map[CentrePrecision]float64{}
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var d map[string]any
		if json.Unmarshal([]byte(raw), &d) != nil {
			continue
		}
		centre, _ := d["centre"].(float64)
		prec, _ := d["precision"].(string)
		pf, _ := d["pflops"].(float64)
		days, _ := d["days"].(float64)
		start, _ := d["start"].(string)
		from, err := time.Parse(time.DateOnly, start)
		if err != nil || centre <= 0 {
			continue
		}
		end := from.AddDate(0, 0, int(days)).Format(time.DateOnly)
		if start <= day && day < end {
			out[CentrePrecision{int64(centre), prec}] += pf
		}
	}
	return out, rows.Err()
}
