package report

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// The page of GB/T 9704-2012 (5.2): A4, top margin 37 mm, binding-side
// margin 28 mm, a text block of 156 × 225 mm holding 22 lines of 28
// characters of 3号 (16 pt) type. Lengths in twentieths of a point (twips,
// 1 mm = 1440/25.4 twips).
const (
	pageW, pageH = 11906, 16838                  // 210 × 297 mm
	marginTop    = 2098                          // 37 mm
	marginInside = 1588                          // 28 mm, the binding side (mirrored on even pages)
	blockW       = 8844                          // 156 mm
	blockH       = 12756                         // 225 mm
	marginOut    = pageW - marginInside - blockW // 26 mm
	marginBottom = pageH - marginTop - blockH    // 35 mm
	gridLines    = 22
	gridChars    = 28
	bodySize     = 32 // half-points: 3号 16 pt
	titleSize    = 44 // 2号 22 pt
	folioSize    = 28 // 4号 14 pt
	// linePitch is the grid's line height: 225 mm / 22, rounded down so
	// that 22 lines fit.
	linePitch = blockH / gridLines // 579
	// footerDist puts the page number's top 7 mm below the text block
	// (7.5): the footer's bottom at 35 − 7 mm less one 4号 line (14 pt).
	footerDist = marginBottom - 397 - 280
)

// charSpace is the character grid's pitch as Word stores it: the
// difference from the default font's width (16 pt) in 1/4096 pt, rounded
// down so that 28 characters fit in 156 mm.
var charSpace = func() int {
	pitch := float64(blockW) / gridChars / 20 // points per character
	d := (pitch - float64(bodySize)/2) * 4096
	n := int(d)
	if float64(n) > d {
		n--
	}
	return n
}()

// condense narrows each character (twips) so that 28 fit a line without
// snapping to the grid; LibreOffice needs more than the grid's 4.1 twips.
const condense = -10

// charPitch is one grid character in twips.
var charPitch = float64(bodySize)*10 + float64(charSpace)*20/4096

// Fonts, with the fallbacks Word uses when they are not installed
// (word/fontTable.xml's altName): 仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体.
const (
	fontBody  = "仿宋_GB2312"
	fontTitle = "方正小标宋简体"
	fontFolio = "宋体"
)

// DefaultUnit signs a letter that names no issuing unit.
const DefaultUnit = "沈阳市科学技术局"

// Closing returns the letter's closing as printed: the issuing unit, the
// date in Chinese (2025年7月15日), the contact line and the 文号 in its
// standard form, each from the report or its default — the unit
// DefaultUnit, the date the day the report was issued (or its as-of date
// when it was not), the contact the person who issued it. A 文号 that does
// not read as one is an error; an empty one prints none.
func (rep Issued) Closing() (unit, date, contact, docNumber string, err error) {
	unit = strings.TrimSpace(rep.Unit)
	if unit == "" {
		unit = DefaultUnit
	}
	day := rep.Date
	if day == "" && len(rep.IssuedAt) >= 10 {
		day = rep.IssuedAt[:10]
	}
	if day == "" {
		day = rep.AsOf
	}
	if day != "" {
		d, perr := time.Parse(time.DateOnly, day)
		if perr != nil {
			return "", "", "", "", fmt.Errorf("report date %q: %w", day, perr)
		}
		date = ChineseDate(d)
	}
	contact = strings.TrimSpace(rep.Contact)
	if contact == "" && rep.IssuedBy != "" {
		contact = "联系人：" + rep.IssuedBy
	}
	if contact != "" {
		contact = FullWidth(contact)
		if !strings.HasPrefix(contact, "（") {
			contact = "（" + contact + "）"
		}
	}
	if strings.TrimSpace(rep.DocNumber) != "" {
		if docNumber, err = FormatDocNumber(rep.DocNumber); err != nil {
			return "", "", "", "", err
		}
	}
	return unit, date, contact, docNumber, nil
}

