package chain

import (
	"context"
	"fmt"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Tackling is the 325 model across every chain: for a dimension, its
// bottleneck technologies, how many each way is tackling (a technology
// counts under every way with a record under way) and how many nothing is.
type Tackling struct {
	Dimension string         `json:"dimension"`
	Total     int            `json:"total"`
	Ways      map[string]int `json:"ways"`
	None      int            `json:"none"`
}

// Summary counts the bottleneck technologies of all chains by dimension
// and way, in the order of Dimensions (those without one last, as "").
func Summary(ctx context.Context, q store.Querier) ([]Tackling, error) {
	rows, err := q.QueryContext(ctx, `SELECT k.id, k.dimension, COALESCE(r.way, ''), COALESCE(p.stage, '') FROM key_technologies k
		LEFT JOIN key_technology_records r ON r.technology_id = k.id LEFT JOIN projects p ON p.id = r.project_id WHERE k.bottleneck ORDER BY k.id`)
	if err != nil {
		return nil, fmt.Errorf("tackling summary: %w", err)
	}
	defer rows.Close()
	dims := map[string]map[int64]map[string]bool{} // dimension → technology → ways under way
	for rows.Next() {
		var id int64
		var dim, way, stage string
		if err := rows.Scan(&id, &dim, &way, &stage); err != nil {
			return nil, fmt.Errorf("tackling summary: %w", err)
		}
		if dims[dim] == nil {
			dims[dim] = map[int64]map[string]bool{}
		}
		if dims[dim][id] == nil {
			dims[dim][id] = map[string]bool{}
		}
		if way != "" && !slices.Contains(stalled, stage) {
			dims[dim][id][way] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Tackling
	for _, dim := range append(slices.Clone(Dimensions), "") {
		techs, ok := dims[dim]
		if !ok {
			continue
		}
		t := Tackling{Dimension: dim, Total: len(techs), Ways: map[string]int{}}
		for _, ways := range techs {
			if len(ways) == 0 {
				t.None++
			}
			for w := range ways {
				t.Ways[w]++
			}
		}
		out = append(out, t)
	}
	return out, nil
}
