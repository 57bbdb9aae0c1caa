package talent_test

import (
	"context"
	"math"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/talent"
	"github.com/xinzhi-platform/xinzhi/internal/talent/talenttest"
)

var ctx = context.Background()

func world(t *testing.T, db *store.DB) *talenttest.World {
	t.Helper()
	line, _ := seal.NewKeyLine("ktest")
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	org, err := registry.Create(ctx, db, registry.Organisation{Name: "甲大学", Kind: "enterprise"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := talenttest.Build(ctx, db, keys, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestOverview: the area's figures over a small world: certifications by
// stage, category and validity, services with their median days, start-ups
// and their funds, teams and the share paid, titles, graduates.
func TestOverview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		world(t, db)
		o, err := talent.Load(ctx, db, talenttest.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		rc := o.Recognition
		for _, c := range []struct {
			name      string
			got, want int
		}{
			{"applied", rc.Applied, talenttest.CertApplied},
			{"all", rc.All, talenttest.CertApplied}, // no drafts in the world
			{"certified", rc.Certified, talenttest.CertCertified},
			{"publicised", rc.Publicised, talenttest.CertPublicised},
			{"rejected", rc.Rejected, talenttest.CertRejected},
			{"in force", rc.InForce, talenttest.CertInForce},
			{"services requested", o.Services.Requested, talenttest.ServicesRequested},
			{"services done", o.Services.Done, talenttest.ServicesDone},
			{"services open", o.Services.Open, 1},
			{"start-ups applied", o.Startups.Applied, talenttest.StartupsApplied},
			{"start-ups approved", o.Startups.Approved, talenttest.StartupsApproved},
			{"talents", o.Talents, talenttest.Talents},
			{"teams", len(o.Teams.Teams), 2},
		} {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
			}
		}
		if o.Services.MedianDays != talenttest.MedianServiceDays {
			t.Errorf("median days to done: %v, want %v", o.Services.MedianDays, talenttest.MedianServiceDays)
		}
		if o.Startups.Funds != talenttest.StartupFunds {
			t.Errorf("start-up funds %v, want %v", o.Startups.Funds, talenttest.StartupFunds)
		}
		byCat := map[string]map[string]int{}
		for _, c := range rc.Categories {
			byCat[c.Key] = map[string]int{}
			for i, n := range c.Counts {
				byCat[c.Key][rc.Stages[i].Key] = n
			}
		}
		if got := byCat["C类 地方级领军人才"]; got["certified"] != 1 || got["rejected"] != 1 {
			t.Errorf("category C by stage: %v", got)
		}
		if got := byCat["D类 拔尖人才"]; got["certified"] != 1 || got["publicised"] != 1 {
			t.Errorf("category D by stage: %v", got)
		}
		shares := map[string]float64{}
		for _, tm := range o.Teams.Teams {
			shares[tm.Title] = tm.Share
			if tm.Person == "" {
				t.Errorf("team %q without its leader", tm.Title)
			}
		}
		if !near(shares["海洋声学团队带土移植"], talenttest.Team1Disbursed/talenttest.Team1Approved) || shares["新材料团队带土移植"] != 0 {
			t.Errorf("share paid per team: %v", shares)
		}
		if want := talenttest.Team1Disbursed / (talenttest.Team1Approved + talenttest.Team2Approved); !near(o.Teams.Share, want) {
			t.Errorf("share paid over the teams %v, want %v", o.Teams.Share, want)
		}
		titles := map[string]int{}
		for _, c := range o.Titles {
			titles[c.Key] = c.N
		}
		if titles["教授"] != 2 || titles["研究员"] != 1 || titles["副教授"] != 1 || titles[""] != 1 {
			t.Errorf("titles of the talents: %v (钱七, a professor without a talent role, must not count)", titles)
		}
		if n := len(o.Graduates); n != 2 || o.Graduates[1].Period != "2025H1" || o.Graduates[1].Value != talenttest.Graduates2025H1 {
			t.Errorf("graduates by period: %+v", o.Graduates)
		}
	})
}

// TestLists: each figure's list holds the records or people it counts.
func TestLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := world(t, db)
		for _, c := range []struct {
			f    talent.Filter
			want []int64 // projects, or people for people lists
		}{
			{talent.Filter{Kind: talent.KindCertification, State: "in_force"}, []int64{w.Projects["cert-zhang"]}},
			{talent.Filter{Kind: talent.KindCertification, Stage: "publicised"}, []int64{w.Projects["cert-li"]}},
			{talent.Filter{Kind: talent.KindCertification, Stage: "certified", Category: "D类 拔尖人才"}, []int64{w.Projects["cert-zhang-2018"]}},
			{talent.Filter{Kind: talent.KindService, State: "open"}, []int64{w.Projects["svc-wang"]}},
			{talent.Filter{Kind: talent.KindService, State: "done", Category: "住房安居"}, []int64{w.Projects["svc-li"]}},
			{talent.Filter{Kind: talent.KindStartup, State: "approved"}, []int64{w.Projects["startup-wang"], w.Projects["startup-zhao"]}},
			{talent.Filter{Kind: talent.KindTeam}, []int64{w.Projects["team-1"], w.Projects["team-2"]}},
			{talent.Filter{Kind: talent.KindTitle, Title: "教授"}, []int64{w.People["张三"], w.People["赵六"]}},
		} {
			rs, err := talent.List(ctx, db, c.f, talenttest.AsOf)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int64]bool{}
			for _, r := range rs {
				if c.f.Kind == talent.KindTitle {
					got[r.PersonID] = true
				} else {
					got[r.ProjectID] = true
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("%+v: %d rows, want %d", c.f, len(rs), len(c.want))
			}
			for _, id := range c.want {
				if !got[id] {
					t.Errorf("%+v: %d missing", c.f, id)
				}
			}
		}
		rs, _ := talent.List(ctx, db, talent.Filter{Kind: talent.KindService, State: "done", Category: "子女入学"}, talenttest.AsOf)
		if len(rs) != 1 || rs[0].Days != 10 || rs[0].Person != "张三" {
			t.Errorf("a service done lists its days and the talent: %+v", rs)
		}
	})
}

