package assist

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A numeral is a number written in a draft: Arabic digits (half- or
// full-width, with a decimal point and thousands separators), Chinese
// numerals (一二两三…十百千万亿, 零/〇), either followed by 万, 亿 or 万亿,
// a percent sign (% ％) or 个百分点, written 百分之… , and the words of an
// approximate figure around it (超, 近, 约, 逾, 余, 多).
//
// Exempt numerals are not claims about the records and are never checked:
//   - dates: a year (1900–2199, Arabic or digit by digit 二〇二五) before 年;
//     a month 1–12 before 月; a day 1–31 before 日 or 号; dates written
//     2025-06-30 or 2025/6/30 or 2025.6.30;
//   - ordinals and list markers: after 第; 一是/二是…; a numeral alone in
//     brackets （一） (1); a numeral at the start of a line before 、 . ．;
//   - date ranges (2025-2027年, 1—6月, 2025-2027); phases (三期项目); N大
//     before a noun (三大要素); names written with Latin letters
//     or in quotes (5G, 2+3+N, “325”); spans looked back over (近三年,
//     过去5年, 三年来);
//   - a lone 一 (the article of running Chinese: 一批, 进一步, 统一);
//   - words that merely contain numerals (exemptWords: 十四五, 双一流, 两会,
//     十分, 一带一路 …); runs of 百, 千, 万 or 亿 alone (百姓, 千万, 万众).
//
// Every other numeral is a claim, and must be one the indicators give.
type Numeral struct {
	Start, End int     // byte offsets in the text, End exclusive
	Text       string  // as written, with its unit and approximation words
	Value      float64 // what it says, 万/亿 multiplied out (25 for 25%)
	Percent    bool    // a percentage or 个百分点
	Approx     bool    // written as approximate (超/近/约/逾/余/多)
	Exempt     string  // why it is not checked ("" when it is): date, ordinal, name, period, word
}

func zhDigit(r rune) (int, bool) {
	switch r {
	case '零', '〇':
		return 0, true
	case '一':
		return 1, true
	case '二', '两':
		return 2, true
	case '三':
		return 3, true
	case '四':
		return 4, true
	case '五':
		return 5, true
	case '六':
		return 6, true
	case '七':
		return 7, true
	case '八':
		return 8, true
	case '九':
		return 9, true
	}
	return 0, false
}

func zhUnit(r rune) (float64, bool) {
	switch r {
	case '十':
		return 10, true
	case '百':
		return 100, true
	case '千':
		return 1000, true
	case '万':
		return 1e4, true
	case '亿':
		return 1e8, true
	}
	return 0, false
}

// arabic reports an Arabic digit, half- or full-width.
func arabic(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '０' && r <= '９':
		return int(r - '０'), true
	}
	return 0, false
}

func isZH(r rune) bool {
	_, d := zhDigit(r)
	_, u := zhUnit(r)
	return d || u
}

// Scan finds every numeral in text, in order; exempt ones carry why.
func Scan(text string) []Numeral {
	var out []Numeral
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if _, ok := arabic(r); ok {
			n := scanArabic(text, i)
			decorate(text, &n)
			out = append(out, n)
			i = n.End
			continue
		}
		if strings.HasPrefix(text[i:], "百分之") {
			if n, ok := scanChinese(text, i+len("百分之")); ok {
				decorate(text, &n)
				n.Start, n.Percent = i, true
				n.Text = text[i:n.End]
				n.Exempt = ""
				out = append(out, n)
				i = n.End
				continue
			}
		}
		if isZH(r) {
			if word := exemptAt(text, i); word != "" {
				i += len(word)
				continue
			}
			if n, ok := scanChinese(text, i); ok {
				decorate(text, &n)
				out = append(out, n)
				i = n.End
				continue
			}
		}
		i += w
	}
	return out
}

