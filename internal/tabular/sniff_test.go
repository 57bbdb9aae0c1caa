package tabular

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// zipOf builds a zip of the named entries; an entry of zeroes of a given
// size is written in chunks, so a 300 MiB bomb costs no memory.
func zipOf(t *testing.T, entries map[string]string, zeroes map[string]int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	chunk := make([]byte, 1<<20)
	for name, n := range zeroes {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		for ; n > 0; n -= int64(len(chunk)) {
			if _, err := w.Write(chunk[:min(n, int64(len(chunk)))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var workbookParts = map[string]string{
	"[Content_Types].xml": "<Types/>",
	"xl/workbook.xml":     "<workbook/>",
}

func TestRefusals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 300 MiB zip bomb")
	}
	xlsx := buildXLSX(t, func(f *excelize.File) { f.SetCellValue("Sheet1", "A1", "a") })
	bomb := zipOf(t, workbookParts, map[string]int64{"xl/worksheets/sheet1.xml": 300 << 20})
	ratio := zipOf(t, workbookParts, map[string]int64{"xl/media/image1.png": 50 << 20})
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	docx := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}, nil)
	cases := []struct {
		name string
		data []byte
		file string
		lim  Limits
		code string
	}{
		{"zip bomb: 300 MiB of zeroes", bomb, "bomb.xlsx", DefaultLimits, CodeUnzipTooLarge},
		{"entry compressed over 200:1", ratio, "ratio.xlsx", DefaultLimits, CodeUnzipTooLarge},
		{"total over a small limit", xlsx, "small.xlsx", Limits{MaxUnzipped: 1000}, CodeUnzipTooLarge},
		{".csv that is a workbook", xlsx, "data.csv", DefaultLimits, CodeMismatch},
		{".csv that is a zip", docx, "data.csv", DefaultLimits, CodeMismatch},
		{".xlsx that is text", []byte("名称,地址\n甲,北京\n"), "data.xlsx", DefaultLimits, CodeMismatch},
		{".xlsx that is a Word file", docx, "report.xlsx", DefaultLimits, CodeMismatch},
		{".xls magic named .xls", xls, "old.xls", DefaultLimits, CodeOldExcel},
		{".xls magic named .xlsx (or an encrypted workbook)", xls, "old.xlsx", DefaultLimits, CodeOldExcel},
		{".xls magic named .csv", xls, "old.csv", DefaultLimits, CodeOldExcel},
		{"a real workbook named .xls", xlsx, "book.xls", DefaultLimits, CodeOldExcel},
		{"binary named .csv", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image.csv", DefaultLimits, CodeMismatch},
		{"unsupported extension", []byte("a,b\n"), "data.pdf", DefaultLimits, CodeUnsupported},
		{"binary without a name", []byte("\x00\x01\x02"), "", DefaultLimits, CodeUnsupported},
		{"too large", []byte(strings.Repeat("a,b\n", 300)), "big.csv", Limits{MaxBytes: 1000}, CodeTooLarge},
		{"truncated workbook", xlsx[:len(xlsx)/2], "cut.xlsx", DefaultLimits, CodeCorrupt},
		{"workbook without real parts", zipOf(t, workbookParts, nil), "fake.xlsx", DefaultLimits, CodeCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readFile(t, c.data, c.file, c.lim)
			e := wantCode(t, err, c.code)
			if e.Message("zh") == "" || e.Message("en") == "" || e.Message("zh") == e.Message("en") {
				t.Errorf("messages %q / %q", e.Message("zh"), e.Message("en"))
			}
		})
	}
	if len(bomb) > 2<<20 {
		t.Errorf("the bomb is %d bytes on disk; it should be small", len(bomb))
	}
}

func TestContentDecidesFormat(t *testing.T) {
	xlsx := buildXLSX(t, func(f *excelize.File) { f.SetCellValue("Sheet1", "A1", "from xlsx") })
	for _, name := range []string{"", "upload", "BOOK.XLSX"} {
		tab := mustRead(t, xlsx, name)
		if tab.Header[0] != "from xlsx" {
			t.Errorf("%q: header %q", name, tab.Header)
		}
	}
	for _, name := range []string{"", "a.CSV", "a.txt"} {
		tab := mustRead(t, []byte("from csv\n"), name)
		if tab.Header[0] != "from csv" {
			t.Errorf("%q: header %q", name, tab.Header)
		}
	}
}

func TestErrorMessages(t *testing.T) {
	e := errTooLarge(20 << 20)
	if got, want := e.Message(""), "文件超过 20 MB 上限，请拆分后分批导入"; got != want {
		t.Errorf("zh = %q, want %q", got, want)
	}
	if got, want := e.Message("en-GB"), "The file is larger than the 20 MB limit; split it and import the parts"; got != want {
		t.Errorf("en = %q, want %q", got, want)
	}
	if !strings.Contains(e.Error(), "20 MB") {
		t.Errorf("Error() = %q", e.Error())
	}
}
