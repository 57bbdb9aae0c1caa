package talent_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
)

// sheet writes rows under the template's header as an .xlsx and reads it
// back as an upload would be.
func sheet(t *testing.T, header []string, rows ...[]any) *tabular.Table {
	t.Helper()
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, tabular.Sheet{Name: "目录", Header: header, Rows: rows}); err != nil {
		t.Fatal(err)
	}
	tb, err := tabular.Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "catalogue.xlsx", tabular.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func templateHeader() []string { return talent.TemplateSheet(nil).Header }

var head2025 = talent.Catalogue{Key: "xingshen-2025", Name: i18n.Text{ZH: "兴沈英才计划", EN: "Xingshen Talent Plan"}, Version: i18n.Text{ZH: "2025版", EN: "2025 edition"},
	Jurisdiction: "210100", EffectiveFrom: "2025-01-01"}

// TestReadSheet: a good sheet gives the classes in order of first
// appearance (named on their first row) and the items in sheet order;
// the template round-trips the newest version.
func TestReadSheet(t *testing.T) {
	c, ps := talent.ReadSheet(sheet(t, templateHeader(),
		[]any{"A", "顶尖人才", "Top talent", "A1", "两院院士", "Academician"},
		[]any{"A", "", "", "A2", "国家最高科学技术奖获得者", "Winner of the State Preeminent S&T Award"},
		[]any{"E", "技能人才", "Skilled talent", "E1", "大国工匠", "Great craftsman"},
		[]any{"A", "顶尖人才", "Top talent", "A3", "诺贝尔奖获得者", "Nobel laureate"},
	), head2025)
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps[0].Message(i18n.ZH))
	}
	if c.Key != "xingshen-2025" || len(c.Classes) != 2 || c.Classes[0].Key != "A" || c.Classes[1].Name.EN != "Skilled talent" || len(c.Items) != 4 ||
		c.Items[3].Code != "A3" || c.Items[1].Name.EN != "Winner of the State Preeminent S&T Award" || c.Items[2].Class != "E" {
		t.Errorf("read %+v", c)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		shipped, err := talent.CatalogueByKey(ctx, db, "xingshen-2022")
		if err != nil {
			t.Fatal(err)
		}
		tpl := talent.TemplateSheet(&shipped)
		c, ps := talent.ReadSheet(sheet(t, tpl.Header, tpl.Rows...), head2025)
		if len(ps) > 0 || len(c.Items) != len(shipped.Items) || len(c.Classes) != 4 || c.Classes[2].Name != shipped.Classes[2].Name {
			t.Errorf("the template of the shipped version reads back as %d classes, %d items, %d problems", len(c.Classes), len(c.Items), len(ps))
		}
	})
}

// TestReadSheetRefusals: every bad cell is named by its row and column,
// in Chinese and in English.
func TestReadSheetRefusals(t *testing.T) {
	_, ps := talent.ReadSheet(sheet(t, templateHeader(),
		[]any{"A", "顶尖人才", "Top talent", "A1", "两院院士", "Academician"},
		[]any{"A", "杰出人才", "", "A2", "某奖获得者", "Award winner"},           // row 3: class named otherwise
		[]any{"B", "", "Distinguished", "B1", "某人才", "Someone"},         // row 4: class unnamed
		[]any{"C", "领军人才", "Leading", "A1", "重复编号", "Duplicate code"},   // row 5: code twice
		[]any{"D", "拔尖人才", "Outstanding", "D 1", "条目", "Item"},          // row 6: bad code
		[]any{"D", "", "", "D2", "", "Empty text"},                      // row 7: empty item
		[]any{"D", "", "", "D3", "博士", "博士 holder"},                     // row 8: Chinese in English
		[]any{"甲", "某类", "Some", "X1", "某", "Some"},                     // row 9: bad class key
		[]any{"D", "", "", "D4", strings.Repeat("长", 301), "Long text"}, // row 10: too long
	), head2025)
	want := []struct {
		row    int
		column string
	}{{3, "B"}, {4, "B"}, {5, "D"}, {6, "D"}, {7, "E"}, {8, "F"}, {9, "A"}, {10, "E"}}
	if len(ps) != len(want) {
		for _, p := range ps {
			t.Log(p.Row, p.Column, p.Message(i18n.ZH))
		}
		t.Fatalf("%d problems, want %d", len(ps), len(want))
	}
	for i, w := range want {
		p := ps[i]
		zh, en := p.Message(i18n.ZH), p.Message(i18n.EN)
		if p.Row != w.row || p.Column != w.column || p.Header == "" ||
			!strings.Contains(zh, "第 "+strconv.Itoa(w.row)+" 行 "+w.column+" 列") || !strings.Contains(en, "Row "+strconv.Itoa(w.row)+", column "+w.column) || strings.Contains(en, "talent.") {
			t.Errorf("problem %d: row %d column %s: %q / %q, want row %d column %s", i, p.Row, p.Column, zh, en, w.row, w.column)
		}
	}
	if !strings.Contains(ps[2].Message(i18n.ZH), "第 2 行") {
		t.Errorf("the duplicate code does not name the row it was first used in: %s", ps[2].Message(i18n.ZH))
	}
	// A missing column and an empty sheet.
	_, ps = talent.ReadSheet(sheet(t, templateHeader()[:5], []any{"A", "顶尖人才", "Top", "A1", "院士"}), head2025)
	if len(ps) != 1 || ps[0].Row != 1 || !strings.Contains(ps[0].Message(i18n.EN), "条目英文") {
		t.Errorf("missing column: %+v", ps)
	}
	_, ps = talent.ReadSheet(sheet(t, templateHeader()), head2025)
	if len(ps) != 1 || ps[0].Row != 2 {
		t.Errorf("empty sheet: %+v", ps)
	}
}

