package tabular

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestNeutralise(t *testing.T) {
	cases := map[string]string{
		"":                       "",
		"甲公司":                    "甲公司",
		"=1+2":                   "'=1+2",
		"+86 138":                "'+86 138",
		"-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
		"@SUM(A1)":               "'@SUM(A1)",
		"\t=1":                   "'\t=1",
		"\r=1":                   "'\r=1",
		"＝1+2":                   "'＝1+2",
		"-12.5":                  "-12.5",
		"-3":                     "-3",
		"-":                      "'-",
		"-1e5":                   "'-1e5",
		"a=b":                    "a=b",
		" =1":                    " =1",
		"'=1":                    "'=1", // already text; reads back as "=1"
	}
	for in, want := range cases {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
		if got := unNeutralise(Neutralise(in)); got != in && !strings.HasPrefix(in, "'") {
			t.Errorf("unNeutralise(Neutralise(%q)) = %q", in, got)
		}
	}
}

func TestWriteCSV(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCSV(&buf, []string{"名称", "公式"}, [][]string{
		{"甲公司", "=HYPERLINK(\"http://x\")"},
		{"乙,丙", "-12.5"},
		{"多行\n文本", "@x"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "\xEF\xBB\xBF名称,公式\r\n" +
		"甲公司,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n" +
		"\"乙,丙\",-12.5\r\n" +
		"\"多行\r\n文本\",'@x\r\n"
	if got := buf.String(); got != want {
		t.Errorf("csv:\n got %q\nwant %q", got, want)
	}
	tab := mustRead(t, buf.Bytes(), "export.csv")
	wantRows(t, tab, []Row{
		{Num: 2, Cells: []string{"甲公司", "=HYPERLINK(\"http://x\")"}},
		{Num: 3, Cells: []string{"乙,丙", "-12.5"}},
		{Num: 4, Cells: []string{"多行\n文本", "@x"}},
	})
}

type status string

type level int

func TestWriteXLSXRoundTrip(t *testing.T) {
	long := make([]string, 60)
	for i := range long {
		long[i] = "选项" + itoa(i) + "号"
	}
	name := "乙公司"
	when := time.Date(2024, 3, 5, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	sheets := []Sheet{{
		Name:     "单位",
		Header:   []string{"名称", "信用代码", "金额", "日期", "状态", "类别", "备注"},
		Required: []bool{true, true},
		Widths:   []float64{30},
		Lists:    map[int][]string{4: {"正常", "注销"}, 5: long},
		Notes:    map[int]string{1: "18 位，请按文本填写"},
		Rows: [][]any{
			{"甲公司", "911101085000000001", -12.5, when, status("正常"), level(3), "=cmd|' /C calc'!A0"},
			{&name, nil, float32(0.1), when.Add(90 * time.Minute), true, uint8(7), math.NaN()},
		},
	}, {
		Name:   "a/b:c", // not a legal sheet name as it is
		Header: []string{"x"},
		Rows:   [][]any{{"@x"}},
	}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sheets...); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	tab := mustRead(t, data, "export.xlsx")
	if want := []string{"名称*", "信用代码*", "金额", "日期", "状态", "类别", "备注"}; !reflect.DeepEqual(tab.Header, want) {
		t.Errorf("header = %q, want %q", tab.Header, want)
	}
	wantRows(t, tab, []Row{
		{Num: 2, Cells: []string{"甲公司", "911101085000000001", "-12.5", "2024-03-05", "正常", "3", "=cmd|' /C calc'!A0"}},
		{Num: 3, Cells: []string{"乙公司", "", "0.1", "2024-03-05 01:30", "TRUE", "7", ""}},
	})
	if m, probs := MapHeader(tab.Header, []Column{{Key: "name", Headers: []string{"名称"}, Required: true}}); m["name"] != 0 || len(probs) != 6 {
		t.Errorf("MapHeader on our own header: %v %v", m, probs)
	}

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkWorkbook(t, f)
}

// checkWorkbook looks inside the workbook TestWriteXLSXRoundTrip wrote.
func checkWorkbook(t *testing.T, f *excelize.File) {
	t.Helper()
	if got, want := f.GetSheetList(), []string{"单位", "a_b_c", "_lists"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %q, want %q", got, want)
	}
	if visible, _ := f.GetSheetVisible("_lists"); visible {
		t.Error("the lists sheet should be hidden")
	}
	// Formula-like text is stored as neutralised text; numbers as numbers.
	if v, _ := f.GetCellValue("单位", "G2"); v != "'=cmd|' /C calc'!A0" {
		t.Errorf("G2 = %q", v)
	}
	for ref, want := range map[string]excelize.CellType{"C2": excelize.CellTypeUnset /* a number */, "B2": excelize.CellTypeInlineString, "G2": excelize.CellTypeInlineString} {
		if got, _ := f.GetCellType("单位", ref); got != want {
			t.Errorf("type of %s = %v, want %v", ref, got, want)
		}
	}
	panes, err := f.GetPanes("单位")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v, %v", panes, err)
	}
	if dn := f.GetDefinedName(); len(dn) != 2 || dn[0].Name != "_xlnm._FilterDatabase" || dn[0].RefersTo != "'单位'!$A$1:$G$3" {
		t.Errorf("filter = %+v", dn)
	}
	dvs, err := f.GetDataValidations("单位")
	if err != nil || len(dvs) != 2 {
		t.Fatalf("validations = %+v, %v", dvs, err)
	}
	if dvs[0].Sqref != "E2:E1048576" || dvs[0].Formula1 != `"正常,注销"` {
		t.Errorf("short list: %q %q", dvs[0].Sqref, dvs[0].Formula1)
	}
	if dvs[1].Sqref != "F2:F1048576" || dvs[1].Formula1 != "'_lists'!$A$1:$A$60" {
		t.Errorf("long list: %q %q", dvs[1].Sqref, dvs[1].Formula1)
	}
	if v, _ := f.GetCellValue("_lists", "A60"); v != "选项59号" {
		t.Errorf("_lists!A60 = %q", v)
	}
	comments, err := f.GetComments("单位")
	if err != nil || len(comments) != 1 || comments[0].Cell != "B1" || !strings.Contains(comments[0].Text, "18 位") {
		t.Errorf("comments = %+v, %v", comments, err)
	}
	if w, _ := f.GetColWidth("单位", "A"); w != 30 {
		t.Errorf("width A = %v", w)
	}
	runs, err := f.GetCellRichText("单位", "A1")
	if err != nil || len(runs) != 2 || runs[1].Text != "*" || runs[1].Font == nil || runs[1].Font.Color != "FF0000" {
		t.Errorf("required header runs = %+v, %v", runs, err)
	}
	id, _ := f.GetCellStyle("单位", "C1")
	if st, err := f.GetStyle(id); err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style = %+v, %v", st, err)
	}
}

func TestXLSXStream(t *testing.T) {
	rows := 100_000
	if testing.Short() || raceEnabled {
		rows = 10_000
	}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	s, err := NewXLSXStream(out, Sheet{Name: "导出", Header: []string{"序号", "名称", "代码", "金额", "日期"}})
	if err != nil {
		t.Fatal(err)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= rows; i++ {
		err := s.Append([]any{i, "单位名称第" + itoa(i) + "号", "91110108MA01" + itoa(100000+i), float64(i) / 100, day.AddDate(0, 0, i%365)})
		if err != nil {
			t.Fatal(err)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 48<<20 {
		t.Errorf("heap grew by %d MiB over %d rows; the stream should spill to disk", grown>>20, rows)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := s.Append([]any{1}); err == nil {
		t.Error("Append after Close should fail")
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tab := mustRead(t, data, "big.xlsx")
	if len(tab.Rows) != rows {
		t.Fatalf("read %d rows, want %d", len(tab.Rows), rows)
	}
	last := tab.Rows[rows-1]
	want := Row{Num: rows + 1, Cells: []string{itoa(rows), "单位名称第" + itoa(rows) + "号", "91110108MA01" + itoa(100000+rows), itoa(rows / 100), day.AddDate(0, 0, rows%365).Format("2006-01-02")}}
	if !reflect.DeepEqual(last, want) {
		t.Errorf("last row = %q, want %q", last.Cells, want.Cells)
	}
}

func TestSheetName(t *testing.T) {
	cases := map[string]string{
		"":                      "Sheet1",
		"数据":                    "数据",
		"a/b\\c[d]:e*f?":        "a_b_c_d__e_f_",
		"'quoted'":              "quoted",
		strings.Repeat("长", 40): strings.Repeat("长", 31),
	}
	for in, want := range cases {
		if got := sheetName(in, 0); got != want {
			t.Errorf("sheetName(%q) = %q, want %q", in, got, want)
		}
	}
}
