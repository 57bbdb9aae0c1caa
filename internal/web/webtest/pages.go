package webtest

import (
	"bytes"
	"encoding/csv"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// HrefOf is the (unescaped) target of the first link in body whose href
// matches pattern (a regexp over the raw attribute).
func HrefOf(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(`href="(` + pattern + `)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link %s in the page", pattern)
	}
	return html.UnescapeString(m[1])
}

var (
	rowRE  = regexp.MustCompile(`(?s)<tr[^>]*>(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<td[^>]*>(.*?)</td>`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
)

// TableColumn is column col of the body rows of the table with id, as
// text (none when the page has no such table; a lone muted "none" row is
// no row).
func TableColumn(t *testing.T, body, id string, col int) []string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return []string{}
	}
	tb := body[i:]
	tb = tb[strings.Index(tb, "<tbody>"):strings.Index(tb, "</tbody>")]
	out := []string{}
	for _, r := range rowRE.FindAllStringSubmatch(tb, -1) {
		cells := cellRE.FindAllStringSubmatch(r[1], -1)
		if len(cells) <= col || strings.Contains(r[0], `class="muted"`) && len(cells) == 1 {
			continue // the "none" row
		}
		out = append(out, strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(cells[col][1], ""))))
	}
	return out
}

// SheetColumn reads a download (CSV or .xlsx, by filename) and returns
// column col of the named sheet's data rows.
func SheetColumn(t *testing.T, data []byte, filename, sheet string, col int) []string {
	t.Helper()
	if strings.HasSuffix(filename, ".csv") {
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range rows[1:] {
			out = append(out, r[col])
		}
		return out
	}
	tb, err := tabular.ReadSheet(bytes.NewReader(data), int64(len(data)), filename, tabular.Limits{}, sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, r := range tb.Rows {
		out = append(out, r.Cells[col])
	}
	return out
}
