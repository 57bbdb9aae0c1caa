package registryweb

import (
	"errors"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"net/http"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

func asTabular(err error, target **tabular.Error) bool { return errors.As(err, target) }

// orgExportHeader are the export's columns: the import template's headers,
// so an export can be edited and imported back.
func orgExportHeader() []string {
	spec := registry.Specs()[registry.ImportOrgs]
	h := make([]string, len(spec.Columns))
	for i, c := range spec.Columns {
		h[i] = c.Headers[0]
	}
	return h
}

func orgExportRow(o registry.Organisation, lang string) []string {
	district := o.District
	if d, ok := stdcode.LookupDivision(o.District); ok {
		district = d.Name
	}
	size := map[string]string{"large": "大", "medium": "中", "small": "小", "micro": "微"}[o.Size]
	return []string{o.CreditCode, o.Name, i18n.T(i18n.ZH, "org.kind."+o.Kind), district, o.Address, o.Founded, size,
		strings.Join(o.Tags, "、"), strings.Join(o.Clusters, "、"), strings.Join(o.FormerNames, "、"), o.Description}
}

// registryExport writes the filtered list as .xlsx (streamed) or .csv. Every
// text cell is neutralised so no formula runs in Excel. The export is audited.
func (s *area) registryExport(w http.ResponseWriter, r *http.Request) error {
	f, _ := s.orgFilter(r)
	format := r.URL.Query().Get("format")
	scope := registry.Scope(site.Info(r).Principal.OrgScope())
	name := fmt.Sprintf("xinzhi-organisations-%s", time.Now().In(site.Shanghai).Format("20060102"))
	header := orgExportHeader()
	rows := 0
	var err error
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		var data [][]string
		err = registry.Each(r.Context(), s.DB, scope, f, func(o registry.Organisation) error {
			data = append(data, orgExportRow(o, site.Info(r).Lang))
			return nil
		})
		if err != nil {
			return err
		}
		rows = len(data)
		err = tabular.WriteCSV(w, header, data)
	default:
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		st, serr := tabular.NewXLSXStream(w, tabular.Sheet{Name: "单位", Header: header})
		if serr != nil {
			return serr
		}
		err = registry.Each(r.Context(), s.DB, scope, f, func(o registry.Organisation) error {
			rows++
			cells := orgExportRow(o, site.Info(r).Lang)
			row := make([]any, len(cells))
			for i, c := range cells {
				row[i] = c
			}
			return st.Append(row)
		})
		if err == nil {
			err = st.Close()
		}
	}
	if err != nil {
		return err
	}
	return audit.Record(r.Context(), s.DB, audit.Change{Entity: "organisation", Action: "export", After: map[string]any{"format": format, "rows": rows}})
}
