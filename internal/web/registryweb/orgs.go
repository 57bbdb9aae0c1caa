package registryweb

import (
	"encoding/json"
	"errors"
	"github.com/xinzhi-platform/xinzhi/internal/web/charts"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/chain"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

// profileData is the data of an organisation's profile (一企一档).
type profileData struct {
	Org          registry.Organisation
	DistrictName string
	Figures      []figureRow
	Years        []int
	Chart        string // ECharts option as JSON
	Recognitions []registry.Recognition
	People       []registry.Person
	PeopleTotal  int
	PeopleCapped bool // more people than PeopleTotal
	Disciplines  []registry.Discipline
	Cat          *registry.Catalogue
	CanEdit      bool
	Projects     []program.ProjectRow
	SeeProjects  bool
	Places       []chain.Place // the chain links it works at
}

// figureRow is one figure kind across the years.
type figureRow struct {
	Name   string
	Unit   string
	Values map[int]string
}

func (s *area) orgPage(w http.ResponseWriter, r *http.Request) error {
	o, err := s.RequestedOrg(r)
	if err != nil {
		return err
	}
	ri := site.Info(r)
	cat, err := registry.LoadCatalogue(r.Context(), s.DB)
	if err != nil {
		return err
	}
	d := profileData{Org: o, CanEdit: ri.Principal.Can(access.OrgOwnEdit), Cat: cat}
	if div, ok := stdcode.LookupDivision(o.District); ok {
		d.DistrictName = div.Name
		if ri.Lang == i18n.EN {
			d.DistrictName = div.NameEN
		}
	}
	if err := s.profileFigures(r, &d); err != nil {
		return err
	}
	if d.Recognitions, err = registry.Recognitions(r.Context(), s.DB, "organisation", o.ID); err != nil {
		return err
	}
	if o.Kind == "university" {
		if d.Disciplines, err = registry.Disciplines(r.Context(), s.DB, o.ID); err != nil {
			return err
		}
	}
	if d.Places, err = chain.Places(r.Context(), s.DB, o.ID); err != nil {
		return err
	}
	if s.Keys != nil && ri.Principal.Can(access.PersonView) {
		d.People, d.PeopleTotal, d.PeopleCapped, err = registry.People(r.Context(), s.DB, s.Keys, registry.Scope(ri.Principal.OrgScope()),
			registry.PeopleFilter{OrganisationID: o.ID, PerPage: 20}, false)
		if err != nil {
			return err
		}
	}
	if ri.Principal.Can(access.ProgramView) {
		d.SeeProjects = true
		if d.Projects, err = program.Projects(r.Context(), s.DB, program.ProjectFilter{OrganisationID: o.ID, Scope: ri.Principal.OrgScope(), Limit: 100}); err != nil {
			return err
		}
	}
	p := s.NewPage(w, r, "org.title", d)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("form.saved")
	}
	return s.pages.Render(w, http.StatusOK, "org", p)
}

// profileFigures lays the yearly figures out as a table and a chart.
func (s *area) profileFigures(r *http.Request, d *profileData) error {
	figs, err := registry.Figures(r.Context(), s.DB, d.Org.ID)
	if err != nil {
		return err
	}
	cat, err := registry.LoadCatalogue(r.Context(), s.DB)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	years := map[int]bool{}
	byKind := map[string]*figureRow{}
	var order []string
	series := map[string][]any{}
	for _, f := range figs {
		years[f.Year] = true
		row, ok := byKind[f.Kind]
		if !ok {
			row = &figureRow{Name: f.Kind, Values: map[int]string{}}
			for _, k := range cat.FigureKinds {
				if k.Key == f.Kind {
					row.Name, row.Unit = k.Name, k.Unit
					if lang == i18n.EN {
						row.Name = k.NameEN
					}
				}
			}
			byKind[f.Kind] = row
			order = append(order, f.Kind)
		}
		row.Values[f.Year] = strconv.FormatFloat(f.Value, 'f', -1, 64)
	}
	for y := range years {
		d.Years = append(d.Years, y)
	}
	sort.Ints(d.Years)
	for _, k := range order {
		d.Figures = append(d.Figures, *byKind[k])
	}
	// The chart shows the money figures (万元) over the years.
	var legend []string
	var ser []map[string]any
	for _, k := range order {
		row := byKind[k]
		if row.Unit != "万元" {
			continue
		}
		vals := make([]any, len(d.Years))
		for i, y := range d.Years {
			if v, ok := row.Values[y]; ok {
				vals[i], _ = strconv.ParseFloat(v, 64)
			}
		}
		series[k] = vals
		legend = append(legend, row.Name)
		ser = append(ser, map[string]any{"name": row.Name, "type": "bar", "data": vals})
	}
	if len(ser) == 0 {
		return nil
	}
	labels := make([]string, len(d.Years))
	for i, y := range d.Years {
		labels[i] = strconv.Itoa(y)
	}
	opt := map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"data": legend, "top": 0, "type": "scroll"},
		"grid":    map[string]any{"left": 70, "right": 20, "top": 48, "bottom": 30, "containLabel": true},
		"xAxis":   charts.CategoryAxis(labels),
		"yAxis":   map[string]any{"type": "value", "name": "万元"},
		"series":  ser,
	}
	b, err := json.Marshal(opt)
	d.Chart = string(b)
	return err
}

