package programsweb

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// rerankWeight is the share of the embeddings' similarity in the order
// (the matcher's score, scaled to the best, has the rest). Not yet tuned
// on judged pairs: re-ranking is offered, never imposed.
const rerankWeight = 0.5

// rerank reorders d's candidates by the need's and each organisation's
// profile embeddings (name and description, as the matcher indexes them).
func (s *area) rerank(r *http.Request, d *suggestionsData) error {
	ctx := r.Context()
	v := d.View
	need := []string{v.Title}
	for _, f := range v.Template.Form {
		if f.Type == "text" || f.Type == "longtext" {
			if x, ok := v.Data[f.Key].(string); ok && x != v.Title {
				need = append(need, x)
			}
		}
	}
	ids := make([]int64, len(d.Candidates))
	for i, c := range d.Candidates {
		ids[i] = c.ID
	}
	profile := map[int64]string{}
	err := match.InBatches(ids, func(list string, args []any) error {
		rows, err := s.DB.QueryContext(ctx, `SELECT id, name, description FROM organisations WHERE id IN (`+list+`)`, args...)
		if err != nil {
			return fmt.Errorf("re-rank: profiles: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var name, desc string
			if err := rows.Scan(&id, &name, &desc); err != nil {
				return err
			}
			profile[id] = name + "：" + desc
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	ranked := make([]assist.Ranked, len(d.Candidates))
	for i, c := range d.Candidates {
		ranked[i] = assist.Ranked{ID: c.ID, Text: profile[c.ID], Score: c.Score}
	}
	pr := site.Info(r).Principal
	out, err := s.Assist.Rerank(ctx, assist.Who{UserID: pr.UserID, Name: pr.Name}, strings.Join(need, "\n"), ranked, rerankWeight)
	if err != nil {
		return err
	}
	byID := map[int64]match.Candidate{}
	for _, c := range d.Candidates {
		byID[c.ID] = c
	}
	d.Similarity = map[int64]float64{}
	d.Candidates = d.Candidates[:0]
	for _, x := range out {
		d.Candidates = append(d.Candidates, byID[x.ID])
		d.Similarity[x.ID] = x.Similarity
	}
	d.Reranked = true
	return nil
}
