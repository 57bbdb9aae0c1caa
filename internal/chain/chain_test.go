package chain_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/chain"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

var ctx = context.Background()

// city is a small chain: 高端装备 with three links (the downstream one
// empty), 沈鼓 leading at the midstream link, a university upstream, and
// four technologies: one solved by a tackling project, one under way as a
// challenge, one bottleneck whose only record was rejected, and one that
// is no bottleneck.
type city struct {
	chain                 int64
	links                 map[string]int64
	techs                 map[string]int64
	shengu, uni, bank     int64
	tackle, chal, refused int64
}

// must is v, stopping the test (by a panic the test reports) on err.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func build(t *testing.T, db *store.DB) city {
	t.Helper()
	c := city{links: map[string]int64{}, techs: map[string]int64{}}
	c.shengu = must(registry.Create(ctx, db, registry.Organisation{Name: "沈鼓集团股份有限公司", Kind: "enterprise"})).ID
	c.uni = must(registry.Create(ctx, db, registry.Organisation{Name: "东北大学", Kind: "university"})).ID
	c.bank = must(registry.Create(ctx, db, registry.Organisation{Name: "盛京银行", Kind: "bank"})).ID
	must(program.PublishShipped(ctx, db, programs.Files))
	call := func(key string) int64 {
		p := must(program.Latest(ctx, db, key))
		return must(program.OpenCall(ctx, db, program.Call{TemplateID: p.ID, Key: key + "-2024", Name: key, Opens: "2024-01-01", Closes: "2099-12-31"})).ID
	}
	at := func(d string) time.Time { x, _ := time.Parse(time.DateOnly, d); return x.Add(10 * time.Hour) }
	recs := []program.Seeded{
		{CallID: call("major_equipment_tackling"), OrganisationID: c.shengu, Title: "干气密封攻关", Data: map[string]any{"chain": "高端装备", "dimension": "关键技术受制于人", "link": "部件", "mode": "联合攻关", "amount_requested": 3e6},
			Marks:    []program.Mark{{Stage: "submitted", At: at("2024-03-01")}, {Stage: "approved", At: at("2024-05-01")}, {Stage: "in_progress", At: at("2024-06-01")}},
			Outcomes: []program.Outcome{{Kind: "problem", Title: "干气密封端面型槽", Field: "流体机械", Status: "solved", Day: "2025-01-10"}}},
		{CallID: call("challenge"), OrganisationID: c.shengu, Title: "揭榜挂帅：高速轴承", Data: map[string]any{"field": "高端装备", "amount_requested": 3e6},
			Marks: []program.Mark{{Stage: "published", At: at("2025-03-01")}}},
	}
	rejected := program.Seeded{CallID: recs[0].CallID, OrganisationID: c.shengu, Title: "特种材料攻关", Data: map[string]any{"mode": "带土移植", "amount_requested": 1e6},
		Marks: []program.Mark{{Stage: "submitted", At: at("2024-03-01")}, {Stage: "rejected", At: at("2024-06-01")}}}
	recs = append(recs, rejected)
	if err := db.InTx(ctx, func(tx *store.Tx) error { return program.Seed(ctx, tx, recs) }); err != nil {
		t.Fatal(err)
	}
	c.tackle, c.chal, c.refused = recs[0].ID, recs[1].ID, recs[2].ID
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if c.chain, err = chain.AddChain(ctx, tx, chain.NewChain{Name: "高端装备产业链", Cluster: "高端装备"}); err != nil {
			return err
		}
		for i, l := range []chain.Link{{Name: "特种材料", Stage: "upstream"}, {Name: "压缩机整机", Stage: "midstream"}, {Name: "石化应用", Stage: "downstream"}} {
			l.ChainID, l.Sort = c.chain, i
			if l, err = chain.SaveLink(ctx, tx, l); err != nil {
				return err
			}
			c.links[l.Name] = l.ID
		}
		for _, m := range []chain.Member{{LinkID: c.links["压缩机整机"], OrganisationID: c.shengu, Leader: true}, {LinkID: c.links["特种材料"], OrganisationID: c.uni}} {
			if err := chain.SaveMember(ctx, tx, m); err != nil {
				return err
			}
		}
		for _, k := range []chain.Technology{
			{Name: "干气密封", LinkID: c.links["压缩机整机"], Bottleneck: true, Dimension: "关键技术受制于人", Choke: "部件"},
			{Name: "高速轴承", LinkID: c.links["压缩机整机"], Bottleneck: true, Dimension: "进口产品国产替代", Choke: "附件"},
			{Name: "特种合金", LinkID: c.links["特种材料"], Bottleneck: true, Dimension: "进口产品国产替代", Choke: "部件"},
			{Name: "远程运维", Field: "工业互联网"},
		} {
			k.ChainID = c.chain
			if k, err = chain.SaveTechnology(ctx, tx, k); err != nil {
				return err
			}
			c.techs[k.Name] = k.ID
		}
		for _, r := range []struct {
			tech string
			rec  int64
		}{{"干气密封", c.tackle}, {"高速轴承", c.chal}, {"特种合金", c.refused}} {
			if _, err := chain.LinkRecord(ctx, tx, c.techs[r.tech], r.rec, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMap: links run upstream to downstream, the leader is marked, each
// technology's status and ways come from its records, and the gap view
// names the empty link and the bottleneck nothing is under way on.
func TestMap(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := build(t, db)
		list := must(chain.List(ctx, db))
		want := []chain.Chain{{ID: c.chain, Name: "高端装备产业链", Cluster: "高端装备", Links: 3, Members: 2, Leaders: 1, Technologies: 4, Bottlenecks: 3}}
		if d := diff(want, list); d != "" {
			t.Errorf("list (-want +got):\n%s", d)
		}
		m := must(chain.Get(ctx, db, c.chain))
		var stages, names []string
		for _, l := range m.Links {
			stages, names = append(stages, l.Stage), append(names, l.Name)
		}
		if d := diff([]string{"upstream", "midstream", "downstream"}, stages); d != "" {
			t.Errorf("stages: %s", d)
		}
		if mid := m.Links[1].Members; len(mid) != 1 || mid[0].OrganisationID != c.shengu || !mid[0].Leader {
			t.Errorf("midstream members: %+v, want 沈鼓 as leader", mid)
		}
		if up := m.Links[0].Members; len(up) != 1 || up[0].Leader {
			t.Errorf("upstream members: %+v, want the university, not leading", up)
		}
		type st struct {
			Status string
			Ways   map[string]int
			Solved int
		}
		got := map[string]st{}
		for _, k := range m.Technologies {
			got[k.Name] = st{k.Status, k.Ways, k.Solved}
		}
		wantSt := map[string]st{
			"干气密封": {"solved", map[string]int{"联合攻关": 1}, 1},
			"高速轴承": {"under_way", map[string]int{"揭榜挂帅": 1}, 0},
			"特种合金": {"none", map[string]int{}, 0}, // its only record was rejected
			"远程运维": {"none", map[string]int{}, 0},
		}
		if d := diff(wantSt, got); d != "" {
			t.Errorf("technologies (-want +got):\n%s", d)
		}
		if len(m.Gaps.EmptyLinks) != 1 || m.Gaps.EmptyLinks[0].Name != "石化应用" {
			t.Errorf("empty links: %+v, want 石化应用", m.Gaps.EmptyLinks)
		}
		if len(m.Gaps.Idle) != 1 || m.Gaps.Idle[0].Name != "特种合金" {
			t.Errorf("idle bottlenecks: %+v, want 特种合金 (远程运维 is no bottleneck)", m.Gaps.Idle)
		}
		if _, err := chain.Get(ctx, db, c.chain+100); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("a chain that is not there: %v", err)
		}
		sum := must(chain.Summary(ctx, db))
		wantSum := []chain.Tackling{{Dimension: "关键技术受制于人", Total: 1, Ways: map[string]int{"联合攻关": 1}}, {Dimension: "进口产品国产替代", Total: 2, Ways: map[string]int{"揭榜挂帅": 1}, None: 1}}
		if d := diff(wantSum, sum); d != "" {
			t.Errorf("325 summary:\n%s", d)
		}
		evs := must(audit.List(ctx, db, audit.Filter{Entity: "chain_member", Limit: 10}))
		if len(evs) != 2 {
			t.Errorf("audited member writes: %d, want 2", len(evs))
		}
	})
}

