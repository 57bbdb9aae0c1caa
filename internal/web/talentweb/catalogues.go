package talentweb

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// cataloguesData is the catalogue page: every version, newest first, with
// how many certifications rest on each item, and a refused upload's
// problems.
type cataloguesData struct {
	Catalogues []talent.Catalogue
	Resting    map[int64]int // by item
	Problems   []site.CellProblem
}

// Rests is how many certifications rest on an item.
func (d *cataloguesData) Rests(item int64) int { return d.Resting[item] }

func (s *area) cataloguesData(r *http.Request) (*cataloguesData, error) {
	d := &cataloguesData{}
	var err error
	if d.Catalogues, err = talent.Catalogues(r.Context(), s.DB); err != nil {
		return nil, err
	}
	if d.Resting, err = talent.Resting(r.Context(), s.DB); err != nil {
		return nil, err
	}
	return d, nil
}

// cataloguesPage lists the talent catalogue versions with their classes
// and items in Chinese and English; for one who keeps them, the form to
// add a version from a sheet.
func (s *area) cataloguesPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.cataloguesData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "talent.catalogues", d)
	if k := r.URL.Query().Get("added"); k != "" {
		p.Flash = p.T("talent.catalogue_added", k)
	}
	return s.pages.Render(w, http.StatusOK, "talent_catalogues", p)
}

// versionFields are the upload form's fields besides the file.
var versionFields = []string{"key", "name", "name_en", "version", "version_en", "jurisdiction", "effective_from"}

// addCatalogue adds a catalogue version from an uploaded sheet: the form
// names the version, the sheet holds its classes and items. Every cell is
// checked; with any problem nothing is written and each problem is listed
// with its row and column. Certifications resting on earlier versions keep
// their items.
func (s *area) addCatalogue(w http.ResponseWriter, r *http.Request) error {
	f := func(k string) string { return strings.TrimSpace(r.FormValue(k)) }
	head := talent.Catalogue{Key: f("key"), Name: i18n.Text{ZH: f("name"), EN: f("name_en")}, Version: i18n.Text{ZH: f("version"), EN: f("version_en")},
		Jurisdiction: f("jurisdiction"), EffectiveFrom: f("effective_from")}
	refuse := func(err error, problems []site.CellProblem) error {
		ok, rerr := s.pages.Refuse(w, r, err, "talent.catalogues", "talent_catalogues", func() (any, error) {
			d, err := s.cataloguesData(r)
			if d != nil {
				d.Problems = problems
			}
			return d, err
		}, versionFields...)
		if ok {
			return rerr
		}
		return err
	}
	t, err := site.UploadedSheet(r)
	if err != nil {
		return refuse(err, nil)
	}
	c, sps := talent.ReadSheet(t, head)
	if len(sps) > 0 {
		lang := site.Info(r).Lang
		list := make([]site.CellProblem, len(sps))
		for i, p := range sps {
			list[i] = site.CellProblem{Row: p.Row, Column: p.Column, Header: p.Header, Message: p.Message(lang)}
		}
		return refuse(problem.Invalid("file", "talent.sheet.refused", len(sps)), list)
	}
	err = s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		_, err := talent.AddCatalogue(r.Context(), tx, c)
		return err
	})
	if err != nil {
		return refuse(err, nil)
	}
	http.Redirect(w, r, site.Link("/talent/catalogues", nil, "added", c.Key), http.StatusSeeOther)
	return nil
}

// catalogueTemplate is the sheet to fill in, with the newest version's
// rows to revise.
func (s *area) catalogueTemplate(w http.ResponseWriter, r *http.Request) error {
	all, err := talent.Catalogues(r.Context(), s.DB)
	if err != nil {
		return err
	}
	var newest *talent.Catalogue
	if len(all) > 0 {
		newest = &all[0]
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="xinzhi-talent-catalogue.xlsx"`)
	return tabular.WriteXLSX(w, talent.TemplateSheet(newest))
}

// choices are the catalogue versions each certification may rest on: those
// whose jurisdiction covers the record's.
func (s *area) choices(r *http.Request, certs []talent.Record) (map[int64][]talent.Catalogue, error) {
	all, err := talent.Catalogues(r.Context(), s.DB)
	if err != nil {
		return nil, err
	}
	out := map[int64][]talent.Catalogue{}
	for _, c := range certs {
		j, err := talent.RecordJurisdiction(r.Context(), s.DB, c.ProjectID)
		if err != nil {
			return nil, err
		}
		for _, cat := range all {
			if talent.Covers(cat.Jurisdiction, j) {
				out[c.ProjectID] = append(out[c.ProjectID], cat)
			}
		}
	}
	return out, nil
}

// setBasis sets the catalogue item a certification rests on (audited by
// talent.RestOn) and goes back to the person's page, or shows it again
// with the refusal.
func (s *area) setBasis(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	item, err := strconv.ParseInt(strings.TrimSpace(r.FormValue("item_id")), 10, 64)
	if err != nil || item <= 0 {
		err = problem.Invalid("item_id", "talent.basis_choose")
	} else {
		err = s.DB.InTx(r.Context(), func(tx *store.Tx) error {
			return talent.RestOn(r.Context(), tx, []talent.Rest{{ProjectID: id, ItemID: item}})
		})
	}
	person, _ := strconv.ParseInt(r.FormValue("person"), 10, 64)
	if err != nil {
		if person <= 0 {
			return err
		}
		if ok, rerr := s.pages.Refuse(w, r, err, "talent.person", "talent_person", func() (any, error) { return s.personData(r, person) }, "item_id"); ok {
			return rerr
		}
		return err
	}
	back := fmt.Sprintf("/projects/%d", id)
	if person > 0 {
		back = fmt.Sprintf("/talent/people/%d?saved=1#cert-%d", person, id)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
