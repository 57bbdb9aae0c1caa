package web_test

import (
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
	"github.com/xinzhi-platform/xinzhi/returnforms"
)

var itemRE = regexp.MustCompile(`data-item="([^"]+)"><a href="([^"]+)">.*?data-count="(\d+)"`)

// landingItems reads a landing's lines: id → count and id → link.
func landingItems(body string) (map[string]int, map[string]string) {
	counts, links := map[string]int{}, map[string]string{}
	for _, m := range itemRE.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[3])
		counts[m[1]], links[m[1]] = n, strings.ReplaceAll(m[2], "&amp;", "&")
	}
	return counts, links
}

// TestLandings: after sign-in, "/" is each role's own work with the right
// counts, and each line opens the list it counts; viewers land on the
// cockpit.
func TestLandings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		pub, err := program.Publish(ctx, db, []byte(webtest.LandingProgram))
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "landing-1", Name: "待办测试批次", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "landing-0", Name: "已截止批次", Opens: "2020-01-01", Closes: "2020-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		// orgA: two drafts and one submitted; orgB: one submitted, two in
		// review (one with both sheets in, one with one of two).
		records := []struct {
			org   int64
			stage string
		}{{e.orgA.ID, "draft"}, {e.orgA.ID, "draft"}, {e.orgA.ID, "submitted"}, {e.orgB.ID, "submitted"}, {e.orgB.ID, "review"}, {e.orgB.ID, "review"}, {e.orgB.ID, "approved"}}
		var ids []int64
		for i, rec := range records {
			p, err := program.CreateProject(ctx, db, call.ID, rec.org, map[string]any{"title": fmt.Sprintf("记录%d", i)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = ? WHERE id = ?`, rec.stage, p.ID); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		rev := e.users[access.Reviewer].ID
		other, err := e.auth.CreateUser(ctx, auth.NewUser{Username: "r-other", Password: pw, Roles: []access.Role{access.Reviewer}})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range []struct {
			project, reviewer int64
			status            string
		}{{ids[4], rev, "submitted"}, {ids[4], other.ID, "submitted"}, {ids[5], rev, "assigned"}, {ids[5], other.ID, "submitted"}} {
			var total any
			if a.status == "submitted" {
				total = 80.0
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO review_assignments (project_id, round, reviewer_id, status, assigned_at, assigned_by, total) VALUES (?, 1, ?, ?, ?, 'test', ?)`,
				a.project, a.reviewer, a.status, store.Now(), total); err != nil {
				t.Fatal(err)
			}
		}
		// A flagged duplicate pair and a decided one.
		if _, err := db.ExecContext(ctx, `INSERT INTO duplicate_decisions (project_id, other_id, score, decision, note, actor, at) VALUES (?, ?, 0.5, 'flagged', '', '', ?), (?, ?, 0.6, 'cleared', '已核实', 'm', ?)`,
			ids[3], ids[0], store.Now(), ids[4], ids[0], store.Now()); err != nil {
			t.Fatal(err)
		}
		// Returns: two filings submitted and awaiting acceptance, one accepted.
		if _, err := returns.PublishShipped(ctx, db, returnforms.Files); err != nil {
			t.Fatal(err)
		}
		forms, err := returns.Forms(ctx, db)
		if err != nil || len(forms) == 0 {
			t.Fatalf("return forms: %v", err)
		}
		form := forms[0]
		for i, st := range []string{"submitted", "submitted", "accepted"} {
			org := []int64{e.orgA.ID, e.orgB.ID, e.orgA.ID}[i]
			period := []string{"2024", "2024", "2023"}[i]
			if form.Period != "year" {
				period = []string{"2024H1", "2024H1", "2023H2"}[i]
				if form.Period == "quarter" {
					period = []string{"2024Q1", "2024Q1", "2023Q4"}[i]
				} else if form.Period == "month" {
					period = []string{"2024-01", "2024-01", "2023-12"}[i]
				}
			}
			if _, err := db.ExecContext(ctx, `INSERT INTO return_filings (form_id, organisation_id, period, period_end, status, filed_values, created_at, updated_at) VALUES (?, ?, ?, '2024-12-31', ?, '{}', ?, ?)`,
				form.ID, org, period, st, store.Now(), store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		// The bank (the finance user's organisation): two needs awaiting it,
		// one decided; one product listed, one delisted.
		bank := e.users[access.Finance].OrgID
		for i, listed := range [][2]string{{"2024-01-01", ""}, {"2023-01-01", "2024-01-01"}} {
			if _, err := db.ExecContext(ctx, `INSERT INTO finance_products (institution_id, kind, name, description, stages, sizes, tags, amount_min, amount_max, collateral, rate, promised_days, listed, delisted, created_at, updated_at)
				VALUES (?, 'tech_credit', ?, '', '', '', '', 0, 0, 'none', 0, 0, ?, ?, ?, ?)`, bank, fmt.Sprintf("产品%d", i), listed[0], listed[1], store.Now(), store.Now()); err != nil {
				t.Fatal(err)
			}
		}
		var product int64
		if err := db.QueryRowContext(ctx, `SELECT min(id) FROM finance_products`).Scan(&product); err != nil {
			t.Fatal(err)
		}
		for i, dec := range []string{"pending", "pending", "approved"} {
			if _, err := db.ExecContext(ctx, `INSERT INTO finance_applications (need_id, product_id, institution_id, organisation_id, stage, amount_requested, sent_on, decision, created_at) VALUES (?, ?, ?, ?, '中试', 1000000, '2024-06-01', ?, ?)`,
				ids[i], product, bank, e.orgB.ID, dec, store.Now()); err != nil {
				t.Fatal(err)
			}
		}

		cases := []struct {
			role  access.Role
			kind  string
			want  map[string]int
			links map[string]string
			// a phrase the linked list shows
			check map[string]string
		}{
			{access.Manager, "manager", map[string]int{
				fmt.Sprintf("call-%d-submitted", call.ID): 2, fmt.Sprintf("call-%d-review", call.ID): 2,
				fmt.Sprintf("reviewed-%d", call.ID): 1, "duplicates": 1, "returns-" + form.Key: 2,
			}, map[string]string{
				fmt.Sprintf("call-%d-submitted", call.ID): fmt.Sprintf("/calls/%d?program=test_landing&stage=submitted", call.ID),
				"duplicates": "/integrity#pending-duplicates", "returns-" + form.Key: "/returns/" + form.Key,
			}, map[string]string{fmt.Sprintf("call-%d-submitted", call.ID): `id="stage-filter"`}},
			{access.Reviewer, "reviewer", map[string]int{"reviews-assigned": 1, "reviews-submitted": 1},
				map[string]string{"reviews-assigned": "/reviews?status=assigned"}, map[string]string{"reviews-assigned": "记录5"}},
			{access.Finance, "finance", map[string]int{"inbox": 2, "products": 1},
				map[string]string{"inbox": "/finance/applications?decision=pending"}, map[string]string{"inbox": "记录0"}},
			{access.Org, "org", map[string]int{"open-calls": 1, "records": 3, fmt.Sprintf("call-%d-draft", call.ID): 2},
				map[string]string{"open-calls": "/programs", fmt.Sprintf("call-%d-draft", call.ID): fmt.Sprintf("/calls/%d?program=test_landing&stage=draft", call.ID)},
				map[string]string{fmt.Sprintf("call-%d-draft", call.ID): "记录1"}},
		}
		for _, c := range cases {
			cl := e.client()
			cl.signIn("u-"+string(c.role), pw)
			resp, body := cl.get("/")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-landing="`+c.kind+`"`) {
				t.Fatalf("%s lands on %d %s, want its %s landing", c.role, resp.StatusCode, resp.Header.Get("Location"), c.kind)
			}
			counts, links := landingItems(body)
			for id, n := range c.want {
				if got, ok := counts[id]; !ok || got != n {
					t.Errorf("%s: %s = %d (shown %v), want %d; all: %v", c.role, id, got, ok, n, counts)
				}
			}
			if c.role == access.Org {
				if _, ok := counts[fmt.Sprintf("call-%d-submitted", call.ID)]; ok {
					t.Error("the enterprise is shown records that wait for the bureau as its own work")
				}
			}
			for id, href := range c.links {
				if links[id] != href {
					t.Errorf("%s: %s links to %q, want %q", c.role, id, links[id], href)
				}
			}
			for id, phrase := range c.check {
				resp, body := cl.get(links[id])
				if resp.StatusCode != http.StatusOK || !strings.Contains(body, phrase) {
					t.Errorf("%s: %s's list %s: %d, lacks %q", c.role, id, links[id], resp.StatusCode, phrase)
				}
			}
		}
		// A long list keeps the largest lines and says how many it left off,
		// with a link to all of them.
		restore := web.SetLandingMax(1)
		mgr0 := e.client()
		mgr0.signIn("u-manager", pw)
		_, body := mgr0.get("/")
		counts, _ := landingItems(body)
		if _, ok := counts[fmt.Sprintf("call-%d-review", call.ID)]; ok || !strings.Contains(body, `id="todo-more"`) || !strings.Contains(body, `href="/?all=1"`) {
			t.Errorf("cut to one stage line: %v, no note of the rest", counts)
		}
		if _, body := mgr0.get("/?all=1"); !strings.Contains(body, fmt.Sprintf(`data-item="call-%d-review"`, call.ID)) {
			t.Error("?all=1 does not list every line")
		}
		restore()
		// The filtered lists hold what the counts count, and no more.
		mgr := e.client()
		mgr.signIn("u-manager", pw)
		if _, body := mgr.get(fmt.Sprintf("/calls/%d?program=test_landing&stage=submitted", call.ID)); !strings.Contains(body, "记录2") || !strings.Contains(body, "记录3") || strings.Contains(body, "记录0") {
			t.Error("the board at one stage shows other stages' records, or lacks its own")
		}
		rc := e.client()
		rc.signIn("u-reviewer", pw)
		if _, body := rc.get("/reviews?status=assigned"); strings.Contains(body, "记录4") {
			t.Error("the reviews to do list a submitted review")
		}
		viewer := e.client()
		viewer.signIn("u-viewer", pw)
		if resp, _ := viewer.get("/"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/cockpit" {
			t.Errorf("the viewer lands on %d %s, want the cockpit", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

// TestFrontPage: an anonymous visitor reads, without signing in, the calls
// open on the business date, the challenges open to bids with their public
// fields only, and the open data, with a link to sign in; drafts, closed
// calls and private fields stay out. In English too.
func TestFrontPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, err := program.Latest(ctx, db, "challenge")
		if err != nil {
			t.Fatal(err)
		}
		open, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ch-open", Name: "2025年揭榜挂帅榜单征集", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ch-old", Name: "2019年已截止批次", Opens: "2019-01-01", Closes: "2019-12-31"}); err != nil {
			t.Fatal(err)
		}
		// Neither bids (made on a challenge) nor a standing call are calls
		// one applies to.
		bid, _ := program.Latest(ctx, db, "challenge_bid")
		if _, err := program.OpenCall(ctx, db, program.Call{TemplateID: bid.ID, Key: "bids", Name: "揭榜方申报批次", Opens: "2020-01-01", Closes: "2099-12-31"}); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := program.StandingCall(ctx, tx, "docking", "docking", "常设对接批次")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ title, need, stage string }{
			{"高端轴承寿命攻关", "内部需求说明甲", "published"},
			{"草稿榜单不应公开", "内部需求说明乙", "draft"},
		} {
			p, err := program.CreateProject(ctx, db, open.ID, e.orgA.ID, map[string]any{"title": c.title, "field": "高端装备", "need": c.need, "bounty": 3e6, "bid_deadline": "2099-06-30"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = ? WHERE id = ?`, c.stage, p.ID); err != nil {
				t.Fatal(err)
			}
		}
		anon := e.client()
		resp, body := anon.get("/")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("anonymous /: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		for _, want := range []string{"2025年揭榜挂帅榜单征集", "高端轴承寿命攻关", "300", `href="/signin"`, `href="/open-data/grants.json"`, `href="/open-data/challenges.json"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the front page lacks %q", want)
			}
		}
		for _, not := range []string{"2019年已截止批次", "揭榜方申报批次", "常设对接批次", "草稿榜单不应公开", "内部需求说明", "甲企业-", `id="notices-link"`} {
			if strings.Contains(body, not) {
				t.Errorf("the front page shows %q", not)
			}
		}
		resp, _ = anon.post("/lang", url.Values{"lang": {"en"}, "back": {"/"}})
		_, body = anon.get("/")
		if !strings.Contains(body, "Calls open now") || !strings.Contains(body, "Challenges open to bids") || !strings.Contains(body, "高端轴承寿命攻关") {
			t.Errorf("the English front page: lang %d", resp.StatusCode)
		}
	})
}

