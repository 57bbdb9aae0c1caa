package program

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Place is one person's place on one record, as the ledger shows it.
type Place struct {
	ProjectID     int64   `json:"project_id"`
	Title         string  `json:"title"`
	Program       string  `json:"program"`
	ProgramName   string  `json:"program_name"`
	ProgramNameEN string  `json:"program_name_en,omitempty"`
	Role          string  `json:"role"` // leader, core, member
	Time          float64 `json:"time"` // per cent committed
	Stage         string  `json:"stage"`
	StageName     string  `json:"stage_name"`
	Outcome       string  `json:"outcome,omitempty"`
	Live          bool    `json:"live"`           // counts against the limits
	Start         string  `json:"start"`          // the day it left its first stage
	PlannedEnd    string  `json:"planned_end"`    // from the form's end: planned field
	DelayedEnd    string  `json:"delayed_end"`    // from end: delayed, once approved
	Overdue       int     `json:"overdue_months"` // months past the end in force, live records only
}

// PersonLedger is everything one person holds across programs, with the
// figures the rules ask.
type PersonLedger struct {
	PersonID      int64   `json:"person_id"`
	Places        []Place `json:"places"`
	ActiveLed     int     `json:"active_led"`
	NewAndActive  int     `json:"new_and_active"`
	TimeCommitted float64 `json:"time_committed"`
	Failures      int     `json:"failures"`
}

// LedgerOf lists a person's places on records of every program whose form
// marks its people (city, provincial and national), newest first.
func LedgerOf(ctx context.Context, q store.Querier, person int64) (PersonLedger, error) {
	out := PersonLedger{PersonID: person, Places: []Place{}}
	hits, err := personHits(ctx, q, person, 0)
	if err != nil {
		return out, err
	}
	tpls := map[int64]*Template{}
	today := businessNow(ctx).In(shanghai).Format(time.DateOnly)
	for _, h := range hits {
		t, ok := tpls[h.tid]
		if !ok {
			if t, err = LoadTemplate(ctx, q, h.tid); err != nil {
				return out, err
			}
			tpls[h.tid] = t
		}
		f, ok := ledgerOf(t)[strings.TrimPrefix(h.role, "field:")]
		if !ok {
			continue
		}
		data := map[string]any{}
		_ = json.Unmarshal([]byte(h.data), &data)
		st, _ := t.Stage(h.stage)
		pl := Place{ProjectID: h.id, Title: h.title, Program: t.Key, ProgramName: t.Name, ProgramNameEN: t.NameEN, Role: f.Ledger, Time: timeOf(t, data, person),
			Stage: h.stage, StageName: st.Name, Outcome: st.Outcome, Live: live(st)}
		for _, ff := range t.Form {
			v, _ := data[ff.Key].(string)
			switch ff.End {
			case "planned":
				pl.PlannedEnd = v
			case "delayed":
				pl.DelayedEnd = v
			}
		}
		if pl.Live {
			pl.Overdue = OverdueMonths(EndOf(t, data), today)
		}
		evs, err := History(ctx, q, h.id)
		if err != nil {
			return out, err
		}
		for _, e := range evs {
			if e.From == t.Initial() && e.From != "" {
				pl.Start = e.At.In(shanghai).Format(time.DateOnly)
				break
			}
		}
		switch {
		case pl.Live && pl.Role == "leader":
			out.ActiveLed++
			out.NewAndActive++
		case pl.Live && pl.Role == "core":
			out.NewAndActive++
		}
		if pl.Live {
			out.TimeCommitted += pl.Time
		}
		if contains(FailureOutcomes, st.Outcome) {
			out.Failures++
		}
		out.Places = append(out.Places, pl)
	}
	return out, nil
}
