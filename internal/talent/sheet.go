package talent

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// A catalogue version is loaded from a sheet: one row per item, naming
// its class (the class's name on its first row at least) and the item's
// code, Chinese text and English. The version itself (key, name, version,
// jurisdiction, effective date) comes with the upload, not in the sheet.

// SheetColumns are the catalogue sheet's columns, in the template's order.
var SheetColumns = []tabular.Column{
	{Key: "class", Headers: []string{"类别代码", "人才类别代码", "class key"}, Required: true},
	{Key: "class_name", Headers: []string{"类别名称", "人才类别名称", "class name"}, Required: true},
	{Key: "class_name_en", Headers: []string{"类别英文名称", "class name (English)", "class English"}, Required: true},
	{Key: "code", Headers: []string{"条目编号", "条目代码", "item code"}, Required: true},
	{Key: "item", Headers: []string{"条目内容", "条目", "item text"}, Required: true},
	{Key: "item_en", Headers: []string{"条目英文", "英文", "English", "item English"}, Required: true},
}

// Limits on a sheet's cells.
const (
	maxClassName = 40
	maxItemText  = 300
)

var (
	classKeyRE = regexp.MustCompile(`^[A-Za-z0-9]{1,8}$`)
	itemCodeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$`)
)

// SheetProblem is one thing wrong with a catalogue sheet: its row (1 is
// the header) and column (letter and header as written), and what to do.
type SheetProblem struct {
	Row    int
	Column string // A, B, …; "" for a missing column
	Header string
	msg    interface{ Message(string) string }
}

// Message says what is wrong and how to fix it, in lang; it names the row
// and column itself.
func (p SheetProblem) Message(lang string) string { return p.msg.Message(lang) }

// TemplateSheet is the catalogue sheet to fill in: the columns, with notes
// naming the headers each accepts, and the rows of c (the newest version,
// to revise) or, without one, an example.
func TemplateSheet(c *Catalogue) tabular.Sheet {
	sh := tabular.Sheet{Name: "人才分类目录", Notes: map[int]string{}}
	for i, col := range SheetColumns {
		sh.Header = append(sh.Header, col.Headers[0])
		sh.Required = append(sh.Required, col.Required)
		sh.Widths = append(sh.Widths, []float64{10, 14, 22, 10, 60, 60}[i])
		sh.Notes[i] = "可用列名 / accepted headers: " + strings.Join(col.Headers, "、")
	}
	if c == nil || len(c.Items) == 0 {
		sh.Rows = [][]any{
			{"A", "顶尖人才", "Top talent", "A1", "中国科学院院士、中国工程院院士", "Member of the Chinese Academy of Sciences or of Engineering"},
			{"A", "", "", "A2", "国家最高科学技术奖获得者", "Winner of the State Preeminent Science and Technology Award"},
			{"B", "杰出人才", "Distinguished talent", "B1", "国家杰出青年科学基金获得者", "National Science Fund for Distinguished Young Scholars"},
		}
		return sh
	}
	named := map[string]bool{}
	for _, it := range c.Items {
		var name, en string
		if !named[it.Class] {
			for _, cl := range c.Classes {
				if cl.Key == it.Class {
					name, en = cl.Name.ZH, cl.Name.EN
				}
			}
			named[it.Class] = true
		}
		sh.Rows = append(sh.Rows, []any{it.Class, name, en, it.Code, it.Name.ZH, it.Name.EN})
	}
	return sh
}

// ReadSheet reads a catalogue sheet into the classes and items of head (a
// version's key, names, jurisdiction and date): every cell is checked, and
// with any problem nothing is to be written. A class is named on its first
// row; later rows of the class leave its names empty or repeat them.
func ReadSheet(t *tabular.Table, head Catalogue) (Catalogue, []SheetProblem) {
	var out []SheetProblem
	idx, hps := tabular.MapHeader(t.Header, SheetColumns)
	for _, hp := range hps {
		out = append(out, SheetProblem{Row: 1, Column: hp.Letter, Header: hp.Header, msg: hp})
	}
	if len(out) > 0 {
		return head, out
	}
	if len(t.Rows) == 0 {
		return head, []SheetProblem{{Row: 2, Column: "A", msg: problem.Invalid("", "import.empty")}}
	}
	c := head
	c.Classes, c.Items = nil, nil
	type seen struct {
		row      int
		name, en string
	}
	classes := map[string]*seen{}
	codes := map[string]int{}
	for _, row := range t.Rows {
		cell := func(k string) string {
			if i := idx[k]; i < len(row.Cells) {
				return strings.TrimSpace(row.Cells[i])
			}
			return ""
		}
		bad := func(k, key string, args ...any) {
			i := idx[k]
			letter, header := tabular.ColumnLetter(i), t.Header[i]
			out = append(out, SheetProblem{Row: row.Num, Column: letter, Header: header,
				msg: problem.Invalid(k, key, append([]any{row.Num, letter, header}, args...)...)})
		}
		class, className, classEN := cell("class"), cell("class_name"), cell("class_name_en")
		code, text, en := cell("code"), cell("item"), cell("item_en")
		switch {
		case class == "":
			bad("class", "talent.sheet.empty")
		case !classKeyRE.MatchString(class):
			bad("class", "talent.sheet.bad_class", class)
		case classes[class] == nil:
			if className == "" {
				bad("class_name", "talent.sheet.class_unnamed", class)
			} else if n := utf8.RuneCountInString(className); n > maxClassName {
				bad("class_name", "talent.sheet.too_long", maxClassName)
			}
			if classEN == "" {
				bad("class_name_en", "talent.sheet.class_unnamed", class)
			} else if hasHan(classEN) {
				bad("class_name_en", "talent.sheet.han_in_english", classEN)
			} else if utf8.RuneCountInString(classEN) > maxClassName*3 {
				bad("class_name_en", "talent.sheet.too_long", maxClassName*3)
			}
			classes[class] = &seen{row: row.Num, name: className, en: classEN}
			c.Classes = append(c.Classes, Class{Key: class, Name: i18n.Text{ZH: className, EN: classEN}})
		default:
			first := classes[class]
			if className != "" && className != first.name {
				bad("class_name", "talent.sheet.class_differs", class, first.row, first.name)
			}
			if classEN != "" && classEN != first.en {
				bad("class_name_en", "talent.sheet.class_differs", class, first.row, first.en)
			}
		}
		switch prev, dup := codes[code]; {
		case code == "":
			bad("code", "talent.sheet.empty")
		case !itemCodeRE.MatchString(code):
			bad("code", "talent.sheet.bad_code", code)
		case dup:
			bad("code", "talent.sheet.code_twice", code, prev)
		default:
			codes[code] = row.Num
		}
		switch {
		case text == "":
			bad("item", "talent.sheet.empty")
		case utf8.RuneCountInString(text) > maxItemText:
			bad("item", "talent.sheet.too_long", maxItemText)
		}
		switch {
		case en == "":
			bad("item_en", "talent.sheet.empty")
		case hasHan(en):
			bad("item_en", "talent.sheet.han_in_english", en)
		case utf8.RuneCountInString(en) > maxItemText*2:
			bad("item_en", "talent.sheet.too_long", maxItemText*2)
		}
		c.Items = append(c.Items, Item{Class: class, Code: code, Name: i18n.Text{ZH: text, EN: en}})
	}
	return c, out
}

// hasHan reports whether s holds a Chinese character (an English cell
// must not).
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
