package tabular

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestReadCSV(t *testing.T) {
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16le := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	plain := []Row{{Num: 2, Cells: []string{"甲公司", "北京"}}}
	cases := []struct {
		name   string
		data   []byte
		header []string
		rows   []Row
	}{
		{"UTF-8", []byte("名称,地址\n甲公司,北京\n"), []string{"名称", "地址"}, plain},
		{"UTF-8 with BOM", []byte("\xEF\xBB\xBF名称,地址\r\n甲公司,北京\r\n"), []string{"名称", "地址"}, plain},
		{"GBK, as Chinese Excel saves CSV", gbk("名称,地址\r\n甲公司,北京\r\n"), []string{"名称", "地址"}, plain},
		{"UTF-16 tab-separated (Excel Unicode text)", utf16le("名称\t地址\r\n甲公司\t北京\r\n"), []string{"名称", "地址"}, plain},
		{"semicolons", []byte("名称;地址;金额\n甲公司;北京;1,5\n"), []string{"名称", "地址", "金额"},
			[]Row{{Num: 2, Cells: []string{"甲公司", "北京", "1,5"}}}},
		{"tabs", []byte("名称\t地址\n甲公司\t北京\n"), []string{"名称", "地址"}, plain},
		{"sep= line", []byte("sep=;\n名称;地址\n甲公司;北京\n"), []string{"名称", "地址"}, plain},
		{"old Mac line ends", []byte("名称,地址\r甲公司,北京\r"), []string{"名称", "地址"}, plain},
		{"quoted separators and newlines keep Excel's row numbers",
			[]byte("名称,地址\n\"甲,公司\",\"北京\n海淀\"\n\n乙,\"上海\"\n"),
			[]string{"名称", "地址"},
			[]Row{{Num: 2, Cells: []string{"甲,公司", "北京\n海淀"}}, {Num: 4, Cells: []string{"乙", "上海"}}}},
		{"trims, pads, drops empty rows",
			[]byte(" 名称 ,地址,备注\n\u3000甲公司\u3000, 北京\n , ,\n乙\n"),
			[]string{"名称", "地址", "备注"},
			[]Row{{Num: 2, Cells: []string{"甲公司", "北京", ""}}, {Num: 4, Cells: []string{"乙", "", ""}}}},
		{"neutralised cells read back", []byte("a\n'=SUM(A1)\n'-5\n"), []string{"a"},
			[]Row{{Num: 2, Cells: []string{"=SUM(A1)"}}, {Num: 3, Cells: []string{"'-5"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab := mustRead(t, c.data, "data.csv")
			if !reflect.DeepEqual(tab.Header, c.header) {
				t.Errorf("header = %q, want %q", tab.Header, c.header)
			}
			wantRows(t, tab, c.rows)
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	cases := []struct {
		name, data, code string
		line             int
	}{
		{"bare quote", "a,b\n1,2\nx\"y,3\n", CodeCSVSyntax, 3},
		{"unterminated quote", "a,b\n1,2\n\"open,3\n4,5\n", CodeCSVSyntax, 3},
		{"line after sep= counts", "sep=,\na\n\"x\"y\n", CodeCSVSyntax, 3},
		{"empty", "", CodeEmpty, 0},
		{"only blank lines", "\n \n,,\n", CodeEmpty, 0},
		{"neither UTF-8 nor GB18030", "a,b\n\x81\x20,c\n", CodeEncoding, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readFile(t, []byte(c.data), "x.csv", DefaultLimits)
			e := wantCode(t, err, c.code)
			if e.Line != c.line {
				t.Errorf("line = %d, want %d", e.Line, c.line)
			}
			if c.line > 0 && !strings.Contains(e.Message("zh-CN"), "第 "+itoa(c.line)+" 行") {
				t.Errorf("message %q does not name line %d", e.Message("zh-CN"), c.line)
			}
		})
	}
}

func TestReadCSVLimits(t *testing.T) {
	data := []byte("a,b\n" + strings.Repeat("1,2\n", 20))
	_, err := readFile(t, data, "x.csv", Limits{MaxRows: 5})
	e := wantCode(t, err, CodeTooManyRows)
	if !strings.Contains(e.Message(""), "5 行") || e.Line != 7 {
		t.Errorf("message %q line %d", e.Message(""), e.Line)
	}
	_, err = readFile(t, data, "x.csv", Limits{MaxCells: 11})
	wantCode(t, err, CodeTooManyCells)
}

func TestSeparator(t *testing.T) {
	cases := map[string]rune{
		"a,b,c\n":          ',',
		"a;b;c\n":          ';',
		"a\tb\tc\n":        '\t',
		`"x;y;z",b` + "\n": ',',
		"single\n":         ',',
		"\n\na;b\n":        ';',
		"sep=|\na|b\n":     '|',
		"":                 ',',
	}
	for text, want := range cases {
		if got, _ := separator(text); got != want {
			t.Errorf("separator(%q) = %q, want %q", text, got, want)
		}
	}
}
