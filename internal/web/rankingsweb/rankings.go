package rankingsweb

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
	"github.com/xinzhi-platform/xinzhi/internal/web/charts"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// rankingsData is the rankings page: each series with its trend.
type rankingsData struct {
	Series []rankingView
}

type rankingView struct {
	ranking.Series
	Rising int
	Chart  string
}

func (s *area) rankingsData(r *http.Request) (*rankingsData, error) {
	all, err := ranking.All(r.Context(), s.DB)
	if err != nil {
		return nil, err
	}
	d := &rankingsData{}
	for _, x := range all {
		var years []string
		var ranks []int
		for _, e := range x.Entries {
			years = append(years, strconv.Itoa(e.Year))
			ranks = append(ranks, e.Rank)
		}
		b, _ := json.Marshal(map[string]any{"tooltip": map[string]any{"trigger": "axis"}, "xAxis": charts.CategoryAxis(years),
			"yAxis": map[string]any{"type": "value", "inverse": true, "minInterval": 1}, "series": []any{map[string]any{"type": "line", "name": x.Name, "data": ranks, "label": map[string]any{"show": true}}}})
		d.Series = append(d.Series, rankingView{x, x.Rising(), string(b)})
	}
	return d, nil
}

func (s *area) rankingsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.rankingsData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "ranking.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("returns.saved")
	}
	return s.pages.Render(w, http.StatusOK, "rankings", p)
}

// recordRanking keeps a year's entry (managers).
func (s *area) recordRanking(w http.ResponseWriter, r *http.Request) error {
	e := ranking.Entry{Year: int(site.FormWhole(r, "year")), Rank: int(site.FormWhole(r, "rank")), OfTotal: int(site.FormWhole(r, "of_total")), Published: r.FormValue("published"), Note: r.FormValue("note")}
	if err := ranking.Record(r.Context(), s.DB, r.PathValue("key"), e); err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "ranking.title", "rankings", func() (any, error) { return s.rankingsData(r) }, "year", "rank", "of_total", "published", "note"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/rankings?saved=1", http.StatusSeeOther)
	return nil
}

func (s *area) apiRankings(w http.ResponseWriter, r *http.Request) error {
	all, err := ranking.All(r.Context(), s.DB)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": all})
}

func (s *area) apiRecordRanking(w http.ResponseWriter, r *http.Request) error {
	var e ranking.Entry
	dec := json.NewDecoder(io.LimitReader(r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return problem.Invalid("body", "ai.bad_body")
	}
	if err := ranking.Record(r.Context(), s.DB, r.PathValue("key"), e); err != nil {
		return err
	}
	x, err := ranking.Get(r.Context(), s.DB, r.PathValue("key"))
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, x)
}
