package cooperation

import (
	"context"
	"fmt"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// FunnelStages are the investment pipeline's stages in their order; a
// project that reached one has passed those before it.
var FunnelStages = []string{"lead", "introduced", "signed", "settled"}

// Spell is one stay of a project in a stage: from the day it came in to
// the day it moved on (or the as-of day while it is still there).
type Spell struct {
	Stage   string
	Name    i18n.Text
	From    string
	To      string
	Days    int
	Current bool
}

// Project is an investment project with its stage history as of the day.
type Project struct {
	Head
	Investor Org
	Park     Org
	District string // the park's district ("" when no park is set)
	Industry i18n.Text
	Source   i18n.Text
	Planned  float64 // planned investment, CNY
	History  []Spell
	AsOf     string
}

// DaysInStage is the days the project has been in its stage on the day.
func (p Project) DaysInStage() int {
	if len(p.History) == 0 {
		return 0
	}
	return p.History[len(p.History)-1].Days
}

// Reached reports whether the project reached a funnel stage (or one after
// it) by the day.
func (p Project) Reached(stage string) bool {
	want := slices.Index(FunnelStages, stage)
	if want < 0 {
		return p.Stage == stage
	}
	for _, s := range p.History {
		if i := slices.Index(FunnelStages, s.Stage); i >= want {
			return true
		}
	}
	return false
}

// history makes the spells of a record's moves up to the day: a move that
// stays in its stage starts no new spell.
func history(r rec, asOf string) []Spell {
	var out []Spell
	for _, m := range r.moves {
		if len(out) > 0 && out[len(out)-1].Stage == m.to {
			continue
		}
		d := dayOf(m.at)
		if len(out) > 0 {
			last := &out[len(out)-1]
			last.To, last.Days, last.Current = d, daysBetween(last.From, d), false
		}
		out = append(out, Spell{Stage: m.to, Name: stageName(r.t, m.to), From: d, To: asOf, Days: daysBetween(d, asOf), Current: true})
	}
	return out
}

func projects(ctx context.Context, q store.Querier, ts templates, asOf string, only int64) ([]Project, error) {
	rs, err := load(ctx, q, ts, Investment, asOf, only)
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, r := range rs {
		ids[r.id64("park")], ids[r.id64("investor")] = true, true
	}
	delete(ids, 0)
	names, err := orgs(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := []Project{}
	for _, r := range rs {
		p := Project{Head: head(r), Investor: names[r.id64("investor")], Park: names[r.id64("park")], Industry: option(r.t, "industry", r.str("industry")),
			Source: option(r.t, "source", r.str("source")), Planned: r.num("planned_investment"), History: history(r, asOf), AsOf: asOf}
		if n := r.str("project_name"); n != "" {
			p.Title = n
		}
		if p.Investor.ID == 0 {
			p.Investor = p.Holder
		}
		p.District = p.Park.District
		out = append(out, p)
	}
	return out, nil
}

// ProjectOf is one investment project with its stage history as of the
// day; not found when the id is no investment project or was not yet made
// on the day.
func ProjectOf(ctx context.Context, q store.Querier, id int64, asOf string) (*Project, error) {
	ps, err := projects(ctx, q, templates{}, asOf, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("cooperation: investment project %d: %w", id, problem.ErrNotFound)
	}
	return &ps[0], nil
}

// FunnelRow is the pipeline of one district (or all of them): projects
// that reached each funnel stage, those dropped, the events held there and
// the leads they drew.
type FunnelRow struct {
	District   string // "" for projects without a park; Total for the sum
	Lead       int    // every project: each starts as a lead
	Introduced int
	Signed     int
	Settled    int
	Dropped    int
	Events     int
	Leads      float64
}

// Total names the row over every district.
const Total = "all"

// Reached is the count at a funnel stage.
func (f FunnelRow) Reached(stage string) int {
	switch stage {
	case "lead":
		return f.Lead
	case "introduced":
		return f.Introduced
	case "signed":
		return f.Signed
	case "settled":
		return f.Settled
	}
	return 0
}

// SignedPct is the share of leads signed, in per cent.
func (f FunnelRow) SignedPct() float64 { return pct(f.Signed, f.Lead) }

// SettledPct is the share of signed projects settled, in per cent.
func (f FunnelRow) SettledPct() float64 { return pct(f.Settled, f.Signed) }

func (f *FunnelRow) add(p Project) {
	f.Lead++
	for _, s := range FunnelStages[1:] {
		if p.Reached(s) {
			switch s {
			case "introduced":
				f.Introduced++
			case "signed":
				f.Signed++
			case "settled":
				f.Settled++
			}
		}
	}
	if p.Stage == "dropped" {
		f.Dropped++
	}
}

// funnel counts projects and events by district, districts in code order
// (no district last), with the total.
func funnel(ps []Project, es []EventRow) ([]FunnelRow, FunnelRow) {
	by := map[string]*FunnelRow{}
	row := func(d string) *FunnelRow {
		if by[d] == nil {
			by[d] = &FunnelRow{District: d}
		}
		return by[d]
	}
	total := FunnelRow{District: Total}
	for _, p := range ps {
		row(p.District).add(p)
		total.add(p)
	}
	for _, e := range es {
		if e.Held {
			r := row(e.District)
			r.Events++
			r.Leads += e.Leads
			total.Events++
			total.Leads += e.Leads
		}
	}
	out := make([]FunnelRow, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b FunnelRow) int {
		if (a.District == "") != (b.District == "") {
			if a.District == "" {
				return 1
			}
			return -1
		}
		if a.District < b.District {
			return -1
		}
		if a.District > b.District {
			return 1
		}
		return 0
	})
	return out, total
}

// StageDays is how long projects stayed in a funnel stage before they moved
// on (to the next stage or out), over the stays that ended by the day.
type StageDays struct {
	Stage  string
	Moved  int     // stays ended
	Median float64 // days
}

// stageDays is the median stay in each funnel stage but the last.
func stageDays(ps []Project) []StageDays {
	var out []StageDays
	for _, st := range FunnelStages[:len(FunnelStages)-1] {
		var days []int
		for _, p := range ps {
			for _, s := range p.History {
				if s.Stage == st && !s.Current {
					days = append(days, s.Days)
				}
			}
		}
		out = append(out, StageDays{Stage: st, Moved: len(days), Median: median(days)})
	}
	return out
}

// median is the median of xs (0 for none).
func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}
