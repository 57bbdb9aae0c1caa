package assist

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/report"
)

// Binding a draft to the records: the model is given the figures (id,
// name, value, unit, as-of) and writes {{id}} where a figure goes, or
// {{id|form}} for the forms report templates print (approx 4.5万, over
// 超2万, zh 四, wan, yi, pct). Fill puts the figures in; Check then reads
// every numeral left in the text (Scan) and binds it to a figure it
// states, or marks it. A draft with a mark cannot be accepted.

// placeholder is {{id}} or {{id|form}}.
var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_.#@:-]+)\s*(?:\|\s*([a-z]+)\s*)?\}\}`)

// Fill replaces each placeholder naming a figure with the figure printed
// in its form; a placeholder naming no figure given stays, and Check
// marks it.
func Fill(text string, figs map[string]report.Figure) string {
	out, _ := FillPlaced(text, figs)
	return out
}

// FillPlaced is Fill that also names the figures it placed, sorted: Check
// prefers them where figures give the same number.
func FillPlaced(text string, figs map[string]report.Figure) (string, []string) {
	seen := map[string]bool{}
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		sub := placeholder.FindStringSubmatch(m)
		f, ok := figs[sub[1]]
		if !ok {
			return m
		}
		seen[sub[1]] = true
		if f.Undefined {
			return "—"
		}
		switch sub[2] {
		case "approx":
			return report.Approx(f.Value)
		case "over":
			return report.Over(f.Value)
		case "zh":
			return report.ZH(f.Value)
		case "wan":
			return report.Plain(math.Round(f.Value/1e3)/10) + "万"
		case "yi":
			return report.Plain(math.Round(f.Value/1e7)/10) + "亿"
		case "pct":
			return strconv.FormatFloat(metric.Round1(f.Value), 'f', 1, 64)
		}
		return report.Plain(f.Value)
	})
	placed := make([]string, 0, len(seen))
	for k := range seen {
		placed = append(placed, k)
	}
	sort.Strings(placed)
	return out, placed
}

// Mark is one numeral or placeholder of a checked draft.
type Mark struct {
	Start, End int
	Text       string
	Figure     string // the figure it states (bound)
	Exempt     string // a date or ordinal, not checked
	Problem    string // unbound: "unknown" (no figure says it), "placeholder" (names no figure given)
}

// Bound reports whether the mark states a figure.
func (m Mark) Bound() bool { return m.Figure != "" }

// Checked is a draft read against its figures.
type Checked struct {
	Text   string
	Marks  []Mark
	Bound  []string // the figures the text states, sorted
	Faults int      // numerals or placeholders no figure gives
}

// Check reads every numeral and leftover placeholder of text against figs.
func Check(text string, figs map[string]report.Figure) Checked { return CheckPlaced(text, figs, nil) }

// CheckPlaced is Check where the model placed the figures named in placed
// (FillPlaced): where several figures give a numeral, those come first.
func CheckPlaced(text string, figs map[string]report.Figure, placed []string) Checked {
	c := Checked{Text: text}
	bound := map[string]bool{}
	holes := placeholder.FindAllStringIndex(text, -1)
	for _, h := range holes {
		c.Marks = append(c.Marks, Mark{Start: h[0], End: h[1], Text: text[h[0]:h[1]], Problem: "placeholder"})
	}
	keys := make([]string, 0, len(figs))
	for k := range figs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, n := range Scan(text) {
		if inside(n.Start, holes) {
			continue
		}
		m := Mark{Start: n.Start, End: n.End, Text: n.Text, Exempt: n.Exempt}
		if n.Exempt == "" {
			best := -1
			for _, k := range keys {
				if !states(n, figs[k]) {
					continue
				}
				sc := closeness(text, n, figs[k])
				if slices.Contains(placed, k) {
					sc += 1000
				}
				if sc > best {
					m.Figure, best = k, sc
				}
			}
			if m.Figure == "" {
				m.Problem = "unknown"
			} else {
				bound[m.Figure] = true
			}
		}
		c.Marks = append(c.Marks, m)
	}
	sort.Slice(c.Marks, func(i, j int) bool { return c.Marks[i].Start < c.Marks[j].Start })
	for _, m := range c.Marks {
		if m.Problem != "" {
			c.Faults++
		}
	}
	for k := range bound {
		c.Bound = append(c.Bound, k)
	}
	sort.Strings(c.Bound)
	return c
}

