package registry_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

var today = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

// creditCode makes a valid synthetic credit code from a number.
func creditCode(t testing.TB, n int) string {
	org8 := fmt.Sprintf("MA%06d", n)
	c9, err := stdcode.OrgCodeCheckChar(org8)
	if err != nil {
		t.Fatal(err)
	}
	first17 := "91210100" + org8 + string(c9)
	c18, err := stdcode.CreditCodeCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c18)
}

// idNumber makes a valid synthetic resident ID number.
func idNumber(t testing.TB, n int) string {
	first17 := fmt.Sprintf("21010219850101%03d", n%1000)
	c, err := stdcode.IDCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func deps(t testing.TB) registry.Deps {
	line, err := seal.NewKeyLine("ktest")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	return registry.Deps{Keys: keys, Indexer: seg, Today: today}
}

func table(header []string, rows ...[]string) *tabular.Table {
	t := &tabular.Table{Header: header}
	for i, r := range rows {
		t.Rows = append(t.Rows, tabular.Row{Num: i + 2, Cells: r})
	}
	return t
}

var orgHeader = []string{"统一社会信用代码*", "单位名称", "单位类型", "所在区县", "成立日期", "企业规模", "标签", "产业集群", "简介"}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportOrganisationsAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t)
		tb := table(orgHeader,
			[]string{creditCode(t, 1), "沈阳新松机器人自动化股份有限公司", "企业", "浑南区", "2000-04-30", "大", "高新技术企业、上市", "机器人", "工业机器人与智能装备"},
			[]string{creditCode(t, 2), "沈阳芯源微电子设备股份有限公司", "企业", "210112", "2002/12/17", "中", "专精特新", "集成电路", "半导体涂胶显影设备"},
		)
		plan, err := registry.Prepare(ctx, db, d, registry.ImportOrgs, tb)
		if err != nil || !plan.OK() {
			t.Fatalf("prepare: %v %+v", err, plan)
		}
		sum, err := plan.Commit(ctx, db, nil)
		if err != nil || sum.Created != 2 {
			t.Fatalf("commit: %+v %v", sum, err)
		}
		// The same file again changes nothing; an edited row updates.
		tb.Rows[1].Cells[8] = "半导体前道涂胶显影与单片湿法设备"
		plan, _ = registry.Prepare(ctx, db, d, registry.ImportOrgs, tb)
		sum, err = plan.Commit(ctx, db, nil)
		if err != nil || sum.Unchanged != 1 || sum.Updated != 1 || sum.Created != 0 {
			t.Fatalf("re-import: %+v %v", sum, err)
		}
		seg := d.Indexer.(*search.Segmenter)
		for q, want := range map[string]string{"机器人": "沈阳新松机器人自动化股份有限公司", "芯源": "沈阳芯源微电子设备股份有限公司", "涂胶显影": "沈阳芯源微电子设备股份有限公司"} {
			page, err := registry.List(ctx, db, 0, registry.Filter{Terms: seg.QueryTerms(q)})
			if err != nil || page.Total != 1 || page.Items[0].Name != want {
				t.Errorf("search %q: %+v %v", q, page, err)
			}
		}
		page, _ := registry.List(ctx, db, 0, registry.Filter{Tag: "上市", Cluster: "机器人", District: "210112"})
		if page.Total != 1 || page.Items[0].Tags[0] != "高新技术企业" {
			t.Fatalf("filters: %+v", page)
		}
	})
}

