package talent

import (
	"context"
	"fmt"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The kinds of list a figure opens.
const (
	KindCertification = "certification"
	KindService       = "service"
	KindStartup       = "startup"
	KindTeam          = "team"
	KindTitle         = "title"  // people with a talent role, by 职称
	KindPeople        = "people" // every person with a talent role
)

// Kinds are the list kinds, in the page's order.
var Kinds = []string{KindCertification, KindService, KindStartup, KindTeam, KindTitle, KindPeople}

var programOf = map[string]string{KindCertification: Certification, KindService: Service, KindStartup: Startup, KindTeam: Team}

// Filter narrows a list: the records or people behind one figure.
type Filter struct {
	Kind     string
	Stage    string // a stage key
	Category string // certification category or service type, as stored
	State    string // applied, in_force, done, open, approved
	Title    string // KindTitle: the 职称 ("" lists those without one)
	Class    string // certification: the catalogue class its item is under ("-": resting on no item)
	Version  string // certification: the catalogue version's key, with Class
	Item     string // certification: an item's code, with Class and Version
}

// States are the states a filter may ask for.
var States = []string{"applied", "in_force", "done", "open", "approved"}

// Known reports whether the filter names a list kind, and a known state if
// any.
func (f Filter) Known() bool {
	return slices.Contains(Kinds, f.Kind) && (f.State == "" || slices.Contains(States, f.State))
}

// List is the records (or, for title and people, the people) behind a
// figure of the area page, as of a day.
func List(ctx context.Context, q store.Querier, f Filter, asOf string) ([]Record, error) {
	if prog, ok := programOf[f.Kind]; ok {
		rs, err := records(ctx, q, templates{}, query{program: prog}, asOf)
		if err != nil {
			return nil, err
		}
		out := []Record{}
		for _, r := range rs {
			if keep(f, r) {
				out = append(out, r)
			}
		}
		return out, nil
	}
	switch f.Kind {
	case KindTitle, KindPeople:
		return people(ctx, q, f)
	}
	return nil, fmt.Errorf("talent: unknown list %q", f.Kind)
}

func keep(f Filter, r Record) bool {
	if f.Stage != "" && r.Stage != f.Stage {
		return false
	}
	if f.Category != "" && r.KindKey != f.Category {
		return false
	}
	switch {
	case f.Class == "-" && r.Basis != nil:
		return false
	case f.Class != "" && f.Class != "-" && (r.Basis == nil || r.Basis.Class != f.Class || f.Version != "" && r.Basis.Key != f.Version):
		return false
	case f.Item != "" && (r.Basis == nil || r.Basis.Code != f.Item):
		return false
	}
	switch f.State {
	case "applied":
		return r.Stage != "draft"
	case "in_force":
		return r.InForce
	case "done":
		return r.Days >= 0
	case "open":
		return r.Days < 0 && r.Stage != "declined"
	case "approved":
		return r.Day != ""
	}
	return true
}

// people lists the people with a talent role, of one title for KindTitle.
func people(ctx context.Context, q store.Querier, f Filter) ([]Record, error) {
	sub, args := talentPeople()
	where := ""
	if f.Kind == KindTitle {
		where, args = " AND pe.title = ?", append(args, f.Title)
	}
	rows, err := q.QueryContext(ctx, `SELECT pe.id, pe.name, pe.title, COALESCE(pe.organisation_id, 0), COALESCE(o.name, ''), COALESCE(pe.talent_level, '')
		FROM people pe LEFT JOIN organisations o ON o.id = pe.organisation_id
		WHERE pe.id IN (`+sub+`)`+where+` ORDER BY pe.name_key, pe.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("talent: people: %w", err)
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		var r Record
		var level string
		if err := rows.Scan(&r.PersonID, &r.Person, &r.PersonTitle, &r.OrganisationID, &r.Organisation, &level); err != nil {
			return nil, fmt.Errorf("talent: people: %w", err)
		}
		r.Kind, r.KindKey, r.Days = i18n.Text{ZH: level}, level, -1
		out = append(out, r)
	}
	return out, rows.Err()
}
