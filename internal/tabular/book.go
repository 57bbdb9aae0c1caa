package tabular

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// book is a workbook being written, with the styles its cells share and the
// hidden sheet long drop-down lists live on.
type book struct {
	f                      *excelize.File
	header, date, dateTime int    // style ids
	lists                  string // the hidden lists sheet, "" when none is needed
	listCols               int
	used                   map[string]bool // sheet names, lower-cased
}

func newBook() (*book, error) {
	f := excelize.NewFile()
	b := &book{f: f, used: map[string]bool{}}
	var err error
	styles := []struct {
		id *int
		s  *excelize.Style
	}{
		{&b.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
			Alignment: &excelize.Alignment{Vertical: "center"},
		}},
		{&b.date, &excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")}},
		{&b.dateTime, &excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd hh:mm:ss")}},
	}
	for _, s := range styles {
		if *s.id, err = f.NewStyle(s.s); err != nil {
			f.Close()
			return nil, err
		}
	}
	return b, nil
}

func ptr[T any](v T) *T { return &v }

// addSheets creates every sheet before any is written, and the hidden lists
// sheet last if a long drop-down list needs it. (Hiding a sheet makes
// excelize load every worksheet, so it must happen before streaming.)
func (b *book) addSheets(sheets []Sheet) ([]string, error) {
	names := make([]string, len(sheets))
	hidden := false
	for i, sh := range sheets {
		names[i] = b.uniqueName(sheetName(sh.Name, i))
		var err error
		if i == 0 {
			err = b.f.SetSheetName("Sheet1", names[0])
		} else {
			_, err = b.f.NewSheet(names[i])
		}
		if err != nil {
			return nil, err
		}
		for _, vals := range sh.Lists {
			hidden = hidden || (len(vals) > 0 && !inlineList(vals))
		}
	}
	if hidden {
		b.lists = b.uniqueName("_lists")
		if _, err := b.f.NewSheet(b.lists); err != nil {
			return nil, err
		}
		if err := b.f.SetSheetVisible(b.lists, false); err != nil {
			return nil, err
		}
	}
	return names, nil
}

func (b *book) uniqueName(name string) string {
	base := name
	for n := 2; b.used[strings.ToLower(name)]; n++ {
		suffix := "(" + strconv.Itoa(n) + ")"
		r := []rune(base)
		name = string(r[:min(len(r), 31-len(suffix))]) + suffix
	}
	b.used[strings.ToLower(name)] = true
	return name
}

// headerRow is the styled header: bold, and with a red "*" after the text
// of a required column.
func (b *book) headerRow(sh Sheet) []any {
	row := make([]any, len(sh.Header))
	for i, h := range sh.Header {
		h = Neutralise(h)
		if i < len(sh.Required) && sh.Required[i] {
			row[i] = excelize.Cell{StyleID: b.header, Value: []excelize.RichTextRun{
				{Text: h, Font: &excelize.Font{Bold: true}},
				{Text: "*", Font: &excelize.Font{Bold: true, Color: "FF0000"}},
			}}
			continue
		}
		row[i] = excelize.Cell{StyleID: b.header, Value: h}
	}
	return row
}

// cell converts a value to what the stream writer should store.
func (b *book) cell(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return b.cell(rv.Elem().Interface())
	}
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return Neutralise(x)
	case []byte:
		return Neutralise(string(x))
	case time.Time:
		if x.IsZero() {
			return nil
		}
		// excelize converts through UTC: keep the wall clock as written.
		wall := time.Date(x.Year(), x.Month(), x.Day(), x.Hour(), x.Minute(), x.Second(), x.Nanosecond(), time.UTC)
		style := b.date
		if wall != wall.Truncate(24*time.Hour) {
			style = b.dateTime
		}
		return excelize.Cell{StyleID: style, Value: wall}
	case fmt.Stringer:
		return Neutralise(x.String())
	}
	switch rv.Kind() {
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rv.Uint()
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		if rv.Kind() == reflect.Float32 { // 0.1 as float32, not 0.10000000149011612
			f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', -1, 32), 64)
		}
		return f
	case reflect.String:
		return Neutralise(rv.String())
	}
	return Neutralise(fmt.Sprint(v))
}

// inlineList reports whether a drop-down list fits in the validation rule
// itself: at most 255 characters joined, and no commas or quotes.
func inlineList(values []string) bool {
	n := len(values) - 1
	for _, v := range values {
		if strings.ContainsAny(v, `,"`) {
			return false
		}
		n += len(utf16.Encode([]rune(Neutralise(v))))
	}
	return n <= excelize.MaxFieldLength
}

// addList puts a drop-down on every data row of a column.
func (b *book) addList(sheet string, col int, values []string) error {
	if len(values) == 0 {
		return nil
	}
	vals := make([]string, len(values))
	for i, v := range values {
		vals[i] = Neutralise(v)
	}
	letter := ColumnLetter(col)
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s2:%s%d", letter, letter, excelize.TotalRows)
	if inlineList(values) {
		if err := dv.SetDropList(vals); err != nil {
			return err
		}
	} else {
		ref, err := b.listRef(vals)
		if err != nil {
			return err
		}
		dv.SetSqrefDropList(ref)
	}
	dv.SetError(excelize.DataValidationErrorStyleStop,
		"输入无效 / Invalid value", "请从下拉列表中选择。/ Choose a value from the list.")
	return b.f.AddDataValidation(sheet, dv)
}

// listRef writes values into the next column of the hidden lists sheet and
// returns an absolute reference to them.
func (b *book) listRef(vals []string) (string, error) {
	letter := ColumnLetter(b.listCols)
	b.listCols++
	if err := b.f.SetSheetCol(b.lists, letter+"1", &vals); err != nil {
		return "", err
	}
	return fmt.Sprintf("'%s'!$%s$1:$%s$%d", b.lists, letter, letter, len(vals)), nil
}
