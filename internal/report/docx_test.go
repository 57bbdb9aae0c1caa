package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// seedLetter is the seed reply with each placeholder printed as a number,
// issued with a unit, 文号, date and contact.
func seedLetter(t *testing.T) report.Issued {
	t.Helper()
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		t.Fatal(err)
	}
	tpl := tpls["seed-reply"]
	body := regexp.MustCompile(`(?s)\{\{/\*.*?\*/\}\}`).ReplaceAllString(tpl.Body, "")
	// Clauses printed while records stand behind them are printed; the
	// period words are those of 30 June 2025; every figure is 12.
	body = regexp.MustCompile(`\{\{\s*(if [^}]*|end)\s*\}\}`).ReplaceAllString(body, "")
	body = strings.NewReplacer("{{lastYear}}", "2024", "{{periodName}}", "2025年上半年").Replace(body)
	body = regexp.MustCompile(`\{\{\s*\w+( "[^}]*)?\}\}`).ReplaceAllString(body, "12")
	if strings.Contains(body, "{{") {
		t.Fatalf("placeholders left: %s", body)
	}
	return report.Issued{
		Template: tpl.ID, Title: tpl.Title, AsOf: "2025-06-30", IssuedAt: "2025-07-10T10:00:00+08:00", IssuedBy: "张三",
		Body: body + "\n累计1,234人,增长2.5个百分点。",
		Unit: "沈阳市科学技术局", DocNumber: "沈科提字[2025]第017号", Date: "2025-07-15", Contact: "联系人:李明,电话:024-22851234",
	}
}

// node is an XML element, read generically.
type node struct {
	name  string
	attr  map[string]string
	kids  []*node
	text  string
	space string
}

func parseXML(t *testing.T, b []byte) *node {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := &node{name: "#root"}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, space: tok.Name.Space, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			stack[len(stack)-1].text += string(tok)
		}
	}
	return root
}

// all finds the elements of a name under n, depth first.
func (n *node) all(name string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
		out = append(out, k.all(name)...)
	}
	return out
}

func (n *node) one(name string) *node {
	if n == nil {
		return nil
	}
	if all := n.all(name); len(all) > 0 {
		return all[0]
	}
	return nil
}

func (n *node) get(name, attr string) string {
	if e := n.one(name); e != nil {
		return e.attr[attr]
	}
	return ""
}

// texts joins the text of every w:t under n.
func (n *node) texts() string {
	var b strings.Builder
	for _, t := range n.all("t") {
		b.WriteString(t.text)
	}
	return b.String()
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}

const twipsPerMM = 1440 / 25.4

func unzip(t *testing.T, b []byte) map[string]*node {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]*node{}
	for _, f := range z.File {
		r, _ := f.Open()
		body, _ := io.ReadAll(r)
		r.Close()
		parts[f.Name] = parseXML(t, body)
	}
	return parts
}