// ChineseDate prints a date as a 成文日期: Arabic digits, no leading
// zeros (2025年7月15日).
func ChineseDate(d time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
}

// DOCX writes the report as an official letter after GB/T 9704-2012: the
// 文号 at the top right, the title centred in 2号 小标宋, the salutation
// flush left, the body in 3号 仿宋_GB2312 with a two-character indent and
// full-width punctuation, on a 156 × 225 mm text block of 22 lines × 28
// characters; the issuing unit and date close it, right-aligned, then the
// contact line; page numbers "— N —" in 4号 宋体 below the block, right on
// odd pages and left on even ones.
func DOCX(w io.Writer, rep Issued) error {
	unit, date, contact, docNumber, err := rep.Closing()
	if err != nil {
		return err
	}
	z := zip.NewWriter(w)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>`},
		{"_rels/.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		{"word/_rels/document.xml.rels", xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/></Relationships>`},
		{"word/settings.xml", xmlHead + `<w:settings xmlns:w="` + nsW + `"><w:mirrorMargins/><w:defaultTabStop w:val="` + strconv.Itoa(bodySize*10) + `"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:balanceSingleByteDoubleByteWidth/></w:compat></w:settings>`},
		{"word/fontTable.xml", fontTable},
		{"word/styles.xml", styles()},
		{"word/footer1.xml", footer("right")},
		{"word/footer2.xml", footer("left")},
		{"word/document.xml", document(rep, unit, date, contact, docNumber)},
	}
	for _, f := range files {
		fw, err := z.Create(f.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(fw, f.body); err != nil {
			return err
		}
	}
	return z.Close()
}

const (
	xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	nsW     = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
)

// fontTable names each font's fallback (altName) and its GB2312 charset
// (86), so that Word substitutes a Chinese face where one is missing.
var fontTable = xmlHead + `<w:fonts xmlns:w="` + nsW + `">` +
	`<w:font w:name="` + fontBody + `"><w:altName w:val="仿宋"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`<w:font w:name="` + fontTitle + `"><w:altName w:val="宋体"/><w:charset w:val="86"/><w:family w:val="script"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="` + fontFolio + `"><w:altName w:val="SimSun"/><w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>` +
	`<w:font w:name="仿宋"><w:altName w:val="FangSong"/><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>` +
	`</w:fonts>`

func fonts(name string) string {
	return `<w:rFonts w:ascii="` + name + `" w:eastAsia="` + name + `" w:hAnsi="` + name + `" w:cs="` + name + `" w:hint="eastAsia"/>`
}

func size(halfPoints int) string {
	n := strconv.Itoa(halfPoints)
	return `<w:sz w:val="` + n + `"/><w:szCs w:val="` + n + `"/>`
}

// styles: Normal is the body face on exact lines of the grid's pitch, with
// no automatic space between Chinese and Latin text. Its size is named in
// the style too: LibreOffice sizes the character grid from Normal's size,
// not the document default's. Paragraphs do not snap to the character
// grid: LibreOffice gives a 16 pt character two cells of a 15.8 pt grid
// (14 characters a line); instead the text is condensed by half a point
// (condense), so Word and LibreOffice both set 28 characters a line, and
// the grid (docGrid) still declares 22 × 28 for Word's page setup. Child
// elements follow the schema's order (Word refuses a file otherwise).
func styles() string {
	line := strconv.Itoa(linePitch)
	indent := strconv.Itoa(int(2 * charPitch))
	return xmlHead + `<w:styles xmlns:w="` + nsW + `"><w:docDefaults><w:rPrDefault><w:rPr>` + fonts(fontBody) + size(bodySize) + `<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="` + line + `" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:pPr><w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:snapToGrid w:val="0"/><w:jc w:val="both"/></w:pPr><w:rPr>` + fonts(fontBody) + `<w:spacing w:val="` + strconv.Itoa(condense) + `"/>` + size(bodySize) + `</w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="` + indent + `"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Salutation"><w:name w:val="Salutation"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="0" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr>` + fonts(fontTitle) + size(titleSize) + `</w:rPr></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="` + strconv.Itoa(folioSize*10) + `" w:lineRule="exact"/></w:pPr><w:rPr>` + fonts(fontFolio) + size(folioSize) + `</w:rPr></w:style>` +
		`</w:styles>`
}

