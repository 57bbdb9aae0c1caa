package cooperation_test

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/cooperation"
	"github.com/xinzhi-platform/xinzhi/internal/cooperation/cooptest"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

var ctx = context.Background()

func world(t *testing.T, db *store.DB) *cooptest.World {
	t.Helper()
	w, err := cooptest.Build(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func ids(l *cooperation.Listing) []int64 {
	var out []int64
	for _, x := range l.Agreements {
		out = append(out, x.ProjectID)
	}
	for _, x := range l.Labs {
		out = append(out, x.ProjectID)
	}
	for _, x := range l.Coop {
		out = append(out, x.ProjectID)
	}
	for _, x := range l.Residents {
		out = append(out, x.ProjectID)
	}
	for _, x := range l.Events {
		out = append(out, x.ProjectID)
	}
	for _, x := range l.Projects {
		out = append(out, x.ProjectID)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// TestOverview: each figure of the area as of the day, and each figure's
// list holds exactly the records it counts.
func TestOverview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := world(t, db)
		o, err := cooperation.Load(ctx, db, cooptest.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		labsBy := map[string]int{}
		for _, c := range o.LabsBy {
			labsBy[c.Key] = c.N
		}
		var hunnan cooperation.FunnelRow
		for _, r := range o.Districts {
			if r.District == cooptest.DistrictHunnan {
				hunnan = r
			}
		}
		p := func(keys ...string) []int64 {
			var out []int64
			for _, k := range keys {
				out = append(out, w.Projects[k])
			}
			sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
			return out
		}
		for _, c := range []struct {
			name   string
			got    int
			want   int
			filter cooperation.Filter
			ids    []int64 // the records the list must hold; nil: only count
		}{
			{"agreements", len(o.Agreements), cooptest.Agreements, cooperation.Filter{Kind: "agreement"}, p("agreement-regional", "agreement-intl")},
			{"international agreements", o.International, cooptest.AgreementsIntl, cooperation.Filter{Kind: "agreement", Scope: "international"}, p("agreement-intl")},
			{"labs", o.Labs, cooptest.Labs, cooperation.Filter{Kind: "lab"}, p("lab-intl", "lab-regional", "lab-local")},
			{"international labs", labsBy["international"], 1, cooperation.Filter{Kind: "lab", Scope: "international"}, p("lab-intl")},
			{"regional labs", labsBy["regional"], 1, cooperation.Filter{Kind: "lab", Scope: "regional"}, p("lab-regional")},
			{"local labs", labsBy["local"], 1, cooperation.Filter{Kind: "lab", Scope: "local"}, p("lab-local")},
			{"cooperation projects", o.Coop, cooptest.Coop, cooperation.Filter{Kind: "coop"}, p("lab-intl", "lab-regional", "coop-rd")},
			{"residents", o.Residents, cooptest.Residents, cooperation.Filter{Kind: "resident", State: "in"}, p("res-in")},
			{"moved in", o.MovedIn, cooptest.MovedIn, cooperation.Filter{Kind: "resident"}, p("res-in", "res-left")},
			{"left", o.Left, cooptest.Left, cooperation.Filter{Kind: "resident", State: "left"}, p("res-left")},
			{"events held", o.EventsHeld, cooptest.EventsHeld, cooperation.Filter{Kind: "event", State: "held"}, p("event-1", "event-2", "event-3")},
			{"events planned", o.EventsPlanned, cooptest.EventsPlanned, cooperation.Filter{Kind: "event", State: "planned"}, p("event-planned")},
			{"events in 浑南", hunnan.Events, 2, cooperation.Filter{Kind: "event", State: "held", District: cooptest.DistrictHunnan}, p("event-1", "event-2")},
			{"leads", o.Funnel.Lead, cooptest.Leads, cooperation.Filter{Kind: "investment", Reached: "lead"}, p("settled", "dropped", "signed", "lead")},
			{"introduced", o.Funnel.Introduced, 3, cooperation.Filter{Kind: "investment", Reached: "introduced"}, p("settled", "dropped", "signed")},
			{"signed", o.Funnel.Signed, cooptest.Signed, cooperation.Filter{Kind: "investment", Reached: "signed"}, p("settled", "signed")},
			{"settled", o.Funnel.Settled, cooptest.Settled, cooperation.Filter{Kind: "investment", Reached: "settled"}, p("settled")},
			{"dropped", o.Funnel.Dropped, 1, cooperation.Filter{Kind: "investment", Stage: "dropped"}, p("dropped")},
			{"浑南 leads", hunnan.Lead, cooptest.HunnanLeads, cooperation.Filter{Kind: "investment", District: cooptest.DistrictHunnan}, p("settled", "dropped")},
			{"浑南 signed", hunnan.Signed, 1, cooperation.Filter{Kind: "investment", District: cooptest.DistrictHunnan, Reached: "signed"}, p("settled")},
			{"no district", 1, 1, cooperation.Filter{Kind: "investment", District: cooperation.NoDistrict}, p("lead")},
		} {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.name, c.got, c.want)
			}
			l, err := cooperation.List(ctx, db, c.filter, cooptest.AsOf)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if l.Len() != c.got {
				t.Errorf("%s: the list holds %d records, the figure counts %d", c.name, l.Len(), c.got)
			}
			if got := ids(l); c.ids != nil && !equal(got, c.ids) {
				t.Errorf("%s: the list holds %v, want %v", c.name, got, c.ids)
			}
		}
		if o.Leads != cooptest.EventLeads || hunnan.Leads != cooptest.EventLeads {
			t.Errorf("leads drawn by events %v (浑南 %v), want %v", o.Leads, hunnan.Leads, cooptest.EventLeads)
		}
		// stays ended: lead 10, 27, 14 days; introduced 30, 89, 106; signed 50
		for i, want := range []cooperation.StageDays{{Stage: "lead", Moved: 3, Median: 14}, {Stage: "introduced", Moved: 3, Median: 89}, {Stage: "signed", Moved: 1, Median: 50}} {
			if i >= len(o.StageDays) || o.StageDays[i] != want {
				t.Errorf("median stays %+v, want %+v at %d", o.StageDays, want, i)
			}
		}
		if got := o.Funnel.SignedPct(); got != 50 {
			t.Errorf("leads signed %v%%, want 50%%", got)
		}
		if got := o.Funnel.SettledPct(); got != 50 {
			t.Errorf("signed settled %v%%, want 50%%", got)
		}
		if n := len(o.Districts); n != 3 || o.Districts[2].District != "" {
			t.Errorf("districts %+v, want 浑南, 和平 in code order and the projects without a park last", o.Districts)
		}
		if len(o.Ranking.Entries) != cooptest.RankingEntries || o.Latest().Rank != 16 || o.Latest().Change != 2 {
			t.Errorf("ranking %+v, want 3 editions, the latest 16th, 2 places up", o.Ranking.Entries)
		}
		l, err := cooperation.List(ctx, db, cooperation.Filter{Kind: "lab", Scope: "regional"}, cooptest.AsOf)
		if err != nil || len(l.Labs) != 1 || l.Labs[0].Partner != "哈尔滨市科学技术局" || l.Labs[0].Country != "哈尔滨" || l.Labs[0].Approved != "2025-03-10" {
			t.Errorf("the regional lab reads %+v (%v)", l.Labs, err)
		}
		l, err = cooperation.List(ctx, db, cooperation.Filter{Kind: "lab", Scope: "local"}, cooptest.AsOf)
		if err != nil || len(l.Labs) != 1 || l.Labs[0].Partner != "示例理工大学" || l.Labs[0].Title != "机器人—理工联合实验室" {
			t.Errorf("the university–enterprise lab reads %+v (%v)", l.Labs, err)
		}
		a := o.Agreements[0]
		if a.Signed != "2024-09-20" || len(a.Partners()) != 1 || a.Partners()[0].Name != "哈尔滨市科学技术局" || a.Partners()[0].Role.EN != "Signatory" {
			t.Errorf("the regional agreement reads %+v", a)
		}
	})
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestAsOf: an earlier day sees the area as it stood: a later agreement,
// lab, event and move are not yet there, and the resident since gone is
// still in.
func TestAsOf(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		world(t, db)
		o, err := cooperation.Load(ctx, db, cooptest.Before)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want int
		}{
			{"agreements", len(o.Agreements), 1},
			{"labs", o.Labs, 2}, // the regional lab came on 03-10
			{"residents", o.Residents, 2},
			{"left", o.Left, 0},
			{"events held", o.EventsHeld, 1},
			{"leads", o.Funnel.Lead, 3}, // the lead of 06-10 not yet
			{"signed", o.Funnel.Signed, 1},
			{"settled", o.Funnel.Settled, 0},
			{"ranking", len(o.Ranking.Entries), cooptest.RankingBeforeCount},
		} {
			if c.got != c.want {
				t.Errorf("%s as of %s: %d, want %d", c.name, cooptest.Before, c.got, c.want)
			}
		}
	})
}