// TestRefusals: bad input is refused field by field and writes nothing.
func TestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := build(t, db)
		cases := []struct {
			name   string
			fn     func(tx *store.Tx) error
			fields []string
		}{
			{"link without name, odd stage", func(tx *store.Tx) error {
				_, err := chain.SaveLink(ctx, tx, chain.Link{ChainID: c.chain, Stage: "sideways"})
				return err
			}, []string{"name", "stage"}},
			{"link named twice", func(tx *store.Tx) error {
				_, err := chain.SaveLink(ctx, tx, chain.Link{ChainID: c.chain, Name: "石化应用", Stage: "downstream"})
				return err
			}, []string{"name"}},
			{"a bank at a link", func(tx *store.Tx) error {
				return chain.SaveMember(ctx, tx, chain.Member{LinkID: c.links["石化应用"], OrganisationID: c.bank})
			}, []string{"organisation_id"}},
			{"a university leading", func(tx *store.Tx) error {
				return chain.SaveMember(ctx, tx, chain.Member{LinkID: c.links["特种材料"], OrganisationID: c.uni, Leader: true})
			}, []string{"leader"}},
			{"nobody at no link", func(tx *store.Tx) error {
				return chain.SaveMember(ctx, tx, chain.Member{LinkID: 9999, OrganisationID: 9999})
			}, []string{"link_id", "organisation_id"}},
			{"bottleneck without dimension and choke, bad choke", func(tx *store.Tx) error {
				_, err := chain.SaveTechnology(ctx, tx, chain.Technology{ChainID: c.chain, Name: "新技术", Bottleneck: true, Dimension: "别的"})
				return err
			}, []string{"dimension", "choke"}},
			{"technology named twice", func(tx *store.Tx) error {
				_, err := chain.SaveTechnology(ctx, tx, chain.Technology{ChainID: c.chain, Name: "远程运维"})
				return err
			}, []string{"name"}},
			{"record with no way", func(tx *store.Tx) error {
				rec := c.chal
				_, err := chain.LinkRecord(ctx, tx, c.techs["远程运维"], rec, "随便")
				return err
			}, []string{"way"}},
			{"no record", func(tx *store.Tx) error {
				_, err := chain.LinkRecord(ctx, tx, c.techs["远程运维"], 99999, "联合攻关")
				return err
			}, []string{"project_id"}},
		}
		for _, tc := range cases {
			err := db.InTx(ctx, func(tx *store.Tx) error { return tc.fn(tx) })
			var ps problem.List
			if !errors.As(err, &ps) {
				t.Errorf("%s: %v, want a list of problems", tc.name, err)
				continue
			}
			var fields []string
			for _, p := range ps {
				fields = append(fields, p.Field)
			}
			if d := diff(tc.fields, fields); d != "" {
				t.Errorf("%s: fields (-want +got):\n%s", tc.name, d)
			}
		}
		if l := must(chain.List(ctx, db)); l[0].Links != 3 || l[0].Members != 2 || l[0].Technologies != 4 {
			t.Errorf("refusals wrote: %+v", l[0])
		}
	})
}

// diff is "" when want and got are equal, else both printed.
func diff(want, got any) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return fmt.Sprintf("want %+v\n got %+v", want, got)
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
