package tabular

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Number formats the cell styles are pointed at for the second, formatted
// pass over a sheet. They are markers, not for show: the date itself is
// computed from the raw serial (excelize's date formatting scans its table
// of locales for every cell; percentages are cheap, and times are rare).
// What a marker renders can never be mistaken for a raw value: only they
// put "%" after a number or ":" between digits.
const (
	markDate     = 9  // "0%": the cell shows a date
	markDateTime = 10 // "0.00%": a date and time
	markTime     = 21 // "hh:mm:ss": a time of day
	markNone     = -1 // no format at all: excelize returns the value as is
)

// markStyles rewrites, in memory only, every cell style's number format to
// one of the markers above.
//
// excelize has no public way to change an existing style or to learn a
// cell's style from the row iterator, so this edits the parsed style sheet
// through File.Styles, whose fields are exported though its type is not.
// A change there breaks the build, not the behaviour.
func markStyles(f *excelize.File) {
	st := f.Styles
	if st == nil || st.CellXfs == nil {
		return
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			code := nf.FormatCode
			if nf.FormatCode16 != "" {
				code = nf.FormatCode16
			}
			custom[nf.NumFmtID] = code
		}
	}
	for i := range st.CellXfs.Xf {
		xf := &st.CellXfs.Xf[i]
		k := kindNone
		if xf.NumFmtID != nil {
			if code, ok := custom[*xf.NumFmtID]; ok {
				k = classifyFormat(code)
			} else {
				k = builtinKind(*xf.NumFmtID)
			}
		}
		id := [...]int{kindNone: markNone, kindDate: markDate, kindDateTime: markDateTime, kindTime: markTime}[k]
		xf.NumFmtID = &id
	}
}

type timeKind int

const (
	kindNone timeKind = iota
	kindDate
	kindDateTime
	kindTime
)

// builtinKind classifies Excel's built-in number formats (ids below 164),
// including the East Asian ones (27–36, 50–58) as Chinese Excel uses them.
func builtinKind(id int) timeKind {
	switch {
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id == 36,
		id >= 50 && id <= 54, id == 57, id == 58:
		return kindDate
	case id == 22:
		return kindDateTime
	case id >= 18 && id <= 21, id >= 32 && id <= 35, id >= 45 && id <= 47,
		id == 55, id == 56:
		return kindTime
	}
	return kindNone
}

// classifyFormat tells whether a custom number format code shows a date, a
// time, both or neither. Only the first section counts; quoted text,
// escaped and padding characters and [bracketed] colours or locales are
// skipped; [h], [m] and [s] (elapsed time) and AM/PM mean a time.
func classifyFormat(code string) timeKind {
	var date, clock, month bool
	s := strings.ToLower(code)
	s = strings.ReplaceAll(s, "general", "")
	if strings.Contains(s, "am/pm") || strings.Contains(s, "a/p") || strings.Contains(s, "上午/下午") {
		clock = true
	}
scan:
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ';':
			break scan
		case '"':
			if j := strings.IndexByte(s[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				break scan
			}
		case '\\', '_', '*':
			i++ // the next character is literal, padding or fill
		case '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				break scan
			}
			switch s[i+1 : i+j] {
			case "h", "hh", "m", "mm", "s", "ss":
				clock = true
			}
			i += j
		case 'y', 'd':
			date = true
		case 'h', 's':
			clock = true
		case 'm':
			month = true
		}
	}
	if month && !clock {
		date = true // "mmm-yy", "m月": months; with h or s, minutes
	}
	switch {
	case date && clock:
		return kindDateTime
	case date:
		return kindDate
	case clock:
		return kindTime
	}
	return kindNone
}

var (
	timeShown = regexp.MustCompile(`^\d{2}:\d{2}:\d{2}$`)
	plainInt  = regexp.MustCompile(`^-?\d+$`)
	numberish = regexp.MustCompile(`^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)
)

// cellText chooses what a cell says: raw is its stored value, shown is the
// value formatted with the marker styles.
func cellText(raw, shown string, date1904 bool) string {
	if raw == shown {
		return cleanNumber(raw)
	}
	if shown == "TRUE" && raw == "1" || shown == "FALSE" && raw == "0" {
		return shown
	}
	k := kindNone
	switch {
	case strings.HasSuffix(shown, "%") && strings.Contains(shown, "."):
		k = kindDateTime
	case strings.HasSuffix(shown, "%"):
		k = kindDate
	case timeShown.MatchString(shown):
		k = kindTime
	}
	if k != kindNone {
		if v, err := strconv.ParseFloat(raw, 64); err == nil {
			if s, ok := serialText(v, k, date1904); ok {
				return s
			}
		}
	} else if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return dateText(t, kindDateTime) // an ISO 8601 cell (t="d")
	}
	return cleanNumber(raw)
}

// maxSerial is 9999-12-31, the last day Excel knows.
const maxSerial = 2958466

// serialText writes an Excel date serial as YYYY-MM-DD, YYYY-MM-DD HH:MM
// (HH:MM:SS when it has seconds), or HH:MM for a time of day. In the 1900
// date system Excel counts a 29 February 1900 that never was, so serials
// before it are one day off.
func serialText(v float64, k timeKind, date1904 bool) (string, bool) {
	if v < 0 || v >= maxSerial {
		return "", false
	}
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else if v < 60 {
		v++
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	t := epoch.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
	return dateText(t, k), true
}

func dateText(t time.Time, k timeKind) string {
	clock := "15:04"
	if t.Second() != 0 {
		clock = "15:04:05"
	}
	switch {
	case k == kindTime:
		return t.Format(clock)
	case k == kindDate, t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format("2006-01-02")
	}
	return t.Format("2006-01-02 " + clock)
}

// cleanNumber turns a stored number into what Excel shows in a General
// cell, without its rounding of long integers: "911101080000000001" stays
// as it is, "0.30000000000000004" becomes "0.3" (Excel keeps 15 significant
// digits) and "9.1E+17" becomes "910000000000000000". Anything else is
// returned unchanged.
func cleanNumber(s string) string {
	if plainInt.MatchString(s) || !numberish.MatchString(s) {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v == 0 {
		return s
	}
	if a := abs(v); a >= 1e21 || a < 1e-9 {
		return s // beyond where Excel itself switches to E notation
	}
	if !strings.ContainsAny(s, "eE") && significantDigits(s) <= 15 {
		return s
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func significantDigits(s string) int {
	s = strings.TrimLeft(strings.TrimPrefix(s, "-"), "0.")
	s = strings.ReplaceAll(s, ".", "")
	return len(s)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
