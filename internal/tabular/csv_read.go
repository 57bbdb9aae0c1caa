package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readCSV reads CSV text in UTF-8 (with or without a BOM), UTF-16 with a BOM
// (Excel's "Unicode text") or GB18030/GBK (what Chinese Excel saves as
// "CSV"), separated by commas, semicolons or tabs.
func readCSV(data []byte, lim Limits) (*Table, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	// encoding/csv ends lines only at \n; old Mac Excel ends them with \r.
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")

	sep, skipped := separator(text)
	if skipped > 0 {
		_, text, _ = strings.Cut(text, "\n")
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sep
	r.FieldsPerRecord = -1

	b := newBuilder(lim)
	embedded := 0 // newlines inside quoted fields so far: lines, not rows
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, errCSVSyntax(pe.StartLine+skipped, err)
		}
		if err != nil {
			return nil, errCorrupt(err)
		}
		line, _ := r.FieldPos(0)
		num := line - embedded // the row Excel shows it on
		for _, f := range rec {
			embedded += strings.Count(f, "\n")
		}
		if err := b.add(num, rec); err != nil {
			return nil, err
		}
	}
	return b.table()
}

func decodeText(b []byte) (string, error) {
	var dec *encoding.Decoder
	switch {
	case bytes.HasPrefix(b, utf8BOM):
		b = b[len(utf8BOM):]
		if !utf8.Valid(b) {
			return "", errEncoding()
		}
		return string(b), nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		dec = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		dec = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
	case utf8.Valid(b):
		return string(b), nil
	default:
		dec = simplifiedchinese.GB18030.NewDecoder()
	}
	out, err := dec.Bytes(b)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return "", errEncoding()
	}
	return string(out), nil
}

// separator picks the separator: the one named by an Excel "sep=X" first
// line (then skipped is 1), or else whichever of , ; and tab occurs most
// often outside quotes in the first non-empty line, a comma when none does.
func separator(text string) (sep rune, skipped int) {
	first, _, _ := strings.Cut(text, "\n")
	if v, ok := strings.CutPrefix(first, "sep="); ok && utf8.RuneCountInString(v) == 1 {
		if r, _ := utf8.DecodeRuneInString(v); r != '"' && r != utf8.RuneError {
			return r, 1
		}
	}
	for rest := text; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if strings.TrimSpace(line) != "" {
			return mostFrequent(line), 0
		}
	}
	return ',', 0
}

// mostFrequent counts the candidate separators outside quotes; ties go to
// the comma, then the tab.
func mostFrequent(line string) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch r {
		case '"':
			quoted = !quoted
		case ',', '\t', ';':
			if !quoted {
				counts[r]++
			}
		}
	}
	best := ','
	for _, r := range []rune{'\t', ';'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}