// footer is the page number "— N —" in 4号 half-width 宋体 digits, one
// character in from the side it stands on.
func footer(side string) string {
	ind := `<w:ind w:right="280" w:rightChars="100"/>`
	if side == "left" {
		ind = `<w:ind w:left="280" w:leftChars="100"/>`
	}
	rpr := `<w:rPr>` + fonts(fontFolio) + size(folioSize) + `</w:rPr>`
	return xmlHead + `<w:ftr xmlns:w="` + nsW + `"><w:p><w:pPr><w:pStyle w:val="Footer"/>` + ind + `<w:jc w:val="` + side + `"/></w:pPr>` +
		`<w:r>` + rpr + `<w:t xml:space="preserve">— </w:t></w:r>` +
		`<w:r>` + rpr + `<w:fldChar w:fldCharType="begin"/></w:r>` +
		`<w:r>` + rpr + `<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>` +
		`<w:r>` + rpr + `<w:fldChar w:fldCharType="separate"/></w:r>` +
		`<w:r>` + rpr + `<w:t>1</w:t></w:r>` +
		`<w:r>` + rpr + `<w:fldChar w:fldCharType="end"/></w:r>` +
		`<w:r>` + rpr + `<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>`
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func para(style, pPr, text string) string {
	return `<w:p><w:pPr><w:pStyle w:val="` + style + `"/>` + pPr + `</w:pPr><w:r><w:t xml:space="preserve">` + escape(text) + `</w:t></w:r></w:p>`
}

const emptyPara = `<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr></w:p>`

// IsSalutation reports whether a letter's line is its salutation (主送):
// short, ending in a colon, with no sentence punctuation before it
// (王志坚委员：).
func IsSalutation(line string) bool {
	line = strings.TrimSpace(FullWidth(line))
	if !strings.HasSuffix(line, "：") || utf8.RuneCountInString(line) > 40 {
		return false
	}
	return !strings.ContainsAny(strings.TrimSuffix(line, "："), "，。；：！？")
}

// Ems is the width of a line of body text in characters (half-width
// letters and digits count half).
func Ems(s string) float64 {
	var n float64
	for _, r := range s {
		if chinese(r) || r >= 0x2E80 {
			n++
		} else {
			n += 0.5
		}
	}
	return n
}

// rightIndent places a line chars characters in from the right margin.
func rightIndent(chars float64) string {
	return `<w:ind w:right="` + strconv.Itoa(int(chars*charPitch+0.5)) + `" w:rightChars="` + strconv.Itoa(int(chars*100+0.5)) + `"/><w:jc w:val="right"/>`
}

// closing places the unit and date as GB/T 9704 7.3.5.3 does for a letter
// without a seal: the unit two characters in from the right, the date on
// the next line starting two characters right of the unit's start; when
// that would bring the date nearer than two characters to the margin, the
// date stands two in and the unit moves left to keep the two-character
// step.
func closing(unit, date string) (unitRight, dateRight float64) {
	u, d := Ems(unit), Ems(date)
	unitRight = 2
	dateRight = unitRight + u - 2 - d
	if dateRight < 2 {
		dateRight = 2
		unitRight = dateRight + d + 2 - u
	}
	return unitRight, dateRight
}

func document(rep Issued, unit, date, contact, docNumber string) string {
	var b strings.Builder
	b.WriteString(xmlHead + `<w:document xmlns:w="` + nsW + `" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)
	if docNumber != "" {
		b.WriteString(para("Normal", `<w:jc w:val="right"/>`, docNumber))
		b.WriteString(emptyPara)
	}
	b.WriteString(para("Title", "", FullWidth(rep.Title)))
	b.WriteString(emptyPara)
	for i, blk := range blocks(rep.Body) {
		if blk.rows == nil {
			style := "Body"
			if i == 0 && IsSalutation(blk.text) {
				style = "Salutation"
			}
			b.WriteString(para(style, "", FullWidth(blk.text)))
			continue
		}
		b.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:jc w:val="center"/><w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr>`)
		cols := 0
		for _, row := range blk.rows {
			cols = max(cols, len(row))
		}
		b.WriteString(`<w:tblGrid>` + strings.Repeat(`<w:gridCol w:w="`+strconv.Itoa(blockW/max(cols, 1))+`"/>`, cols) + `</w:tblGrid>`)
		for _, row := range blk.rows {
			b.WriteString(`<w:tr>`)
			for _, c := range row {
				b.WriteString(`<w:tc><w:p><w:pPr><w:spacing w:line="360" w:lineRule="exact"/></w:pPr><w:r><w:rPr>` + size(24) + `</w:rPr><w:t xml:space="preserve">` + escape(FullWidth(c)) + `</w:t></w:r></w:p></w:tc>`)
			}
			b.WriteString(`</w:tr>`)
		}
		b.WriteString(`</w:tbl>` + emptyPara)
	}
	// 空一行, then the unit and the date, then the contact line (附注:
	// two characters in, in parentheses).
	b.WriteString(emptyPara)
	ur, dr := closing(unit, date)
	b.WriteString(para("Normal", rightIndent(ur), unit))
	if date != "" {
		b.WriteString(para("Normal", rightIndent(dr), date))
	}
	if contact != "" {
		b.WriteString(para("Body", "", contact))
	}
	fmt.Fprintf(&b, `<w:sectPr><w:footerReference w:type="default" r:id="rId2"/><w:footerReference w:type="even" r:id="rId3"/><w:pgSz w:w="%d" w:h="%d"/><w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="851" w:footer="%d" w:gutter="0"/><w:docGrid w:type="linesAndChars" w:linePitch="%d" w:charSpace="%d"/></w:sectPr></w:body></w:document>`,
		pageW, pageH, marginTop, marginOut, marginBottom, marginInside, footerDist, linePitch, charSpace)
	return b.String()
}

