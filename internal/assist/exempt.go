package assist

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The numerals that are no claim about the records (see Numeral): dates,
// ordinals and list markers, names, spans of time, set phrases.

// exemptWords contain numerals but state nothing the records give: plan
// periods, names of policies and set phrases; one exempts the numerals it
// covers (双一百 from its 一 on).
var exemptWords = []string{
	"十三五", "十四五", "十五五", "双一流", "一流", "两会", "两岸", "十分", "一带一路", "一企一档", "一体化", "一站式", "一把手",
	"一网通办", "一网统管", "一件事", "一次性", "三农", "五位一体", "四个意识", "千方百计", "万无一失", "一系列", "一方面", "一定",
	"一些", "一起", "一直", "一般", "一致", "一线", "一旦", "一同", "一道", "三年行动", "两化融合", "专精特新", "七一", "五一", "十一",
	"双一百", "一百强", "千百万", "一二三产", "两位数", "三位数", "两翼", "两新", "两重", "四十七所",
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
