package talent_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
	"github.com/xinzhi-platform/xinzhi/internal/talent/talenttest"
)

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestShippedCatalogue: the shipped catalogue is 兴沈英才计划 2022版 with
// the classes A 顶尖, B 杰出, C 领军, D 拔尖, each listing items.
func TestShippedCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c, err := talent.CatalogueByKey(ctx, db, "xingshen-2022")
		if err != nil {
			t.Fatal(err)
		}
		if c.Name.ZH != "兴沈英才计划" || c.Version.ZH != "2022版" || c.Version.EN == "" || c.Jurisdiction != "210100" {
			t.Errorf("catalogue %+v", c)
		}
		want := []string{"A 顶尖人才", "B 杰出人才", "C 领军人才", "D 拔尖人才"}
		if len(c.Classes) != len(want) {
			t.Fatalf("classes %+v", c.Classes)
		}
		for i, cl := range c.Classes {
			if got := cl.Key + " " + cl.Name.ZH; got != want[i] || cl.Name.EN == "" {
				t.Errorf("class %d is %q (%q), want %q", i, got, cl.Name.EN, want[i])
			}
			if len(c.ItemsOf(cl.Key)) < 3 {
				t.Errorf("class %s lists %d items", cl.Key, len(c.ItemsOf(cl.Key)))
			}
		}
		for _, it := range c.Items {
			if it.Name.ZH == "" || it.Name.EN == "" || it.Code[:1] != it.Class {
				t.Errorf("item %+v", it)
			}
		}
		if _, err := talent.CatalogueByKey(ctx, db, "no-such"); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("unknown catalogue: %v", err)
		}
	})
}