// scanArabic reads digits from i: thousands separators (a comma before
// exactly three digits), one decimal point before a digit, then a unit.
func scanArabic(text string, i int) Numeral {
	n := Numeral{Start: i}
	var digits strings.Builder
	j := i
	for j < len(text) {
		r, w := utf8.DecodeRuneInString(text[j:])
		if d, ok := arabic(r); ok {
			digits.WriteByte(byte('0' + d))
			j += w
			continue
		}
		if (r == ',' || r == '，') && threeDigits(text, j+w) && digits.Len() > 0 && !strings.Contains(digits.String(), ".") {
			j += w
			continue
		}
		if (r == '.' || r == '．') && !strings.Contains(digits.String(), ".") {
			if r2, _ := utf8.DecodeRuneInString(text[j+w:]); isArabic(r2) {
				digits.WriteByte('.')
				j += w
				continue
			}
		}
		break
	}
	n.Value, _ = strconv.ParseFloat(digits.String(), 64)
	n.End = j
	return n
}

func isArabic(r rune) bool { _, ok := arabic(r); return ok }

// threeDigits: exactly three digits at j, not a fourth.
func threeDigits(text string, j int) bool {
	for k := 0; k < 4; k++ {
		r, w := utf8.DecodeRuneInString(text[j:])
		if !isArabic(r) {
			return k == 3
		}
		j += w
	}
	return false
}

// scanChinese reads a run of Chinese numerals from i. A run that holds no
// digit nor 十 (百姓, 千万) is no numeral; a lone 一 is the article.
func scanChinese(text string, i int) (Numeral, bool) {
	j := i
	hasDigit := false
	for j < len(text) {
		r, w := utf8.DecodeRuneInString(text[j:])
		if !isZH(r) {
			break
		}
		if j > i && exemptAt(text, j) != "" {
			break
		}
		if _, ok := zhDigit(r); ok || r == '十' {
			hasDigit = true
		}
		j += w
	}
	run := text[i:j]
	if !hasDigit || run == "一" {
		return Numeral{}, false
	}
	v, ok := zhValue(run)
	if !ok {
		return Numeral{}, false
	}
	return Numeral{Start: i, End: j, Value: v}, true
}

// zhValue reads a Chinese numeral: 四十五, 一百零三, 三千二百万, 1.5 not
// here; a run of digits alone (二〇二五) is read digit by digit.
func zhValue(s string) (float64, bool) {
	allDigits := true
	for _, r := range s {
		if _, ok := zhDigit(r); !ok {
			allDigits = false
		}
	}
	if allDigits {
		v := 0.0
		for _, r := range s {
			d, _ := zhDigit(r)
			v = v*10 + float64(d)
		}
		return v, true
	}
	var total, section, digit float64
	for _, r := range s {
		if d, ok := zhDigit(r); ok {
			digit = float64(d)
			continue
		}
		switch u, _ := zhUnit(r); u {
		case 1e8: // 亿 closes all before it
			total = (total + section + digit) * u
			section, digit = 0, 0
		case 1e4: // 万 closes its group
			section = (section + digit) * u
			digit = 0
		default: // 十 百 千
			if digit == 0 && section == 0 && total == 0 {
				digit = 1 // 十二: one ten
			}
			section += digit * u
			digit = 0
		}
	}
	v := total + section + digit
	return v, !math.IsInf(v, 0) && !math.IsNaN(v)
}

// decorate reads what stands around a numeral: its unit after it (万, 亿,
// %, 个百分点), the approximation words, and whether it is exempt.
func decorate(text string, n *Numeral) {
	rest := text[n.End:]
	switch {
	case strings.HasPrefix(rest, "万亿"):
		n.Value *= 1e12
		n.End += len("万亿")
	case strings.HasPrefix(rest, "亿"):
		n.Value *= 1e8
		n.End += len("亿")
	case strings.HasPrefix(rest, "万"):
		n.Value *= 1e4
		n.End += len("万")
	}
	rest = text[n.End:]
	for _, p := range []string{"%", "％", "个百分点"} {
		if strings.HasPrefix(rest, p) {
			n.Percent = true
			n.End += len(p)
			break
		}
	}
	for _, s := range []string{"余", "多"} {
		if strings.HasPrefix(text[n.End:], s) {
			n.Approx = true
			n.End += len(s)
		}
	}
	before := text[:n.Start]
	for _, p := range []string{"超过", "超", "近", "约", "逾", "将近", "接近"} {
		if strings.HasSuffix(before, p) {
			n.Approx = true
			n.Start -= len(p)
			break
		}
	}
	n.Text = text[n.Start:n.End]
	n.Exempt = exemption(text, *n)
}
