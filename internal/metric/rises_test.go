package metric_test

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestRankingRises: measure rises counts the editions in a row, back from
// the latest published by the as-of date, that placed higher than the one
// before, and lists those editions with the one the streak started from;
// where.tag counts the latest edition only if its note holds the words.
func TestRankingRises(t *testing.T) {
	set, err := metric.Load(fstest.MapFS{"r.yaml": {Data: []byte(`
- {id: rises, name: 连续进位, unit: 年, kind: simple, model: rankings, where: {kind: [city]}, window: state, measure: rises}
- {id: place, name: 位次, unit: 名, kind: simple, model: rankings, where: {kind: [city]}, window: state, measure: "sum:rank"}
- {id: first, name: 东北首位, unit: 期, kind: simple, model: rankings, where: {kind: [city], tag: [东北首位]}, window: state, measure: count}
`)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := metric.Load(fstest.MapFS{"bad.yaml": {Data: []byte(`- {id: x, name: x, kind: simple, model: projects, where: {program: [p], stage: [s]}, window: state, measure: rises}`)}}); err == nil {
		t.Error("rises over projects was accepted")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := ranking.AddSeries(ctx, db, ranking.Series{Key: "city", Name: "城市排名"}); err != nil {
			t.Fatal(err)
		}
		// 20 → 22 (down), then up four years: 21, 19, 18, 16; then down to 17.
		for _, e := range []ranking.Entry{{Year: 2019, Rank: 20, Published: "2020-03-10"}, {Year: 2020, Rank: 22, Published: "2021-03-16"}, {Year: 2021, Rank: 21, Published: "2022-03-22"},
			{Year: 2022, Rank: 19, Published: "2023-03-21"}, {Year: 2023, Rank: 18, Published: "2024-03-19"}, {Year: 2024, Rank: 16, Published: "2025-03-18", Note: "全国第16名，东北首位"}, {Year: 2025, Rank: 17, Published: "2026-03-18"}} {
			if err := ranking.Record(ctx, db, "city", e); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			asOf                string
			rises, place, first float64
			records             int
		}{
			{"2020-06-30", 0, 20, 0, 1}, // one edition: nothing to rise from
			{"2021-06-30", 0, 22, 0, 1}, // fell
			{"2022-06-30", 1, 21, 0, 2},
			{"2024-12-31", 3, 18, 0, 4},
			{"2025-06-30", 4, 16, 1, 5},
			{"2026-06-30", 0, 17, 0, 1}, // fell again, and the note was 2024's
			{"2019-06-30", 0, 0, 0, 0},  // nothing published yet
		} {
			at, _ := time.Parse(time.DateOnly, c.asOf)
			r, err := metric.Eval(ctx, db, set, "rises", metric.Params{AsOf: at, Records: true})
			if err != nil {
				t.Fatal(err)
			}
			p, err := metric.Eval(ctx, db, set, "place", metric.Params{AsOf: at})
			if err != nil {
				t.Fatal(err)
			}
			f, err := metric.Eval(ctx, db, set, "first", metric.Params{AsOf: at})
			if err != nil {
				t.Fatal(err)
			}
			if r.Value != c.rises || p.Value != c.place || len(r.IDs) != c.records || f.Value != c.first {
				t.Errorf("as of %s: rises %v over %d editions, place %v, first %v; want %v over %d, %v, %v", c.asOf, r.Value, len(r.IDs), p.Value, f.Value, c.rises, c.records, c.place, c.first)
			}
		}
	})
}
