package tabular

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// FuzzReadCSV feeds arbitrary bytes to the CSV reader: it must not panic,
// must fail only with an *Error, and must keep its promises about rows.
func FuzzReadCSV(f *testing.F) {
	seeds := []string{
		"名称,地址\n甲公司,北京\n",
		"\xEF\xBB\xBFa;b\r\n1;2\r\n",
		"sep=\t\na\tb\n",
		"a,b\n\"x\ny\",2\n\n3,4\n",
		"a\n\"unterminated\n",
		"a,b\nx\"y,1\n",
		"\xFF\xFEa\x00,\x00b\x00\n\x00",
		"\xc3\x28,\xa1\xa1\n",
		"'=1+2,-3\n@x,+y\n",
		"\r\r\n\n",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	lim := Limits{MaxBytes: 1 << 20, MaxRows: 50, MaxCells: 500, MaxUnzipped: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Read(bytes.NewReader(data), int64(len(data)), "fuzz.csv", lim)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Message("zh") == "" || e.Message("en") == "" {
				t.Fatalf("error %v is not a user-facing *Error", err)
			}
			return
		}
		if len(tab.Header) == 0 || len(tab.Rows) > lim.MaxRows {
			t.Fatalf("header %q, %d rows", tab.Header, len(tab.Rows))
		}
		prev := 0
		for _, r := range tab.Rows {
			if r.Num <= prev || len(r.Cells) < len(tab.Header) {
				t.Fatalf("row %d after %d with %d cells under %d headers", r.Num, prev, len(r.Cells), len(tab.Header))
			}
			prev = r.Num
		}
	})
}

// FuzzReadXLSXSheet puts arbitrary bytes where a workbook's first sheet
// goes, in a zip that is otherwise sound, so that the bytes reach the XML
// parsing (a mutated zip would only fail its checksums).
func FuzzReadXLSXSheet(f *testing.F) {
	base := buildXLSX(f, func(x *excelize.File) {
		x.SetCellValue("Sheet1", "A1", "名称")
		x.SetCellValue("Sheet1", "B1", "日期")
		x.SetCellValue("Sheet1", "A2", "甲")
		x.SetCellValue("Sheet1", "B2", 45293)
		id, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
		x.SetCellStyle("Sheet1", "B2", "B2", id)
	})
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		f.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		parts[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	const sheet = "xl/worksheets/sheet1.xml"
	f.Add(parts[sheet])
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="A2" t="s"><v>99</v></c><c r="XFE2"/></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1048577"><c r="A1" s="7"><v>1</v></c></row></sheetData></worksheet>`))
	lim := Limits{MaxRows: 50, MaxCells: 500}
	f.Fuzz(func(t *testing.T, sheetXML []byte) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range parts {
			if name == sheet {
				body = sheetXML
			}
			w, _ := zw.Create(name)
			w.Write(body)
		}
		zw.Close()
		data := buf.Bytes()
		_, err := Read(bytes.NewReader(data), int64(len(data)), "fuzz.xlsx", lim)
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error %v is not a user-facing *Error", err)
		}
	})
}
