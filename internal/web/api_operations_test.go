package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/digital"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// apiCalls runs API calls and keeps which operations answered a success
// and which an error, so a test can show it called every operation of the
// document both ways. Every response is also checked against the document
// by the client's transport (webtest.CheckAPIResponse).
type apiCalls struct {
	t        *testing.T
	base     string
	ok, fail map[string]bool
}

// do sends body (JSON unless ctype says otherwise) and wants status.
func (a *apiCalls) do(c *webtest.Client, method, path, ctype, body string, want int) string {
	a.t.Helper()
	req, _ := http.NewRequest(method, a.base+path, nil)
	op, found := webtest.OperationOf(req)
	if !found {
		a.t.Fatalf("%s %s: no operation of the document", method, path)
	}
	if ctype == "" && body != "" {
		ctype = "application/json"
	}
	resp, got := c.Raw(method, path, ctype, []byte(body))
	if resp.StatusCode != want {
		a.t.Errorf("%s %s: %d, want %d\n%.600s", method, path, resp.StatusCode, want, got)
		return got
	}
	if want < 300 {
		a.ok[op] = true
	} else {
		a.fail[op] = true
	}
	return got
}

// get reads a JSON answer into v (a success).
func (a *apiCalls) get(c *webtest.Client, path string, v any) {
	a.t.Helper()
	if err := json.Unmarshal([]byte(a.do(c, "GET", path, "", "", 200)), v); err != nil {
		a.t.Fatalf("GET %s: %v", path, err)
	}
}

