package tabular

import (
	"reflect"
	"strings"
	"testing"
)

var orgColumns = []Column{
	{Key: "name", Headers: []string{"单位名称", "名称"}, Required: true},
	{Key: "credit_code", Headers: []string{"统一社会信用代码", "信用代码"}, Required: true},
	{Key: "amount", Headers: []string{"金额(元)"}},
	{Key: "note", Headers: []string{"备注"}},
}

func TestMapHeader(t *testing.T) {
	cases := []struct {
		name   string
		header []string
		want   map[string]int
		probs  []HeaderProblem
	}{
		{
			name:   "Chinese headers",
			header: []string{"单位名称", "统一社会信用代码", "金额(元)"},
			want:   map[string]int{"name": 0, "credit_code": 1, "amount": 2},
		},
		{
			name:   "starred, spaced, full-width brackets, alternative names",
			header: []string{"名称*", " 信用 代码 ＊", "金额（元）", "*备注"},
			want:   map[string]int{"name": 0, "credit_code": 1, "amount": 2, "note": 3},
		},
		{
			name:   "keys as headers, any case",
			header: []string{"NAME", "Credit_Code"},
			want:   map[string]int{"name": 0, "credit_code": 1},
		},
		{
			name:   "unknown and duplicate columns, empty header cells ignored",
			header: []string{"名称", "", "联系人", "信用代码", "单位名称"},
			want:   map[string]int{"name": 0, "credit_code": 3},
			probs: []HeaderProblem{
				{Column: 3, Letter: "C", Header: "联系人", Code: HeaderUnknown},
				{Column: 5, Letter: "E", Header: "单位名称", Key: "name", Code: HeaderDuplicate},
			},
		},
		{
			name:   "missing required columns",
			header: []string{"备注"},
			want:   map[string]int{"note": 0},
			probs: []HeaderProblem{
				{Header: "单位名称", Key: "name", Code: HeaderMissing},
				{Header: "统一社会信用代码", Key: "credit_code", Code: HeaderMissing},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, probs := MapHeader(c.header, orgColumns)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("map = %v, want %v", got, c.want)
			}
			if !reflect.DeepEqual(probs, c.probs) {
				t.Errorf("problems:\n got %+v\nwant %+v", probs, c.probs)
			}
		})
	}
}

func TestHeaderProblemMessage(t *testing.T) {
	p := HeaderProblem{Column: 3, Letter: "C", Header: "联系人", Code: HeaderUnknown}
	if m := p.Message("zh-CN"); !strings.Contains(m, "第 C 列") || !strings.Contains(m, "联系人") {
		t.Errorf("zh = %q", m)
	}
	if m := p.Message("en"); !strings.Contains(m, "Column C") {
		t.Errorf("en = %q", m)
	}
	m := HeaderProblem{Header: "单位名称", Code: HeaderMissing}.Message("en")
	if !strings.Contains(m, "required column “单位名称” is missing") {
		t.Errorf("missing = %q", m)
	}
}

func TestColumnLetter(t *testing.T) {
	cases := map[int]string{-1: "", 0: "A", 1: "B", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"}
	for i, want := range cases {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}
