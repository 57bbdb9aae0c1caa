package cooperation

import (
	"context"
	"errors"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Count is a figure with its key.
type Count struct {
	Key string
	N   int
}

// Overview is the area page as of a day.
type Overview struct {
	AsOf string

	Agreements    []AgreementRow
	International int // agreements of international reach
	Regional      int

	Labs      int
	LabsBy    []Count // by scope: international, regional, local
	Coop      int     // international and regional cooperation projects approved
	Residents int     // resident in the enclave centre on the day
	MovedIn   int     // moved in by the day, those since left too
	Left      int

	EventsHeld    int
	EventsPlanned int
	Leads         float64 // leads the held events drew (reported)
	Series        []Count // events held by series

	Districts []FunnelRow
	Funnel    FunnelRow
	StageDays []StageDays // the median stay in each funnel stage

	Ranking ranking.Series // entries published by the day
}

// Latest is the ranking's latest entry on the day (nil without one).
func (o *Overview) Latest() *ranking.Entry {
	if n := len(o.Ranking.Entries); n > 0 {
		return &o.Ranking.Entries[n-1]
	}
	return nil
}

// Load reads the area as of a day (YYYY-MM-DD).
func Load(ctx context.Context, q store.Querier, asOf string) (*Overview, error) {
	ts := templates{}
	o := &Overview{AsOf: asOf}
	var err error
	if o.Agreements, err = agreements(ctx, q, ts, asOf); err != nil {
		return nil, err
	}
	for _, a := range o.Agreements {
		if a.Scope == ScopeInternational {
			o.International++
		} else {
			o.Regional++
		}
	}
	ls, err := labs(ctx, q, ts, asOf)
	if err != nil {
		return nil, err
	}
	o.Labs = len(ls)
	for _, s := range []string{ScopeInternational, ScopeRegional, ScopeLocal} {
		c := Count{Key: s}
		for _, l := range ls {
			if l.Scope == s {
				c.N++
			}
		}
		o.LabsBy = append(o.LabsBy, c)
	}
	cp, err := coopProjects(ctx, q, ts, asOf)
	if err != nil {
		return nil, err
	}
	o.Coop = len(cp)
	rs, err := residents(ctx, q, ts, asOf)
	if err != nil {
		return nil, err
	}
	o.MovedIn = len(rs)
	for _, r := range rs {
		if r.InCentre() {
			o.Residents++
		} else {
			o.Left++
		}
	}
	es, err := events(ctx, q, ts, asOf)
	if err != nil {
		return nil, err
	}
	series := map[string]int{}
	var order []string
	for _, e := range es {
		if !e.Held {
			o.EventsPlanned++
			continue
		}
		o.EventsHeld++
		o.Leads += e.Leads
		if _, ok := series[e.Series]; !ok {
			order = append(order, e.Series)
		}
		series[e.Series]++
	}
	for _, s := range order {
		o.Series = append(o.Series, Count{Key: s, N: series[s]})
	}
	ps, err := projects(ctx, q, ts, asOf, 0)
	if err != nil {
		return nil, err
	}
	o.Districts, o.Funnel = funnel(ps, es)
	o.StageDays = stageDays(ps)
	if o.Ranking, err = rankingAsOf(ctx, q, asOf); err != nil {
		return nil, err
	}
	return o, nil
}

// rankingAsOf is the ranking series with the entries published by the day
// (an empty series when the ranking is not kept).
func rankingAsOf(ctx context.Context, q store.Querier, asOf string) (ranking.Series, error) {
	s, err := ranking.Get(ctx, q, RankingKey)
	if errors.Is(err, problem.ErrNotFound) {
		return ranking.Series{Key: RankingKey}, nil
	}
	if err != nil {
		return s, err
	}
	var keep []ranking.Entry
	for _, e := range s.Entries {
		if e.Published <= asOf {
			keep = append(keep, e)
		}
	}
	s.Entries = keep
	return s, nil
}
