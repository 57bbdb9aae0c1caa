package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/ai"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// aiData is the AI elements page: data sets, models and alliances in the
// catalogue on a day.
type aiData struct {
	Day       string
	Datasets  []ai.Dataset
	Models    []ai.Model
	Alliances []allianceView
	Accesses  []string
}

type allianceView struct {
	ai.Alliance
	Members []ai.Member
}

func (s *Server) aiData(r *http.Request) (*aiData, error) {
	ctx := r.Context()
	d := &aiData{Day: s.dataDay(), Accesses: ai.Accesses}
	var err error
	if d.Datasets, err = ai.Datasets(ctx, s.db, d.Day); err != nil {
		return nil, err
	}
	if d.Models, err = ai.Models(ctx, s.db, d.Day); err != nil {
		return nil, err
	}
	as, err := ai.Alliances(ctx, s.db, d.Day)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		ms, err := ai.Members(ctx, s.db, a.ID, d.Day)
		if err != nil {
			return nil, err
		}
		d.Alliances = append(d.Alliances, allianceView{a, ms})
	}
	return d, nil
}

func (s *Server) aiPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.aiData(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "ai.title", d)
	if n := r.URL.Query().Get("added"); n != "" {
		p.Flash = p.T("ai.added", n)
	}
	return s.render(w, http.StatusOK, "ai", p)
}

// ownerFor is the owner a write names: an organisation user registers for
// its own organisation; a manager names any.
func ownerFor(p access.Principal, named int64) (int64, error) {
	if p.Can(access.ProgramManage) {
		return named, nil
	}
	if p.OrgID == 0 {
		return 0, problem.New(problem.ErrForbidden, "error.status.403")
	}
	return p.OrgID, nil
}

func formWhole(r *http.Request, key string) int64 {
	n, _ := strconv.ParseInt(strings.NewReplacer(",", "", "，", "", " ", "").Replace(r.FormValue(key)), 10, 64)
	return n
}

// addDataset registers one data set from the form.
func (s *Server) addDataset(w http.ResponseWriter, r *http.Request) error {
	owner, err := ownerFor(info(r).principal, formWhole(r, "owner_id"))
	if err == nil {
		_, err = ai.AddDatasets(r.Context(), s.db, []ai.Dataset{{OwnerID: owner, Name: strings.TrimSpace(r.FormValue("name")), Domain: strings.TrimSpace(r.FormValue("domain")),
			Samples: formWhole(r, "samples"), Licence: r.FormValue("licence"), Access: r.FormValue("access"), Description: r.FormValue("description"), Registered: r.FormValue("registered")}})
	}
	return s.aiDone(w, r, err, 1, "owner_id", "name", "domain", "samples", "licence", "description", "registered")
}

// addModel registers one model from the form.
func (s *Server) addModel(w http.ResponseWriter, r *http.Request) error {
	owner, err := ownerFor(info(r).principal, formWhole(r, "owner_id"))
	if err == nil {
		_, err = ai.AddModel(r.Context(), s.db, ai.Model{OwnerID: owner, Name: strings.TrimSpace(r.FormValue("name")), BaseModel: r.FormValue("base_model"),
			Domain: strings.TrimSpace(r.FormValue("domain")), Evaluation: r.FormValue("evaluation"), Registered: r.FormValue("registered")})
	}
	return s.aiDone(w, r, err, 1, "owner_id", "name", "base_model", "domain", "evaluation", "registered")
}