// TestLandingChildRecords: a challenge's bids share its call; the landing
// counts them apart, by their own program's stages, and the line opens
// only them.
func TestLandingChildRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		ch, _ := program.Latest(ctx, db, "challenge")
		bid, _ := program.Latest(ctx, db, "challenge_bid")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: ch.ID, Key: "jb", Name: "揭榜批次", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		// orgA: a challenge of its own in draft and submitted, and a draft
		// bid and a submitted bid on orgB's published challenge.
		mk := func(org int64, title, stage string, parent int64) int64 {
			p, err := program.CreateProject(ctx, db, call.ID, org, map[string]any{"title": title})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = ? WHERE id = ?`, stage, p.ID); err != nil {
				t.Fatal(err)
			}
			if parent != 0 {
				if _, err := db.ExecContext(ctx, `UPDATE projects SET template_id = ?, parent_id = ?, child_kind = 'bids' WHERE id = ?`, bid.ID, parent, p.ID); err != nil {
					t.Fatal(err)
				}
			}
			return p.ID
		}
		mk(e.orgA.ID, "甲的榜单草稿", "draft", 0)
		mk(e.orgA.ID, "甲的榜单已提交", "submitted", 0)
		theirs := mk(e.orgB.ID, "乙的榜单", "published", 0)
		mk(e.orgA.ID, "甲的揭榜草稿", "draft", theirs)
		mk(e.orgA.ID, "甲的揭榜已提交", "submitted", theirs)

		for _, c := range []struct {
			user string
			want map[string]int
			open string // a line's list, and what it must show and not
			has  string
			not  string
		}{
			{"u-org", map[string]int{fmt.Sprintf("call-%d-draft", call.ID): 1, fmt.Sprintf("call-%d-challenge_bid-draft", call.ID): 1},
				fmt.Sprintf("call-%d-challenge_bid-draft", call.ID), "甲的揭榜草稿", "甲的榜单草稿"},
			{"u-manager", map[string]int{fmt.Sprintf("call-%d-submitted", call.ID): 1, fmt.Sprintf("call-%d-challenge_bid-submitted", call.ID): 1},
				fmt.Sprintf("call-%d-challenge_bid-submitted", call.ID), "甲的揭榜已提交", "甲的榜单已提交"},
		} {
			cl := e.client()
			cl.signIn(c.user, pw)
			_, body := cl.get("/")
			counts, links := landingItems(body)
			for id, n := range c.want {
				if counts[id] != n {
					t.Errorf("%s: %s = %d, want %d (all %v)", c.user, id, counts[id], n, counts)
				}
			}
			_, list := cl.get(links[c.open])
			if !strings.Contains(list, c.has) || strings.Contains(list, c.not) {
				t.Errorf("%s: %s opens %s, which lacks %s or shows %s", c.user, c.open, links[c.open], c.has, c.not)
			}
		}
	})
}