// editData is the data of the profile edit form.
type editData struct {
	Org       registry.Organisation
	Cat       *registry.Catalogue
	Districts []stdcode.Division
	Kinds     []string
	Sizes     []string
	Conflict  *registry.Conflict
	Stored    []storedValue // on a conflict: the stored value of each differing field
}

// storedValue is one field's value as stored now, shown beside a conflict.
type storedValue struct {
	Field, Value string
}

func conflictValues(c *registry.Conflict, lang string) []storedValue {
	cur := c.Current
	vals := map[string]string{
		"credit_code": cur.CreditCode, "name": cur.Name, "former_names": strings.Join(cur.FormerNames, "、"),
		"kind": i18n.T(lang, "org.kind."+cur.Kind), "district": cur.District, "address": cur.Address, "founded": cur.Founded,
		"size": cur.Size, "description": cur.Description, "tags": strings.Join(cur.Tags, "、"), "clusters": strings.Join(cur.Clusters, "、"),
	}
	if div, ok := stdcode.LookupDivision(cur.District); ok {
		vals["district"] = div.Name
	}
	if cur.Size != "" {
		vals["size"] = i18n.T(lang, "org.size."+cur.Size)
	}
	var out []storedValue
	for _, f := range c.Fields {
		v := vals[f]
		if v == "" {
			v = "—"
		}
		out = append(out, storedValue{Field: f, Value: v})
	}
	return out
}

// typed is the organisation as the user typed it, for showing a form again.
func typed(raw registry.Raw, checked registry.Organisation) registry.Organisation {
	o := checked
	o.CreditCode, o.Name, o.Address, o.Founded, o.Description = raw["credit_code"], raw["name"], raw["address"], raw["founded"], raw["description"]
	o.District, o.Size, o.Kind = raw["district"], raw["size"], raw["kind"]
	o.FormerNames = registry.SplitList(raw["former_names"])
	o.Tags, o.Clusters = registry.SplitList(raw["tags"]), registry.SplitList(raw["clusters"])
	return o
}

func (s *area) editData(r *http.Request, o registry.Organisation) (editData, error) {
	cat, err := registry.LoadCatalogue(r.Context(), s.DB)
	return editData{Org: o, Cat: cat, Districts: stdcode.Districts(), Kinds: registry.Kinds, Sizes: registry.Sizes}, err
}

func (s *area) orgEditPage(w http.ResponseWriter, r *http.Request) error {
	o, err := s.RequestedOrg(r)
	if err != nil {
		return err
	}
	d, err := s.editData(r, o)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "org_edit", s.NewPage(w, r, "org.edit", d))
}

// orgEdit saves the form. Every field is checked and every problem shown
// beside its field; a save over a newer version is refused with the fields
// someone else changed, and nothing is overwritten.
func (s *area) orgEdit(w http.ResponseWriter, r *http.Request) error {
	cur, err := s.RequestedOrg(r)
	if err != nil {
		return err
	}
	d, err := s.editData(r, cur)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "org.edit", &d)
	raw := registry.Raw{}
	for _, k := range []string{"credit_code", "name", "kind", "district", "address", "founded", "size", "description", "former_names"} {
		raw[k] = r.PostFormValue(k)
	}
	raw["tags"] = strings.Join(r.PostForm["tags"], "、")
	raw["clusters"] = strings.Join(r.PostForm["clusters"], "、")
	o, problems := registry.CheckOrganisation(raw, d.Cat, time.Now().In(site.Shanghai))
	o.ID, o.ParentID = cur.ID, cur.ParentID
	o.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	d.Org = o
	for _, pr := range problems {
		if !pr.Warning {
			p.Errors[pr.Field] = pr.Message(p.Lang)
		}
	}
	if len(p.Errors) > 0 {
		// Show what was typed, not the checked record: a rejected value
		// must not come back blank and be saved as blank next time.
		d.Org = typed(raw, o)
		p.Flash = p.T("form.fix_fields", len(p.Errors))
		return s.pages.Render(w, http.StatusUnprocessableEntity, "org_edit", p)
	}
	if _, err := registry.Save(r.Context(), s.DB, s.Search, d.Cat, o); err != nil {
		var c *registry.Conflict
		if errors.As(err, &c) {
			// Keep the user's edit in the form, show what is stored now in
			// the fields that differ, and take the current version: saving
			// again is a deliberate overwrite of what they have now seen.
			d.Conflict = c
			d.Org.Version = c.Current.Version
			d.Stored = conflictValues(c, p.Lang)
			p.Flash = p.T("org.conflict")
			return s.pages.Render(w, http.StatusConflict, "org_edit", p)
		}
		return s.pages.FormError(w, r, "org_edit", p, err)
	}
	http.Redirect(w, r, "/orgs/"+strconv.FormatInt(o.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}