// TestAddCatalogue: another city's catalogue, with classes of its own, is
// data: written, audited, listed beside the shipped one; a bad one is
// refused with what is wrong and writes nothing.
func TestAddCatalogue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		dalian := talent.Catalogue{Key: "dalian-2023", Name: i18n.Text{ZH: "大连市高层次人才分类目录", EN: "Dalian talent catalogue"}, Version: i18n.Text{ZH: "2023版"},
			Jurisdiction: "210200", EffectiveFrom: "2023-03-01",
			Classes: []talent.Class{{Key: "A", Name: i18n.Text{ZH: "顶尖人才"}}, {Key: "B", Name: i18n.Text{ZH: "领军人才"}}, {Key: "C", Name: i18n.Text{ZH: "高端人才"}},
				{Key: "D", Name: i18n.Text{ZH: "青年才俊"}}, {Key: "E", Name: i18n.Text{ZH: "技能人才"}}},
			Items: []talent.Item{{Class: "E", Code: "E1", Name: i18n.Text{ZH: "大国工匠"}}, {Class: "A", Code: "A1", Name: i18n.Text{ZH: "两院院士"}}},
		}
		audits := count(t, db, `SELECT count(*) FROM audit_events WHERE entity = 'talent_catalogue'`)
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := talent.AddCatalogue(ctx, tx, dalian); return err }); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT count(*) FROM audit_events WHERE entity = 'talent_catalogue'`); n != audits+1 {
			t.Errorf("%d audit events for the catalogue, want %d", n, audits+1)
		}
		all, err := talent.Catalogues(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].Key != "dalian-2023" || len(all[0].Classes) != 5 || all[0].Classes[4].Key != "E" || all[0].Items[0].Code != "E1" {
			t.Errorf("catalogues %+v", all)
		}
		before := count(t, db, `SELECT count(*) FROM talent_catalogues`) + count(t, db, `SELECT count(*) FROM talent_catalogue_items`)
		for _, bad := range []struct {
			name  string
			c     func(c talent.Catalogue) talent.Catalogue
			field string
		}{
			{"no version", func(c talent.Catalogue) talent.Catalogue { c.Key, c.Version = "x-1", i18n.Text{}; return c }, "version"},
			{"item in no class", func(c talent.Catalogue) talent.Catalogue {
				c.Key, c.Version.ZH, c.Items = "x-2", "2024版", []talent.Item{{Class: "F", Code: "F1", Name: i18n.Text{ZH: "某"}}}
				return c
			}, "items"},
			{"code twice", func(c talent.Catalogue) talent.Catalogue {
				c.Key, c.Version.ZH, c.Items = "x-3", "2024版", []talent.Item{{Class: "A", Code: "A1", Name: i18n.Text{ZH: "甲"}}, {Class: "B", Code: "A1", Name: i18n.Text{ZH: "乙"}}}
				return c
			}, "items"},
			{"no classes", func(c talent.Catalogue) talent.Catalogue {
				c.Key, c.Version.ZH, c.Classes, c.Items = "x-4", "2024版", nil, nil
				return c
			}, "classes"},
			{"bad date", func(c talent.Catalogue) talent.Catalogue {
				c.Key, c.Version.ZH, c.EffectiveFrom = "x-5", "2024版", "2024-13-01"
				return c
			}, "effective_from"},
		} {
			err := db.InTx(ctx, func(tx *store.Tx) error { _, err := talent.AddCatalogue(ctx, tx, bad.c(dalian)); return err })
			var pe *problem.Error
			if !errors.Is(err, problem.ErrInvalid) || !errors.As(err, &pe) || pe.Field != bad.field || i18n.T(i18n.ZH, pe.Key) == pe.Key || i18n.T(i18n.EN, pe.Key) == pe.Key {
				t.Errorf("%s: %v, want invalid %s with a message in both languages", bad.name, err, bad.field)
			}
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { _, err := talent.AddCatalogue(ctx, tx, dalian); return err })
		if !errors.Is(err, problem.ErrConflict) {
			t.Errorf("the same version twice: %v", err)
		}
		if after := count(t, db, `SELECT count(*) FROM talent_catalogues`) + count(t, db, `SELECT count(*) FROM talent_catalogue_items`); after != before {
			t.Errorf("refused catalogues wrote rows: %d → %d", before, after)
		}
	})
}

// TestCertificationBasis: each certification shows the item, class and
// catalogue version it rests on; the area counts certifications by class
// and version and opens them; resting a record on another item is audited
// with what it rested on before; a record that is no certification or an
// item that does not exist is refused.
func TestCertificationBasis(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := world(t, db)
		p, err := talent.ProfileOf(ctx, db, w.People["张三"], talenttest.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		for _, r := range p.Certifications {
			if r.Basis != nil {
				got[r.ProjectID] = r.Basis.VersionLabel(i18n.ZH) + " " + r.Basis.ClassLabel(i18n.ZH) + " " + r.Basis.Code + " " + r.Basis.Item.ZH
			}
		}
		if g := got[w.Projects["cert-zhang"]]; g != "兴沈英才计划 2022版 C 领军人才 C3 省级杰出青年科学基金获得者、“兴辽英才计划”领军人才" {
			t.Errorf("张三 2024 rests on %q", g)
		}
		if g := got[w.Projects["cert-zhang-2018"]]; g != "兴沈英才计划 2018版 D 拔尖人才 D1 具有博士学位并在沈工作的人才" {
			t.Errorf("张三 2018 rests on %q", g)
		}
		if cur := p.Current(); cur == nil || cur.Basis == nil || cur.Basis.Class != "C" || cur.Basis.ClassLabel(i18n.EN) != "C Leading talent" || cur.Basis.VersionLabel(i18n.EN) != "Xingshen Talent Plan 2022 edition" {
			t.Errorf("current %+v", cur)
		}

		o, err := talent.Load(ctx, db, talenttest.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			version, class     string
			all, cert, inForce int
		}
		var rows []row
		for _, c := range o.Recognition.Classes {
			rows = append(rows, row{c.Basis.Key, c.Basis.Class, c.All, c.Certified, c.InForce})
		}
		want := []row{{"xingshen-2018", "D", 1, 1, 0}, {"xingshen-2022", "C", 1, 1, 1}, {"xingshen-2022", "D", 1, 0, 0}}
		if len(rows) != len(want) {
			t.Fatalf("classes %+v, want %+v", rows, want)
		}
		for i := range want {
			if rows[i] != want[i] {
				t.Errorf("class row %d: %+v, want %+v", i, rows[i], want[i])
			}
		}
		if it := o.Recognition.Classes[1].Items; len(it) != 1 || it[0].Code != "C3" || it[0].N != 1 || it[0].Name.EN == "" {
			t.Errorf("the 2022 C items %+v, want C3 once", it)
		}
		if o.Recognition.Unbased != 1 {
			t.Errorf("%d certifications on no item, want 1 (王五's)", o.Recognition.Unbased)
		}
		for _, c := range []struct {
			f    talent.Filter
			want int64
		}{
			{talent.Filter{Kind: talent.KindCertification, Class: "C", Version: "xingshen-2022"}, w.Projects["cert-zhang"]},
			{talent.Filter{Kind: talent.KindCertification, Class: "D", Version: "xingshen-2018"}, w.Projects["cert-zhang-2018"]},
			{talent.Filter{Kind: talent.KindCertification, Class: "-"}, w.Projects["cert-wang"]},
			{talent.Filter{Kind: talent.KindCertification, Class: "D", Version: "xingshen-2022", Item: "D3"}, w.Projects["cert-li"]},
		} {
			rs, err := talent.List(ctx, db, c.f, talenttest.AsOf)
			if err != nil || len(rs) != 1 || rs[0].ProjectID != c.want {
				t.Errorf("list %+v: %+v %v", c.f, rs, err)
			}
		}

		c22, err := talent.CatalogueByKey(ctx, db, "xingshen-2022")
		if err != nil {
			t.Fatal(err)
		}
		b1, _ := c22.ItemByCode("B1")
		rest := func(rs ...talent.Rest) error {
			return db.InTx(ctx, func(tx *store.Tx) error { return talent.RestOn(ctx, tx, rs) })
		}
		if err := rest(talent.Rest{ProjectID: w.Projects["cert-zhang"], ItemID: b1.ID}); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT count(*) FROM audit_events WHERE entity = 'project' AND action = 'talent_basis' AND entity_id = ? AND before_json LIKE '%item_id%'`, strconv.FormatInt(w.Projects["cert-zhang"], 10)); n != 1 {
			t.Errorf("%d audit events of the move with what it rested on before", n)
		}
		p, _ = talent.ProfileOf(ctx, db, w.People["张三"], talenttest.AsOf)
		if cur := p.Current(); cur.Basis == nil || cur.Basis.Code != "B1" || cur.Basis.ClassLabel(i18n.ZH) != "B 杰出人才" {
			t.Errorf("after the move: %+v", cur.Basis)
		}
		rows0 := count(t, db, `SELECT count(*) FROM talent_recognitions`)
		for name, err := range map[string]error{
			"a service record": rest(talent.Rest{ProjectID: w.Projects["svc-li"], ItemID: b1.ID}),
			"no such record":   rest(talent.Rest{ProjectID: 999999, ItemID: b1.ID}),
			"no such item":     rest(talent.Rest{ProjectID: w.Projects["cert-wang"], ItemID: 999999}),
			"one bad of two":   rest(talent.Rest{ProjectID: w.Projects["cert-wang"], ItemID: b1.ID}, talent.Rest{ProjectID: w.Projects["svc-li"], ItemID: b1.ID}),
		} {
			if !errors.Is(err, problem.ErrInvalid) {
				t.Errorf("%s: %v, want invalid", name, err)
			}
		}
		if n := count(t, db, `SELECT count(*) FROM talent_recognitions`); n != rows0 {
			t.Errorf("refused rests wrote rows: %d → %d", rows0, n)
		}
	})
}