// TestAPIEveryOperation calls every operation of the OpenAPI document at
// least once with a success and at least once with an error, over the
// demo city (its challenges, funding needs at the demo bank, support
// cases' legs, returns, rankings, chains), each response checked against
// the document; an operation added to the document without a call here
// fails the test.
func TestAPIEveryOperation(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo city")
	}
	if raceEnabled {
		t.Skip("runs on both engines in the steps without -race (see race_on_test.go)")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files}); err != nil {
			t.Fatal(err)
		}
		day, err := clock.Parse(democity.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		e := newEnvCfg(t, db, false, web.Config{AsOf: day})
		if _, err := democity.SetUp(clock.With(ctx, day), db, e.auth); err != nil {
			t.Fatal(err)
		}
		a := &apiCalls{t: t, base: e.ts.URL, ok: map[string]bool{}, fail: map[string]bool{}}
		as := func(user string) *webtest.Client {
			c := e.Env.Client()
			if resp := c.SignIn(user, democity.Password); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign in as %s: %d", user, resp.StatusCode)
			}
			return c
		}
		anon := e.Env.Client()
		mgr, org, bank, viewer, admin, auditor := as("demo-manager"), as("demo-org"), as("demo-finance"), as("demo-viewer"), as("demo-secadmin"), as("demo-auditor")
		firm := e.Env.As("org") // an enterprise's user (OrgA) with nothing in the city
		id := func(query string, args ...any) int64 {
			t.Helper()
			var n int64
			if err := db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
			return n
		}

		// Lists anyone with the permission reads; nobody signed in is
		// refused (401), a role without it too (403).
		for _, c := range []struct {
			path            string
			reader, refused *webtest.Client
		}{
			{"/api/v1/me", viewer, anon},
			{"/api/v1/users", admin, mgr},
			{"/api/v1/audit", auditor, mgr},
			{"/api/v1/organizations?q=沈阳", viewer, anon},
			{"/api/v1/people", mgr, auditor},
			{"/api/v1/lookup/organisations?q=沈阳", mgr, anon},
			{"/api/v1/lookup/people?q=王", mgr, auditor},
			{"/api/v1/programs", org, anon},
			{"/api/v1/projects", mgr, anon},
			{"/api/v1/calls", mgr, anon},
			{"/api/v1/reviews", as("demo-expert-1"), mgr},
			{"/api/v1/metrics", viewer, org},
			{"/api/v1/finance/products", org, anon},
			{"/api/v1/finance/green-channel", viewer, anon},
			{"/api/v1/finance/applications", bank, anon},
			{"/api/v1/digital/model", org, anon},
			{"/api/v1/digital/solutions", org, anon},
			{"/api/v1/compute", viewer, anon},
			{"/api/v1/returns", mgr, anon},
			{"/api/v1/ai", viewer, anon},
			{"/api/v1/rankings", viewer, anon},
			{"/api/v1/infrastructure", viewer, anon},
			{"/api/v1/sanctions", mgr, org},
			{"/api/v1/experts", mgr, org},
			{"/api/v1/chains", viewer, anon},
		} {
			a.do(c.reader, "GET", c.path, "", "", 200)
			want := 403
			if c.refused == anon {
				want = 401
			}
			a.do(c.refused, "GET", c.path, "", "", want)
		}
		a.do(anon, "GET", "/api/openapi.json", "", "", 200)

		// The registry.
		a.do(viewer, "GET", fmt.Sprintf("/api/v1/organizations/%d", e.orgA.ID), "", "", 200)
		a.do(viewer, "GET", "/api/v1/organizations/999999999", "", "", 404)
		person := id(`SELECT id FROM people ORDER BY id LIMIT 1`)
		a.do(mgr, "GET", fmt.Sprintf("/api/v1/people/%d/ledger", person), "", "", 200)
		a.do(mgr, "GET", "/api/v1/people/999999999/ledger", "", "", 404)
		code := webtest.CreditCode(t, 91)
		a.do(mgr, "POST", "/api/v1/imports?kind=orgs", "text/csv", "credit_code,name,district\n"+code+",接口测试有限公司,浑南区\n", 200)
		a.do(mgr, "POST", "/api/v1/imports?kind=orgs", "text/csv", "credit_code,name,district\n"+code[:17]+"0,接口测试有限公司,月球区\n", 422)

		// Programs: a template with a commitment published through the API,
		// a call opened on it, a record started, saved, committed to and
		// moved.
		tpl := `key: api_every
name: 接口全覆盖项目
version: 1
commitment:
  version: "2025-1"
  text: 本单位承诺所报材料真实、准确。
form:
  - {key: title, label: 项目名称, type: text, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner], requires: [title], commit: true}
`
		a.do(mgr, "POST", "/api/v1/programs", "application/yaml", tpl, 201)
		a.do(mgr, "POST", "/api/v1/programs", "application/yaml", "key: api_every\nname: 坏的\n", 422)
		pub, err := program.Latest(ctx, db, "api_every")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "api-every", Name: "接口批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		var rec struct {
			ID      int64 `json:"id"`
			Version int   `json:"version"`
		}
		body := a.do(firm, "POST", fmt.Sprintf("/api/v1/calls/%d/projects", call.ID), "", `{"data": {"title": "接口项目"}}`, 201)
		if err := json.Unmarshal([]byte(body), &rec); err != nil {
			t.Fatal(err)
		}
		a.do(firm, "POST", fmt.Sprintf("/api/v1/calls/%d/projects", call.ID), "", `{"data": {"title": `, 422)
		rp := fmt.Sprintf("/api/v1/projects/%d", rec.ID)
		a.do(firm, "GET", rp, "", "", 200)
		a.do(org, "GET", rp, "", "", 404)
		body = a.do(firm, "PUT", rp, "", fmt.Sprintf(`{"data": {"title": "接口项目（改）"}, "version": %d}`, rec.Version), 200)
		json.Unmarshal([]byte(body), &rec)
		a.do(firm, "PUT", rp, "", fmt.Sprintf(`{"data": {"title": "过期"}, "version": %d}`, rec.Version-1), 409)
		a.do(firm, "POST", rp+"/move", "", `{"transition": "submit"}`, 422) // the commitment first
		a.do(firm, "POST", rp+"/commitments", "", `{"role": "boss"}`, 422)
		a.do(firm, "POST", rp+"/commitments", "", `{"role": "unit"}`, 201)
		a.do(firm, "POST", rp+"/commitments", "", `{"role": "leader"}`, 201)
		a.do(firm, "POST", rp+"/move", "", `{"transition": "submit"}`, 200)

		// A call's records imported from a sheet (招商 leads).
		inv, err := program.Latest(ctx, db, "investment_project")
		if err != nil {
			t.Fatal(err)
		}
		invCall, err := program.OpenCall(ctx, db, program.Call{TemplateID: inv.ID, Key: "api-inv", Name: "接口招商批次", Opens: "2025-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		sheet := "单位（统一社会信用代码或名称）,项目名称,投资方,所属产业,线索来源,计划投资额（元）\n" + democity.DemoEnterprise + ",接口导入项目,接口测试有限公司,集成电路,招商活动,50000000\n"
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "leads.csv")
		fw.Write([]byte(sheet))
		mw.Close()
		a.do(mgr, "POST", fmt.Sprintf("/api/v1/calls/%d/import", invCall.ID), mw.FormDataContentType(), buf.String(), 201)
		a.do(mgr, "POST", fmt.Sprintf("/api/v1/calls/%d/import", 999999999), mw.FormDataContentType(), buf.String(), 404)

		// A challenge of the demo enterprise: suggestions and a decision; a
		// published challenge: a bid.
		challenge := id(`SELECT p.id FROM projects p JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id
			WHERE t.key = 'challenge' AND o.name = ? ORDER BY p.id LIMIT 1`, democity.DemoEnterprise)
		var sugg struct {
			Suggestions []struct {
				ID int64 `json:"id"`
			} `json:"suggestions"`
		}
		a.get(mgr, fmt.Sprintf("/api/v1/projects/%d/suggestions", challenge), &sugg)
		a.do(mgr, "GET", fmt.Sprintf("/api/v1/projects/%d/suggestions?limit=500", challenge), "", "", 422)
		if len(sugg.Suggestions) == 0 {
			t.Fatal("no suggestions for the demo challenge")
		}
		a.do(mgr, "POST", fmt.Sprintf("/api/v1/projects/%d/suggestions/%d/accept", challenge, sugg.Suggestions[0].ID), "", `{"reason": "方向相符"}`, 201)
		a.do(mgr, "POST", fmt.Sprintf("/api/v1/projects/%d/suggestions/%d/accept", challenge, 999999999), "", `{"reason": "无此候选"}`, 422)
		published := id(`SELECT p.id FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'challenge' AND p.stage = 'published' ORDER BY p.id LIMIT 1`)
		leader := id(`SELECT id FROM people WHERE organisation_id = (SELECT id FROM organisations WHERE name = ?) ORDER BY id LIMIT 1`, democity.DemoEnterprise)
		bid := func(leader int64) string {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("body", fmt.Sprintf(`{"data": {"solution": "接口方案", "leader": %d, "quoted_amount": 4500000, "term_months": 16}}`, leader))
			fw, _ := mw.CreateFormFile("commitment", "承诺书.pdf")
			fw.Write([]byte("%PDF-1.4 承诺"))
			mw.Close()
			return mw.FormDataContentType() + "\x00" + buf.String()
		}
		for _, c := range []struct {
			leader int64
			want   int
		}{{leader + 100000000, 422}, {leader, 201}} {
			ct, b, _ := strings.Cut(bid(c.leader), "\x00")
			a.do(org, "POST", fmt.Sprintf("/api/v1/projects/%d/children/bids", published), ct, b, c.want)
		}

		// Reviews and indicators.
		var metrics struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		a.get(viewer, "/api/v1/metrics", &metrics)
		if len(metrics.Items) == 0 {
			t.Fatal("no indicators")
		}
		a.do(viewer, "GET", "/api/v1/metrics/"+metrics.Items[0].ID, "", "", 200)
		a.do(viewer, "GET", "/api/v1/metrics/no_such_indicator", "", "", 404)

		// Finance: a product published, the demo enterprise's funding need
		// sent to another product, the bank's decision on one waiting, a
		// support case's grant converted to equity.
		bankID := id(`SELECT id FROM organisations WHERE name = ?`, democity.DemoBank)
		a.do(bank, "POST", "/api/v1/finance/products", "", `{"name": "接口贷", "kind": "ip_pledge", "collateral": "ip", "listed": "2025-01-01"}`, 201)
		a.do(bank, "POST", "/api/v1/finance/products", "", `{"name": ""}`, 422)
		need := id(`SELECT p.id FROM projects p JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id
			WHERE t.key = 'funding_need' AND o.name = ? ORDER BY p.id LIMIT 1`, democity.DemoEnterprise)
		var offers struct {
			Offers []struct {
				Product struct {
					ID int64 `json:"id"`
				} `json:"product"`
			} `json:"offers"`
		}
		a.get(org, fmt.Sprintf("/api/v1/projects/%d/products", need), &offers)
		a.do(org, "GET", "/api/v1/projects/999999999/products", "", "", 404)
		if len(offers.Offers) == 0 { // those it was sent to are left out
			t.Fatal("no product left to send the demo need to")
		}
		send := fmt.Sprintf("/api/v1/projects/%d/products/%d/send", need, offers.Offers[0].Product.ID)
		a.do(org, "POST", send, "", "", 201)
		a.do(org, "POST", send, "", "", 409)
		var appID, appVersion int64
		if err := db.QueryRowContext(ctx, `SELECT a.id, a.version FROM finance_applications a JOIN finance_products f ON f.id = a.product_id
			WHERE f.institution_id = ? AND a.decision = 'pending' ORDER BY a.id LIMIT 1`, bankID).Scan(&appID, &appVersion); err != nil {
			t.Fatal(err)
		}
		decide := fmt.Sprintf("/api/v1/finance/applications/%d/decision", appID)
		a.do(bank, "POST", decide, "", fmt.Sprintf(`{"decision": "approved", "amount_approved": 1000000, "decided_on": %q, "version": %d}`, democity.AsOf, appVersion-1), 409)
		a.do(bank, "POST", decide, "", fmt.Sprintf(`{"decision": "approved", "amount_approved": 1000000, "decided_on": %q, "version": %d}`, democity.AsOf, appVersion), 200)
		var leg int64
		rows, err := db.QueryContext(ctx, `SELECT p.id FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = 'finance_leg' AND p.stage = 'disbursed' ORDER BY p.id`)
		if err != nil {
			t.Fatal(err)
		}
		var legs []int64
		for rows.Next() {
			var n int64
			rows.Scan(&n)
			legs = append(legs, n)
		}
		rows.Close()
		for _, l := range legs {
			if p, err := program.GetProject(ctx, db, l); err == nil && p.Data["instrument"] == finance.GrantToEquity {
				leg = l
				break
			}
		}
		if leg == 0 {
			t.Fatal("no disbursed grant-to-equity leg in the demo city")
		}
		round := `{"round_date": "2025-06-01", "pre_money": 120000000, "price": 12, "new_money": 30000000, "discount": 20}`
		a.do(mgr, "POST", fmt.Sprintf("/api/v1/projects/%d/conversion", leg), "", round, 201)
		a.do(mgr, "POST", fmt.Sprintf("/api/v1/projects/%d/conversion", leg), "", round, 409)

		// Digital transformation and compute.
		a.do(org, "POST", "/api/v1/digital/assessments", "", `{"rates": {"equipment": 100, "collection": 100}, "scenes": {"质量管理": 1}}`, 200)
		a.do(org, "POST", "/api/v1/digital/assessments", "", `{"scenes": {"炼丹": 1}}`, 422)
		provider, err := registry.Create(ctx, db, registry.Organisation{Name: "接口服务商", Kind: "service"})
		if err != nil {
			t.Fatal(err)
		}
		if err := registry.Grant(ctx, db, registry.Recognition{Kind: digital.ProviderKind, Subject: "organisation", SubjectID: provider.ID, Granted: "2025-01-01", Authority: "接口测试"}); err != nil {
			t.Fatal(err)
		}
		a.do(mgr, "POST", "/api/v1/digital/solutions", "", fmt.Sprintf(`{"provider_id": %d, "name": "接口财务云", "scenes": ["财务管理"], "deploy": "hybrid", "listed": "2025-05-02"}`, provider.ID), 201)
		a.do(mgr, "POST", "/api/v1/digital/solutions", "", `{"name": ""}`, 422)
		centre := id(`SELECT id FROM organisations WHERE kind = 'compute' ORDER BY id LIMIT 1`)
		a.do(mgr, "POST", "/api/v1/compute/capacity", "", fmt.Sprintf(`{"organisation_id": %d, "precision": "FP32", "pflops": 5, "status": "operating", "since": "2025-06-10"}`, centre), 201)
		a.do(mgr, "POST", "/api/v1/compute/capacity", "", `{"pflops": -1}`, 422)

		// Periodic returns: a form published, a unit named, its filing
		// saved, read and submitted.
		form := `key: api_every_return
name: 接口填报表
period: half
fields:
  - {key: staff, name: 人数, unit: 人, integer: true, min: 0}
`
		a.do(mgr, "POST", "/api/v1/returns", "application/yaml", form, 201)
		a.do(mgr, "POST", "/api/v1/returns", "application/yaml", "key: 坏\n", 422)
		a.do(mgr, "POST", "/api/v1/returns/api_every_return/units", "", fmt.Sprintf(`{"organisation": %d}`, e.orgA.ID), 201)
		a.do(mgr, "POST", "/api/v1/returns/no_such_form/units", "", fmt.Sprintf(`{"organisation": %d}`, e.orgA.ID), 404)
		var filing struct {
			ID int64 `json:"id"`
		}
		body = a.do(firm, "PUT", "/api/v1/returns/api_every_return/filings/2025H1", "", `{"values": {"staff": 12}, "version": 0}`, 200)
		json.Unmarshal([]byte(body), &filing)
		a.do(firm, "PUT", "/api/v1/returns/api_every_return/filings/2025H1", "", `{"values": {"staff": -1}, "version": 0}`, 422)
		a.do(firm, "GET", "/api/v1/returns/api_every_return/filings", "", "", 200)
		a.do(firm, "GET", "/api/v1/returns/no_such_form/filings", "", "", 404)
		a.do(firm, "GET", fmt.Sprintf("/api/v1/return-filings/%d", filing.ID), "", "", 200)
		a.do(firm, "GET", "/api/v1/return-filings/999999999", "", "", 404)
		a.do(firm, "POST", fmt.Sprintf("/api/v1/return-filings/%d/accept", filing.ID), "", "", 403)
		a.do(firm, "POST", fmt.Sprintf("/api/v1/return-filings/%d/submit", filing.ID), "", "", 200)

		// AI elements, rankings, integrity, chains.
		a.do(firm, "POST", "/api/v1/ai/datasets", "", `[{"name": "接口数据集", "domain": "工业", "samples": 1000, "access": "open", "registered": "2025-05-01"}]`, 201)
		a.do(firm, "POST", "/api/v1/ai/datasets", "", `[{"name": ""}]`, 422)
		a.do(firm, "POST", "/api/v1/ai/models", "", `{"name": "接口模型", "domain": "通用", "registered": "2025-05-01"}`, 201)
		a.do(firm, "POST", "/api/v1/ai/models", "", `{"name": ""}`, 422)
		a.do(mgr, "POST", "/api/v1/rankings/innovative_city/entries", "", `{"year": 2025, "rank": 15, "published": "2025-06-01"}`, 201)
		a.do(mgr, "POST", "/api/v1/rankings/innovative_city/entries", "", `{"year": 2025, "rank": 0, "published": "2025-06-01"}`, 422)
		a.do(mgr, "POST", "/api/v1/sanctions", "", fmt.Sprintf(`{"subject": "organisation", "subject_id": %d, "misconduct": "接口测试：数据造假", "scopes": ["apply"], "starts": "2025-01-01", "source": "bureau", "decision": "沈科〔2025〕1号"}`, e.orgA.ID), 201)
		a.do(mgr, "POST", "/api/v1/sanctions", "", `{"subject": "nobody"}`, 422)
		chain := id(`SELECT id FROM chains ORDER BY id LIMIT 1`)
		a.do(viewer, "GET", fmt.Sprintf("/api/v1/chains/%d", chain), "", "", 200)
		a.do(viewer, "GET", "/api/v1/chains/999999999", "", "", 404)

		// Every operation of the document, both ways.
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(web.OpenAPIDocument(), &doc); err != nil {
			t.Fatal(err)
		}
		var missing []string
		for p, ops := range doc.Paths {
			for m := range ops {
				op := strings.ToUpper(m) + " " + p
				if !a.ok[op] {
					missing = append(missing, op+": no success")
				}
				if !a.fail[op] && p != "/api/openapi.json" { // the public document has no error to give
					missing = append(missing, op+": no error")
				}
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("operations not called both ways:\n%s", strings.Join(missing, "\n"))
		}
	})
}
