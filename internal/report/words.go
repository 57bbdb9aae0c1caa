package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// The words a report template derives from its as-of date and its figures,
// so that no number or period in a letter is fixed text: the period the
// letter reports on (本期: 2025年上半年), the last complete year
// (截至2024年), and the rounded forms official letters write large or
// approximate figures in (4.5万, 超2万, 30余). Each is a rule table below,
// read top to bottom; the first rule that fits decides.

// bigUnit is a unit large figures are written in.
type bigUnit struct {
	Size float64
	Name string
}

// bigUnits are the units of Approx and Over, largest first.
var bigUnits = []bigUnit{{1e8, "亿"}, {1e4, "万"}}

// Approx writes a figure as the letter rounds it (约数): in the largest
// unit of bigUnits that it reaches once rounded to one decimal of that
// unit, the decimal dropped when it is 0 (45,000 → 4.5万; 44,960 → 4.5万;
// 9,960 → 1万; 640,000,000 → 6.4亿; 99,999,999 → 1亿); a figure that
// rounds to less than 1万 as Plain writes it (9,400 → 9400).
func Approx(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		return Plain(x)
	}
	for _, u := range bigUnits {
		if r := math.Round(x/u.Size*10) / 10; r >= 1 {
			return strconv.FormatFloat(r, 'f', -1, 64) + u.Name
		}
	}
	return Plain(x)
}

// floorBand is how Over writes figures from From up: the figure floored to
// a multiple of Step, written in Unit, in Form (%s stands for the number);
// a figure that is exactly the multiple is written without the words of
// "more than" (Exact).
type floorBand struct {
	From, Step, Unit float64
	Form, Exact      string
}

// floorBands: 超N亿 and 超N万 for large figures (20,318 → 超2万), N余 for
// figures from 10 (32 → 30余, 105 → 100余, 2,480 → 2000余); below 10, the
// figure as Plain writes it (counts are whole: 7 → 7).
var floorBands = []floorBand{
	{1e8, 1e8, 1e8, "超%s亿", "%s亿"},
	{1e4, 1e4, 1e4, "超%s万", "%s万"},
	{1000, 1000, 1, "%s余", "%s"},
	{100, 100, 1, "%s余", "%s"},
	{10, 10, 1, "%s余", "%s"},
}

// Over writes a figure as a floor it passes, as letters write counts they
// do not give exactly ("超2万个", "30余场"): the first band of floorBands
// the figure reaches. The floor is never above the figure, and "超"/"余"
// appear only when the figure is above it.
func Over(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
		return Plain(x)
	}
	for _, b := range floorBands {
		if x < b.From {
			continue
		}
		floor := math.Floor(x/b.Step) * b.Step
		form := b.Form
		if floor == x {
			form = b.Exact
		}
		return strings.Replace(form, "%s", Plain(floor/b.Unit), 1)
	}
	return Plain(x)
}

// zhDigits are the Chinese numerals ZH writes counts in.
var zhDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// ZH writes a count in Chinese numerals as running text puts them before a
// measure word ("连续四年", "两项"): 2 alone is 两; tens are 十, 二十 …
// (十二, 四十五); 0 is 零. Counts from 100 on, negative or not whole are
// written in digits as Plain writes them.
func ZH(x float64) string {
	if x != math.Trunc(x) || x < 0 || x >= 100 {
		return Plain(x)
	}
	n := int(x)
	switch {
	case n == 2:
		return "两"
	case n < 10:
		return zhDigits[n]
	}
	tens, ones := n/10, n%10
	out := "十"
	if tens > 1 {
		out = zhDigits[tens] + out
	}
	if ones > 0 {
		out += zhDigits[ones]
	}
	return out
}

// periodRule names the period a report covers (本期) for an as-of date:
// a rule is for a month and day (Month 0: any month; Day -1: the month's
// last day, Day 0: any day). Key is the period the sentence's figures are
// counted over (as Period reads it; a year is counted to the as-of date),
// Words how the letter says it; {Y} is the as-of year, {M} its month.
type periodRule struct {
	Month, Day int
	Key, Words string
}

// periodRules: a half year's letter speaks of 上半年, a year-end letter of
// the year, quarter ends of 一季度 and 前三季度, other month ends of the
// months so far, any other day of the year so far.
var periodRules = []periodRule{
	{6, 30, "{Y}H1", "{Y}年上半年"},
	{12, 31, "{Y}", "{Y}年"},
	{3, 31, "{Y}", "{Y}年一季度"},
	{9, 30, "{Y}", "{Y}年前三季度"},
	{1, 31, "{Y}", "{Y}年1月"},
	{0, -1, "{Y}", "{Y}年1—{M}月"},
	{0, 0, "{Y}", "{Y}年以来"},
}

// ReportPeriod is the period a report as of asOf covers: the key its
// figures are counted over ("2025H1", "2024") and the words the letter
// names it by ("2025年上半年", "2024年").
func ReportPeriod(asOf time.Time) (key, words string) {
	d := asOf.In(cst)
	last := d.AddDate(0, 0, 1).Day() == 1
	for _, r := range periodRules {
		if r.Month != 0 && r.Month != int(d.Month()) {
			continue
		}
		if (r.Day == -1 && !last) || (r.Day > 0 && r.Day != d.Day()) {
			continue
		}
		fill := strings.NewReplacer("{Y}", strconv.Itoa(d.Year()), "{M}", strconv.Itoa(int(d.Month())))
		return fill.Replace(r.Key), fill.Replace(r.Words)
	}
	return strconv.Itoa(d.Year()), strconv.Itoa(d.Year()) + "年以来" // unreachable: the last rule takes any day
}

// LastYear is the last complete year as of asOf: the as-of year itself on
// 31 December, the year before on any other day. "截至2024年" and the
// figures counted over "the last year" follow it.
func LastYear(asOf time.Time) string {
	d := asOf.In(cst)
	if d.Month() == time.December && d.Day() == 31 {
		return strconv.Itoa(d.Year())
	}
	return strconv.Itoa(d.Year() - 1)
}

var cst = time.FixedZone("CST", 8*3600)
