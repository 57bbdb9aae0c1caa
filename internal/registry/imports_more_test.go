package registry_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestImportDisciplinesFiguresRecognitions imports the other kinds against
// two organisations, and checks a mistake in each is named precisely.
func TestImportDisciplinesFiguresRecognitions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t)
		uni, firm := creditCode(t, 501), creditCode(t, 502)
		orgs := table(orgHeader,
			[]string{uni, "东北大学", "高校", "和平区", "1923-04-26", "", "", "", ""},
			[]string{firm, "沈阳鼓风机集团股份有限公司", "企业", "铁西区", "1952-01-01", "大", "链主", "高端装备", "华泵一号"})
		mustCommit(t, db, d, registry.ImportOrgs, orgs, 2)

		mustCommit(t, db, d, registry.ImportDisciplines, table([]string{"高校统一社会信用代码", "类别", "代码", "名称", "开设年份", "标签"},
			[]string{uni, "学科", "0802", "机械工程", "1958", "服务新质生产力"},
			[]string{uni, "专业", "080901", "计算机科学与技术", "1986", ""}), 2)
		mustCommit(t, db, d, registry.ImportFigures, table([]string{"统一社会信用代码", "年度", "指标", "数值", "来源"},
			[]string{firm, "2023", "营业收入", "1,000,000", "统计联网直报"},
			[]string{firm, "2024", "revenue", "1200000.5", "统计联网直报"},
			[]string{firm, "2024", "研发人员", "812", ""}), 3)
		mustCommit(t, db, d, registry.ImportRecognitions, table([]string{"认定类型", "级别", "统一社会信用代码", "认定机构", "认定日期"},
			[]string{"智能工厂", "卓越级", firm, "工业和信息化部等六部门", "2024-12-20"}), 1)

		o, _ := registry.ByCreditCode(ctx, db, firm)
		figs, _ := registry.Figures(ctx, db, o.ID)
		if len(figs) != 3 || figs[0].Value != 1000000 || figs[1].Value != 1200000.5 {
			t.Fatalf("figures: %+v", figs)
		}
		recs, _ := registry.Recognitions(ctx, db, "organisation", o.ID)
		if len(recs) != 1 || recs[0].Level != "卓越级" {
			t.Fatalf("recognitions: %+v", recs)
		}
		u, _ := registry.ByCreditCode(ctx, db, uni)
		ds, _ := registry.Disciplines(ctx, db, u.ID)
		if len(ds) != 2 || ds[0].Kind != "discipline" || ds[0].Opened != 1958 {
			t.Fatalf("disciplines: %+v", ds)
		}
		page, _ := registry.List(ctx, db, 0, registry.Filter{Recognition: "smart_factory"})
		if page.Total != 1 {
			t.Fatalf("filter by recognition: %d", page.Total)
		}

		// One mistake per kind, each named with its row and column.
		cases := []struct {
			kind      registry.ImportKind
			tb        [][]string
			col, want string
		}{
			{registry.ImportFigures, [][]string{{"统一社会信用代码", "年度", "指标", "数值"}, {firm, "2024", "营业收入", "一百万"}}, "D", "不是数字"},
			{registry.ImportFigures, [][]string{{"统一社会信用代码", "年度", "指标", "数值"}, {firm, "2024", "利润", "1"}}, "C", "指标“利润”不存在"},
			{registry.ImportRecognitions, [][]string{{"认定类型", "级别", "统一社会信用代码", "认定日期"}, {"智能工厂", "超级", firm, "2024-01-01"}}, "B", "级别“超级”不适用"},
			{registry.ImportDisciplines, [][]string{{"高校统一社会信用代码", "类别", "名称"}, {uni, "课程", "力学"}}, "B", "学科 或 专业"},
			{registry.ImportPeople, [][]string{{"姓名", "身份证号", "手机号"}, {"王五", idNumber(t, 3), "12345"}}, "C", "电话"},
		}
		for _, c := range cases {
			plan, err := registry.Prepare(ctx, db, d, c.kind, table(c.tb[0], c.tb[1:]...))
			if err != nil {
				t.Fatal(err)
			}
			if len(plan.Problems) != 1 || plan.Problems[0].Row != 2 || plan.Problems[0].Column != c.col || !strings.Contains(plan.Problems[0].Message("zh-CN"), c.want) {
				msgs := []string{}
				for _, p := range plan.Problems {
					msgs = append(msgs, p.Column+": "+p.Message("zh-CN"))
				}
				t.Errorf("%s: problems %v; want one in column %s saying %q", c.kind, msgs, c.col, c.want)
			}
		}
		// A header with an unknown column and a missing required one.
		plan, _ := registry.Prepare(ctx, db, d, registry.ImportOrgs, table([]string{"单位名称", "颜色"}, []string{"某公司", "红"}))
		if len(plan.Problems) != 2 || plan.Problems[0].Row != 1 {
			t.Errorf("header problems: %d", len(plan.Problems))
		}
	})
}

func mustCommit(t *testing.T, db *store.DB, d registry.Deps, kind registry.ImportKind, tb *tabularTable, created int) {
	t.Helper()
	plan, err := registry.Prepare(context.Background(), db, d, kind, tb)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.OK() {
		for _, p := range plan.Problems {
			t.Errorf("%s row %d %s: %s", kind, p.Row, p.Column, p.Message("zh-CN"))
		}
		t.FailNow()
	}
	sum, err := plan.Commit(context.Background(), db, nil)
	if err != nil || sum.Created != created {
		t.Fatalf("%s: %+v %v; want %d created", kind, sum, err, created)
	}
}

// TestImportEmployment: where experts worked comes in by spreadsheet, a
// person by ID number and an organisation by credit code; a mistake is named
// with its cell and nothing is written; a later end date updates the spell.
func TestImportEmployment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := deps(t)
		firm := creditCode(t, 601)
		mustCommit(t, db, d, registry.ImportOrgs, table(orgHeader, []string{firm, "沈阳芯源微电子设备股份有限公司", "企业", "浑南区", "2002-12-17", "大", "", "集成电路", ""}), 1)
		id := idNumber(t, 7)
		mustCommit(t, db, d, registry.ImportPeople, table([]string{"姓名", "身份证号"}, []string{"李专家", id}), 1)
		header := []string{"身份证号", "单位统一社会信用代码", "入职日期", "离职日期"}
		plan, err := registry.Prepare(ctx, db, d, registry.ImportEmployment, table(header,
			[]string{idNumber(t, 8), firm, "2015-09-01", ""},
			[]string{id, firm, "2015-09-01", "2010-01-01"}))
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Problems) != 2 || plan.Problems[0].Column != "A" || plan.Problems[1].Column != "D" || count(t, db, "person_employment") != 0 {
			t.Fatalf("problems: %+v", plan.Problems)
		}
		mustCommit(t, db, d, registry.ImportEmployment, table(header, []string{id, firm, "2015-09-01", ""}), 1)
		mustCommit(t, db, d, registry.ImportEmployment, table(header, []string{id, firm, "2015-09-01", "2023-06-30"}), 0)
		var ended string
		if err := db.QueryRowContext(ctx, `SELECT ended FROM person_employment`).Scan(&ended); err != nil || ended != "2023-06-30" {
			t.Fatalf("ended %q %v", ended, err)
		}
	})
}