// TestDOCXFollowsGBT9704 reads the letter's DOCX back and checks the page,
// the grid, the fonts, the salutation, the footers, the punctuation and the
// closing against GB/T 9704-2012.
func TestDOCXFollowsGBT9704(t *testing.T) {
	var b bytes.Buffer
	if err := report.DOCX(&b, seedLetter(t)); err != nil {
		t.Fatal(err)
	}
	parts := unzip(t, b.Bytes())
	doc, styles, settings, fontTable := parts["word/document.xml"], parts["word/styles.xml"], parts["word/settings.xml"], parts["word/fontTable.xml"]
	if doc == nil || styles == nil || settings == nil || fontTable == nil {
		t.Fatalf("parts missing: %v", parts)
	}

	// The page: A4, top 37 mm, binding side 28 mm, block 156 × 225 mm.
	sect := doc.one("sectPr")
	w, h := num(t, sect.get("pgSz", "w")), num(t, sect.get("pgSz", "h"))
	mar := sect.one("pgMar").attr
	top, bottom, left, right := num(t, mar["top"]), num(t, mar["bottom"]), num(t, mar["left"]), num(t, mar["right"])
	for _, c := range []struct {
		what      string
		got, want float64
		tol       float64
	}{
		{"page width", w / twipsPerMM, 210, 0.5}, {"page height", h / twipsPerMM, 297, 0.5},
		{"top margin", top / twipsPerMM, 37, 1}, {"binding-side margin", left / twipsPerMM, 28, 1},
		{"text block width", (w - left - right) / twipsPerMM, 156, 0.1}, {"text block height", (h - top - bottom) / twipsPerMM, 225, 0.1},
	} {
		if math.Abs(c.got-c.want) > c.tol {
			t.Errorf("%s %.2f mm, want %.0f mm", c.what, c.got, c.want)
		}
	}
	if settings.one("mirrorMargins") == nil {
		t.Error("margins not mirrored: the binding side of even pages is not on the right")
	}

	// The grid: 22 lines of 28 characters of the body's 3号 (16 pt).
	grid := sect.one("docGrid").attr
	if grid["type"] != "linesAndChars" {
		t.Errorf("docGrid type %q", grid["type"])
	}
	defaults := styles.one("docDefaults")
	bodySz := num(t, defaults.get("sz", "val")) // half-points
	if bodySz != 32 {
		t.Errorf("body size %v half-points, want 32 (3号)", bodySz)
	}
	pitch := num(t, grid["linePitch"])
	charPitch := bodySz*10 + num(t, grid["charSpace"])*20/4096
	if lines := int((h - top - bottom) / pitch); lines != 22 {
		t.Errorf("%d lines a page (pitch %v), want 22", lines, pitch)
	}
	if chars := int((w - left - right) / charPitch); chars != 28 {
		t.Errorf("%d characters a line (pitch %.2f twips), want 28", chars, charPitch)
	}
	// Without snapping to the grid (LibreOffice), the condensed text
	// still sets 28 characters a line.
	normal := styles.all("style")[0]
	if normal.attr["styleId"] != "Normal" || normal.get("snapToGrid", "val") != "0" || normal.get("sz", "val") != "32" {
		t.Fatal("Normal is not the first style, unsnapped, in 3号")
	}
	if adv := bodySz*10 + num(t, normal.one("rPr").get("spacing", "val")); int((w-left-right)/adv) != 28 {
		t.Errorf("condensed text sets %d characters a line, want 28", int((w-left-right)/adv))
	}
	if line := defaults.get("spacing", "line"); line != grid["linePitch"] || defaults.get("spacing", "lineRule") != "exact" {
		t.Errorf("body line spacing %s, want exactly the grid's %s", line, grid["linePitch"])
	}

	// Fonts: body 仿宋_GB2312, title 2号 方正小标宋简体, each with a fallback.
	if f := defaults.get("rFonts", "eastAsia"); f != "仿宋_GB2312" {
		t.Errorf("body font %q", f)
	}
	style := map[string]*node{}
	for _, s := range styles.all("style") {
		style[s.attr["styleId"]] = s
	}
	if title := style["Title"]; title == nil || title.get("rFonts", "eastAsia") != "方正小标宋简体" || title.get("sz", "val") != "44" || title.get("jc", "val") != "center" {
		t.Error("title not 2号 方正小标宋简体, centred")
	}
	alt := map[string]string{}
	for _, f := range fontTable.all("font") {
		alt[f.attr["name"]] = f.get("altName", "val")
	}
	for _, f := range []string{"仿宋_GB2312", "方正小标宋简体", "宋体"} {
		if alt[f] == "" {
			t.Errorf("font %s has no fallback in fontTable.xml", f)
		}
	}

	// Paragraphs in order, with their style and text.
	type par struct{ style, text, jc string }
	var pars []par
	for _, p := range doc.one("body").kids {
		if p.name != "p" {
			continue
		}
		pars = append(pars, par{p.get("pStyle", "val"), p.texts(), p.get("jc", "val")})
	}
	if pars[0].text != "沈科提字〔2025〕17号" || pars[0].jc != "right" {
		t.Errorf("first line %+v, want the 文号 沈科提字〔2025〕17号 at the right", pars[0])
	}
	if !regexp.MustCompile(`^\p{Han}+〔\d{4}〕[1-9]\d*号$`).MatchString(pars[0].text) {
		t.Errorf("文号 %q not in the standard form", pars[0].text)
	}
	var sal *par
	for i := range pars {
		if pars[i].style == "Title" {
			if !strings.Contains(pars[i].text, "的答复") {
				t.Errorf("title %q", pars[i].text)
			}
			for _, q := range pars[i+1:] {
				if q.text != "" {
					sal = &q
					break
				}
			}
			break
		}
	}
	if sal == nil || sal.text != "王志坚委员：" || sal.style != "Salutation" {
		t.Fatalf("salutation %+v, want 王志坚委员： in Salutation", sal)
	}
	s := style["Salutation"]
	if s.get("ind", "firstLine") != "0" || s.get("ind", "firstLineChars") != "0" || s.get("jc", "val") != "left" {
		t.Error("the salutation is not flush left")
	}
	if b := style["Body"]; b.get("ind", "firstLineChars") != "200" {
		t.Error("body paragraphs have no two-character indent")
	}
	if pars[len(pars)-5].style != "Body" || !strings.Contains(pars[len(pars)-6].text+pars[len(pars)-5].text, "感谢您") {
		t.Errorf("the letter's last paragraphs: %+v", pars[len(pars)-6:])
	}

	// Full-width punctuation in the Chinese text; numbers keep theirs.
	text := doc.texts()
	for _, want := range []string{"的提案，市科技局高度重视，经过认真研究，具体办理意见如下：", "《沈阳市人工智能产业创新发展行动计划（2025-2027年）》", "累计1,234人，增长2.5个百分点。", "全市新建5G基站12个，累计建设5G基站达12个，实现5G网络更高质量覆盖；新增"} {
		if !strings.Contains(text, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`\p{Han}[,:;()!?]|[,:;()!?]\p{Han}`).FindAllString(text, 5); m != nil {
		t.Errorf("half-width punctuation in Chinese text: %q", m)
	}

	// The closing: unit, then date, right-aligned; the contact line after.
	tail := pars[len(pars)-3:]
	if tail[0].text != "沈阳市科学技术局" || tail[0].jc != "right" {
		t.Errorf("unit %+v", tail[0])
	}
	if tail[1].text != "2025年7月15日" || tail[1].jc != "right" {
		t.Errorf("date %+v", tail[1])
	}
	if tail[2].text != "（联系人：李明，电话：024-22851234）" {
		t.Errorf("contact line %+v", tail[2])
	}
	if pars[len(pars)-4].text != "" {
		t.Error("no empty line between the text and the unit")
	}

	// Footers: odd right, even left, "— N —" in 4号 宋体, one character in.
	if settings.one("evenAndOddHeaders") == nil {
		t.Error("settings.xml lacks evenAndOddHeaders")
	}
	rels := map[string]string{}
	for _, r := range parts["word/_rels/document.xml.rels"].all("Relationship") {
		rels[r.attr["Id"]] = r.attr["Target"]
	}
	footers := map[string]*node{}
	for _, ref := range sect.all("footerReference") {
		footers[ref.attr["type"]] = parts["word/"+rels[ref.attr["id"]]]
	}
	for typ, side := range map[string]string{"default": "right", "even": "left"} {
		f := footers[typ]
		if f == nil {
			t.Errorf("no %s footer", typ)
			continue
		}
		if jc := f.get("jc", "val"); jc != side {
			t.Errorf("%s footer on the %s, want %s", typ, jc, side)
		}
		if in := f.get("ind", side+"Chars"); in != "100" {
			t.Errorf("%s footer %s indent %q chars×100, want one character", typ, side, in)
		}
		if got := f.texts(); got != "— 1 —" {
			t.Errorf("%s footer reads %q", typ, got)
		}
		if f.one("instrText") == nil || strings.TrimSpace(f.one("instrText").text) != "PAGE" {
			t.Errorf("%s footer has no PAGE field", typ)
		}
		for _, r := range f.all("r") {
			if r.get("sz", "val") != "28" || r.get("rFonts", "ascii") != "宋体" {
				t.Errorf("%s footer run not 4号 宋体", typ)
				break
			}
		}
	}
}

// TestDOCXRefusesBadDocNumber: a 文号 that is none is an error, not a
// letter.
func TestDOCXRefusesBadDocNumber(t *testing.T) {
	rep := seedLetter(t)
	rep.DocNumber = "第17号"
	if err := report.DOCX(io.Discard, rep); err == nil {
		t.Error("DOCX with 文号 第17号 succeeded")
	}
}