// closeness ranks the figures a numeral states alike (several counts of
// 0, or of 12): the figure whose unit follows it first, then the one whose
// name shares most characters with the words just before it (智能工厂达到61
// is 累计智能工厂's 61, not 优势学科's).
func closeness(text string, n Numeral, f report.Figure) int {
	score := 0
	if f.Unit != "" && f.Unit != "%" && strings.HasPrefix(text[n.End:], f.Unit) {
		score += 100
	}
	before := []rune(text[:n.Start])
	before = before[max(0, len(before)-16):]
	for _, r := range before {
		if strings.ContainsRune(f.Name, r) {
			score++
		}
	}
	return score
}

func inside(at int, spans [][]int) bool {
	for _, s := range spans {
		if at >= s[0] && at < s[1] {
			return true
		}
	}
	return false
}

// overWords and aboutWords are how a numeral says it is approximate.
var (
	overWords  = []string{"超过", "超", "逾"}
	aboutWords = []string{"将近", "接近", "近", "约"}
)

// states reports whether numeral n states figure f: the same value (as
// printed: one decimal), in 万 or 亿 rounded to one decimal of that unit,
// or approximately with the words for it: 超/逾/余/多 a floor below the
// figure within a tenth of it, or report.Over's floor; 约 within 5%; 近
// within 5% and not above. A figure kept in 万元 or 亿元 is compared in
// yuan too.
func states(n Numeral, f report.Figure) bool {
	if f.Undefined {
		return false
	}
	vals := []float64{f.Value}
	if f.Value < 0 { // 下降5.2%: the text says the direction in words
		vals = append(vals, -f.Value)
	}
	switch {
	case strings.HasPrefix(f.Unit, "万"):
		vals = append(vals, f.Value*1e4)
	case strings.HasPrefix(f.Unit, "亿"):
		vals = append(vals, f.Value*1e8)
	}
	over, about := false, false
	for _, w := range overWords {
		over = over || strings.HasPrefix(n.Text, w)
	}
	over = over || strings.HasSuffix(n.Text, "余") || strings.HasSuffix(n.Text, "多")
	for _, w := range aboutWords {
		about = about || strings.HasPrefix(n.Text, w)
	}
	for _, v := range vals {
		switch {
		case over:
			if n.Value < v && (v-n.Value <= v/10 || floorOf(v) == n.Value) {
				return true
			}
		case about:
			if math.Abs(v-n.Value) <= v/20 && (!strings.Contains(n.Text, "近") || n.Value >= v) {
				return true
			}
		default:
			if same(n.Value, v) || inUnit(n, v) {
				return true
			}
		}
	}
	return false
}

// same: equal as printed (one decimal).
func same(a, b float64) bool {
	return a == b || math.Abs(a-metric.Round1(b)) < 1e-9
}

// inUnit: written in 万 or 亿 (4.5万), equal to the figure rounded to
// one decimal or to a whole of that unit.
func inUnit(n Numeral, v float64) bool {
	for _, u := range []struct {
		word string
		size float64
	}{{"万亿", 1e12}, {"亿", 1e8}, {"万", 1e4}} {
		if !strings.Contains(n.Text, u.word) {
			continue
		}
		x := n.Value / u.size
		return math.Abs(x-math.Round(v/u.size*10)/10) < 1e-9 || math.Abs(x-math.Round(v/u.size)) < 1e-9
	}
	return false
}

// floorOf is the floor report.Over prints for v, as a value.
func floorOf(v float64) float64 {
	s := report.Over(v)
	ns := Scan(s)
	if len(ns) == 0 {
		return math.NaN()
	}
	return ns[0].Value
}
