package program

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// subjects are a record's organisation and every organisation and person
// its form names (partners, the team, a table's units), each with the
// label of where it is named.
func subjects(ctx context.Context, q store.Querier, t *Template, pr Project) ([]integrity.Subject, error) {
	labels := map[string]string{}
	for _, f := range t.Form {
		labels[f.Key] = f.Label
		for _, c := range f.Columns {
			labels[c.Key] = f.Label + "·" + c.Label
		}
	}
	out := []integrity.Subject{{Kind: "organisation", ID: pr.OrganisationID, Role: "申报单位"}}
	parties, err := Parties(ctx, q, pr.ID)
	if err != nil {
		return nil, err
	}
	for _, pt := range parties {
		role := labels[strings.TrimPrefix(pt.Role, "field:")]
		if role == "" {
			role = pt.Role
		}
		if pt.OrganisationID != 0 {
			out = append(out, integrity.Subject{Kind: "organisation", ID: pt.OrganisationID, Role: role})
		}
		if pt.PersonID != 0 {
			out = append(out, integrity.Subject{Kind: "person", ID: pt.PersonID, Role: role})
		}
	}
	return out, nil
}

// screenDay is the day a screening judges: for applying, the call's
// closing day when it is still ahead (a sanction in force at the deadline
// bars the application, one that ends before it does not); else today.
func screenDay(scope string, c Call, now time.Time) string {
	today := now.In(shanghai).Format(time.DateOnly)
	if scope == "apply" && c.Closes > today {
		return c.Closes
	}
	return today
}

// Screening is a record's standing in the integrity register for a scope:
// the sanctions that bar its organisation or anyone its form names, and the
// watch-list entries that warn of them, judged on day.
func Screening(ctx context.Context, q store.Querier, t *Template, pr Project, scope string) (bars, warns []integrity.Hit, day string, err error) {
	c, err := GetCall(ctx, q, pr.CallID)
	if err != nil {
		return nil, nil, "", err
	}
	day = screenDay(scope, c, businessNow(ctx))
	subs, err := subjects(ctx, q, t, pr)
	if err != nil {
		return nil, nil, "", err
	}
	bars, warns, err = integrity.Screen(ctx, q, subs, scope, day)
	return bars, warns, day, err
}

// screen refuses a move whose transition screens (screen: apply, award …)
// while a sanction bars someone the record names; the message names the
// person or organisation, the misconduct, the term and the decision.
func screen(ctx context.Context, q store.Querier, t *Template, pr Project, tr *Transition) error {
	if tr.Screen == "" {
		return nil
	}
	bars, _, day, err := Screening(ctx, q, t, pr, tr.Screen)
	if err != nil || len(bars) == 0 {
		return err
	}
	b := bars[0]
	ends := b.Ends
	if ends == "" {
		ends = "—"
	}
	if len(bars) > 1 {
		return problem.New(problem.ErrConflict, "integrity.barred_more", b.Role, b.Name, b.Misconduct, b.Starts, ends, b.Decision, day, len(bars)-1)
	}
	return problem.New(problem.ErrConflict, "integrity.barred", b.Role, b.Name, b.Misconduct, b.Starts, ends, b.Decision, day)
}

// bar enters the sanction a transition's Bars asks for, in the move's
// transaction: the person the field names, from today for the years given.
func bar(ctx context.Context, tx *store.Tx, pr Project, tr *Transition, now time.Time) error {
	b := tr.Bars
	if b == nil {
		return nil
	}
	person := personID(pr.Data[b.Field])
	if person == 0 {
		return nil
	}
	day := now.In(shanghai)
	_, err := integrity.AddTx(ctx, tx, integrity.Sanction{Subject: "person", SubjectID: person, Misconduct: b.Misconduct, Scopes: b.Scopes,
		Starts: day.Format(time.DateOnly), Ends: day.AddDate(b.Years, 0, -1).Format(time.DateOnly), Source: "bureau",
		Decision: fmt.Sprintf("%s #%d %s", pr.Title, pr.ID, tr.Name)})
	return err
}
