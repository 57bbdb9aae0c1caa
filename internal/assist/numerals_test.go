package assist

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
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
