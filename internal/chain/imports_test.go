package chain_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/chain"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// sheet is an .xlsx of the rows read back as an import reads it.
func sheet(t *testing.T, header []string, rows ...[]string) *tabular.Table {
	t.Helper()
	var buf bytes.Buffer
	sh := tabular.Sheet{Name: "图谱", Header: header}
	for _, r := range rows {
		var cells []any
		for _, c := range r {
			cells = append(cells, c)
		}
		sh.Rows = append(sh.Rows, cells)
	}
	if err := tabular.WriteXLSX(&buf, sh); err != nil {
		t.Fatal(err)
	}
	tb, err := tabular.Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "chain.xlsx", tabular.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

var header = []string{"产业链", "环节", "环节位置", "单位", "链主", "关键技术", "卡脖子", "攻关方向", "卡点", "技术领域"}

// TestImport: a good sheet adds links, members and technologies (a row
// may use a link an earlier row added); one bad cell anywhere writes
// nothing and every bad cell is named by row and column, in both
// languages.
func TestImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := build(t, db)
		good := [][]string{
			{"高端装备产业链", "叶轮铸造", "上游", "东北大学", "否", "叶轮精密铸造", "是", "关键技术受制于人", "部件", "铸造"},
			{"高端装备产业链", "叶轮铸造", "", "沈鼓集团股份有限公司", "", "", "", "", "", ""},
			{"高端装备产业链", "压缩机整机", "", "", "", "干气密封", "是", "关键技术受制于人", "整机", ""}, // named again: updated
		}
		bad := append(append([][]string{}, good...),
			[]string{"没有的链", "x", "上游", "", "", "", "", "", "", ""},
			[]string{"高端装备产业链", "新环节", "", "", "", "", "", "", "", ""},
			[]string{"高端装备产业链", "压缩机整机", "", "盛京银行", "是", "新技术", "也许", "", "", ""},
			[]string{"高端装备产业链", "压缩机整机", "", "查无此单位", "", "卡技术", "是", "受制", "", ""},
		)
		res, err := chain.Import(ctx, db, sheet(t, header, bad...))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range res.Problems {
			got = append(got, p.Column+strconv.Itoa(p.Row))
		}
		want := []string{"A5", "C6", "D7", "G7", "D8", "H8", "I8"}
		if d := diff(want, got); d != "" {
			t.Errorf("problems (-want +got):\n%s\n%v", d, res.Problems)
		}
		for _, p := range res.Problems {
			if zh, en := p.Message("zh-CN"), p.Message("en"); zh == en || strings.Contains(zh, "chain.") || strings.Contains(en, "chain.") {
				t.Errorf("row %d %s: messages %q / %q", p.Row, p.Column, zh, en)
			}
		}
		if l := must(chain.List(ctx, db)); l[0].Links != 3 || l[0].Members != 2 || l[0].Technologies != 4 {
			t.Errorf("a refused import wrote: %+v", l[0])
		}
		res, err = chain.Import(ctx, db, sheet(t, header, good...))
		if err != nil || len(res.Problems) > 0 {
			t.Fatalf("good sheet: %v %v", err, res.Problems)
		}
		if res.Rows != 3 || res.Links != 2 || res.Members != 2 || res.Technologies != 2 {
			t.Errorf("imported %+v", res)
		}
		m := must(chain.Get(ctx, db, c.chain))
		if len(m.Links) != 4 || m.Links[0].Stage != "upstream" || len(m.Technologies) != 5 {
			t.Errorf("after import: %d links (first %s), %d technologies", len(m.Links), m.Links[0].Stage, len(m.Technologies))
		}
		for _, k := range m.Technologies {
			if k.Name == "干气密封" && k.Choke != "整机" {
				t.Errorf("干气密封 named again was not updated: %+v", k)
			}
		}
		res, _ = chain.Import(ctx, db, sheet(t, []string{"产业链", "环节", "奇怪的列"}, []string{"高端装备产业链", "叶轮铸造", "x"}))
		if len(res.Problems) != 1 || res.Problems[0].Row != 1 || res.Problems[0].Column != "C" {
			t.Errorf("unknown column: %+v", res.Problems)
		}
	})
}
