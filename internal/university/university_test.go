package university_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/university"
	"github.com/xinzhi-platform/xinzhi/internal/university/unitest"
)

// TestCounts: the comparison counts each university's disciplines, levels
// held on the day, majors and the share serving a cluster, funds by year,
// joint labs naming it, talents and awards, each once.
func TestCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := unitest.Build(t, db)
		all, err := university.List(ctx, db, unitest.Day)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Fatalf("%d universities, want 2 (an enterprise is not one)", len(all))
		}
		byID := map[int64]university.Summary{}
		for _, s := range all {
			byID[s.ID] = s
		}
		for _, c := range []struct {
			name      string
			got, want university.Summary
		}{
			{"东北大学", byID[w.NEU.ID], university.Summary{ID: w.NEU.ID, Name: "东北大学", Disciplines: 4, Advantage: 2, WorldClass: 1, NationalClass: 1,
				Majors: 4, NationalMajors: 1, NewQuality: 2, MajorsServing: 3, Awarded: 9000000, Disbursed: 3000000, JointLabs: 1, Talents: 3, YoungAwards: 2}},
			{"沈阳农业大学", byID[w.SYAU.ID], university.Summary{ID: w.SYAU.ID, Name: "沈阳农业大学", Disciplines: 1, Advantage: 1,
				Majors: 1, Awarded: 2000000, Disbursed: 2000000, JointLabs: 1, Talents: 1}},
		} {
			if c.got != c.want {
				t.Errorf("%s:\n got %+v\nwant %+v", c.name, c.got, c.want)
			}
		}
		if s := byID[w.NEU.ID].ServingShare(); s != 0.75 {
			t.Errorf("share of majors serving clusters %v, want 0.75 (3 of 4)", s)
		}
		if s := byID[w.SYAU.ID].ServingShare(); s != 0 {
			t.Errorf("SYAU's share %v, want 0", s)
		}

		p, err := university.Get(ctx, db, w.NEU.ID, unitest.Day)
		if err != nil {
			t.Fatal(err)
		}
		wantYears := []university.Year{{Year: 2023, Awarded: 4000000, Disbursed: 3000000, Records: w.Funding[:2]}, {Year: 2024, Awarded: 5000000, Disbursed: 0, Records: w.Funding[2:3]}}
		if !slices.EqualFunc(p.Years, wantYears, func(a, b university.Year) bool {
			return a.Year == b.Year && a.Awarded == b.Awarded && a.Disbursed == b.Disbursed && slices.Equal(a.Records, b.Records)
		}) {
			t.Errorf("funds by year %+v, want %+v", p.Years, wantYears)
		}
		if len(p.Labs) != 1 || p.Labs[0].ID != w.LabNEU || p.Labs[0].Detail == "" {
			t.Errorf("joint labs %+v, want the operating one naming NEU", p.Labs)
		}
		clusters := map[string]string{}
		for _, m := range p.Majors {
			clusters[m.Name] = m.Cluster
		}
		if clusters["机器人工程"] != "机器人" || clusters["人工智能"] != "人工智能" || clusters["汉语言文学"] != "" {
			t.Errorf("clusters served %v", clusters)
		}
		for _, d := range p.Disciplines {
			if d.Name == "冶金工程" && (d.HasLevel("省一流") || !d.HasLevel("国内一流") || d.Code != "0806") {
				t.Errorf("冶金工程 holds %+v on %s (省一流 revoked 2024-01-01)", d.Levels, unitest.Day)
			}
		}
		if len(p.Awards) != 1 || p.Awards[0].PersonID != w.People["李教授"] || p.Awards[0].KindName != "杰出青年科学基金" {
			t.Errorf("awards %+v, want 李教授's 杰青 only (王's revoked, 孙 works for an enterprise)", p.Awards)
		}
		if len(p.Young) != 1 || p.Young[0].ID != w.Young || len(p.Certified) != 2 {
			t.Errorf("young-scholar records %+v, certified %+v", p.Young, p.Certified)
		}

		// Earlier, the world-class level not yet granted and the revoked one still held.
		old, err := university.Get(ctx, db, w.NEU.ID, "2023-01-01")
		if err != nil {
			t.Fatal(err)
		}
		if old.WorldClass != 1 || old.NationalClass != 0 || old.YoungAwards != 1 {
			t.Errorf("on 2023-01-01: world %d national %d awards %d, want 1 0 1 (no person recognised yet)", old.WorldClass, old.NationalClass, old.YoungAwards)
		}
		filed, err := university.Returned(ctx, db, w.NEU.ID, "2099-12-31")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, x := range filed {
			if x.FilingID != w.Service || x.Period != "2024" {
				t.Errorf("filed %+v, want filing %d for 2024", x, w.Service)
			}
			got[x.Field] = x.Value
		}
		if len(got) != 3 || got["national_teaching_awards"] != 3 || got["national_talents"] != 12 {
			t.Errorf("service return %v", got)
		}
		if early, _ := university.Returned(ctx, db, w.NEU.ID, "2000-01-01"); len(early) != 0 {
			t.Errorf("figures before they were accepted: %+v", early)
		}
		if other, _ := university.Returned(ctx, db, w.SYAU.ID, "2099-12-31"); len(other) != 0 {
			t.Errorf("SYAU filed nothing, read %+v", other)
		}
		if _, err := university.Get(ctx, db, w.Firm.ID, unitest.Day); !errors.Is(err, problem.ErrNotFound) {
			t.Errorf("an enterprise as a university: %v", err)
		}
	})
}
