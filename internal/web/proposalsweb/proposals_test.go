package proposalsweb_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// proposalCity is two government units with a manager each: the lead
// unit's drafter and the co-unit's staff. u-manager (no unit) is the
// assigning office and the supervisor; u-viewer the leader who signs.
type proposalCity struct {
	bureau, industry int64
}

func newProposalCity(t *testing.T, e *webtest.Env) proposalCity {
	t.Helper()
	var pc proposalCity
	for _, u := range []struct {
		name, user string
		id         *int64
	}{{"沈阳市科学技术局", "drafter", &pc.bureau}, {"沈阳市工业和信息化局", "costaff", &pc.industry}} {
		o, err := registry.Create(ctx, e.DB, registry.Organisation{Name: u.name, Kind: "government"})
		if err != nil {
			t.Fatal(err)
		}
		*u.id = o.ID
		if _, err := e.Auth.CreateUser(ctx, auth.NewUser{Username: u.user, Password: webtest.Password, Roles: []access.Role{access.Manager}, OrgID: o.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return pc
}

var ctx = context.Background()

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// act posts one move from the proposal page, as a person at the page would.
func act(t *testing.T, c *webtest.Client, db *store.DB, id, action string, form url.Values) (int, string) {
	t.Helper()
	_, page := c.Get("/proposals/" + id)
	m := versionRE.FindStringSubmatch(page)
	if form == nil {
		form = url.Values{}
	}
	if m != nil {
		form.Set("version", m[1])
	} else if p, err := proposal.Get(ctx, db, mustInt(t, id)); err == nil {
		form.Set("version", fmt.Sprint(p.Version)) // the page offers no move: a forged request, with the version in force
	}
	resp, body := c.Post("/proposals/"+id+"/"+action, form)
	return resp.StatusCode, body
}

func TestProposalPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pc := newProposalCity(t, e)
		office, drafter, costaff, leader := e.Client(), e.Client(), e.Client(), e.Client()
		office.SignIn("u-manager", webtest.Password)
		drafter.SignIn("drafter", webtest.Password)
		costaff.SignIn("costaff", webtest.Password)
		leader.SignIn("u-viewer", webtest.Password)

		// Registration: bad input is refused with the reason, then registered.
		office.Get("/proposals/new")
		form := url.Values{"number": {"政协十六届三次会议第0123号"}, "kind": {"cppcc"}, "member": {"王志坚"}, "member_contact": {"13912345678"},
			"title": {"关于推动新质生产力发展的提案"}, "body": {"建议……"}, "received_on": {"1 March"}}
		if resp, body := office.Post("/proposals", form); resp.StatusCode != 422 || !strings.Contains(body, "不是日期") {
			t.Fatalf("bad date: %d", resp.StatusCode)
		}
		form.Set("received_on", "2025-03-01")
		resp, _ := office.Post("/proposals", form)
		if resp.StatusCode != 303 {
			t.Fatalf("register: %d", resp.StatusCode)
		}
		id := webtest.IDFrom(t, resp.Header.Get("Location"), "/proposals/")

		// The member's contact details: masked for the handling staff, shown in full on request (audited).
		if _, body := office.Get("/proposals/" + id); !strings.Contains(body, "139****5678") || strings.Contains(body, "13912345678") {
			t.Error("the member's contact details are not masked")
		}
		if _, body := office.Get("/proposals/" + id + "?reveal=1"); !strings.Contains(body, "13912345678") {
			t.Error("a manager cannot reveal the member's contact details")
		}
		// 交办 to the bureau with the industry bureau as co-unit. Before, the
		// drafter has nothing to do on it.
		if _, body := drafter.Get("/proposals/" + id); strings.Contains(body, `id="f-draft"`) {
			t.Error("a draft form before the proposal is assigned")
		}
		if code, body := act(t, office, db, id, "assign", url.Values{"lead": {fmt.Sprint(pc.bureau)}, "co": {fmt.Sprint(pc.industry)}}); code != 303 {
			t.Fatalf("assign: %d %.300s", code, body)
		}
		// It is overdue on the cockpit once its three months have passed.
		p, _ := proposal.Get(ctx, db, mustInt(t, id))
		if p.DueOn == "" || p.Lead().UnitID != pc.bureau {
			t.Fatalf("assigned: %+v", p)
		}
		// The co-unit may not draft; the lead's staff may.
		if _, body := costaff.Get("/proposals/" + id); strings.Contains(body, `id="f-draft"`) {
			t.Error("the co-unit is offered the draft")
		}
		if code, body := act(t, costaff, db, id, "draft", url.Values{"template": {"seed-reply"}, "as_of": {"2025-06-30"}, "class": {"A"}}); code != 403 || !strings.Contains(body, "主办单位") {
			t.Fatalf("draft by the co-unit: %d", code)
		}
		if code, body := act(t, drafter, db, id, "draft", url.Values{"template": {"seed-reply"}, "as_of": {"2025-06-30"}, "class": {"A"}}); code != 303 {
			t.Fatalf("draft: %d %.300s", code, body)
		}
		p, _ = proposal.Get(ctx, db, mustInt(t, id))
		if !strings.Contains(p.ReplyBody, "王志坚委员") || strings.Contains(p.ReplyBody, "{{") || p.ReplyFigures == "{}" || p.State != proposal.Drafted {
			t.Fatalf("draft: %s %.200s", p.State, p.ReplyBody)
		}
		if _, body := drafter.Get("/proposals/" + id); !strings.Contains(body, `id="reply-figures"`) || !strings.Contains(body, "/indicators/") {
			t.Error("the draft's figures do not open their indicators")
		}
		// Signing before 会签 and 督办 is refused in both languages, nothing changed.
		if code, body := act(t, leader, db, id, "sign", nil); code != 409 || !strings.Contains(body, "不能进行") {
			t.Fatalf("early signature: %d %s", code, body)
		}
		leaderEN := e.Client()
		leaderEN.SignIn("u-viewer", webtest.Password)
		leaderEN.Post("/lang", url.Values{"lang": {"en"}})
		if code, body := act(t, leaderEN, db, id, "sign", nil); code != 409 || !strings.Contains(body, "is not possible while") {
			t.Fatalf("early signature in English: %d", code)
		}
		if code, _ := act(t, costaff, db, id, "countersign", url.Values{"opinion": {"同意"}}); code != 303 {
			t.Fatalf("countersign: %d", code)
		}
		if code, _ := act(t, drafter, db, id, "review", nil); code != 403 {
			t.Fatalf("the drafter reviewing: %d", code)
		}
		if code, _ := act(t, office, db, id, "review", url.Values{"class": {"B"}}); code != 303 {
			t.Fatalf("review: %d", code)
		}
		if code, _ := act(t, drafter, db, id, "sign", nil); code != 403 {
			t.Fatalf("the drafter signing (no proposal.sign): %d", code)
		}
		if _, body := leader.Get("/proposals/" + id); !strings.Contains(body, `id="f-sign"`) || strings.Contains(body, "13912345678") {
			t.Error("the leader sees no signature form, or sees the member's contact details")
		}
		if code, _ := act(t, leader, db, id, "sign", nil); code != 303 {
			t.Fatalf("sign: %d", code)
		}
		if code, _ := act(t, drafter, db, id, "issue", nil); code != 303 {
			t.Fatalf("issue: %d", code)
		}
		p, _ = proposal.Get(ctx, db, mustInt(t, id))
		if p.State != proposal.Replied || p.ReportID == "" || p.Class != "B" {
			t.Fatalf("issued: %s %q %s", p.State, p.ReportID, p.Class)
		}
		// Published for anyone, without the member's contact details; the DOCX too.
		anon := e.Client()
		if resp, body := anon.Get("/replies/" + id); resp.StatusCode != 200 || !strings.Contains(body, "王志坚委员") || strings.Contains(body, "13912345678") {
			t.Fatalf("published reply: %d", resp.StatusCode)
		}
		if resp, body := anon.Get("/replies/" + id + "/docx"); resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
			t.Fatalf("docx: %d", resp.StatusCode)
		}
		if resp, _ := drafter.Get("/reports/" + p.ReportID); resp.StatusCode != 200 {
			t.Fatalf("the issued report: %d", resp.StatusCode)
		}
		// 不满意 reopens it for the lead unit.
		if code, _ := act(t, office, db, id, "rate", url.Values{"handling": {"mostly"}, "result": {"dissatisfied"}}); code != 303 {
			t.Fatalf("rate: %d", code)
		}
		if _, body := drafter.Get("/proposals/" + id); !strings.Contains(body, `id="f-draft"`) || !strings.Contains(body, "第2轮办理") {
			t.Error("a dissatisfied rating did not reopen it for the lead unit")
		}
		// The board and its yearly figures; the cockpit's overdue list reads the same.
		if resp, body := leader.Get("/proposals?year=" + today()[:4]); resp.StatusCode != 200 || !strings.Contains(body, "关于推动新质生产力发展的提案") || !strings.Contains(body, `id="yearly-table"`) {
			t.Fatalf("board: %d", resp.StatusCode)
		}
		year := today()[:4]
		resp, body := office.Get("/proposals/export?year=" + year)
		if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
			t.Fatalf("export: %d", resp.StatusCode)
		}
		board, err := tabular.ReadSheet(strings.NewReader(body), int64(len(body)), "p.xlsx", tabular.Limits{}, "提案办理")
		if err != nil || len(board.Rows) != 1 || board.Rows[0].Cells[0] != "政协十六届三次会议第0123号" {
			t.Fatalf("the board sheet: %+v (%v)", board, err)
		}
		byUnit, err := tabular.ReadSheet(strings.NewReader(body), int64(len(body)), "p.xlsx", tabular.Limits{}, year+"年度办理情况（按主办单位）")
		if err != nil || len(byUnit.Rows) != 2 || byUnit.Rows[0].Cells[0] != "沈阳市科学技术局" || byUnit.Rows[1].Cells[0] != "合计" || byUnit.Rows[1].Cells[1] != "1" {
			t.Fatalf("the by-unit sheet: %+v (%v)", byUnit, err)
		}
		if _, body := office.Get("/cockpit"); strings.Contains(body, `id="overdue"`) {
			t.Error("the cockpit lists a proposal in time as overdue")
		}
		// One assigned long ago and never answered is overdue: marked on the
		// board and listed on the cockpit, linking to it.
		old, err := proposal.Register(ctx, db, nil, proposal.Actor{Name: "office"}, proposal.New{Number: "2020-7", Kind: "npc", Member: "李红梅", Title: "关于建设概念验证中心的建议", ReceivedOn: "2020-01-20"})
		if err != nil {
			t.Fatal(err)
		}
		if err := proposal.Assign(ctx, db, proposal.Actor{Name: "office"}, old, 1, "2020-03-02", pc.industry, nil); err != nil {
			t.Fatal(err)
		}
		if _, body := office.Get("/cockpit"); !strings.Contains(body, `id="overdue"`) || !strings.Contains(body, fmt.Sprintf(`href="/proposals/%d"`, old)) {
			t.Error("the overdue proposal does not stand out on the cockpit")
		}
		if _, body := office.Get("/proposals?year=2020&overdue=1"); !strings.Contains(body, "关于建设概念验证中心的建议") || !strings.Contains(body, "data-overdue") {
			t.Error("the board does not mark the overdue proposal")
		}
		// The city's window for sending back is data: set on the board, bad values refused.
		office.Get("/proposals")
		if resp, body := office.Post("/proposals/rules", url.Values{"send_back_days": {"0"}}); resp.StatusCode != 422 || !strings.Contains(body, "1至30个工作日") {
			t.Fatalf("a window of 0 days: %d", resp.StatusCode)
		}
		if resp, _ := office.Post("/proposals/rules", url.Values{"send_back_days": {"7"}}); resp.StatusCode != 303 {
			t.Fatalf("set the window: %d", resp.StatusCode)
		}
		if r, _ := proposal.GetRules(ctx, db, "default"); r.SendBackDays != 7 {
			t.Errorf("window %d, want 7", r.SendBackDays)
		}
		// A local holiday on a Monday moves the window's end.
		if resp, _ := office.Post("/proposals/calendar", url.Values{"day": {"2031-03-03"}, "working": {"0"}, "name": {"地方假日"}}); resp.StatusCode != 303 {
			t.Fatalf("record a holiday: %d", resp.StatusCode)
		}
		if resp, _ := office.Post("/proposals/calendar", url.Values{"day": {"3 March"}}); resp.StatusCode != 422 {
			t.Fatalf("a holiday that is no date: %d", resp.StatusCode)
		}
		if r, _ := proposal.GetRules(ctx, db, "default"); r.AddWorkdays("2031-02-28", 1) != "2031-03-04" {
			t.Errorf("the day after Friday 2031-02-28 is %s, want Tuesday 2031-03-04", r.AddWorkdays("2031-02-28", 1))
		}
		// The navigation entry is live for those who need it, hidden from others.
		for role, want := range map[access.Role]bool{access.Manager: true, access.Viewer: true, access.Org: false, access.Reviewer: false} {
			c := e.Client()
			c.SignIn("u-"+string(role), webtest.Password)
			_, body := c.Get("/account")
			if got := strings.Contains(body, `href="/proposals"`); got != want {
				t.Errorf("%s: nav link to /proposals %v, want %v", role, got, want)
			}
		}
	})
}

// today is the day in Shanghai, as the server counts it without --as-of.
func today() string {
	return store.Now().Add(8 * 3600e9).Format("2006-01-02")
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