func (s *Server) aiDone(w http.ResponseWriter, r *http.Request, err error, n int, fields ...string) error {
	if err != nil {
		if ok, rerr := s.refuse(w, r, err, "ai.title", "ai", func() (any, error) { return s.aiData(r) }, fields...); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/ai?added=%d", n), http.StatusSeeOther)
	return nil
}

// datasetColumns are the catalogue sheet's columns.
var datasetColumns = []tabular.Column{
	{Key: "owner", Headers: []string{"所有单位（统一社会信用代码或名称）", "所有单位", "owner"}, Required: true},
	{Key: "name", Headers: []string{"数据集名称", "名称", "name"}, Required: true},
	{Key: "domain", Headers: []string{"领域", "domain"}, Required: true},
	{Key: "samples", Headers: []string{"样本数", "samples"}, Required: true},
	{Key: "licence", Headers: []string{"许可", "licence"}},
	{Key: "access", Headers: []string{"开放方式", "access"}, Required: true},
	{Key: "registered", Headers: []string{"登记日期", "registered"}, Required: true},
	{Key: "description", Headers: []string{"说明", "description"}},
}

var accessNames = map[string]string{"开放": "open", "申请使用": "on_application", "内部使用": "internal"}

// importDatasets reads a catalogue sheet: every row or none, each bad cell
// named by its row (managers).
func (s *Server) importDatasets(w http.ResponseWriter, r *http.Request) error {
	n, err := s.readDatasets(r)
	return s.aiDone(w, r, err, n)
}

func (s *Server) readDatasets(r *http.Request) (int, error) {
	t, err := uploadedSheet(r)
	if err != nil {
		return 0, err
	}
	cols, hps := tabular.MapHeader(t.Header, datasetColumns)
	if len(hps) > 0 {
		return 0, problem.Invalid("file", "returns.sheet_column", datasetColumns[0].Headers[0])
	}
	var ds []ai.Dataset
	var ps problem.List
	for _, row := range t.Rows {
		cell := func(k string) string {
			if i, ok := cols[k]; ok && i < len(row.Cells) {
				return strings.TrimSpace(row.Cells[i])
			}
			return ""
		}
		o, err := registry.ByCreditCode(r.Context(), s.db, strings.ToUpper(cell("owner")))
		if err != nil {
			o, err = registry.ByName(r.Context(), s.db, cell("owner"))
		}
		if err != nil {
			ps = append(ps, problem.Invalid("file", "ai.row_owner", row.Num, cell("owner")))
			continue
		}
		samples, err := strconv.ParseInt(strings.ReplaceAll(cell("samples"), ",", ""), 10, 64)
		if err != nil {
			ps = append(ps, problem.Invalid("file", "ai.row_samples", row.Num, cell("samples")))
			continue
		}
		acc := cell("access")
		if v, ok := accessNames[acc]; ok {
			acc = v
		}
		ds = append(ds, ai.Dataset{OwnerID: o.ID, Name: cell("name"), Domain: cell("domain"), Samples: samples, Licence: cell("licence"), Access: acc, Registered: cell("registered"), Description: cell("description")})
	}
	if len(ps) > 0 {
		return 0, ps
	}
	if len(ds) == 0 {
		return 0, problem.Invalid("file", "ai.no_rows")
	}
	if _, err := ai.AddDatasets(r.Context(), s.db, ds); err != nil {
		var list problem.List
		if errors.As(err, &list) { // name the sheet's rows: data row i is sheet row t.Rows[i-1].Num
			for i, p := range list {
				var idx int
				var field string
				if _, serr := fmt.Sscanf(strings.Replace(p.Field, ".", " ", 1), "%d %s", &idx, &field); serr == nil && idx >= 1 && idx <= len(t.Rows) {
					list[i] = problem.Invalid("file", "ai.row_problem", t.Rows[idx-1].Num, p.Message(info(r).lang))
				}
			}
			return 0, list
		}
		return 0, err
	}
	return len(ds), nil
}

func (s *Server) apiAI(w http.ResponseWriter, r *http.Request) error {
	d, err := s.aiData(r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, d)
}

// apiAddDatasets registers data sets (a JSON array), all or none.
func (s *Server) apiAddDatasets(w http.ResponseWriter, r *http.Request) error {
	var ds []ai.Dataset
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ds); err != nil {
		return problem.Invalid("body", "ai.bad_body")
	}
	for i := range ds {
		owner, err := ownerFor(info(r).principal, ds[i].OwnerID)
		if err != nil {
			return err
		}
		ds[i].OwnerID = owner
	}
	out, err := ai.AddDatasets(r.Context(), s.db, ds)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"items": out})
}

func (s *Server) apiAddModel(w http.ResponseWriter, r *http.Request) error {
	var m ai.Model
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return problem.Invalid("body", "ai.bad_body")
	}
	owner, err := ownerFor(info(r).principal, m.OwnerID)
	if err != nil {
		return err
	}
	m.OwnerID = owner
	if m, err = ai.AddModel(r.Context(), s.db, m); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, m)
}

// rankingsData is the rankings page: each series with its trend.
type rankingsData struct {
	Series []rankingView
}

type rankingView struct {
	ranking.Series
	Rising int
	Chart  string
}

func (s *Server) rankingsData(r *http.Request) (*rankingsData, error) {
	all, err := ranking.All(r.Context(), s.db)
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
		b, _ := json.Marshal(map[string]any{"tooltip": map[string]any{"trigger": "axis"}, "xAxis": chartCategoryAxis(years),
			"yAxis": map[string]any{"type": "value", "inverse": true, "minInterval": 1}, "series": []any{map[string]any{"type": "line", "name": x.Name, "data": ranks, "label": map[string]any{"show": true}}}})
		d.Series = append(d.Series, rankingView{x, x.Rising(), string(b)})
	}
	return d, nil
}

func (s *Server) rankingsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.rankingsData(r)
	if err != nil {
		return err
	}
	p := s.newPage(w, r, "ranking.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("returns.saved")
	}
	return s.render(w, http.StatusOK, "rankings", p)
}

// recordRanking keeps a year's entry (managers).
func (s *Server) recordRanking(w http.ResponseWriter, r *http.Request) error {
	e := ranking.Entry{Year: int(formWhole(r, "year")), Rank: int(formWhole(r, "rank")), OfTotal: int(formWhole(r, "of_total")), Published: r.FormValue("published"), Note: r.FormValue("note")}
	if err := ranking.Record(r.Context(), s.db, r.PathValue("key"), e); err != nil {
		if ok, rerr := s.refuse(w, r, err, "ranking.title", "rankings", func() (any, error) { return s.rankingsData(r) }, "year", "rank", "of_total", "published", "note"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/rankings?saved=1", http.StatusSeeOther)
	return nil
}

func (s *Server) apiRankings(w http.ResponseWriter, r *http.Request) error {
	all, err := ranking.All(r.Context(), s.db)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"items": all})
}

func (s *Server) apiRecordRanking(w http.ResponseWriter, r *http.Request) error {
	var e ranking.Entry
	dec := json.NewDecoder(io.LimitReader(r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return problem.Invalid("body", "ai.bad_body")
	}
	if err := ranking.Record(r.Context(), s.db, r.PathValue("key"), e); err != nil {
		return err
	}
	x, err := ranking.Get(r.Context(), s.db, r.PathValue("key"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, x)
}