// TestProfile: one person's certification (date, category, validity),
// services with days, team as leader, and every record naming them; a
// member of a team finds it too.
func TestProfile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := world(t, db)
		p, err := talent.ProfileOf(ctx, db, w.People["张三"], talenttest.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		cur := p.Current()
		if cur == nil || cur.Kind.ZH != "C类 地方级领军人才" || cur.Kind.EN != "Class C: Local leading talent" || cur.Day != "2024-03-01" ||
			cur.Publicised != "2024-02-20" || cur.ValidUntil != "2029-02-28" || !cur.InForce {
			t.Errorf("current certification: %+v", cur)
		}
		if len(p.Services) != 2 || len(p.Teams) != 1 || p.Teams[0].Role != "leader" || p.Teams[0].Signed != "2024-04-01" {
			t.Errorf("services %d, teams %+v", len(p.Services), p.Teams)
		}
		if len(p.Programs) != 5 { // two certifications, two services, one team
			t.Errorf("records naming 张三: %d, want 5", len(p.Programs))
		}
		li, err := talent.ProfileOf(ctx, db, w.People["李四"], talenttest.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		if len(li.Teams) != 1 || li.Teams[0].Role != "member" || li.Teams[0].Person != "李四" {
			t.Errorf("a team member's teams: %+v", li.Teams)
		}
		qian, _ := talent.ProfileOf(ctx, db, w.People["钱七"], talenttest.AsOf)
		if qian.HasRole() {
			t.Error("钱七 holds no talent role")
		}
	})
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []int
		want float64
	}{{nil, 0}, {[]int{5}, 5}, {[]int{20, 4, 10}, 10}, {[]int{1, 2, 3, 10}, 2.5}} {
		if got := talent.Median(c.xs); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}
