package tabular

import (
	"strings"
	"unicode"
)

// builder turns raw rows into a Table: it trims cells, drops empty rows,
// takes the first non-empty row as the header, pads short rows and enforces
// the row and cell limits as rows arrive.
type builder struct {
	lim    Limits
	t      Table
	header bool
	cells  int
}

func newBuilder(lim Limits) *builder { return &builder{lim: lim} }

// add takes the cells of row num (as Excel numbers it) and keeps the slice.
func (b *builder) add(num int, cells []string) error {
	last := -1
	for i, c := range cells {
		c = trimCell(unNeutralise(trimCell(c)))
		cells[i] = c
		if c != "" {
			last = i
		}
	}
	if last < 0 {
		return nil
	}
	cells = cells[:last+1]
	if !b.header {
		b.header = true
		b.t.Header = cells
		b.cells = len(cells)
		if b.cells > b.lim.MaxCells {
			return errTooManyCells(b.lim.MaxCells, num)
		}
		return nil
	}
	if len(b.t.Rows) >= b.lim.MaxRows {
		return errTooManyRows(b.lim.MaxRows, num)
	}
	if n := len(b.t.Header); len(cells) < n {
		cells = append(cells, make([]string, n-len(cells))...)
	}
	b.cells += len(cells)
	if b.cells > b.lim.MaxCells {
		return errTooManyCells(b.lim.MaxCells, num)
	}
	b.t.Rows = append(b.t.Rows, Row{Num: num, Cells: cells})
	return nil
}

func (b *builder) table() (*Table, error) {
	if !b.header {
		return nil, errEmpty()
	}
	return &b.t, nil
}

// trimCell removes spaces around a cell: ASCII and Unicode spaces
// (including the full-width U+3000), zero-width spaces and stray BOMs.
func trimCell(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
	})
}