// TestImportWithThousandBadRows: every bad cell gets its own message naming
// the row and column, and nothing is written.
func TestImportWithThousandBadRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t)
		good := creditCode(t, 7)
		bad := good[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(strings.IndexByte("0123456789ABCDEFGHJKLMNPQRTUWXY", good[17])+1)%31])
		var rows [][]string
		for i := 0; i < 1000; i++ {
			r := []string{creditCode(t, 100+i), fmt.Sprintf("沈阳测试%04d有限公司", i), "企业", "浑南区", "2019-03-01", "小", "", "", ""}
			switch i % 5 {
			case 0:
				r[0] = bad // wrong check character
			case 1:
				r[3] = "火星区" // unknown district
			case 2:
				r[4] = "2023-02-30" // impossible date
			case 3:
				r[6] = "不存在的标签" // unknown tag
			case 4:
				r[5] = "巨型" // unknown size
			}
			rows = append(rows, r)
		}
		// Rows 0 and 5 … share the bad code: only the first occurrence is a
		// duplicate-free error; make duplicates impossible by varying nothing
		// else. Each row has exactly one problem.
		plan, err := registry.Prepare(ctx, db, d, registry.ImportOrgs, table(orgHeader, rows...))
		if err != nil {
			t.Fatal(err)
		}
		checkCol := map[int]string{0: "A", 1: "D", 2: "E", 3: "G", 4: "F"}
		problems := 0
		for _, p := range plan.Problems {
			if p.Field == "credit_code" && strings.Contains(p.Message("zh-CN"), "重复") {
				continue // the same bad code repeated: a duplicate note on top
			}
			problems++
			i := p.Row - 2
			if p.Column != checkCol[i%5] {
				t.Fatalf("row %d: problem in column %s, want %s: %s", p.Row, p.Column, checkCol[i%5], p.Message("zh-CN"))
			}
			if p.Message("zh-CN") == "" || p.Message("en") == "" {
				t.Fatalf("row %d: empty message", p.Row)
			}
		}
		if problems != 1000 {
			t.Fatalf("%d precise problems, want 1000", problems)
		}
		if _, err := plan.Commit(ctx, db, nil); err == nil {
			t.Fatal("a plan with problems committed")
		}
		if n := count(t, db, "organisations"); n != 0 {
			t.Fatalf("%d organisations written by a refused import", n)
		}
		msg := ""
		for _, p := range plan.Problems {
			if p.Row == 2 {
				msg = p.Message("en")
			}
		}
		if !strings.Contains(msg, "check character should be") {
			t.Fatalf("row 2 message: %q", msg)
		}
	})
}

// TestPersonalDataSealedAtRest reads the raw tables: no ID number, phone or
// e-mail appears in clear text, and lists come back masked.
func TestPersonalDataSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t)
		id, phone, email := idNumber(t, 17), "13812345678", "zhang.san@example.com"
		tb := table([]string{"姓名", "身份证号", "性别", "手机号", "电子邮箱", "最高学位"},
			[]string{"张三", id, "男", phone, email, "博士"})
		plan, err := registry.Prepare(ctx, db, d, registry.ImportPeople, tb)
		if err != nil || !plan.OK() {
			t.Fatalf("prepare: %v %+v", err, plan.Problems)
		}
		if _, err := plan.Commit(ctx, db, nil); err != nil {
			t.Fatal(err)
		}
		for _, tbl := range []string{"people", "audit_events"} {
			rows, err := db.QueryContext(ctx, `SELECT * FROM `+tbl)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for i, v := range vals {
					s := fmt.Sprint(v)
					if b, ok := v.([]byte); ok {
						s = string(b)
					}
					for _, secret := range []string{id, phone, email, id[6:14]} {
						if strings.Contains(s, secret) {
							t.Errorf("%s.%s holds %q in clear text", tbl, cols[i], secret)
						}
					}
				}
			}
			rows.Close()
		}
		people, _, _, err := registry.People(ctx, db, d.Keys, 0, registry.PeopleFilter{}, false)
		if err != nil || len(people) != 1 || people[0].IDNumber == id || !strings.HasSuffix(people[0].IDNumber, id[16:]) || people[0].Phone != "138****5678" {
			t.Fatalf("masked list: %+v %v", people, err)
		}
		people, _, _, _ = registry.People(ctx, db, d.Keys, 0, registry.PeopleFilter{}, true)
		if people[0].IDNumber != id || people[0].Email != email || people[0].Gender != "male" || people[0].BirthYear != 1985 {
			t.Fatalf("revealed list: %+v", people[0])
		}
		// Re-importing the same person matches on the ID number.
		plan, _ = registry.Prepare(ctx, db, d, registry.ImportPeople, tb)
		if sum, _ := plan.Commit(ctx, db, nil); sum.Unchanged != 1 {
			t.Fatalf("re-import of the same person: %+v", sum)
		}
	})
}

func TestStaleEditRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t)
		cat, _ := registry.LoadCatalogue(ctx, db)
		o, err := registry.Save(ctx, db, d.Indexer, cat, registry.Organisation{Name: "沈阳甲公司", Kind: "enterprise", CreditCode: creditCode(t, 9)})
		if err != nil {
			t.Fatal(err)
		}
		first, second := o, o
		first.Address = "沈阳市和平区一号"
		if _, err := registry.Save(ctx, db, d.Indexer, cat, first); err != nil {
			t.Fatal(err)
		}
		second.Name = "沈阳乙公司"
		_, err = registry.Save(ctx, db, d.Indexer, cat, second)
		var c *registry.Conflict
		if !errorsAs(err, &c) || strings.Join(c.Fields, ",") != "name,address" {
			t.Fatalf("stale save: %v", err)
		}
		cur, _ := registry.Get(ctx, db, 0, o.ID)
		if cur.Name != "沈阳甲公司" || cur.Address != "沈阳市和平区一号" {
			t.Fatalf("stale save overwrote: %+v", cur)
		}
	})
}
