package opendata_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

const grantTemplate = `key: t_grant
name: 测试资助
version: 1
form:
  - {key: title, label: 名称, type: text, public: true}
  - {key: secret_note, label: 内部意见, type: longtext}
  - {key: amount_requested, label: 申请, type: money}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: approved, name: 立项, terminal: true}
transitions:
  - {key: approve, name: 立项, from: draft, to: approved, by: ["role:manager"], amount: approved}
`

func creditCode(t *testing.T) string {
	body := "MA0ABCDE"
	c9, _ := stdcode.OrgCodeCheckChar(body)
	first := "91210100" + body + string(c9)
	c18, err := stdcode.CreditCodeCheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	return first + string(c18)
}

var pub = opendata.Publisher{Prefix: "360G-shenyang-kjj", ID: "CN-USCI-112101000000000000", Name: "沈阳市科学技术局"}

// TestGrantsMeet360Giving: funded projects come out as 360Giving grants
// with every field the published schema requires, in its types and
// patterns; a private field never appears.
func TestGrantsMeet360Giving(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		code := creditCode(t)
		org, err := registry.Create(ctx, db, registry.Organisation{Name: "受资助企业", Kind: "enterprise", CreditCode: code})
		if err != nil {
			t.Fatal(err)
		}
		p, err := program.Publish(ctx, db, []byte(grantTemplate))
		if err != nil {
			t.Fatal(err)
		}
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: p.ID, Key: "g-1", Name: "资助", Opens: "2020-01-01", Closes: "2099-01-01"})
		funded, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "工业母机关键部件", "secret_note": "绝密：评审组倾向否决", "amount_requested": 2e6})
		program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "未立项的项目"})
		amount := 1.5e6
		if _, err := program.MoveWith(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, funded.ID, "approve", program.MoveInput{Amount: &amount}); err != nil {
			t.Fatal(err)
		}
		pkg, err := opendata.Grants(ctx, db, pub)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(pkg)
		if strings.Contains(string(raw), "绝密") || strings.Contains(string(raw), "未立项的项目") {
			t.Fatalf("private or unfunded data left: %s", raw)
		}
		var doc map[string]any
		json.Unmarshal(raw, &doc)
		grants, _ := doc["grants"].([]any)
		if len(grants) != 1 {
			t.Fatalf("grants: %s", raw)
		}
		for _, g := range grants {
			for _, problem := range check360Giving(g.(map[string]any)) {
				t.Error(problem)
			}
		}
		g := pkg.Grants[0]
		if g.RecipientOrganization[0].ID != "CN-USCI-"+code || g.AmountAwarded != 1.5e6 || g.Currency != "CNY" || g.Title != "工业母机关键部件" {
			t.Errorf("grant: %+v", g)
		}
	})
}

// check360Giving checks a grant against what the 360Giving Data Standard
// schema (schema/360-giving-schema.json) requires: its required fields,
// their types, the currency code list and the date pattern, and the
// organisations' required id and name.
func check360Giving(g map[string]any) []string {
	var out []string
	date := regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$`)
	str := func(k string) {
		if s, ok := g[k].(string); !ok || s == "" {
			out = append(out, "grant field "+k+" must be a non-empty string")
		}
	}
	for _, k := range []string{"id", "title", "description"} {
		str(k)
	}
	if g["currency"] != "CNY" {
		out = append(out, "currency must be an ISO 4217 code (CNY)")
	}
	if _, ok := g["amountAwarded"].(float64); !ok {
		out = append(out, "amountAwarded must be a number")
	}
	if s, _ := g["awardDate"].(string); !date.MatchString(s) {
		out = append(out, "awardDate must be YYYY-MM-DD: "+s)
	}
	for _, k := range []string{"recipientOrganization", "fundingOrganization"} {
		orgs, ok := g[k].([]any)
		if !ok || len(orgs) < 1 {
			out = append(out, k+" must list at least one organisation")
			continue
		}
		for _, o := range orgs {
			m, _ := o.(map[string]any)
			for _, f := range []string{"id", "name"} {
				if s, ok := m[f].(string); !ok || s == "" {
					out = append(out, k+"."+f+" is required")
				}
			}
		}
	}
	if s, ok := g["fromOpenCall"].(string); ok && s != "Yes" && s != "No" {
		out = append(out, "fromOpenCall must be Yes or No")
	}
	return out
}

// TestChallengesAsOCDS: published challenges come out as OCDS tenders with
// their public fields (the need, as a published list announces it) and bid
// counts; drafts and private fields stay in.
func TestChallengesAsOCDS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		cp, _ := program.Latest(ctx, db, "challenge")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: cp.ID, Key: "c", Name: "榜单", Opens: "2020-01-01", Closes: "2099-01-01"})
		owner, _ := registry.Create(ctx, db, registry.Organisation{Name: "发榜企业", Kind: "enterprise"})
		published, _ := program.CreateProject(ctx, db, call.ID, owner.ID, map[string]any{"title": "高纯石英砂", "need": "纯度99.998%", "amount_requested": 7654321.0})
		program.CreateProject(ctx, db, call.ID, owner.ID, map[string]any{"title": "草稿榜单"})
		db.ExecContext(ctx, `UPDATE projects SET stage = 'published' WHERE id = ?`, published.ID)
		pkg, err := opendata.Challenges(ctx, db, pub, "challenge", "https://xinzhi.example.cn")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(pkg)
		if len(pkg.Releases) != 1 || pkg.Releases[0].Tender.Title != "高纯石英砂" || pkg.Releases[0].Tender.Status != "active" ||
			strings.Contains(string(raw), "草稿榜单") || strings.Contains(string(raw), "7654321") || !strings.Contains(string(raw), "纯度99.998%") || !strings.HasPrefix(pkg.Releases[0].OCID, "ocds-") {
			t.Fatalf("releases: %s", raw)
		}
	})
}
