package tabular

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readFile writes data to a temporary file named name and reads it back
// through Read, as an upload handler would.
func readFile(t *testing.T, data []byte, name string, lim Limits) (*Table, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(f, int64(len(data)), name, lim)
}

// mustRead is readFile that fails the test on an error.
func mustRead(t *testing.T, data []byte, name string) *Table {
	t.Helper()
	tab, err := readFile(t, data, name, DefaultLimits)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return tab
}

// buildXLSX makes a workbook with excelize and returns its bytes.
func buildXLSX(t testing.TB, build func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// set sets cells of Sheet1 from a map of cell name to value.
func set(t testing.TB, f *excelize.File, cells map[string]any) {
	t.Helper()
	for ref, v := range cells {
		if err := f.SetCellValue("Sheet1", ref, v); err != nil {
			t.Fatal(err)
		}
	}
}

// style gives Sheet1's cell ref a new style.
func style(t testing.TB, f *excelize.File, ref string, s *excelize.Style) {
	t.Helper()
	id, err := f.NewStyle(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", ref, ref, id); err != nil {
		t.Fatal(err)
	}
}

// wantCode fails unless err is an *Error with the code.
func wantCode(t *testing.T, err error, code string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want *Error %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %s (%v), want %s", e.Code, err, code)
	}
	return e
}

func wantRows(t *testing.T, tab *Table, want []Row) {
	t.Helper()
	if !reflect.DeepEqual(tab.Rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", tab.Rows, want)
	}
}

func strPtr(s string) *string { return &s }

func readerOf(data []byte) *bytes.Reader { return bytes.NewReader(data) }

func itoa(i int) string { return strconv.Itoa(i) }
