package opendata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// grantTemplate publishes its field of work and its planned end, and keeps
// an internal note and the amount asked for private.
const grantTemplate = `key: t_grant
name: 测试资助
version: 1
form:
  - {key: title, label: 名称, type: text, public: true}
  - {key: field, label: 领域, type: choice, public: true, options: [集成电路, 机器人], options_en: [Integrated circuits, Robotics]}
  - {key: planned_end, label: 计划完成, type: date, public: true, end: planned}
  - {key: secret_note, label: 内部意见, type: longtext}
  - {key: amount_requested, label: 申请, type: money}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: approved, name: 立项, terminal: true}
transitions:
  - {key: approve, name: 立项, from: draft, to: approved, by: ["role:manager"], amount: approved}
`

func creditCode(t *testing.T, body string) string {
	c9, _ := stdcode.OrgCodeCheckChar(body)
	first := "91210100" + body + string(c9)
	c18, err := stdcode.CreditCodeCheckChar(first)
	if err != nil {
		t.Fatal(err)
	}
	return first + string(c18)
}

var pub = opendata.Publisher{Prefix: "360G-shenyang-kjj", ID: "CN-USCI-112101000000000000", Name: "沈阳市科学技术局", BaseURL: "https://xinzhi.example.cn"}

// The person named on bids and projects, and how to reach them (written
// into private fields): none of this may leave.
var contact = "负责人张三丰，身份证" + idNumber + "，电话13812345678，zhang.sanfeng@example.cn"

var idNumber = func() string {
	c, err := stdcode.IDCheckChar("21010219900101123")
	if err != nil {
		panic(err)
	}
	return "21010219900101123" + string(c)
}()

func day(s string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, s, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	return d.Add(10 * time.Hour)
}