// XLSX writes each figure with its definition, and a sheet of the records
// behind each figure.
func XLSX(w io.Writer, rep Issued, set *metric.Set) error {
	figs := tabular.Sheet{Name: "指标 Figures", Header: []string{"编号 ID", "指标 Name", "数值 Value", "单位 Unit", "截至 As of", "统计期 Period", "记录数 Records", "统计对象 Model", "口径 Window", "度量 Measure", "说明 Description"}}
	recs := tabular.Sheet{Name: "记录 Records", Header: []string{"指标 Figure", "记录编号 Record id", "统计对象 Model"}}
	ids := make([]string, 0, len(rep.Figures))
	for id := range rep.Figures {
		ids = append(ids, id)
	}
	sortStrings(ids)
	for _, id := range ids {
		f := rep.Figures[id]
		var window, measure, desc string
		if d, ok := set.Get(id); ok {
			window, measure, desc = d.Window, d.Measure, d.Description
		}
		period := ""
		if f.From != "" {
			period = f.From + " — " + f.To
		}
		figs.Rows = append(figs.Rows, []any{f.ID, f.Name, f.Value, f.Unit, f.AsOf, period, len(f.Records), f.Model, window, measure, desc})
		for _, r := range f.Records {
			recs.Rows = append(recs.Rows, []any{f.ID, r, f.Model})
		}
	}
	return tabular.WriteXLSX(w, figs, recs)
}
