package assist

import (
	"math"
	"regexp"
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
	Exempt     string  // why it is not checked ("" when it is): date, ordinal, word
}

// exemptWords contain numerals but state nothing the records give: plan
// periods, names of policies and set phrases. Matched where the numeral
// begins.
var exemptWords = []string{
	"十三五", "十四五", "十五五", "双一流", "一流", "两会", "两岸", "十分", "一带一路", "一企一档", "一体化", "一站式", "一把手",
	"一网通办", "一网统管", "一件事", "一次性", "三农", "五位一体", "四个意识", "千方百计", "万无一失", "一系列", "一方面", "一定",
	"一些", "一起", "一直", "一般", "一致", "一线", "一旦", "一同", "一道", "三年行动", "两化融合", "专精特新", "七一", "五一", "十一",
	"双一百", "一百强", "千百万", "一二三产", "两位数", "三位数", "两翼", "两新", "两重", "四十七所",
}

const zhDigitRunes = "零〇一二两三四五六七八九"

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

// exemptAt is the rest, from i, of an exempt word that covers i (双一百
// read from its 一), or "".
func exemptAt(text string, i int) string {
	for _, w := range exemptWords {
		for o := range w {
			if strings.HasSuffix(text[:i], w[:o]) && strings.HasPrefix(text[i:], w[o:]) {
				return w[o:]
			}
		}
	}
	return ""
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

// exemption says why a numeral is exempt, or "".
func exemption(text string, n Numeral) string {
	raw := strings.TrimLeft(text[n.Start:n.End], "超过近约逾将接")
	before, after := text[:n.Start], text[n.End:]
	whole := n.Value == math.Trunc(n.Value) && !n.Percent && !n.Approx
	switch {
	case strings.HasSuffix(before, "第") || (whole && strings.HasPrefix(after, "期") && n.Value <= 20):
		return "ordinal" // 第一批, 三期项目
	case whole && n.Value <= 10 && strings.HasPrefix(after, "大") && !isArabic(firstRune(raw)):
		return "word" // 三大基础要素, 五大方面
	case whole && strings.HasPrefix(after, "年") && n.Value >= 1900 && n.Value < 2200 && digitsOnly(raw):
		return "date"
	case whole && strings.HasPrefix(after, "月") && n.Value >= 1 && n.Value <= 12:
		return "date"
	case whole && (strings.HasPrefix(after, "日") || strings.HasPrefix(after, "号")) && n.Value >= 1 && n.Value <= 31:
		return "date"
	case whole && dateForm(text, n):
		return "date"
	case whole && strings.HasPrefix(after, "是") && utf8.RuneCountInString(raw) == 1 && !isArabic(firstRune(raw)):
		return "ordinal" // 一是…二是…
	case whole && bracketed(before, after):
		return "ordinal"
	case whole && lineStart(before) && (strings.HasPrefix(after, "、") || strings.HasPrefix(after, ".") || strings.HasPrefix(after, "．")):
		return "ordinal"
	case whole && (dateRange(n.Value, after) || yearRange(n.Value, before, after)):
		return "date" // 2025-2027年, 1—6月, (2025-2027)
	case inName(text, n) || quoted(before, after):
		return "name" // 5G, 2+3+N, “325”模式
	case n.Value <= 20 && isPeriod(n.Text, before, after):
		return "period" // 近三年, 过去5年, 三年来
	}
	return ""
}

var rangeTail = regexp.MustCompile(`^(?:-|—|–|～|~|至|到)([0-9０-９]+|[零〇一二两三四五六七八九十]+)(年|月|日|号)`)

// dateRange: the first of a range of years, months or days.
func dateRange(v float64, after string) bool {
	m := rangeTail.FindStringSubmatch(after)
	if m == nil {
		return false
	}
	switch m[2] {
	case "年":
		return v >= 1900 && v < 2200
	case "月":
		return v >= 1 && v <= 12
	}
	return v >= 1 && v <= 31
}

var (
	yearAfter  = regexp.MustCompile(`^(?:-|—|–|～|~|至|到)([0-9]{4})`)
	yearBefore = regexp.MustCompile(`([0-9]{4})(?:-|—|–|～|~|至|到)$`)
)

// yearRange: either end of a range of years written without 年
// (2025-2027).
func yearRange(v float64, before, after string) bool {
	year := func(s string) bool { y, err := strconv.Atoi(s); return err == nil && y >= 1900 && y < 2200 }
	if v < 1900 || v >= 2200 {
		return false
	}
	if m := yearAfter.FindStringSubmatch(after); m != nil && year(m[1]) {
		return true
	}
	m := yearBefore.FindStringSubmatch(before)
	return m != nil && year(m[1])
}

// inName: the numeral is part of a name written with Latin letters (5G,
// 5G-A, H1, 2+3+N).
func inName(text string, n Numeral) bool {
	code := func(c byte) bool {
		return isWordByte(c) || c == '+' || c == '-' || c == '/' || c == '_' || c == '.'
	}
	lo, hi := n.Start, n.End
	for lo > 0 && code(text[lo-1]) {
		lo--
	}
	for hi < len(text) && code(text[hi]) {
		hi++
	}
	for _, c := range []byte(text[lo:n.Start] + text[n.End:hi]) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// quoted: the numeral alone in quotes or title marks is a name.
func quoted(before, after string) bool {
	for _, q := range [][2]string{{"“", "”"}, {"「", "」"}, {"《", "》"}, {"\"", "\""}, {"‘", "’"}} {
		if strings.HasSuffix(before, q[0]) && strings.HasPrefix(after, q[1]) {
			return true
		}
	}
	return false
}

// isPeriod: a span of time the text looks back over (近三年, 过去5年,
// 三年来), not a count the records give.
func isPeriod(numeral, before, after string) bool {
	for _, tail := range []string{"年来", "年以来", "年间"} {
		if strings.HasPrefix(after, tail) {
			return true
		}
	}
	back := strings.HasPrefix(numeral, "近") || strings.HasSuffix(before, "过去") || strings.HasSuffix(before, "最")
	for _, unit := range []string{"年", "个月", "天", "周"} {
		if back && strings.HasPrefix(after, unit) {
			return true
		}
	}
	return false
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }

// digitsOnly: Arabic digits, or Chinese digits read one by one (二〇二五).
func digitsOnly(s string) bool {
	for _, r := range s {
		if _, ok := arabic(r); ok {
			continue
		}
		if _, ok := zhDigit(r); ok {
			continue
		}
		return false
	}
	return s != ""
}

// dateForm: a part of 2025-06-30, 2025/6/30 or 2025.6.30 (the decimal
// point of the scanner took 2025.6 as one number, so look at the text).
func dateForm(text string, n Numeral) bool {
	var b strings.Builder
	lo, hi := n.Start, n.End
	for lo > 0 {
		r, w := utf8.DecodeLastRuneInString(text[:lo])
		if !isArabic(r) && r != '-' && r != '/' && r != '.' {
			break
		}
		lo -= w
	}
	for hi < len(text) {
		r, w := utf8.DecodeRuneInString(text[hi:])
		if !isArabic(r) && r != '-' && r != '/' && r != '.' {
			break
		}
		hi += w
	}
	b.WriteString(strings.TrimRight(text[lo:hi], "-/."))
	s := b.String()
	for _, sep := range []string{"-", "/", "."} {
		parts := strings.Split(s, sep)
		if len(parts) != 3 {
			continue
		}
		y, e1 := strconv.Atoi(parts[0])
		m, e2 := strconv.Atoi(parts[1])
		d, e3 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && e3 == nil && y >= 1900 && y < 2200 && m >= 1 && m <= 12 && d >= 1 && d <= 31 {
			return true
		}
	}
	return false
}

func bracketed(before, after string) bool {
	for _, p := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if strings.HasSuffix(before, p[0]) && strings.HasPrefix(after, p[1]) {
			return true
		}
	}
	return false
}

func lineStart(before string) bool {
	k := strings.LastIndexByte(before, '\n')
	return strings.TrimSpace(before[k+1:]) == ""
}