// TestRestOnJurisdiction: a certification rests only on an item of a
// catalogue whose jurisdiction covers the record's (its organisation's
// district, else the catalogue it rests on now); a province's catalogue
// covers a city's records; a refusal writes nothing.
func TestRestOnJurisdiction(t *testing.T) {
	if !talent.Covers("210000", "210102") || !talent.Covers("210100", "210102") || talent.Covers("210200", "210102") || talent.Covers("210102", "210103") ||
		!talent.Covers("", "210102") || !talent.Covers("210200", "") || talent.Covers("210100", "210000") {
		t.Error("Covers")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := world(t, db)
		dalian := talent.Catalogue{Key: "dalian-2023", Name: i18n.Text{ZH: "大连市人才目录", EN: "Dalian talent catalogue"}, Version: i18n.Text{ZH: "2023版"}, Jurisdiction: "210200",
			Classes: []talent.Class{{Key: "A", Name: i18n.Text{ZH: "顶尖人才"}}}, Items: []talent.Item{{Class: "A", Code: "A1", Name: i18n.Text{ZH: "两院院士"}}}}
		liaoning := talent.Catalogue{Key: "xingliao-2024", Name: i18n.Text{ZH: "兴辽英才计划", EN: "Xingliao Talent Plan"}, Version: i18n.Text{ZH: "2024版"}, Jurisdiction: "210000",
			Classes: []talent.Class{{Key: "A", Name: i18n.Text{ZH: "顶尖人才"}}}, Items: []talent.Item{{Class: "A", Code: "A1", Name: i18n.Text{ZH: "两院院士"}}}}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, c := range []talent.Catalogue{dalian, liaoning} {
				if _, err := talent.AddCatalogue(ctx, tx, c); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		item := func(key string) int64 {
			c, err := talent.CatalogueByKey(ctx, db, key)
			if err != nil {
				t.Fatal(err)
			}
			return c.Items[0].ID
		}
		rest := func(project, item int64) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				return talent.RestOn(ctx, tx, []talent.Rest{{ProjectID: project, ItemID: item}})
			})
		}
		basis := func(project int64) int64 {
			var id int64
			if err := db.QueryRowContext(ctx, `SELECT item_id FROM talent_recognitions WHERE project_id = ?`, project).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		// The organisation has no district: 张三's record is Shenyang's by the
		// catalogue it rests on.
		zhang := w.Projects["cert-zhang"]
		before := basis(zhang)
		err := rest(zhang, item("dalian-2023"))
		var pe *problem.Error
		if !errors.Is(err, problem.ErrInvalid) || !errors.As(err, &pe) || pe.Key != "talent.catalogue.other_jurisdiction" || !strings.Contains(pe.Message(i18n.EN), "210200") {
			t.Errorf("a Dalian item for a Shenyang record: %v", err)
		}
		if basis(zhang) != before {
			t.Error("a refused rest changed the record's item")
		}
		if err := rest(zhang, item("xingliao-2024")); err != nil {
			t.Errorf("a province's item for a city's record: %v", err)
		}
		// With a district, the organisation's is the record's: 王五's record
		// rests on nothing yet.
		if _, err := db.ExecContext(ctx, `UPDATE organisations SET district = '210112' WHERE id = (SELECT organisation_id FROM projects WHERE id = ?)`, w.Projects["cert-wang"]); err != nil {
			t.Fatal(err)
		}
		if j, err := talent.RecordJurisdiction(ctx, db, w.Projects["cert-wang"]); err != nil || j != "210112" {
			t.Errorf("the record's jurisdiction %q %v", j, err)
		}
		if err := rest(w.Projects["cert-wang"], item("dalian-2023")); !errors.Is(err, problem.ErrInvalid) {
			t.Errorf("a Dalian item for a Hunnan record: %v", err)
		}
		if err := rest(w.Projects["cert-wang"], item("xingshen-2022")); err != nil {
			t.Errorf("a Shenyang item for a Hunnan record: %v", err)
		}
	})
}

// TestAddCatalogueChecksKeyAndJurisdiction: a key goes into links and a
// jurisdiction is a division code; anything else is refused by field.
func TestAddCatalogueChecksKeyAndJurisdiction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for field, c := range map[string]talent.Catalogue{
			"key":          {Key: "Xing Shen/2025", Name: head2025.Name, Version: head2025.Version, Classes: []talent.Class{{Key: "A", Name: i18n.Text{ZH: "甲"}}}},
			"jurisdiction": {Key: "x-2025", Name: head2025.Name, Version: head2025.Version, Jurisdiction: "沈阳", Classes: []talent.Class{{Key: "A", Name: i18n.Text{ZH: "甲"}}}},
		} {
			err := db.InTx(ctx, func(tx *store.Tx) error { _, err := talent.AddCatalogue(ctx, tx, c); return err })
			var pe *problem.Error
			if !errors.As(err, &pe) || pe.Field != field || i18n.T(i18n.EN, pe.Key) == pe.Key {
				t.Errorf("%s: %v", field, err)
			}
		}
	})
}
