package assist

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/report"
)

func TestScan(t *testing.T) {
	type got struct {
		Text   string
		Value  float64
		Exempt string
	}
	for _, c := range []struct {
		in   string
		want []got
	}{
		{"认定智能工厂61家", []got{{"61", 61, ""}}},
		{"累计培育１，４００户", []got{{"１，４００", 1400, ""}}},
		{"服务企业4.5万家次", []got{{"4.5万", 45000, ""}}},
		{"融资超2万亿元", []got{{"超2万亿", 2e12, ""}}},
		{"占比达到36.5%", []got{{"36.5%", 36.5, ""}}},
		{"提高三个百分点", []got{{"三个百分点", 3, ""}}},
		{"占比百分之三十", []got{{"百分之三十", 30, ""}}},
		{"建成四十五个场景", []got{{"四十五", 45, ""}}},
		{"投入三千二百万元", []got{{"三千二百万", 3.2e7, ""}}},
		{"一亿二千万", []got{{"一亿二千万", 1.2e8, ""}}},
		{"举办活动30余场", []got{{"30余", 30, ""}}},
		{"截至2025年6月30日", []got{{"2025", 2025, "date"}, {"6", 6, "date"}, {"30", 30, "date"}}},
		{"二〇二五年", []got{{"二〇二五", 2025, "date"}}},
		{"数据截至2025-06-30。", []got{{"2025", 2025, "date"}, {"06", 6, "date"}, {"30", 30, "date"}}},
		{"第一批、第12届、第二十次", []got{{"12", 12, "ordinal"}, {"二十", 20, "ordinal"}}}, // a lone 一 is never a numeral
		{"一是加强，二是推进，三是落实", []got{{"二", 2, "ordinal"}, {"三", 3, "ordinal"}}},
		{"（二）总体情况\n2、具体措施", []got{{"二", 2, "ordinal"}, {"2", 2, "ordinal"}}},
		{"进一步推动十四五规划和双一流建设，十分重要", nil},
		{"两会期间百姓千万关注", nil},
		{"双一百项目", nil},
		{"两项措施", []got{{"两", 2, ""}}},
		{"3个月内", []got{{"3", 3, ""}}},
		{"行动计划（2025-2027年）、1—6月", []got{{"2025", 2025, "date"}, {"2027", 2027, "date"}, {"1", 1, "date"}, {"6", 6, "date"}}},
		{"行动计划（2025—2027）、三期项目、三大要素、两位数增长", []got{{"2025", 2025, "date"}, {"2027", 2027, "date"}, {"三", 3, "ordinal"}, {"三", 3, "word"}}},
		{"5G基站、5G-A、2+3+N体系、“325”模式", []got{{"5", 5, "name"}, {"5", 5, "name"}, {"2", 2, "name"}, {"3", 3, "name"}, {"325", 325, "name"}}},
		{"近三年新增，过去5年，三年来，连续四年进位", []got{{"近三", 3, "period"}, {"5", 5, "period"}, {"三", 3, "period"}, {"四", 4, ""}}},
	} {
		var g []got
		for _, n := range Scan(c.in) {
			g = append(g, got{n.Text, n.Value, n.Exempt})
		}
		if !reflect.DeepEqual(c.want, g) {
			t.Errorf("Scan(%q)\n got %+v\nwant %+v", c.in, g, c.want)
		}
	}
}

// FuzzScan: the scanner never panics, its numerals are in order, within
// the text, not overlapping, on rune boundaries, and each Text is the
// text between its offsets.
func FuzzScan(f *testing.F) {
	for _, s := range []string{"认定61家，超2万亿元，36.5%", "二〇二五年第一批", "（一）1、2025-06-30", "百分之三十五", "１，４００", "一亿二千万零三", "约4.5万", "9,99", "十十十", "万亿亿", "0.", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		for _, n := range Scan(s) {
			if n.Start < last || n.End <= n.Start || n.End > len(s) {
				t.Fatalf("Scan(%q): numeral %+v out of order or bounds (after %d)", s, n, last)
			}
			if !utf8.ValidString(s[n.Start:n.End]) && utf8.ValidString(s) {
				t.Fatalf("Scan(%q): numeral %+v splits a rune", s, n)
			}
			if n.Text != s[n.Start:n.End] {
				t.Fatalf("Scan(%q): Text %q is not the text at %d:%d", s, n.Text, n.Start, n.End)
			}
			if n.Value < 0 || n.Value != n.Value {
				t.Fatalf("Scan(%q): value %v", s, n.Value)
			}
			last = n.End
		}
		c := Check(s, nil)
		if c.Faults > len(c.Marks) || strings.Count(s, "{{") < 0 {
			t.Fatalf("Check(%q): %d faults of %d marks", s, c.Faults, len(c.Marks))
		}
	})
}

func TestCheckForms(t *testing.T) {
	figs := map[string]report.Figure{
		"visits":   {Name: "服务企业", Unit: "家次", Value: 45000},
		"stations": {Name: "5G基站", Unit: "个", Value: 20318},
		"events":   {Name: "招商活动", Unit: "场", Value: 32},
		"finance":  {Name: "融资", Unit: "元", Value: 6.4e8},
		"growth":   {Name: "增速", Unit: "%", Value: -5.2},
		"smes":     {Name: "中小企业", Unit: "户", Value: 1400},
		"funds":    {Name: "资金", Unit: "万元", Value: 12000},
		"samples":  {Name: "样本", Unit: "个", Value: 2480},
		"empty":    {Name: "比率", Unit: "%", Undefined: true},
	}
	for _, c := range []struct {
		text   string
		figure string // "" : a fault
	}{
		{"服务4.5万家次", "visits"}, {"约4.5万家次", "visits"}, {"超2万个", "stations"}, {"2万余个", "stations"}, {"30余场", "events"},
		{"6.4亿元", "finance"}, {"下降5.2%", "growth"}, {"1,400户", "smes"}, {"一千四百户", "smes"}, {"1.2亿元资金", "funds"},
		{"2000余个样本", "samples"}, {"超3万个", ""}, {"1500户", ""}, {"近5万家次", ""}, {"超4.5万家次", ""}, {"约50场", ""},
	} {
		ch := Check(c.text, figs)
		var got []string
		for _, m := range ch.Marks {
			if m.Exempt == "" {
				got = append(got, m.Figure)
			}
		}
		if len(got) != 1 || got[0] != c.figure {
			t.Errorf("Check(%q) binds %q, want %q", c.text, got, c.figure)
		}
	}
	ch := Check("共{{nothing}}家，{{smes}}户", figs)
	if ch.Faults != 2 { // {{nothing}} names no figure; {{smes}} left unfilled is no number at all
		t.Errorf("placeholders left: %d faults (%+v)", ch.Faults, ch.Marks)
	}
	if got := Fill("共{{smes}}户，{{visits|approx}}，{{stations|over}}个，{{events|zh}}场，{{empty}}，{{finance|yi}}元", figs); got != "共1400户，4.5万，超2万个，三十二场，—，6.4亿元" {
		t.Errorf("Fill: %s", got)
	}
}