func asOf(t *testing.T, s string) opendata.AsOf {
	a, err := opendata.Day(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fixture is a small world: a challenge published on 2025-03-01, bid on
// by two organisations, one chosen on 2025-04-10, the agreement signed on
// 2025-05-01 and the work started on 2025-05-10; a competitive call of
// major special projects, one approved on 2025-03-15 for 5 million, its
// contract signed on 2025-04-01 and 2 million paid on 2025-04-15, one
// rejected and one left in draft.
type fixture struct {
	owner, bidder, loser registry.Organisation
	challenge, bid, lost int64
	funded, rejected     int64
}

func newFixture(t *testing.T, db *store.DB) fixture {
	ctx := context.Background()
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	var f fixture
	var err error
	if f.owner, err = registry.Create(ctx, db, registry.Organisation{Name: "发榜企业", Kind: "enterprise", CreditCode: creditCode(t, "MA0WNER1"), District: "210106"}); err != nil {
		t.Fatal(err)
	}
	if f.bidder, err = registry.Create(ctx, db, registry.Organisation{Name: "揭榜企业", Kind: "enterprise", CreditCode: creditCode(t, "MA0BDDR2"), District: "210112"}); err != nil {
		t.Fatal(err)
	}
	if f.loser, err = registry.Create(ctx, db, registry.Organisation{Name: "未中榜企业", Kind: "enterprise"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO organisation_clusters (organisation_id, cluster_id) SELECT ?, id FROM clusters WHERE name = '机器人'`, f.bidder.ID); err != nil {
		t.Fatal(err)
	}
	var person float64
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO people (name, organisation_id, created_at, updated_at) VALUES ('张三丰', ?, ?, ?) RETURNING id`,
			f.bidder.ID, day("2025-01-01"), day("2025-01-01")).Scan(&person)
	}); err != nil {
		t.Fatal(err)
	}
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
		{CallID: ccall.ID, OrganisationID: f.owner.ID, Title: "高纯石英砂", Created: day("2025-02-01"),
			Data: map[string]any{"field": "新能源", "need": "纯度99.998%。对接电话13812345678，13900000000；邮箱zhang.sanfeng@example.cn；身份证" + idNumber, "indicators": []any{map[string]any{"indicator": "纯度", "target": "99.998%"}},
				"bounty": 3e6, "amount_requested": 7654321.0, "bid_deadline": "2025-03-31", "term_months": 24.0},
			Marks: []program.Mark{{Stage: "published", At: day("2025-03-01")}, {Stage: "bidding_closed", At: day("2025-04-01")},
				{Stage: "selected", At: day("2025-04-10")}, {Stage: "contracted", At: day("2025-05-01")}, {Stage: "in_progress", At: day("2025-05-10")}}},
		{CallID: mcall.ID, OrganisationID: f.bidder.ID, Title: "工业母机关键部件", Created: day("2025-01-10"), Approved: 5e6,
			Data: map[string]any{"field": "集成电路", "summary": "内部摘要：评审组意见分歧。" + contact, "amount_requested": 6e6, "self_funding": 1e6, "leader": person,
				"planned_end": "2027-03-31", "milestones": []any{map[string]any{"due": "2026-03-31", "deliverable": "样机", "done": false}}},
			Marks: []program.Mark{{Stage: "submitted", At: day("2025-02-01")}, {Stage: "approved", At: day("2025-03-15")},
				{Stage: "in_progress", At: day("2025-04-01")}, {Stage: "in_progress", Move: "pay", At: day("2025-04-15"), Amount: 2e6}}},
		{CallID: mcall.ID, OrganisationID: f.loser.ID, Title: "未立项的项目", Created: day("2025-01-12"),
			Data:  map[string]any{"field": "机器人", "summary": contact, "leader": person},
			Marks: []program.Mark{{Stage: "submitted", At: day("2025-02-02")}, {Stage: "rejected", At: day("2025-03-15")}}},
		{CallID: mcall.ID, OrganisationID: f.loser.ID, Title: "草稿项目", Created: day("2025-01-15"), Data: map[string]any{"leader": person}},
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
		t.Fatal(err)
	}
	f.challenge, f.funded, f.rejected = recs[0].ID, recs[1].ID, recs[2].ID
	bids := []program.Seeded{
		{CallID: ccall.ID, OrganisationID: f.bidder.ID, ParentID: f.challenge, ChildKind: "bids", TemplateKey: "challenge_bid", Created: day("2025-03-05"),
			Data:  map[string]any{"solution": "秘密方案：提纯工艺。" + contact, "leader": person, "quoted_amount": 2.5e6, "term_months": 20.0},
			Marks: []program.Mark{{Stage: "submitted", At: day("2025-03-10")}, {Stage: "selected", At: day("2025-04-10")}}},
		{CallID: ccall.ID, OrganisationID: f.loser.ID, ParentID: f.challenge, ChildKind: "bids", TemplateKey: "challenge_bid", Created: day("2025-03-06"),
			Data:  map[string]any{"solution": "另一方案。" + contact, "leader": person, "quoted_amount": 2e6, "term_months": 18.0},
			Marks: []program.Mark{{Stage: "submitted", At: day("2025-03-11")}, {Stage: "not_selected", At: day("2025-04-10")}}},
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, bids) }); err != nil {
		t.Fatal(err)
	}
	f.bid, f.lost = bids[0].ID, bids[1].ID
	return f
}

// exports are the three exports of a day, as served.
func exports(t *testing.T, db *store.DB, d string) (releases, records, grants []byte) {
	ctx := context.Background()
	a := asOf(t, d)
	rp, err := opendata.Releases(ctx, db, pub, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := opendata.Records(ctx, db, pub, a)
	if err != nil {
		t.Fatal(err)
	}
	gp, err := opendata.Grants(ctx, db, pub, a)
	if err != nil {
		t.Fatal(err)
	}
	m := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return m(rp), m(rc), m(gp)
}

// noPersonalData: nothing about the person, no private field.
func noPersonalData(t *testing.T, what string, raw []byte) {
	t.Helper()
	for _, s := range []string{"张三丰", idNumber, "13812345678", "13900000000", "zhang.sanfeng@example.cn", "秘密方案", "内部摘要", "未立项的项目", "草稿项目", "7654321", "2500000"} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("%s holds %q, which must never be published", what, s)
		}
	}
}

