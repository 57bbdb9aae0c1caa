package web_test

import (
	"context"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/chain/chaintest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/chain"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// TestBrowserChainMap: a viewer opens a chain's map from the list; the
// graph is drawn (a canvas, every link, organisation and technology a
// node, the leader and the bottleneck styled apart); clicking the
// technology's node opens its panel with the record behind it, whose link
// leads to the record; the panel's list entry beside the graph does the
// same without script; clicking an organisation's node opens its profile.
func TestBrowserChainMap(t *testing.T) {
	exe := browserExecutable(t)
	db := storetest.Open(t, store.SQLite)
	ctx := t.Context()
	svc := browserAuth(t, db, auth.NewUser{Username: "leader", Roles: []access.Role{access.Viewer}})
	shengu, err := registry.Create(ctx, db, registry.Organisation{Name: "沈鼓集团股份有限公司", Kind: "enterprise"})
	if err != nil {
		t.Fatal(err)
	}
	rec := chaintest.TacklingRecord(t, db, shengu.ID, "华泵一号干式真空泵攻关")
	var chainID, rotor int64
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if chainID, err = chain.AddChain(ctx, tx, chain.NewChain{Name: "高端装备产业链", Cluster: "高端装备"}); err != nil {
			return err
		}
		var pump chain.Link
		for i, name := range []string{"特种材料", "压缩机整机", "石化应用"} {
			l, err := chain.SaveLink(ctx, tx, chain.Link{ChainID: chainID, Name: name, Stage: chain.Stages[i]})
			if err != nil {
				return err
			}
			if i == 1 {
				pump = l
			}
		}
		if err := chain.SaveMember(ctx, tx, chain.Member{LinkID: pump.ID, OrganisationID: shengu.ID, Leader: true}); err != nil {
			return err
		}
		k, err := chain.SaveTechnology(ctx, tx, chain.Technology{ChainID: chainID, LinkID: pump.ID, Name: "干式真空泵转子型线", Bottleneck: true, Dimension: "进口产品国产替代", Choke: "整机"})
		if err != nil {
			return err
		}
		rotor = k.ID
		_, err = chain.LinkRecord(ctx, tx, rotor, rec, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	base := browserServe(t, db, svc, web.Config{Search: seg, Files: program.Files{Dir: t.TempDir()}})

	b := newBrowser(t, exe)
	b.signIn(base, "leader")
	b.navigate(base + "/chains")
	b.click(fmt.Sprintf(`#chains a[href="/chains/%d"]`, chainID))
	mapPath := fmt.Sprintf("/chains/%d", chainID)
	b.expectPage(mapPath, "高端装备产业链", "zh-CN")
	b.run(chromedp.WaitVisible(chromedp.CSS("#chain-graph canvas")))
	b.screenshot(t.TempDir(), "chain-map.png")

	// Every link, organisation and technology is a node; the leader and
	// the bottleneck are their own categories.
	nodes, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]map[string]any](`window.echarts.getInstanceByDom(document.getElementById('chain-graph')).getOption().series[0].data.map(function (d) {
		return {name: d.name, category: d.category, org: d.org || 0, tech: d.tech || 0};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	cats := map[string]float64{}
	for _, n := range nodes {
		cats[n["name"].(string)] = n["category"].(float64)
	}
	if len(nodes) != 5 || cats[fmt.Sprintf("o%d@", shengu.ID)+strings.TrimPrefix(fmt.Sprint(nodesLink(nodes)), "l")] != 2 || cats[fmt.Sprintf("t%d", rotor)] != 4 {
		t.Fatalf("graph nodes: %v", nodes)
	}

	// Clicking the technology's node opens its panel with the record.
	open, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](fmt.Sprintf(`(function () {
		var c = window.xinzhiChain.chart;
		var n = c.getOption().series[0].data.filter(function (d) { return d.tech === %d; })[0];
		c.trigger('click', {dataType: 'node', data: n});
		return document.getElementById('tech-%d').open;
	})()`, rotor, rotor)))
	if err != nil || !open {
		t.Fatalf("the technology's panel did not open: %v", err)
	}
	panel, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.ID(fmt.Sprintf("tech-%d", rotor))))
	if err != nil || !strings.Contains(panel, "华泵一号干式真空泵攻关") || !strings.Contains(panel, "龙头企业自主研发") || !strings.Contains(panel, "已攻克难题") {
		t.Fatalf("the panel shows %q (%v)", panel, err)
	}
	b.click(fmt.Sprintf(`#tech-%d a[href="/projects/%d"]`, rotor, rec))
	b.expectPage(fmt.Sprintf("/projects/%d", rec), "华泵一号干式真空泵攻关", "zh-CN")

	// Without the graph: the list entry's summary opens the same panel.
	b.navigate(base + mapPath)
	b.run(chromedp.Click(chromedp.CSS(fmt.Sprintf("#tech-%d > summary", rotor))), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#tech-%d a[href="/projects/%d"]`, rotor, rec))))

	// Clicking the leader's node opens its profile. The click goes through
	// the chart's own event (a mouse at computed pixels missed now and then
	// on a loaded machine while the canvas was still being laid out).
	trigger := chromedp.Evaluate[bool](fmt.Sprintf(`(function () {
		var c = window.xinzhiChain.chart;
		var n = c.getOption().series[0].data.filter(function (d) { return d.org === %d; })[0];
		c.trigger('click', {dataType: 'node', data: n});
		return true;
	})()`, shengu.ID))
	resp, err := chromedp.RunResponse(b.ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := trigger(ctx, tg)
		return chromedp.Void{}, err
	})
	if err != nil || resp == nil || resp.Status != 200 {
		t.Fatalf("click the leader's node: %v %v", resp, err)
	}
	b.expectPage(fmt.Sprintf("/orgs/%d", shengu.ID), "沈鼓集团股份有限公司", "zh-CN")
	b.expectNoProblems()
}

// nodesLink is the key of the link node the organisation hangs from (its
// name ends @link-id).
func nodesLink(nodes []map[string]any) string {
	for _, n := range nodes {
		if name := n["name"].(string); strings.HasPrefix(name, "o") {
			_, link, _ := strings.Cut(name, "@")
			return "l" + link
		}
	}
	return ""
}
