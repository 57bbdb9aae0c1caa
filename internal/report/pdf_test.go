package report_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/report"
)

// TestDOCXRendersInLibreOffice converts the letter to PDF with LibreOffice
// and reads the PDF back (poppler's pdftotext -bbox): A4 pages; a full page
// of body text has 22 lines, a full line 28 characters; the page number
// "— N —" stands right on odd pages and left on even ones; the salutation
// starts at the block's left edge; the closing is there. CI does not
// install LibreOffice, so this skips there; docs/docx.md gives the same
// check by hand. XINZHI_KEEP_PDF=dir keeps the PDF.
func TestDOCXRendersInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice (LibreOffice) not on PATH: the PDF check is manual, see docs/docx.md")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not on PATH: the PDF check is manual, see docs/docx.md")
	}
	dir := t.TempDir()
	if keep := os.Getenv("XINZHI_KEEP_PDF"); keep != "" {
		dir = keep
	}
	var b bytes.Buffer
	if err := report.DOCX(&b, seedLetter(t)); err != nil {
		t.Fatal(err)
	}
	docx := filepath.Join(dir, "letter.docx")
	if err := os.WriteFile(docx, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "lo-profile"), "--headless", "--convert-to", "pdf", "--outdir", dir, docx)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "letter.pdf")
	out, err := exec.Command("pdftotext", "-bbox", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := readBBox(t, string(out))
	if len(pages) < 3 {
		t.Fatalf("%d pages, want the letter over 3 or more", len(pages))
	}
	const mm = 72 / 25.4
	for i, p := range pages {
		if abs(p.w-210*mm) > 1 || abs(p.h-297*mm) > 1 {
			t.Errorf("page %d is %.0f × %.0f pt, not A4", i+1, p.w, p.h)
		}
		// The page number "— N —" below the block, 7 mm under it, one
		// character (4号, 14 pt) in from the right on odd pages and from
		// the left on even ones, where the binding side is on the right.
		var foot []word
		for _, w := range p.words {
			if w.y0 > (37+225)*mm {
				foot = append(foot, w)
			}
		}
		sort.Slice(foot, func(i, j int) bool { return foot[i].x0 < foot[j].x0 })
		var got []string
		for _, w := range foot {
			got = append(got, w.text)
		}
		num := strconv.Itoa(i + 1)
		if !regexp.MustCompile(`^—\s*` + num + `\s*—$`).MatchString(strings.Join(got, " ")) {
			t.Errorf("page %d footer reads %q, want — %s —", i+1, got, num)
			continue
		}
		if gap := foot[0].y0 - (37+225)*mm; gap < 5*mm || gap > 9*mm {
			t.Errorf("page %d: the number is %.1f mm below the block, want 7", i+1, gap/mm)
		}
		left := 28.0
		if (i+1)%2 == 0 {
			left = 26
		}
		blockL, blockR := left*mm, (left+156)*mm
		if odd := (i+1)%2 == 1; odd && abs(blockR-foot[len(foot)-1].x1-14) > 3 {
			t.Errorf("page %d: number ends at x %.1f pt, want one character in from the block's right edge %.1f", i+1, foot[len(foot)-1].x1, blockR)
		} else if !odd && abs(foot[0].x0-blockL-14) > 3 {
			t.Errorf("page %d: number starts at x %.1f pt, want one character in from the block's left edge %.1f", i+1, foot[0].x0, blockL)
		}
	}
	// Page 2 is all body text: 22 lines, and its full lines hold 28
	// characters.
	p2 := pages[1]
	lines := p2.lines((37-1)*mm, (37+225+1)*mm)
	if len(lines) != 22 {
		t.Errorf("page 2 has %d lines of text, want 22", len(lines))
	}
	full := 0
	for _, l := range lines {
		// Half-width letters and digits count half; a closing mark may
		// hang in the margin at the end of a line (as in Word).
		n := report.Ems(strings.TrimRight(l, "，。、；：！？”）》"))
		if n > 28 {
			t.Errorf("a line of %.1f characters, want at most 28: %q", n, l)
		}
		if n >= 27.5 {
			full++
		}
	}
	// Some lines hold 27 where a mark may not begin the next line (避头).
	if full < 10 {
		t.Errorf("only %d lines of 28 characters on page 2: %q", full, lines)
	}
	// The salutation stands at the block's left edge, the body one two
	// characters in; the closing follows the text.
	p1 := pages[0]
	for _, w := range p1.words {
		if strings.HasPrefix(w.text, "王志坚委员") && abs(w.x0-28*mm) > 2 {
			t.Errorf("salutation at x %.1f pt, want the block's left edge %.1f", w.x0, 28*mm)
		}
	}
	all := ""
	for _, p := range pages {
		all += strings.Join(p.lines(0, 1e9), "\n") + "\n"
	}
	for _, want := range []string{"沈科提字〔2025〕17号", "王志坚委员：", "沈阳市科学技术局", "2025年7月15日", "（联系人：李明，电话：024-22851234）"} {
		if !strings.Contains(all, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}

type word struct {
	x0, y0, x1, y1 float64
	text           string
}

type page struct {
	w, h  float64
	words []word
}

// line is the text of the words on the line at y.
func (p page) line(y float64) string {
	var ws []word
	for _, w := range p.words {
		if abs(w.y0-y) < 3 {
			ws = append(ws, w)
		}
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].x0 < ws[j].x0 })
	var s []string
	for _, w := range ws {
		s = append(s, w.text)
	}
	return strings.Join(s, " ")
}

// lines is the text between y0 and y1, line by line.
func (p page) lines(y0, y1 float64) []string {
	var ys []float64
	for _, w := range p.words {
		if w.y0 < y0 || w.y1 > y1 {
			continue
		}
		seen := false
		for _, y := range ys {
			if abs(y-w.y0) < 3 {
				seen = true
			}
		}
		if !seen {
			ys = append(ys, w.y0)
		}
	}
	sort.Float64s(ys)
	var out []string
	for _, y := range ys {
		out = append(out, strings.ReplaceAll(p.line(y), " ", ""))
	}
	return out
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

var (
	pageRE = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	wordRE = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

func readBBox(t *testing.T, html string) []page {
	t.Helper()
	var pages []page
	for _, l := range strings.Split(html, "\n") {
		if m := pageRE.FindStringSubmatch(l); m != nil {
			pages = append(pages, page{w: atof(m[1]), h: atof(m[2])})
		} else if m := wordRE.FindStringSubmatch(l); m != nil && len(pages) > 0 {
			p := &pages[len(pages)-1]
			p.words = append(p.words, word{atof(m[1]), atof(m[2]), atof(m[3]), atof(m[4]), htmlUnescape(m[5])})
		}
	}
	return pages
}

func atof(s string) float64 { f, _ := strconv.ParseFloat(s, 64); return f }

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(s)
}