// TestExportsMeetTheStandards: the exports of the fixture validate against
// the official OCDS 1.1.5 and 360Giving 1.4.3 schemas, carry the tender,
// award, contract, milestones and disbursements, and name no person.
func TestExportsMeetTheStandards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		rel, rec, gr := exports(t, db, "2025-06-30")
		validate(t, "release-package", rel)
		validate(t, "record-package", rec)
		validate(t, "360giving-package", gr)
		noPersonalData(t, "the release package", rel)
		noPersonalData(t, "the record package", rec)
		noPersonalData(t, "the grants", gr)

		var rp opendata.ReleasePackage
		json.Unmarshal(rel, &rp)
		if len(rp.Releases) != 2 {
			t.Fatalf("want the challenge and the call, got %d releases: %s", len(rp.Releases), rel)
		}
		ch, call := rp.Releases[0], rp.Releases[1]
		bidderID := "CN-USCI-" + f.bidder.CreditCode
		if ch.Tender.NumberOfTenderers != 2 || len(ch.Awards) != 1 || ch.Awards[0].Suppliers[0].ID != bidderID || ch.Awards[0].Value != nil ||
			len(ch.Contracts) != 1 || ch.Contracts[0].DateSigned != "2025-05-01T02:00:00Z" || len(ch.Contracts[0].Milestones) != 1 ||
			ch.Contracts[0].Milestones[0].Title != "攻关实施" || ch.Tender.Value == nil || ch.Tender.Value.Amount != 3e6 {
			t.Errorf("challenge as a contracting process: %+v", ch)
		}
		if strings.Join(ch.Tag, ",") != "tender,award,contract" || strings.Join(call.Tag, ",") != "tender,award,contract,implementation" {
			t.Errorf("tags: %v, %v", ch.Tag, call.Tag)
		}
		if call.Tender.NumberOfTenderers != 2 || call.Tender.Status != "complete" || len(call.Awards) != 1 || call.Awards[0].Value.Amount != 5e6 ||
			call.Awards[0].Title != "工业母机关键部件" || len(call.Contracts) != 1 {
			t.Fatalf("call as a contracting process: %+v", call)
		}
		ct := call.Contracts[0]
		if ct.Implementation == nil || len(ct.Implementation.Transactions) != 1 || ct.Implementation.Transactions[0].Value.Amount != 2e6 ||
			ct.Implementation.Transactions[0].Payee.ID != bidderID || ct.Implementation.Transactions[0].Payer.ID != pub.ID {
			t.Errorf("disbursements: %+v", ct.Implementation)
		}
		// The record of each process: its compiled release, and the
		// release of each day it changed on, the last one today's.
		var rc opendata.RecordPackage
		json.Unmarshal(rec, &rc)
		if len(rc.Records) != 2 {
			t.Fatalf("records: %s", rec)
		}
		for i, r := range rc.Records {
			last := r.Releases[len(r.Releases)-1]
			if r.OCID != rp.Releases[i].OCID || r.CompiledRelease.Tag[0] != "compiled" || last.Date != rp.Releases[i].Date ||
				last.URL != pub.BaseURL+"/open-data/ocds/releases.json?date=2025-05-10" && i == 0 {
				t.Errorf("record %d: %+v", i, r.Releases)
			}
		}
		if n := len(rc.Records[0].Releases); n != 7 { // published, two bids, closed, chosen, contracted, started
			t.Errorf("the challenge changed on %d days: %+v", n, rc.Records[0].Releases)
		}
		// The public need leaves, the contact details typed into it do not.
		if need, _ := ch.Extra["need"].(string); !strings.HasPrefix(need, "纯度99.998%。对接电话") || strings.Count(need, opendata.Masked) != 4 {
			t.Errorf("the public need: %q", need)
		}
		// The milestones table is not public in this program: no deliverable leaves.
		if bytes.Contains(rel, []byte("样机")) {
			t.Errorf("a private milestone left: %s", rel)
		}

		var gp opendata.Package
		json.Unmarshal(gr, &gp)
		if len(gp.Grants) != 1 {
			t.Fatalf("grants: %s", gr)
		}
		g := gp.Grants[0]
		if g.RecipientOrganization[0].ID != bidderID || len(g.RecipientOrganization[0].Location) != 1 || g.RecipientOrganization[0].Location[0].GeoCode != "210112" ||
			len(g.BeneficiaryLocation) != 1 || g.BeneficiaryLocation[0].GeoCode != "210112" || g.AmountAwarded != 5e6 || g.AmountDisbursed != 2e6 || g.AwardDate != "2025-03-15" ||
			g.GrantProgramme[0].Code != "major_special_project" || g.AmountAppliedFor != nil {
			t.Errorf("grant: %+v", g)
		}
		if len(g.ActualDates) != 1 || g.ActualDates[0] != (opendata.Dates{StartDate: "2025-04-01"}) ||
			len(g.Disbursements) != 1 || g.Disbursements[0].Value != 2e6 || g.Disbursements[0].TransactionDate != "2025-04-15" || g.Disbursements[0].Recipient != bidderID {
			t.Errorf("actual dates and disbursements: %+v %+v", g.ActualDates, g.Disbursements)
		}
		// The cluster classifies; the field of work is private in this
		// program and stays in; the planned end is public and dates the
		// grant from the contract's signing.
		if len(g.Classifications) != 1 || g.Classifications[0].Vocabulary != "xinzhi:cluster" || g.Classifications[0].Code != "机器人" ||
			len(g.PlannedDates) != 1 || g.PlannedDates[0] != (opendata.Dates{StartDate: "2025-04-01", EndDate: "2027-03-31"}) {
			t.Errorf("classifications and planned dates of a program that keeps its field private: %+v %+v", g.Classifications, g.PlannedDates)
		}
		if bytes.Contains(gr, []byte("集成电路")) {
			t.Errorf("the private field of work left: %s", gr)
		}
	})
}

