package ranking_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

func TestSeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := ranking.AddSeries(ctx, db, ranking.Series{Key: "Bad Key", Name: ""}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a bad series: %v", err)
		}
		if _, err := ranking.AddSeries(ctx, db, ranking.Series{Key: "innovative_city", Name: "国家创新型城市创新能力评价"}); err != nil {
			t.Fatal(err)
		}
		for _, e := range []ranking.Entry{{Year: 2020, Rank: 22, Published: "2021-03-16"}, {Year: 2021, Rank: 21, Published: "2022-03-22"},
			{Year: 2022, Rank: 19, Published: "2023-03-21"}, {Year: 2023, Rank: 18, Published: "2024-03-19"}, {Year: 2024, Rank: 17, Published: "2025-03-18"}} {
			if err := ranking.Record(ctx, db, "innovative_city", e); err != nil {
				t.Fatal(err)
			}
		}
		// The publisher revises 2024's edition: the entry is replaced.
		if err := ranking.Record(ctx, db, "innovative_city", ranking.Entry{Year: 2024, Rank: 16, OfTotal: 103, Published: "2025-03-18"}); err != nil {
			t.Fatal(err)
		}
		if err := ranking.Record(ctx, db, "innovative_city", ranking.Entry{Year: 2024, Rank: 0, OfTotal: 103, Published: "2025"}); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a bad entry: %v", err)
		}
		if err := ranking.Record(ctx, db, "nope", ranking.Entry{Year: 2024, Rank: 3, Published: "2025-03-18"}); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("an unknown series: %v", err)
		}
		s, err := ranking.Get(ctx, db, "innovative_city")
		if err != nil || len(s.Entries) != 5 {
			t.Fatalf("%+v %v", s, err)
		}
		if last := s.Entries[4]; last.Rank != 16 || last.Change != 2 || s.Rising() != 4 {
			t.Errorf("2024: %+v, rising %d years", last, s.Rising())
		}
	})
}
