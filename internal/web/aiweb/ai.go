package aiweb

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
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// aiData is the AI elements page: data sets, models and alliances in the
// catalogue on a day.
type aiData struct {
	Day       string         `json:"day"`
	Datasets  []ai.Dataset   `json:"datasets"`
	Models    []ai.Model     `json:"models"`
	Alliances []allianceView `json:"alliances"`
	Accesses  []string       `json:"-"` // the page's choices
}

// allianceView is an alliance with its members on the day (the embedded
// Alliance's "members" is their count).
type allianceView struct {
	ai.Alliance
	Members []ai.Member `json:"member_list"`
}

func (s *area) aiData(r *http.Request) (*aiData, error) {
	ctx := r.Context()
	d := &aiData{Day: s.DataDay(), Accesses: ai.Accesses, Alliances: []allianceView{}}
	var err error
	if d.Datasets, err = ai.Datasets(ctx, s.DB, d.Day); err != nil {
		return nil, err
	}
	if d.Models, err = ai.Models(ctx, s.DB, d.Day); err != nil {
		return nil, err
	}
	as, err := ai.Alliances(ctx, s.DB, d.Day)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		ms, err := ai.Members(ctx, s.DB, a.ID, d.Day)
		if err != nil {
			return nil, err
		}
		d.Alliances = append(d.Alliances, allianceView{a, ms})
	}
	return d, nil
}

func (s *area) aiPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.aiData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "ai.title", d)
	if n := r.URL.Query().Get("added"); n != "" {
		p.Flash = p.T("ai.added", n)
	}
	return s.pages.Render(w, http.StatusOK, "ai", p)
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

// addDataset registers one data set from the form.
func (s *area) addDataset(w http.ResponseWriter, r *http.Request) error {
	owner, err := ownerFor(site.Info(r).Principal, site.FormWhole(r, "owner_id"))
	if err == nil {
		_, err = ai.AddDatasets(r.Context(), s.DB, []ai.Dataset{{OwnerID: owner, Name: strings.TrimSpace(r.FormValue("name")), Domain: strings.TrimSpace(r.FormValue("domain")),
			Samples: site.FormWhole(r, "samples"), Licence: r.FormValue("licence"), Access: r.FormValue("access"), Description: r.FormValue("description"), Registered: r.FormValue("registered")}})
	}
	return s.aiDone(w, r, err, 1, "owner_id", "name", "domain", "samples", "licence", "description", "registered")
}

// addModel registers one model from the form.
func (s *area) addModel(w http.ResponseWriter, r *http.Request) error {
	owner, err := ownerFor(site.Info(r).Principal, site.FormWhole(r, "owner_id"))
	if err == nil {
		_, err = ai.AddModel(r.Context(), s.DB, ai.Model{OwnerID: owner, Name: strings.TrimSpace(r.FormValue("name")), BaseModel: r.FormValue("base_model"),
			Domain: strings.TrimSpace(r.FormValue("domain")), Evaluation: r.FormValue("evaluation"), Registered: r.FormValue("registered")})
	}
	return s.aiDone(w, r, err, 1, "owner_id", "name", "base_model", "domain", "evaluation", "registered")
}

func (s *area) aiDone(w http.ResponseWriter, r *http.Request, err error, n int, fields ...string) error {
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "ai.title", "ai", func() (any, error) { return s.aiData(r) }, fields...); ok {
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
func (s *area) importDatasets(w http.ResponseWriter, r *http.Request) error {
	n, err := s.readDatasets(r)
	return s.aiDone(w, r, err, n)
}

func (s *area) readDatasets(r *http.Request) (int, error) {
	t, err := site.UploadedSheet(r)
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
		o, err := registry.ByCreditCode(r.Context(), s.DB, strings.ToUpper(cell("owner")))
		if err != nil {
			o, err = registry.ByName(r.Context(), s.DB, cell("owner"))
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
	if _, err := ai.AddDatasets(r.Context(), s.DB, ds); err != nil {
		var list problem.List
		if errors.As(err, &list) { // name the sheet's rows: data row i is sheet row t.Rows[i-1].Num
			for i, p := range list {
				var idx int
				var field string
				if _, serr := fmt.Sscanf(strings.Replace(p.Field, ".", " ", 1), "%d %s", &idx, &field); serr == nil && idx >= 1 && idx <= len(t.Rows) {
					list[i] = problem.Invalid("file", "ai.row_problem", t.Rows[idx-1].Num, p.Message(site.Info(r).Lang))
				}
			}
			return 0, list
		}
		return 0, err
	}
	return len(ds), nil
}

func (s *area) apiAI(w http.ResponseWriter, r *http.Request) error {
	d, err := s.aiData(r)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, d)
}

// apiAddDatasets registers data sets (a JSON array), all or none.
func (s *area) apiAddDatasets(w http.ResponseWriter, r *http.Request) error {
	var ds []ai.Dataset
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ds); err != nil {
		return problem.Invalid("body", "ai.bad_body")
	}
	for i := range ds {
		owner, err := ownerFor(site.Info(r).Principal, ds[i].OwnerID)
		if err != nil {
			return err
		}
		ds[i].OwnerID = owner
	}
	out, err := ai.AddDatasets(r.Context(), s.DB, ds)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, map[string]any{"items": out})
}

func (s *area) apiAddModel(w http.ResponseWriter, r *http.Request) error {
	var m ai.Model
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return problem.Invalid("body", "ai.bad_body")
	}
	owner, err := ownerFor(site.Info(r).Principal, m.OwnerID)
	if err != nil {
		return err
	}
	m.OwnerID = owner
	if m, err = ai.AddModel(r.Context(), s.DB, m); err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, m)
}