// TestAsOf: an export for a day gives what was public then, and the same
// day exported again, after later changes, gives identical bytes.
func TestAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)

		rel, _, gr := exports(t, db, "2025-02-15")
		var rp opendata.ReleasePackage
		json.Unmarshal(rel, &rp)
		if len(rp.Releases) != 1 || len(rp.Releases[0].Awards) != 0 || !bytes.Contains(gr, []byte(`"grants":[]`)) {
			t.Errorf("before the challenge was published and anything approved: %s %s", rel, gr)
		}
		if rp.PublishedDate != "2025-02-15T23:59:59+08:00" {
			t.Errorf("published date %q", rp.PublishedDate)
		}

		rel, _, gr = exports(t, db, "2025-03-20")
		rp = opendata.ReleasePackage{}
		json.Unmarshal(rel, &rp)
		if len(rp.Releases) != 2 || rp.Releases[0].Tender.Status != "active" || rp.Releases[0].Tender.NumberOfTenderers != 2 || len(rp.Releases[0].Awards) != 0 ||
			len(rp.Releases[1].Awards) != 1 || len(rp.Releases[1].Contracts) != 0 {
			t.Errorf("on 2025-03-20 the challenge was open and the project approved, nothing contracted: %s", rel)
		}
		var gp opendata.Package
		json.Unmarshal(gr, &gp)
		if len(gp.Grants) != 1 || gp.Grants[0].AmountDisbursed != 0 {
			t.Errorf("on 2025-03-20 nothing was paid: %s", gr)
		}

		rel1, rec1, gr1 := exports(t, db, "2025-06-30")
		// The same process and award keep their ids from one day to the next.
		var later opendata.ReleasePackage
		json.Unmarshal(rel1, &later)
		if later.Releases[1].OCID != rp.Releases[1].OCID || later.Releases[1].Awards[0].ID != rp.Releases[1].Awards[0].ID ||
			later.Releases[0].OCID != rp.Releases[0].OCID || later.Releases[1].Awards[0].ID != itoa(f.funded) {
			t.Errorf("ids moved between 2025-03-20 and 2025-06-30: %s", rel1)
		}
		// A tranche paid today changes today's exports, not 2025-06-30's.
		amount := 1e6
		if _, err := program.MoveWith(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, f.funded, "pay", program.MoveInput{Amount: &amount}); err != nil {
			t.Fatal(err)
		}
		// And so does the applicant's renaming of its project today.
		pr, err := program.GetProject(ctx, db, f.funded)
		if err != nil {
			t.Fatal(err)
		}
		pr.Data["title"] = "工业母机关键部件（更名）"
		if _, err := program.SaveData(ctx, db, program.Files{Dir: t.TempDir()}, access.Principal{UserID: 2, Name: "o", OrgID: f.bidder.ID, Roles: []access.Role{access.Org}}, f.funded, pr.Data, nil, pr.Version); err != nil {
			t.Fatal(err)
		}
		rel2, rec2, gr2 := exports(t, db, "2025-06-30")
		if !bytes.Equal(rel1, rel2) || !bytes.Equal(rec1, rec2) || !bytes.Equal(gr1, gr2) {
			t.Errorf("2025-06-30 exported twice differs:\n%s\n%s\n%s\n%s", rel1, rel2, gr1, gr2)
		}
		_, _, today := exports(t, db, "")
		gp = opendata.Package{}
		json.Unmarshal(today, &gp)
		if len(gp.Grants) != 1 || gp.Grants[0].AmountDisbursed != 3e6 || gp.Grants[0].Title != "工业母机关键部件（更名）" {
			t.Errorf("today's grants: %s", today)
		}

		// The increment: only what changed after 2025-04-30 (the challenge
		// was contracted on 2025-05-01; the call's last change was 04-15).
		since := asOf(t, "2025-04-30")
		inc, err := opendata.Releases(ctx, db, pub, asOf(t, "2025-06-30"), &since)
		if err != nil {
			t.Fatal(err)
		}
		if len(inc.Releases) != 1 || inc.Releases[0].OCID != "ocds-360G-shenyang-kjj-"+itoa(f.challenge) {
			t.Errorf("increment since 2025-04-30: %+v", inc.Releases)
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestGrantsPublishWhatTheProgramMarksPublic: a program that marks its
// field of work and planned end public has them classify and date the
// grant; its private note and the amount asked for never appear.
func TestGrantsPublishWhatTheProgramMarksPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		org, err := registry.Create(ctx, db, registry.Organisation{Name: "受资助企业", Kind: "enterprise", CreditCode: creditCode(t, "MA0ABCDE"), District: "210106"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := program.Publish(ctx, db, []byte(grantTemplate))
		if err != nil {
			t.Fatal(err)
		}
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: p.ID, Key: "g-1", Name: "资助", Opens: "2020-01-01", Closes: "2099-01-01"})
		funded, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "工业母机关键部件", "field": "集成电路", "planned_end": "2027-06-30",
			"secret_note": "绝密：评审组倾向否决", "amount_requested": 2345678.0})
		amount := 1.5e6
		if _, err := program.MoveWith(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, funded.ID, "approve", program.MoveInput{Amount: &amount}); err != nil {
			t.Fatal(err)
		}
		pkg, err := opendata.Grants(ctx, db, pub, asOf(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(pkg)
		validate(t, "360giving-package", raw)
		if bytes.Contains(raw, []byte("绝密")) || bytes.Contains(raw, []byte("2345678")) {
			t.Errorf("a private field left: %s", raw)
		}
		if len(pkg.Grants) != 1 {
			t.Fatalf("grants: %s", raw)
		}
		g := pkg.Grants[0]
		if len(g.Classifications) != 1 || g.Classifications[0] != (opendata.Classification{Vocabulary: "xinzhi:field", Code: "集成电路", Title: "Integrated circuits"}) ||
			len(g.PlannedDates) != 1 || g.PlannedDates[0].EndDate != "2027-06-30" || g.AmountAwarded != 1.5e6 || g.Currency != "CNY" {
			t.Errorf("grant: %+v", g)
		}
	})
}

// TestChallengesAsOCDS: the public pages' challenges: published ones with
// their public fields and bid counts; drafts and private fields stay in.
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
