package tabular

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/xuri/excelize/v2"
)

const (
	maxZipEntries = 10_000  // a real workbook has dozens
	bigEntry      = 1 << 20 // entries above this must not compress too well
	maxRatio      = 200     // uncompressed:compressed beyond which we refuse
)

// checkZip walks the central directory before anything is inflated and
// refuses zip bombs: too many entries, too much in total, or a big entry that
// compresses suspiciously well. The sizes it adds up are the declared ones;
// archive/zip (which excelize uses) fails a read that inflates past an
// entry's declared size, so they cannot lie.
func checkZip(r io.ReaderAt, size int64, lim Limits) error {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return errCorrupt(err)
	}
	if len(zr.File) > maxZipEntries {
		return errUnzipTooLarge(lim.MaxUnzipped)
	}
	limit := uint64(lim.MaxUnzipped)
	var total uint64
	for _, f := range zr.File {
		n := f.UncompressedSize64
		if n > limit-total {
			return errUnzipTooLarge(lim.MaxUnzipped)
		}
		total += n
		if n > bigEntry && (f.CompressedSize64 == 0 || n/f.CompressedSize64 > maxRatio) {
			return errUnzipTooLarge(lim.MaxUnzipped)
		}
	}
	return nil
}

// readXLSX reads one worksheet row by row with excelize's streaming
// iterator, stopping as soon as a limit is passed. A panic inside excelize
// on a malformed file is reported as a damaged file.
func readXLSX(r io.ReaderAt, size int64, lim Limits, sheet string) (_ *Table, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errCorrupt(fmt.Errorf("excelize panicked: %v", p))
		}
	}()
	if err := checkZip(r, size, lim); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipped,
		UnzipXMLSizeLimit: min(lim.MaxUnzipped, excelize.StreamChunkSize),
	})
	if err != nil {
		return nil, errCorrupt(err)
	}
	defer f.Close()
	name, err := pickSheet(f, sheet)
	if err != nil {
		return nil, err
	}
	markStyles(f)
	props, err := f.GetWorkbookProps()
	if err != nil {
		return nil, errCorrupt(err)
	}
	date1904 := props.Date1904 != nil && *props.Date1904

	// Two iterators over the same sheet in step: raw values keep long
	// numbers exact; formatted ones (with the marker styles) tell which
	// cells are dates, times and booleans.
	raw, err := f.Rows(name)
	if err != nil {
		return nil, errCorrupt(err)
	}
	defer raw.Close()
	shown, stop, err := formattedRows(f, name)
	if err != nil {
		return nil, errCorrupt(err)
	}
	defer stop()

	b := newBuilder(lim)
	for num := 1; raw.Next(); num++ {
		cells, err := raw.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, errCorrupt(err)
		}
		display := <-shown // nil once the formatted pass has ended
		for i := range cells {
			var d string
			if i < len(display) {
				d = display[i]
			}
			cells[i] = cellText(cells[i], d, date1904)
		}
		if err := b.add(num, cells); err != nil {
			return nil, err
		}
	}
	if err := raw.Error(); err != nil {
		return nil, errCorrupt(err)
	}
	if err := stop(); err != nil {
		return nil, errCorrupt(err)
	}
	return b.table()
}

// formattedRows runs the formatted pass over a sheet in its own goroutine,
// a little ahead of the raw pass. The two decode the XML independently (it
// is most of the work), so on two cores a sheet takes the time of one pass.
// stop ends the goroutine, waits for it and reports a panic it recovered
// from; it may be called more than once. Other errors are left to the raw
// pass, which meets them too.
func formattedRows(f *excelize.File, name string) (rows <-chan []string, stop func() error, err error) {
	it, err := f.Rows(name)
	if err != nil {
		return nil, nil, err
	}
	ch := make(chan []string, 256)
	done, finished := make(chan struct{}), make(chan struct{})
	var failed error
	go func() {
		defer close(finished)
		defer close(ch)
		defer it.Close()
		defer func() {
			if p := recover(); p != nil {
				failed = fmt.Errorf("excelize panicked: %v", p)
			}
		}()
		for it.Next() {
			cells, err := it.Columns()
			if err != nil {
				return
			}
			select {
			case ch <- cells:
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return ch, func() error {
		once.Do(func() { close(done); <-finished })
		return failed
	}, nil
}

// pickSheet returns the sheet named want, or the first visible sheet.
func pickSheet(f *excelize.File, want string) (string, error) {
	list := f.GetSheetList()
	if want != "" {
		for _, s := range list {
			if s == want {
				return s, nil
			}
		}
		return "", errNoSheet(want)
	}
	if len(list) == 0 {
		return "", errEmpty()
	}
	for _, s := range list {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	return list[0], nil
}
