package tabular

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xuri/excelize/v2"
)

func TestXLSXDatesComeOutISO(t *testing.T) {
	const serial = 45293 // 2024-01-02
	cases := []struct {
		name  string
		style *excelize.Style // nil: no style at all
		value any
		want  string
	}{
		{"builtin short date (14)", &excelize.Style{NumFmt: 14}, serial, "2024-01-02"},
		{"Chinese 年月日", &excelize.Style{CustomNumFmt: strPtr(`yyyy"年"m"月"d"日"`)}, serial, "2024-01-02"},
		{"day first with slashes", &excelize.Style{CustomNumFmt: strPtr("dd/mm/yyyy")}, serial, "2024-01-02"},
		{"month name", &excelize.Style{CustomNumFmt: strPtr("d-mmm-yy")}, serial, "2024-01-02"},
		{"locale and colour", &excelize.Style{CustomNumFmt: strPtr(`[$-804][Blue]yyyy/m/d;@`)}, serial, "2024-01-02"},
		{"builtin Chinese date (31)", &excelize.Style{NumFmt: 31}, serial, "2024-01-02"},
		{"date and time (22)", &excelize.Style{NumFmt: 22}, serial + 0.5, "2024-01-02 12:00"},
		{"custom date and time", &excelize.Style{CustomNumFmt: strPtr("yyyy/m/d h:mm")}, serial + 0.25, "2024-01-02 06:00"},
		{"time only", &excelize.Style{CustomNumFmt: strPtr("h:mm AM/PM")}, 0.75, "18:00"},
		{"date and time with seconds", &excelize.Style{CustomNumFmt: strPtr("yyyy-mm-dd hh:mm:ss")}, serial + 0.5 + 7.0/86400, "2024-01-02 12:00:07"},
		{"time.Time value", nil, time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "2024-01-02"},
		{"plain number stays a number", nil, serial, "45293"},
		{"money is not a date", &excelize.Style{CustomNumFmt: strPtr(`"¥"#,##0.00_);[Red]("¥"#,##0.00)`)}, 1234.5, "1234.5"},
		{"percent", &excelize.Style{NumFmt: 10}, 0.15, "0.15"},
		{"text in a date-styled cell", &excelize.Style{NumFmt: 14}, "待定", "待定"},
		{"digits as text in a date-styled cell", &excelize.Style{NumFmt: 14}, "20240102", "20240102"},
	}
	data := buildXLSX(t, func(f *excelize.File) {
		for i, c := range cases {
			col := ColumnLetter(i)
			set(t, f, map[string]any{col + "1": c.name, col + "2": c.value})
			if c.style != nil {
				style(t, f, col+"2", c.style)
			}
		}
	})
	tab := mustRead(t, data, "dates.xlsx")
	for i, c := range cases {
		if got := tab.Rows[0].Cells[i]; got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSerialText(t *testing.T) {
	cases := []struct {
		v        float64
		k        timeKind
		date1904 bool
		want     string
	}{
		{1, kindDate, false, "1900-01-01"},
		{59, kindDate, false, "1900-02-28"},
		{61, kindDate, false, "1900-03-01"},
		{45293, kindDate, false, "2024-01-02"},
		{45293.99999999, kindDate, false, "2024-01-03"}, // rounds to the second
		{45293.75, kindDate, false, "2024-01-02"},
		{45293.75, kindDateTime, false, "2024-01-02 18:00"},
		{45293, kindDateTime, false, "2024-01-02"},
		{0.5, kindTime, false, "12:00"},
		{43831, kindDate, true, "2024-01-02"}, // the 1904 date system
		{2958465, kindDate, false, "9999-12-31"},
	}
	for _, c := range cases {
		if got, ok := serialText(c.v, c.k, c.date1904); !ok || got != c.want {
			t.Errorf("serialText(%v, %d, %v) = %q, %v; want %q", c.v, c.k, c.date1904, got, ok, c.want)
		}
	}
	for _, v := range []float64{-1, 2958466, 1e300} {
		if _, ok := serialText(v, kindDate, false); ok {
			t.Errorf("serialText(%v) should refuse", v)
		}
	}
}

func TestXLSXNumbers(t *testing.T) {
	cases := []struct {
		name  string
		value any
		style *excelize.Style
		want  string
	}{
		{"18-digit credit code typed as a number", int64(911101085000000001), nil, "911101085000000001"},
		{"18-digit number in a General-styled cell", int64(911101085000000001), &excelize.Style{NumFmt: 0}, "911101085000000001"},
		{"float noise", 0.1 + 0.2, nil, "0.3"},
		{"long but clean decimal", 1234.5678, &excelize.Style{NumFmt: 2}, "1234.5678"},
		{"negative", -12.5, nil, "-12.5"},
		{"credit code typed as text", "91110108MA01ABCD2X", nil, "91110108MA01ABCD2X"},
		{"digits as text keep leading zeros", "000123", nil, "000123"},
		{"boolean", true, nil, "TRUE"},
	}
	data := buildXLSX(t, func(f *excelize.File) {
		for i, c := range cases {
			col := ColumnLetter(i)
			set(t, f, map[string]any{col + "1": c.name, col + "2": c.value})
			if c.style != nil {
				style(t, f, col+"2", c.style)
			}
		}
	})
	tab := mustRead(t, data, "numbers.xlsx")
	for i, c := range cases {
		if got := tab.Rows[0].Cells[i]; got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCleanNumber(t *testing.T) {
	cases := map[string]string{
		"911101085000000001":     "911101085000000001",
		"9.1000000000000003E+17": "910000000000000000",
		"9.11101085E+17":         "911101085000000000",
		"0.30000000000000004":    "0.3",
		"1.50":                   "1.50",
		"-7":                     "-7",
		"1E+300":                 "1E+300",
		"abc":                    "abc",
		"":                       "",
		"12-34":                  "12-34",
		"2.9999999999999996":     "3",
	}
	for in, want := range cases {
		if got := cleanNumber(in); got != want {
			t.Errorf("cleanNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClassifyFormat(t *testing.T) {
	cases := map[string]timeKind{
		"yyyy-mm-dd":             kindDate,
		`yyyy"年"m"月"d"日"`:        kindDate,
		"mmm-yy":                 kindDate,
		"h:mm:ss":                kindTime,
		"mm:ss":                  kindTime,
		"[h]:mm":                 kindTime,
		"yyyy/m/d h:mm":          kindDateTime,
		"General":                kindNone,
		"0.00":                   kindNone,
		`#,##0 "days"`:           kindNone,
		`0.00E+00`:               kindNone,
		`[Red]0.00;[Blue]-0.00`:  kindNone,
		`_-* #,##0_-;-* #,##0_-`: kindNone,
		`\d0`:                    kindNone,
		`@`:                      kindNone,
		`[$-F800]dddd, mmmm dd`:  kindDate,
		`[DBNum1]上午/下午h"时"mm"分"`: kindTime,
	}
	for code, want := range cases {
		if got := classifyFormat(code); got != want {
			t.Errorf("classifyFormat(%q) = %d, want %d", code, got, want)
		}
	}
}

func TestXLSXShape(t *testing.T) {
	data := buildXLSX(t, func(f *excelize.File) {
		set(t, f, map[string]any{
			"A1": " 名称 ", "B1": "代码\u3000", "C1": "备注",
			"A2": "\u3000甲公司\u3000", "B2": "001",
			// row 3 is missing, row 4 holds only spaces: both dropped
			"A4": "   ", "C4": "\u3000",
			"A5": "乙", "C5": "x", "E5": "beyond the header",
			"A6": "'=1+2", // as the platform exports a formula-like value
		})
	})
	tab := mustRead(t, data, "shape.xlsx")
	if want := []string{"名称", "代码", "备注"}; !reflect.DeepEqual(tab.Header, want) {
		t.Errorf("header = %q, want %q", tab.Header, want)
	}
	wantRows(t, tab, []Row{
		{Num: 2, Cells: []string{"甲公司", "001", ""}},
		{Num: 5, Cells: []string{"乙", "", "x", "", "beyond the header"}},
		{Num: 6, Cells: []string{"=1+2", "", ""}},
	})
}

func TestXLSXSheetChoice(t *testing.T) {
	data := buildXLSX(t, func(f *excelize.File) {
		set(t, f, map[string]any{"A1": "hidden"})
		for _, name := range []string{"数据", "其他"} {
			if _, err := f.NewSheet(name); err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellValue(name, "A1", name); err != nil {
				t.Fatal(err)
			}
		}
		f.SetActiveSheet(1) // excelize will not hide the active sheet
		if err := f.SetSheetVisible("Sheet1", false); err != nil {
			t.Fatal(err)
		}
	})
	tab := mustRead(t, data, "book.xlsx")
	if tab.Header[0] != "数据" {
		t.Errorf("default sheet header = %q, want the first visible sheet's", tab.Header[0])
	}
	f := readerOf(data)
	tab, err := ReadSheet(f, int64(len(data)), "book.xlsx", Limits{}, "其他")
	if err != nil || tab.Header[0] != "其他" {
		t.Errorf("ReadSheet(其他) = %v, %v", tab, err)
	}
	_, err = ReadSheet(f, int64(len(data)), "book.xlsx", Limits{}, "nope")
	wantCode(t, err, CodeNoSheet)
}

func TestXLSXLimits(t *testing.T) {
	data := buildXLSX(t, func(f *excelize.File) {
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		for r := 1; r <= 30; r++ {
			if err := sw.SetRow("A"+itoa(r), []any{"a", "b", "c", "d"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	})
	_, err := readFile(t, data, "big.xlsx", Limits{MaxRows: 10})
	e := wantCode(t, err, CodeTooManyRows)
	if !strings.Contains(e.Message("zh"), "10 行") || !strings.Contains(e.Message("en"), "10-row") || e.Line != 12 {
		t.Errorf("message %q / %q, line %d", e.Message("zh"), e.Message("en"), e.Line)
	}
	if !errors.Is(err, problem.ErrInvalid) {
		t.Error("a limit error should be problem.ErrInvalid")
	}
	_, err = readFile(t, data, "big.xlsx", Limits{MaxCells: 50})
	e = wantCode(t, err, CodeTooManyCells)
	if !strings.Contains(e.Message("en"), "50-cell") {
		t.Errorf("message %q", e.Message("en"))
	}
	if _, err := readFile(t, data, "big.xlsx", Limits{MaxRows: 29}); err != nil {
		t.Errorf("exactly at the limit: %v", err)
	}
}
