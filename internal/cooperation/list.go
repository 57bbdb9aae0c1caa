package cooperation

import (
	"context"
	"fmt"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The kinds of list a figure opens.
const (
	KindAgreement  = "agreement"
	KindLab        = "lab"
	KindCoop       = "coop"
	KindResident   = "resident"
	KindEvent      = "event"
	KindInvestment = "investment"
)

// Kinds are the list kinds, in the page's order.
var Kinds = []string{KindAgreement, KindLab, KindCoop, KindResident, KindEvent, KindInvestment}

// NoDistrict asks for the records without a district.
const NoDistrict = "none"

// Filter narrows a list to the records behind one figure.
type Filter struct {
	Kind     string
	Scope    string // agreement, lab: international, regional, local
	State    string // resident: in, left; event: held, planned
	District string // event, investment: a district code, or NoDistrict
	Series   string // event: the series
	Reached  string // investment: a funnel stage reached
	Stage    string // investment: the stage on the day (dropped …)
}

var (
	scopes  = []string{ScopeInternational, ScopeRegional, ScopeLocal}
	states  = map[string][]string{KindResident: {"in", "left"}, KindEvent: {"held", "planned"}}
	stagesO = []string{"lead", "introduced", "signed", "settled", "dropped"}
)

// Known reports whether the filter names a list kind and only values that
// kind knows.
func (f Filter) Known() bool {
	if !slices.Contains(Kinds, f.Kind) {
		return false
	}
	if f.Scope != "" && (!slices.Contains(scopes, f.Scope) || (f.Kind != KindAgreement && f.Kind != KindLab)) {
		return false
	}
	if f.State != "" && !slices.Contains(states[f.Kind], f.State) {
		return false
	}
	if (f.District != "" || f.Series != "") && f.Kind != KindEvent && f.Kind != KindInvestment {
		return false
	}
	if f.Series != "" && f.Kind != KindEvent {
		return false
	}
	if f.Reached != "" && (f.Kind != KindInvestment || !slices.Contains(FunnelStages, f.Reached)) {
		return false
	}
	return f.Stage == "" || (f.Kind == KindInvestment && slices.Contains(stagesO, f.Stage))
}

// Listing is the records behind a figure: one of its slices is filled, by
// the filter's kind.
type Listing struct {
	Agreements []AgreementRow
	Labs       []Lab
	Coop       []CoopProject
	Residents  []Resident
	Events     []EventRow
	Projects   []Project
}

// Len is the number of records listed.
func (l *Listing) Len() int {
	return len(l.Agreements) + len(l.Labs) + len(l.Coop) + len(l.Residents) + len(l.Events) + len(l.Projects)
}

func (f Filter) district(d string) bool {
	switch f.District {
	case "":
		return true
	case NoDistrict:
		return d == ""
	}
	return d == f.District
}

// List is the records behind a figure of the area page as of a day.
func List(ctx context.Context, q store.Querier, f Filter, asOf string) (*Listing, error) {
	if !f.Known() {
		return nil, fmt.Errorf("cooperation: unknown list %+v", f)
	}
	ts := templates{}
	l := &Listing{}
	switch f.Kind {
	case KindAgreement:
		rs, err := agreements(ctx, q, ts, asOf)
		if err != nil {
			return nil, err
		}
		l.Agreements = filter(rs, func(a AgreementRow) bool { return f.Scope == "" || a.Scope == f.Scope })
	case KindLab:
		rs, err := labs(ctx, q, ts, asOf)
		if err != nil {
			return nil, err
		}
		l.Labs = filter(rs, func(x Lab) bool { return f.Scope == "" || x.Scope == f.Scope })
	case KindCoop:
		rs, err := coopProjects(ctx, q, ts, asOf)
		if err != nil {
			return nil, err
		}
		l.Coop = rs
	case KindResident:
		rs, err := residents(ctx, q, ts, asOf)
		if err != nil {
			return nil, err
		}
		l.Residents = filter(rs, func(r Resident) bool {
			return f.State == "" || (f.State == "in") == r.InCentre()
		})
	case KindEvent:
		rs, err := events(ctx, q, ts, asOf)
		if err != nil {
			return nil, err
		}
		l.Events = filter(rs, func(e EventRow) bool {
			return f.district(e.District) && (f.Series == "" || e.Series == f.Series) && (f.State == "" || (f.State == "held") == e.Held)
		})
	case KindInvestment:
		rs, err := projects(ctx, q, ts, asOf, 0)
		if err != nil {
			return nil, err
		}
		l.Projects = filter(rs, func(p Project) bool {
			return f.district(p.District) && (f.Reached == "" || p.Reached(f.Reached)) && (f.Stage == "" || p.Stage == f.Stage)
		})
	}
	return l, nil
}

func filter[T any](xs []T, keep func(T) bool) []T {
	out := []T{}
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
