package web_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestOpenDataPageListsExports: a visitor, in Chinese and in English,
// finds each export with its licence, the standard and version it follows
// (the constants the exports carry), a link to its schema and download,
// and its last update: the latest change the export itself holds.
func TestOpenDataPageListsExports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		seedExports(t, db, e.orgA.ID)
		c := e.client()
		last := map[string]string{}
		var grants struct {
			License string `json:"license"`
			Grants  []struct {
				DateModified string `json:"dateModified"`
			} `json:"grants"`
		}
		_, body := c.get("/open-data/grants.json")
		if err := json.Unmarshal([]byte(body), &grants); err != nil {
			t.Fatal(err)
		}
		if grants.License != opendata.License {
			t.Errorf("grants licence %q", grants.License)
		}
		for _, g := range grants.Grants {
			if g.DateModified > last["grants"] {
				last["grants"] = g.DateModified
			}
		}
		var rel struct {
			Version  string `json:"version"`
			License  string `json:"license"`
			Releases []struct {
				Date string `json:"date"`
			} `json:"releases"`
		}
		_, body = c.get("/open-data/ocds/releases.json")
		if err := json.Unmarshal([]byte(body), &rel); err != nil {
			t.Fatal(err)
		}
		if rel.Version != "1.1" || rel.License != opendata.License {
			t.Errorf("release package version %q licence %q", rel.Version, rel.License)
		}
		for _, r := range rel.Releases {
			if r.Date > last["releases"] {
				last["releases"] = r.Date
			}
		}
		for lang, words := range map[string][]string{
			"zh-CN": {"开放数据与接口", "标准与版本", "最近更新", "许可"},
			"en":    {"Open data and API", "Standard and version", "Last update", "Licence"},
		} {
			c := e.client()
			c.get("/")
			c.post("/lang", url.Values{"lang": {lang}, "back": {"/open-data"}})
			resp, page := c.get("/open-data")
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", lang, resp.StatusCode)
			}
			for _, want := range append(words,
				`href="`+opendata.License+`" rel="license noopener">CC BY 4.0</a>`,
				"360Giving Data Standard 1.4.3", "Open Contracting Data Standard 1.1.5", "OpenAPI 3.1.0",
				`href="`+opendata.Giving360.Schema+`"`, `href="`+opendata.OCDS.Schema+`"`, `href="`+opendata.OCDSRecordSchema+`"`,
				`href="/open-data/grants.json"`, `href="/open-data/ocds/releases.json"`, `href="/open-data/challenges.json"`,
				`href="/open-data/ocds/records.json"`, `href="/api/openapi.json"`, `href="/api/docs"`) {
				if !strings.Contains(page, want) {
					t.Errorf("%s: the page lacks %q", lang, want)
				}
			}
			for id, at := range last {
				row := page[strings.Index(page, `id="export-`+id+`"`):]
				row = row[:strings.Index(row, "</tr>")]
				if at != "" && !strings.Contains(row, `datetime="`+at+`"`) {
					t.Errorf("%s: %s row does not show its last change %s: %s", lang, id, at, row)
				}
			}
			if !strings.Contains(page, `id="footer-data"`) {
				t.Errorf("%s: no footer link to the page", lang)
			}
		}
		_, front := c.get("/")
		if !strings.Contains(front, `href="/open-data"`) {
			t.Error("the front page does not link the Data and API page")
		}
		if last["grants"] == "" || last["releases"] == "" {
			t.Fatalf("the fixture exports nothing: %v", last)
		}
	})
}

// seedExports gives each export something: a funded special project and
// a published challenge.
func seedExports(t *testing.T, db *store.DB, org int64) {
	t.Helper()
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d.Add(9 * time.Hour) }
	cp, _ := program.Latest(ctx, db, "challenge")
	ccall, err := program.OpenCall(ctx, db, program.Call{TemplateID: cp.ID, Key: "c-2025", Name: "2025年揭榜挂帅榜单", Opens: "2025-01-01", Closes: "2025-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	mp, _ := program.Latest(ctx, db, "major_special_project")
	mcall, err := program.OpenCall(ctx, db, program.Call{TemplateID: mp.ID, Key: "zx-2025", Name: "2025年重大科技专项", Opens: "2025-01-01", Closes: "2025-02-28", Budget: 3e7})
	if err != nil {
		t.Fatal(err)
	}
	recs := []program.Seeded{
		{CallID: ccall.ID, OrganisationID: org, Title: "高纯石英砂", Created: at("2025-02-01"),
			Data:  map[string]any{"field": "新能源", "need": "纯度99.998%", "bounty": 3e6, "bid_deadline": "2025-03-31", "term_months": 24.0},
			Marks: []program.Mark{{Stage: "published", At: at("2025-03-01")}}},
		{CallID: mcall.ID, OrganisationID: org, Title: "工业母机关键部件", Created: at("2025-01-10"), Approved: 5e6,
			Data:  map[string]any{"field": "集成电路", "amount_requested": 6e6, "planned_end": "2027-03-31"},
			Marks: []program.Mark{{Stage: "submitted", At: at("2025-02-01")}, {Stage: "approved", At: at("2025-03-15")}, {Stage: "in_progress", At: at("2025-04-01")}}},
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
		t.Fatal(err)
	}
}

// TestOpenDataLicenceConfigured: the licence the publisher configures is
// the one every export carries and the page names.
func TestOpenDataLicenceConfigured(t *testing.T) {
	const cc0 = "https://creativecommons.org/publicdomain/zero/1.0/"
	e := newEnvCfg(t, storetest.Open(t, store.SQLite), false, web.Config{Publisher: opendata.Publisher{Licence: cc0}})
	c := e.client()
	for _, path := range []string{"/open-data/grants.json", "/open-data/ocds/releases.json", "/open-data/ocds/records.json"} {
		var pkg struct {
			License string `json:"license"`
		}
		_, body := c.get(path)
		if err := json.Unmarshal([]byte(body), &pkg); err != nil || pkg.License != cc0 {
			t.Errorf("%s: licence %q %v", path, pkg.License, err)
		}
	}
	if _, page := c.get("/open-data"); !strings.Contains(page, `href="`+cc0+`" rel="license noopener">CC0 1.0</a>`) || strings.Contains(page, "CC BY 4.0") {
		t.Error("the page does not name the configured licence")
	}
}
