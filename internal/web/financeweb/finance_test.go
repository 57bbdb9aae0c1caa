package financeweb_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

var ctx = context.Background()

// TestFinanceOverHTTP: a bank's user publishes a product (a bad one is
// refused field by field); an enterprise's funding need is offered it, sent
// to it; the bank decides in its inbox; the green channel shows it; the API
// says the same.
func TestFinanceOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		// orgB (乙银行) is a bank; its user publishes and decides.
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: "banker", Password: webtest.Password, Roles: []access.Role{access.Finance}, OrgID: e.OrgB.ID}); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "funding_need")
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "fn", Name: "融资需求", Opens: "2020-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		need, err := program.CreateProject(ctx, db, call.ID, e.OrgA.ID, map[string]any{"title": "中试线融资", "stage": "中试", "amount_requested": 2e6, "purpose": "中试熟化"})
		if err != nil {
			t.Fatal(err)
		}

		bank := e.Client()
		bank.SignIn("banker", webtest.Password)
		bank.Get("/finance")
		resp, body := bank.Post("/finance/products", url.Values{"name": {"中试贷"}, "kind": {"tech_credit"}, "collateral": {"none"}, "stages": {"pilot"},
			"amount_min": {"100万"}, "listed": {"2024-01-01"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "须为不小于0的数字") {
			t.Fatalf("a bad amount: %d", resp.StatusCode)
		}
		resp, _ = bank.Post("/finance/products", url.Values{"name": {"中试贷"}, "kind": {"tech_credit"}, "collateral": {"none"}, "stages": {"pilot"},
			"amount_min": {"1000000"}, "amount_max": {"10000000"}, "rate": {"3.2"}, "promised_days": {"5"}, "listed": {"2024-01-01"}, "description": {"支持中试熟化"}})
		if resp.StatusCode != 303 {
			t.Fatalf("publish: %d", resp.StatusCode)
		}
		if _, body := bank.Get("/finance?as_of=2025-06-30"); !strings.Contains(body, "中试贷") || !strings.Contains(body, "乙银行") {
			t.Fatal("the product is not on the shelf")
		}
		resp, body = bank.Raw("POST", "/api/v1/finance/products", "application/json", []byte(`{"name": "IP贷", "kind": "ip_pledge", "collateral": "ip", "listed": "2024-01-01", "institution_id": 1}`))
		if resp.StatusCode != 201 || !strings.Contains(body, fmt.Sprintf(`"institution_id": %d`, e.OrgB.ID)) {
			t.Fatalf("API publish (for its own bank whatever the body says): %d %s", resp.StatusCode, body)
		}

		firm := e.Client()
		firm.SignIn("u-org", webtest.Password)
		if _, body := firm.Get(fmt.Sprintf("/projects/%d", need.ID)); !strings.Contains(body, `id="offers-link"`) {
			t.Fatal("the need's page has no link to its offers")
		}
		_, body = firm.Get(fmt.Sprintf("/projects/%d/products", need.ID))
		if !strings.Contains(body, "中试贷") || strings.Contains(body, "IP贷") {
			t.Fatalf("offers: want 中试贷 only (the need offers no pledge)\n%s", body)
		}
		var product string
		if i := strings.Index(body, `data-product="`); i >= 0 {
			product = body[i+len(`data-product="`):]
			product = product[:strings.Index(product, `"`)]
		}
		resp, _ = firm.Post(fmt.Sprintf("/projects/%d/products/%s/send", need.ID, product), nil)
		if resp.StatusCode != 303 {
			t.Fatalf("send: %d", resp.StatusCode)
		}
		_, body = bank.Get("/finance/applications")
		if !strings.Contains(body, "中试线融资") || !strings.Contains(body, "decide-") {
			t.Fatal("the bank's inbox lacks the need")
		}
		i := strings.Index(body, `id="decide-`)
		app := body[i+len(`id="decide-`):]
		app = app[:strings.Index(app, `"`)]
		resp, body = bank.Post("/finance/applications/"+app+"/decide", url.Values{"decision": {"approved"}, "amount_approved": {"3000000"}, "decided_on": {today()}, "version": {"1"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "不超过申请的") {
			t.Fatalf("more than asked: %d", resp.StatusCode)
		}
		resp, _ = bank.Post("/finance/applications/"+app+"/decide", url.Values{"decision": {"approved"}, "amount_approved": {"2000000"}, "decided_on": {today()}, "version": {"1"}})
		if resp.StatusCode != 303 {
			t.Fatalf("decide: %d", resp.StatusCode)
		}
		resp, body = firm.Get("/api/v1/finance/applications")
		if resp.StatusCode != 200 || !strings.Contains(body, `"decision": "approved"`) {
			t.Fatalf("the enterprise's applications: %s", body)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		resp, body = mgr.Get("/api/v1/finance/green-channel")
		if resp.StatusCode != 200 || !strings.Contains(body, `"approved": 1`) {
			t.Fatalf("green channel: %s", body)
		}
		// The enterprise cannot decide, nor publish.
		if resp, _ := firm.Raw("POST", "/api/v1/finance/applications/"+app+"/decision", "application/json", []byte(`{"decision": "declined", "decided_on": "2025-01-01", "version": 2}`)); resp.StatusCode != 403 {
			t.Errorf("the enterprise decided: %d", resp.StatusCode)
		}
		if resp, _ := firm.Raw("POST", "/api/v1/finance/products", "application/json", []byte(`{}`)); resp.StatusCode != 403 {
			t.Errorf("the enterprise published: %d", resp.StatusCode)
		}
	})
}

func today() string {
	return store.Now().Add(8 * 3600e9).Format("2006-01-02")
}
