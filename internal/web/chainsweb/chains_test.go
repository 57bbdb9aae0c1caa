package chainsweb_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/chain"
	"github.com/xinzhi-platform/xinzhi/internal/chain/chaintest"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

var ctx = context.Background()

// TestChainsOverHTTP: a manager builds a chain map through the forms
// (bad input refused beside its field, in Chinese and English), the map
// page shows leaders, technologies with their records and the gaps, the
// API gives the same, and only managers write while bound roles cannot
// read.
func TestChainsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		uni, _ := registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university"})
		rec := chaintest.TacklingRecord(t, db, e.OrgA.ID, "华泵一号干式真空泵攻关")
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		mgr.Get("/chains")
		resp, _ := mgr.Post("/chains", url.Values{"name": {"高端装备产业链"}, "cluster": {"高端装备"}})
		if resp.StatusCode != 303 {
			t.Fatalf("add chain: %d", resp.StatusCode)
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(strings.TrimSuffix(resp.Header.Get("Location"), "?saved=1"), "/chains/"), 10, 64)
		base := fmt.Sprintf("/chains/%d", id)
		if resp, body := mgr.Post("/chains", url.Values{"name": {"高端装备产业链"}, "cluster": {"火星"}}); resp.StatusCode != 422 ||
			!strings.Contains(body, "产业链“高端装备产业链”已存在") || !strings.Contains(body, "没有名为“火星”的产业集群") {
			t.Fatalf("a chain twice, an unknown cluster: %d", resp.StatusCode)
		}
		mgr.Get(base)
		for _, l := range []url.Values{{"name": {"真空泵整机"}, "stage": {"midstream"}, "sort": {"1"}}, {"name": {"半导体制造"}, "stage": {"downstream"}, "sort": {"2"}}} {
			if resp, body := mgr.Post(base+"/links", l); resp.StatusCode != 303 {
				t.Fatalf("add link %v: %d %s", l, resp.StatusCode, body)
			}
		}
		if resp, body := mgr.Post(base+"/links", url.Values{"name": {"x"}, "stage": {"sideways"}, "sort": {"a"}}); resp.StatusCode != 422 ||
			!strings.Contains(body, "环节位置“sideways”不对") || !strings.Contains(body, "排序须为 0 至 10000 之间的整数") {
			t.Fatalf("a bad link: %d", resp.StatusCode)
		}
		m, err := chain.Get(ctx, db, id)
		if err != nil || len(m.Links) != 2 {
			t.Fatalf("links: %v %+v", err, m)
		}
		pump := strconv.FormatInt(m.Links[0].ID, 10)
		if resp, body := mgr.Post(base+"/members", url.Values{"link_id": {pump}, "organisation_id": {strconv.FormatInt(e.OrgB.ID, 10)}}); resp.StatusCode != 422 ||
			!strings.Contains(body, "只有企业、高校和科研院所可以列入产业链环节") {
			t.Fatalf("a bank at a link: %d", resp.StatusCode)
		}
		if resp, body := mgr.Post(base+"/members", url.Values{"link_id": {pump}, "organisation_id": {strconv.FormatInt(uni.ID, 10)}, "leader": {"on"}}); resp.StatusCode != 422 ||
			!strings.Contains(body, "链主须为企业") {
			t.Fatalf("a university leading: %d", resp.StatusCode)
		}
		for _, org := range []int64{e.OrgA.ID, uni.ID} {
			f := url.Values{"link_id": {pump}, "organisation_id": {strconv.FormatInt(org, 10)}}
			if org == e.OrgA.ID {
				f.Set("leader", "on")
			}
			if resp, _ := mgr.Post(base+"/members", f); resp.StatusCode != 303 {
				t.Fatalf("add member %d: %d", org, resp.StatusCode)
			}
		}
		if resp, body := mgr.Post(base+"/technologies", url.Values{"name": {"干泵转子"}, "bottleneck": {"on"}, "dimension": {"受制"}}); resp.StatusCode != 422 ||
			!strings.Contains(body, "攻关方向“受制”不对") || !strings.Contains(body, "卡脖子技术须填写攻关方向和卡点") {
			t.Fatalf("a bad technology: %d", resp.StatusCode)
		}
		for _, tech := range []url.Values{
			{"name": {"干泵转子型线"}, "link_id": {pump}, "bottleneck": {"on"}, "dimension": {"进口产品国产替代"}, "choke": {"整机"}},
			{"name": {"晶圆传输机械手"}, "bottleneck": {"on"}, "dimension": {"关键技术受制于人"}, "choke": {"部件"}},
		} {
			if resp, _ := mgr.Post(base+"/technologies", tech); resp.StatusCode != 303 {
				t.Fatalf("add technology %v: %d", tech, resp.StatusCode)
			}
		}
		m, _ = chain.Get(ctx, db, id)
		var rotor int64
		for _, k := range m.Technologies {
			if k.Name == "干泵转子型线" {
				rotor = k.ID
			}
		}
		if resp, body := mgr.Post(base+"/records", url.Values{"technology_id": {strconv.FormatInt(rotor, 10)}, "project_id": {"999999"}}); resp.StatusCode != 422 || !strings.Contains(body, "没有编号为 999999 的项目") {
			t.Fatalf("no such record: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post(base+"/records", url.Values{"technology_id": {strconv.FormatInt(rotor, 10)}, "project_id": {strconv.FormatInt(rec, 10)}}); resp.StatusCode != 303 {
			t.Fatalf("link record: %d", resp.StatusCode)
		}

		viewer := e.Client()
		viewer.SignIn("u-viewer", webtest.Password)
		_, body := viewer.Get(base)
		for _, want := range []string{"甲企业", "链主", "干泵转子型线", "华泵一号干式真空泵攻关", fmt.Sprintf(`href="/projects/%d"`, rec), "龙头企业自主研发", "已攻克难题",
			`id="gap-links"`, "半导体制造", `id="gap-techs"`, "晶圆传输机械手", `id="chain-graph"`, "data-map="} {
			if !strings.Contains(body, want) {
				t.Errorf("the map page lacks %q", want)
			}
		}
		if strings.Contains(body, `action="`+base+`/links"`) {
			t.Error("a viewer sees the managers' forms")
		}
		if resp, _ := viewer.Post(base+"/links", url.Values{"name": {"x"}, "stage": {"upstream"}}); resp.StatusCode != 403 {
			t.Errorf("a viewer adds a link: %d", resp.StatusCode)
		}
		org := e.Client()
		org.SignIn("u-org", webtest.Password)
		if resp, _ := org.Get(base); resp.StatusCode != 403 {
			t.Errorf("an organisation user reads the map: %d", resp.StatusCode)
		}
		// its own profile says where it stands on the map (without a link
		// to the map it may not read); a reader's profile page links it
		if _, body := org.Get(fmt.Sprintf("/orgs/%d", e.OrgA.ID)); !strings.Contains(body, `id="chain-places"`) || !strings.Contains(body, "真空泵整机") || strings.Contains(body, `href="`+base+`"`) {
			t.Error("the organisation's own profile does not show its place on the chain")
		}
		if _, body := viewer.Get(fmt.Sprintf("/orgs/%d", e.OrgA.ID)); !strings.Contains(body, `href="`+base+`"`) {
			t.Error("the profile does not link the chain map")
		}
		_, body = viewer.Get("/api/v1/chains/" + strconv.FormatInt(id, 10))
		var api chain.Map
		if err := json.Unmarshal([]byte(body), &api); err != nil {
			t.Fatalf("api: %v %s", err, body)
		}
		if api.Leaders != 1 || len(api.Gaps.EmptyLinks) != 1 || len(api.Gaps.Idle) != 1 || api.Gaps.Idle[0].Name != "晶圆传输机械手" {
			t.Errorf("api map: %+v", api)
		}
		for _, k := range api.Technologies {
			if k.Name == "干泵转子型线" && (k.Status != "solved" || k.Ways["龙头企业自主研发"] != 1 || len(k.Records) != 1) {
				t.Errorf("api technology: %+v", k)
			}
		}
		var list struct {
			Chains   []chain.Chain    `json:"chains"`
			Tackling []chain.Tackling `json:"tackling"`
		}
		_, body = viewer.Get("/api/v1/chains")
		if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Chains) != 1 || list.Chains[0].Name != "高端装备产业链" || len(list.Tackling) != 2 {
			t.Errorf("api list: %v %s", err, body)
		}
		if _, body := viewer.Get("/chains"); !strings.Contains(body, `id="tackling"`) || !strings.Contains(body, "进口产品国产替代") {
			t.Error("the list page lacks the 325 summary")
		}
		if resp, _ := viewer.Get("/api/v1/chains/999999"); resp.StatusCode != 404 {
			t.Errorf("api, no such chain: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post(base+"/members", url.Values{"link_id": {pump}, "organisation_id": {strconv.FormatInt(uni.ID, 10)}, "remove": {"1"}}); resp.StatusCode != 303 {
			t.Errorf("take the university off: %d", resp.StatusCode)
		}
		if m, _ := chain.Get(ctx, db, id); len(m.Links[0].Members) != 1 {
			t.Errorf("after taking one off: %+v", m.Links[0].Members)
		}
		// last: choosing English is kept on the manager's account
		en := e.Client()
		en.SignIn("u-manager", webtest.Password)
		en.Post("/lang", url.Values{"lang": {"en"}})
		if _, body := en.Get("/chains"); !strings.Contains(body, "Joint tackling") || strings.Contains(body, ">联合攻关<") {
			t.Error("the five ways are not named in English on the English page")
		}
		if _, body := en.Get("/digital"); !strings.Contains(body, "Product design") || !strings.Contains(body, `value="产品设计"`) {
			t.Error("the scenes are not named in English (with their Chinese values kept)")
		}
		en.Get(base)
		if resp, body := en.Post(base+"/technologies", url.Values{"name": {"干泵转子"}, "bottleneck": {"on"}}); resp.StatusCode != 422 ||
			!strings.Contains(body, "A bottleneck technology needs its dimension and its choke point") {
			t.Fatalf("a bad technology, in English: %d", resp.StatusCode)
		}
	})
}

