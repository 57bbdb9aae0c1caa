package tabular

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
)

// Limits bound what Read accepts. A zero or negative field takes its value
// from DefaultLimits.
type Limits struct {
	MaxBytes    int64 // size of the uploaded file
	MaxRows     int   // data rows (the header and empty rows not counted)
	MaxCells    int   // cells in the header and data rows, after padding
	MaxUnzipped int64 // total uncompressed size of an .xlsx's zip entries
}

// DefaultLimits suit a bureau's largest honest import.
var DefaultLimits = Limits{
	MaxBytes:    20 << 20,
	MaxRows:     200_000,
	MaxCells:    5_000_000,
	MaxUnzipped: 200 << 20,
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultLimits.MaxRows
	}
	if l.MaxCells <= 0 {
		l.MaxCells = DefaultLimits.MaxCells
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = DefaultLimits.MaxUnzipped
	}
	return l
}

// Table is a sheet read into strings.
type Table struct {
	Header []string
	Rows   []Row
}

// Row is one non-empty data row. Num is the row number Excel shows for it
// (the header is usually row 1, so the first data row is 2); empty rows are
// dropped but leave their gap in the numbering. Cells has at least one cell
// per header column; cells beyond the header are kept.
type Row struct {
	Num   int
	Cells []string
}

// Read reads the first visible worksheet of an .xlsx, or a CSV file. The
// format comes from the content; filename (its extension) must agree with
// it. Errors the user can fix are *Error.
func Read(r io.ReaderAt, size int64, filename string, lim Limits) (*Table, error) {
	return ReadSheet(r, size, filename, lim, "")
}

// ReadSheet is Read for the worksheet named sheet ("" for the first visible
// one). CSV files ignore sheet.
func ReadSheet(r io.ReaderAt, size int64, filename string, lim Limits, sheet string) (*Table, error) {
	lim = lim.withDefaults()
	if size < 0 {
		return nil, errCorrupt(errors.New("negative size"))
	}
	if size > lim.MaxBytes {
		return nil, errTooLarge(lim.MaxBytes)
	}
	k, err := sniff(r, size)
	if err != nil {
		return nil, err
	}
	if err := checkName(filename, k); err != nil {
		return nil, err
	}
	switch k {
	case kindXLSX:
		return readXLSX(r, size, lim, sheet)
	case kindText:
		data := make([]byte, size)
		n, err := r.ReadAt(data, 0)
		if err != nil && err != io.EOF {
			return nil, errCorrupt(err)
		}
		return readCSV(data[:n], lim)
	case kindOLE:
		return nil, errOldExcel()
	case kindBrokenZip:
		return nil, errCorrupt(nil)
	default:
		return nil, errUnsupported(extOf(filename))
	}
}

// checkName refuses a file whose extension disagrees with its content. An
// empty name, or one without an extension, is judged by content alone.
func checkName(filename string, k kind) error {
	ext := extOf(filename)
	switch ext {
	case "":
		return nil
	case ".xls":
		return errOldExcel()
	case ".xlsx":
		if k != kindXLSX && k != kindOLE && k != kindBrokenZip {
			return errMismatch(ext, k.describe())
		}
	case ".csv", ".txt":
		if k != kindText && k != kindOLE {
			return errMismatch(ext, k.describe())
		}
	default:
		return errUnsupported(ext)
	}
	return nil
}

func extOf(filename string) string {
	return strings.ToLower(filepath.Ext(strings.TrimSpace(filename)))
}