// TestStageHistory: days in each stage, the current stage counted to the
// as-of day, and moves after the day unseen.
func TestStageHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := world(t, db)
		type spell struct {
			stage, from, to string
			days            int
		}
		for _, c := range []struct {
			key, asOf string
			want      []spell
		}{
			{"settled", cooptest.AsOf, []spell{{"lead", "2025-01-01", "2025-01-11", 10}, {"introduced", "2025-01-11", "2025-02-10", 30},
				{"signed", "2025-02-10", "2025-04-01", 50}, {"settled", "2025-04-01", cooptest.AsOf, 90}}},
			{"settled", cooptest.Before, []spell{{"lead", "2025-01-01", "2025-01-11", 10}, {"introduced", "2025-01-11", "2025-02-10", 30},
				{"signed", "2025-02-10", cooptest.Before, 19}}},
			{"dropped", cooptest.AsOf, []spell{{"lead", "2025-01-05", "2025-02-01", 27}, {"introduced", "2025-02-01", "2025-05-01", 89},
				{"dropped", "2025-05-01", cooptest.AsOf, 60}}},
		} {
			p, err := cooperation.ProjectOf(ctx, db, w.Projects[c.key], c.asOf)
			if err != nil {
				t.Fatal(err)
			}
			var got []spell
			for _, s := range p.History {
				got = append(got, spell{s.Stage, s.From, s.To, s.Days})
			}
			if len(got) != len(c.want) {
				t.Fatalf("%s as of %s: %+v, want %+v", c.key, c.asOf, got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("%s as of %s: spell %d %+v, want %+v", c.key, c.asOf, i, got[i], c.want[i])
				}
			}
			if last := p.History[len(p.History)-1]; !last.Current || p.DaysInStage() != last.Days || p.Stage != last.Stage {
				t.Errorf("%s as of %s: the last spell %+v is not the current stage %s", c.key, c.asOf, last, p.Stage)
			}
		}
		if _, err := cooperation.ProjectOf(ctx, db, w.Projects["lead"], cooptest.Before); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("a project made after the day: %v, want not found", err)
		}
		if _, err := cooperation.ProjectOf(ctx, db, w.Projects["event-1"], cooptest.AsOf); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("an event as an investment project: %v, want not found", err)
		}
	})
}

// TestFilterKnown: a list names a kind and only values that kind knows.
func TestFilterKnown(t *testing.T) {
	for _, c := range []struct {
		f    cooperation.Filter
		want bool
	}{
		{cooperation.Filter{Kind: "investment", Reached: "signed", District: "210112"}, true},
		{cooperation.Filter{Kind: "agreement", Scope: "international"}, true},
		{cooperation.Filter{Kind: "nope"}, false},
		{cooperation.Filter{Kind: "investment", Reached: "dropped"}, false},
		{cooperation.Filter{Kind: "resident", State: "held"}, false},
		{cooperation.Filter{Kind: "agreement", District: "210112"}, false},
		{cooperation.Filter{Kind: "event", Scope: "international"}, false},
	} {
		if got := c.f.Known(); got != c.want {
			t.Errorf("%+v known: %v, want %v", c.f, got, c.want)
		}
	}
}
