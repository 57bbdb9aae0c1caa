package report_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/programs"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// TestSeedReplyFrozenAndCompared: the letter renders with every placeholder
// filled; an issued report keeps its figures after the records change; the
// comparison with a fresh run names the figure that moved and the record
// that moved it.
func TestSeedReplyFrozenAndCompared(t *testing.T) {
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		t.Fatal(err)
	}
	tpl, ok := tpls["seed-reply"]
	if !ok {
		t.Fatal("no seed-reply template")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "challenge")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "榜单", Opens: "2020-01-01", Closes: "2099-01-01"})
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "发榜企业", Kind: "enterprise"})
		mgr := access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}
		publish := func(day time.Time) int64 {
			program.Clock = func() time.Time { return day }
			defer func() { program.Clock = store.Now }()
			p, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "榜单"})
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := program.Move(ctx, db, mgr, p.ID, "publish", ""); err != nil {
				t.Fatal(err)
			}
			return p.ID
		}
		asOf := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
		publish(time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC))

		rep, err := report.Issue(ctx, db, set, tpl, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(rep.Body, "{{") || !strings.Contains(rep.Body, "发布1个“揭榜挂帅”项目榜单") || !strings.Contains(rep.Body, "王志坚委员") {
			t.Fatalf("rendered letter:\n%.600s", rep.Body)
		}
		// A list published later but dated inside the period (a late entry).
		late := publish(time.Date(2025, 5, 1, 2, 0, 0, 0, time.UTC))
		again, err := report.Get(ctx, db, rep.ID)
		if err != nil || again.Figures["challenge_lists_published"].Value != 1 || again.Body != rep.Body {
			t.Fatalf("the frozen report changed: %+v %v", again.Figures["challenge_lists_published"], err)
		}
		changes, err := report.Compare(ctx, db, set, again)
		if err != nil {
			t.Fatal(err)
		}
		if len(changes) != 1 || changes[0].ID != "challenge_lists_published" || changes[0].Before != 1 || changes[0].After != 2 || len(changes[0].Added) != 1 || changes[0].Added[0] != late {
			t.Fatalf("changes: %+v", changes)
		}
		var docx, xlsx bytes.Buffer
		if err := report.DOCX(&docx, rep); err != nil {
			t.Fatalf("docx: %v", err)
		}
		checkDOCX(t, docx.Bytes(), "发布1个“揭榜挂帅”项目榜单")
		if err := report.XLSX(&xlsx, rep, set); err != nil || !bytes.HasPrefix(xlsx.Bytes(), []byte("PK")) {
			t.Fatalf("xlsx: %v", err)
		}
		tab, err := report.Render(ctx, db, set, report.Template{ID: "t", Title: "分区县", Body: "各区县榜单：\n{{table \"challenge_lists_published\" \"district\"}}\n以上。"}, time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if h := string(report.HTML(tab)); !strings.Contains(h, "<table") || !strings.Contains(h, "<th>区县</th>") || !strings.Contains(h, "<td>2</td>") || !strings.Contains(h, "<p>以上。</p>") {
			t.Fatalf("table in HTML: %s", h)
		}
		var tdocx bytes.Buffer
		if err := report.DOCX(&tdocx, tab); err != nil {
			t.Fatal(err)
		}
		checkDOCX(t, tdocx.Bytes(), "<w:tbl>")
		_, err = report.Render(ctx, db, set, report.Template{ID: "x", Title: "X", Body: `共有{{fig "no_such_figure"}}项`}, asOf)
		var un *report.UnresolvedError
		if !errors.As(err, &un) || un.IDs[0] != "no_such_figure" {
			t.Fatalf("unresolved placeholder: %v", err)
		}
	})
}

// checkDOCX opens the package, parses every part as XML and finds text in
// the document.
func checkDOCX(t *testing.T, b []byte, want string) {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range z.File {
		r, _ := f.Open()
		body, _ := io.ReadAll(r)
		r.Close()
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
		switch f.Name {
		case "word/document.xml":
			found = strings.Contains(string(body), want)
		case "word/styles.xml":
			if !strings.Contains(string(body), "仿宋_GB2312") {
				t.Error("the body is not set in 仿宋_GB2312")
			}
		}
	}
	if !found {
		t.Fatalf("document.xml lacks %q", want)
	}
}
