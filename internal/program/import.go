package program

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// OrgColumn heads the column naming each imported record's organisation.
const OrgColumn = "单位（统一社会信用代码或名称）"

// ImportColumns are a template's columns for importing records: the
// organisation, then each field a cell can hold (not tables or files),
// headed by its label; a multiple choice takes its options joined by 、.
func ImportColumns(t *Template) []tabular.Column {
	cols := []tabular.Column{{Key: "organisation", Headers: []string{OrgColumn, "单位", "统一社会信用代码", "单位名称", "organisation"}}}
	for _, f := range t.Form {
		if f.Type == "table" || f.Type == "file" {
			continue
		}
		hs := []string{f.Label, f.Key}
		if f.LabelEN != "" {
			hs = append(hs, f.LabelEN)
		}
		cols = append(cols, tabular.Column{Key: f.Key, Headers: hs})
	}
	return cols
}

// ImportSheet is the empty sheet to fill in, with an example row's hints.
func ImportSheet(t *Template) tabular.Sheet {
	sh := tabular.Sheet{Name: t.Name, Lists: map[int][]string{}}
	for i, c := range ImportColumns(t) {
		sh.Header = append(sh.Header, c.Headers[0])
		if f, ok := t.Field(c.Key); ok && f.Type == "choice" {
			sh.Lists[i] = f.Options
		}
	}
	return sh
}

// ImportRecords registers a sheet's rows as records of a call, in the
// template's first stage, for a program manager: every row or none. Each
// row names its organisation (a credit code or an exact name; left empty,
// the bureau's own record) and fills fields by their labels; every cell
// that cannot be read is named by its row.
func ImportRecords(ctx context.Context, db *store.DB, p access.Principal, callID int64, tb *tabular.Table) (int, error) {
	if !p.Can(access.ProgramManage) {
		return 0, problem.New(problem.ErrForbidden, "review.manager_only")
	}
	c, err := GetCall(ctx, db, callID)
	if err != nil {
		return 0, err
	}
	t, err := LoadTemplate(ctx, db, c.TemplateID)
	if err != nil {
		return 0, err
	}
	cols, hps := tabular.MapHeader(tb.Header, ImportColumns(t))
	if len(hps) > 0 {
		return 0, problem.Invalid("file", "program.import_header", strings.Join(tb.Header, "、"))
	}
	if len(tb.Rows) == 0 {
		return 0, problem.Invalid("file", "ai.no_rows")
	}
	var ps problem.List
	var recs []Project
	bureau := int64(0)
	for _, row := range tb.Rows {
		cell := func(k string) string {
			if i, ok := cols[k]; ok && i < len(row.Cells) {
				return strings.TrimSpace(row.Cells[i])
			}
			return ""
		}
		rowProblem := func(e *problem.Error) {
			ps = append(ps, problem.Invalid("file", "program.import_row", row.Num, e.Message("zh-CN"), e.Message("en")))
		}
		org := int64(0)
		if raw := cell("organisation"); raw != "" {
			id, ok := lookupOrg(ctx, db, raw)
			if !ok {
				rowProblem(problem.Invalid("organisation", "form.org_unknown", raw))
				continue
			}
			org = id
		} else if t.Applicable() {
			rowProblem(problem.Invalid("organisation", "program.import_org_required"))
			continue
		}
		v := url.Values{}
		for _, f := range t.Form {
			raw := cell(f.Key)
			if raw == "" {
				continue
			}
			switch f.Type {
			case "multichoice":
				v[f.Key] = registry.SplitList(raw)
			case "organisation":
				id, ok := lookupOrg(ctx, db, raw)
				if !ok {
					rowProblem(problem.Invalid(f.Key, "form.org_unknown", raw))
					continue
				}
				v.Set(f.Key, fmt.Sprint(id))
			default:
				v.Set(f.Key, raw)
			}
		}
		data, bad := FromForm(t, v)
		bad = append(bad, CheckData(t, data, false)...)
		for _, e := range bad {
			rowProblem(e)
		}
		if len(bad) > 0 {
			continue
		}
		if org == 0 {
			if bureau == 0 {
				o, err := registry.ByName(ctx, db, Bureau)
				if err != nil {
					o, err = registry.Create(ctx, db, registry.Organisation{Name: Bureau, Kind: "government"})
				}
				if err != nil {
					return 0, fmt.Errorf("the bureau's organisation: %w", err)
				}
				bureau = o.ID
			}
			org = bureau
		}
		recs = append(recs, Project{CallID: callID, OrganisationID: org, Data: data})
	}
	if len(ps) > 0 {
		return 0, ps
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, r := range recs {
			pr, err := createProject(ctx, tx, r)
			if err != nil {
				return err
			}
			if err := syncParties(ctx, tx, t, pr.ID, r.Data); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(recs), nil
}

func lookupOrg(ctx context.Context, q store.Querier, raw string) (int64, bool) {
	o, err := registry.ByCreditCode(ctx, q, strings.ToUpper(raw))
	if err != nil {
		o, err = registry.ByName(ctx, q, raw)
	}
	return o.ID, err == nil
}