// TestChainImportOverHTTP: a sheet with one bad row writes nothing and
// lists the bad cells; the corrected sheet writes everything.
func TestChainImportOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := chain.AddChain(ctx, tx, chain.NewChain{Name: "集成电路产业链", Cluster: "集成电路"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		xlsx := func(rows ...[]any) string {
			var buf bytes.Buffer
			if err := tabular.WriteXLSX(&buf, tabular.Sheet{Name: "图谱", Header: []string{"产业链", "环节", "环节位置", "单位", "链主", "关键技术", "卡脖子", "攻关方向", "卡点"}, Rows: rows}); err != nil {
				t.Fatal(err)
			}
			return buf.String()
		}
		good := [][]any{{"集成电路产业链", "半导体设备", "中游", "甲企业", "是", "涂胶显影温控", "是", "关键技术受制于人", "部件"}, {"集成电路产业链", "芯片设计", "上游", "", "", "", "", "", ""}}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		_, page := mgr.Get("/chains")
		resp, tmpl := mgr.Get("/chains/import/template")
		if !strings.Contains(page, `href="/chains/import/template"`) || resp.StatusCode != 200 {
			t.Fatalf("the import template: %d", resp.StatusCode)
		}
		tt, err := tabular.Read(strings.NewReader(tmpl), int64(len(tmpl)), "t.xlsx", tabular.Limits{})
		if err != nil || len(tt.Rows) != 1 || strings.TrimSuffix(tt.Header[0], "*") != "产业链" {
			t.Fatalf("the template reads back as %+v (%v)", tt, err)
		}
		resp, body := mgr.Send("/chains/import", nil, map[string][2]string{"file": {"chain.xlsx", xlsx(append(good, []any{"集成电路产业链", "封装测试", "", "", "", "", "", "", ""})...)}})
		if resp.StatusCode != 422 || !strings.Contains(body, "导入未执行") || !strings.Contains(body, "新环节须填写环节位置") || !strings.Contains(body, "<td class=\"num\">4</td><td>C</td>") {
			t.Fatalf("a bad sheet: %d\n%s", resp.StatusCode, body)
		}
		if cs, _ := chain.List(ctx, db); cs[0].Links != 0 {
			t.Fatalf("a refused import wrote %+v", cs[0])
		}
		resp, body = mgr.Send("/chains/import", nil, map[string][2]string{"file": {"chain.xlsx", xlsx(good...)}})
		if resp.StatusCode != 200 || !strings.Contains(body, "已导入 2 行：环节 2 个、单位 1 个、关键技术 1 项") {
			t.Fatalf("a good sheet: %d", resp.StatusCode)
		}
		if cs, _ := chain.List(ctx, db); cs[0].Links != 2 || cs[0].Leaders != 1 || cs[0].Bottlenecks != 1 {
			t.Errorf("imported: %+v", cs[0])
		}
		viewer := e.Client()
		viewer.SignIn("u-"+string(access.Viewer), webtest.Password)
		viewer.Get("/chains")
		if resp, _ := viewer.Send("/chains/import", nil, map[string][2]string{"file": {"chain.xlsx", xlsx(good...)}}); resp.StatusCode != 403 {
			t.Errorf("a viewer imports: %d", resp.StatusCode)
		}
	})
}
