package tabular

import (
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet is one worksheet to write. Lists maps a 0-based column to the
// values its drop-down offers on every data row (data validation): a short
// list is written into the rule, a long one (or one with commas) goes on a
// hidden sheet the rule refers to.
type Sheet struct {
	Name     string
	Header   []string
	Rows     [][]any   // see Stream.Append for the values a cell may hold
	Widths   []float64 // per column, in Excel's character units; 0 or missing: fit the header
	Lists    map[int][]string
	Notes    map[int]string // 0-based column → a comment on its header cell
	Required []bool         // per column: mark the header with a red "*"
}

// WriteXLSX writes the sheets as one workbook: each with a bold header row,
// frozen, with filters, drop-downs and header notes. Text cells are
// neutralised against formula injection; numbers stay numbers. Sheets go
// through excelize's stream writer, so writing needs little memory beyond
// the rows passed in; for exports too big to hold, use NewXLSXStream.
func WriteXLSX(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		sheets = []Sheet{{}}
	}
	b, err := newBook()
	if err != nil {
		return err
	}
	defer b.f.Close()
	names, err := b.addSheets(sheets)
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		s, err := b.start(names[i], sh)
		if err != nil {
			return err
		}
		for _, row := range sh.Rows {
			if err := s.append(row); err != nil {
				return err
			}
		}
		if err := s.finish(); err != nil {
			return err
		}
	}
	return b.f.Write(w)
}

// Stream writes one big sheet row by row in bounded memory (excelize spills
// to a temporary file past 16 MB). Nothing reaches w until Close.
type Stream struct {
	w      io.Writer
	b      *book
	s      *sheetStream
	closed bool
}

// NewXLSXStream starts a workbook of one sheet: its header, settings and any
// sheet.Rows are written at once; Append adds the rest.
func NewXLSXStream(w io.Writer, sheet Sheet) (*Stream, error) {
	b, err := newBook()
	if err != nil {
		return nil, err
	}
	names, err := b.addSheets([]Sheet{sheet})
	if err == nil {
		var s *sheetStream
		if s, err = b.start(names[0], sheet); err == nil {
			st := &Stream{w: w, b: b, s: s}
			for _, row := range sheet.Rows {
				if err = st.Append(row); err != nil {
					break
				}
			}
			if err == nil {
				return st, nil
			}
		}
	}
	b.f.Close()
	return nil, err
}

// Append writes the next data row. A cell may be nil (empty), a string
// (neutralised), a bool, any integer or float kind (a number; NaN and
// infinities are left empty), a time.Time (a date, or a date and time when
// it has a clock part), []byte, a pointer to any of these, or anything else
// (written as its fmt.Sprint text, neutralised). A long digit string such
// as a credit code should be passed as a string: Excel keeps 15 digits of a
// number.
func (s *Stream) Append(row []any) error {
	if s.closed {
		return errors.New("tabular: Append after Close")
	}
	return s.s.append(row)
}

// Close finishes the sheet and writes the workbook to w. It is safe to call
// more than once.
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	defer s.b.f.Close()
	if err := s.s.finish(); err != nil {
		return err
	}
	return s.b.f.Write(s.w)
}

// sheetStream is a sheet being written through excelize's StreamWriter.
// Panes and column widths must precede the rows; the filter, drop-downs and
// notes are set on the worksheet before Flush, which writes them out.
type sheetStream struct {
	b    *book
	sw   *excelize.StreamWriter
	name string
	cols int // header width, or the widest row when there is no header
	row  int // the last row written
}

func (b *book) start(name string, sh Sheet) (*sheetStream, error) {
	sw, err := b.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	s := &sheetStream{b: b, sw: sw, name: name, cols: len(sh.Header)}
	for i := range sh.Header {
		if err := sw.SetColWidth(i+1, i+1, colWidth(sh, i)); err != nil {
			return nil, err
		}
	}
	if len(sh.Header) > 0 {
		if err := sw.SetPanes(&excelize.Panes{
			Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
		}); err != nil {
			return nil, err
		}
		if err := s.writeRow(b.headerRow(sh)); err != nil {
			return nil, err
		}
	}
	for _, col := range sortedKeys(sh.Lists) {
		if err := b.addList(name, col, sh.Lists[col]); err != nil {
			return nil, err
		}
	}
	for _, col := range sortedKeys(sh.Notes) {
		if sh.Notes[col] == "" {
			continue
		}
		c := excelize.Comment{Cell: ColumnLetter(col) + "1", Author: "说明", Text: sh.Notes[col]}
		if err := b.f.AddComment(name, c); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *sheetStream) append(row []any) error {
	vals := make([]any, len(row))
	for i, v := range row {
		vals[i] = s.b.cell(v)
	}
	return s.writeRow(vals)
}

func (s *sheetStream) writeRow(vals []any) error {
	if s.row >= excelize.TotalRows {
		return errExportTooLarge(excelize.TotalRows)
	}
	s.row++
	s.cols = max(s.cols, len(vals))
	return s.sw.SetRow("A"+strconv.Itoa(s.row), vals)
}

func (s *sheetStream) finish() error {
	if s.cols > 0 {
		ref := "A1:" + ColumnLetter(s.cols-1) + strconv.Itoa(max(s.row, 1))
		if err := s.b.f.AutoFilter(s.name, ref, nil); err != nil {
			return err
		}
	}
	return s.sw.Flush()
}

// colWidth is the width asked for, or one that fits the header.
func colWidth(sh Sheet, i int) float64 {
	if i < len(sh.Widths) && sh.Widths[i] > 0 {
		return min(sh.Widths[i], excelize.MaxColumnWidth)
	}
	w := 4.0
	for _, r := range sh.Header[i] {
		if r > 0x2E7F { // CJK and other wide characters take two columns
			w += 2
		} else {
			w++
		}
	}
	return min(max(w, 10), 60)
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		if k >= 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// sheetName makes a name Excel accepts: no []:*?/\, no apostrophe at either
// end, at most 31 characters, not empty.
func sheetName(name string, i int) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if name == "" {
		name = "Sheet" + strconv.Itoa(i+1)
	}
	return name
}
