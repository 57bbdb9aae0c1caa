package site

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// MaxUploadBytes is the import file limit (20 MiB) and the form around it.
const MaxUploadBytes = 21 << 20

// FormWhole reads a whole number typed in a form, thousands separators
// (",", "，", spaces) allowed; 0 when it is not one.
func FormWhole(r *http.Request, key string) int64 {
	n, _ := strconv.ParseInt(strings.NewReplacer(",", "", "，", "", " ", "").Replace(r.FormValue(key)), 10, 64)
	return n
}

// UploadedSheet reads the spreadsheet uploaded as the form's "file" part;
// an unreadable one is refused beside the field in the reader's language.
func UploadedSheet(r *http.Request) (*tabular.Table, error) {
	file, fh, err := r.FormFile("file")
	if err != nil {
		return nil, problem.Invalid("file", "returns.file_required")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, tabular.DefaultLimits.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	t, err := tabular.Read(bytes.NewReader(data), int64(len(data)), fh.Filename, tabular.DefaultLimits)
	var te *tabular.Error
	if errors.As(err, &te) {
		return nil, problem.Invalid("file", "returns.sheet_unreadable", te.Message(Info(r).Lang))
	}
	return t, err
}

// CellProblem is one refused (or warned-of) cell of an imported sheet, as
// an answer names it.
type CellProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Header  string `json:"header,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// FormInt reads a non-negative whole number field of a posted form; empty
// is 0, anything else is refused beside the field.
func FormInt(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, problem.Invalid(name, "error.number_invalid")
	}
	return n, nil
}

// FormatNumber writes an amount with thousands separators and no exponent:
// 1,200,000 or 3.5.
func FormatNumber(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if frac != "" {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
