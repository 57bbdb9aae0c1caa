package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// handProposals is the proposals baseline, read the plain way: every lead
// assignment, extension, first-round rating and drafting event read whole,
// and the proposal's state on the day worked out in Go (the class from the
// events' notes, the deadline with Go's month arithmetic), as a developer
// would check the engine's SQL by hand.
func handProposals(ctx context.Context, db *store.DB, d *metric.Definition, asOf, from time.Time) (float64, error) {
	day, fromDay := asOf.Format(time.DateOnly), from.Format(time.DateOnly)
	months := map[string]int{}
	if err := each(ctx, db, `SELECT jurisdiction, reply_months FROM proposal_rules`, func(scan func(...any) error) error {
		var j string
		var m int
		err := scan(&j, &m)
		months[j] = m
		return err
	}); err != nil {
		return 0, err
	}
	type ext struct{ requested, due, decided string }
	exts := map[int64][]ext{} // in the order decided
	if err := each(ctx, db, `SELECT proposal_id, requested_on, due_on, decided_on FROM proposal_extensions WHERE status = 'approved' ORDER BY decided_on, id`, func(scan func(...any) error) error {
		var id int64
		var e ext
		err := scan(&id, &e.requested, &e.due, &e.decided)
		exts[id] = append(exts[id], e)
		return err
	}); err != nil {
		return 0, err
	}
	type rating struct{ day, handling, result string }
	ratings := map[int64]rating{}
	if err := each(ctx, db, `SELECT proposal_id, day, handling, result FROM proposal_ratings WHERE round = 1`, func(scan func(...any) error) error {
		var id int64
		var r rating
		err := scan(&id, &r.day, &r.handling, &r.result)
		ratings[id] = r
		return err
	}); err != nil {
		return 0, err
	}
	class := map[int64]string{} // as it stood on the day: the latest draft, or review that changed it
	if err := each(ctx, db, `SELECT proposal_id, day, action, note FROM proposal_events WHERE action IN ('draft', 'review') ORDER BY id`, func(scan func(...any) error) error {
		var id int64
		var on, action, note string
		if err := scan(&id, &on, &action, &note); err != nil || on > day {
			return err
		}
		if action == "draft" {
			class[id] = strings.TrimSpace(note[strings.LastIndex(note, "·")+len("·"):])
		} else if _, after, ok := strings.Cut(note, "→"); ok {
			class[id], _, _ = strings.Cut(after, " ")
		}
		return nil
	}); err != nil {
		return 0, err
	}
	w := d.Where
	n := 0
	err := each(ctx, db, `SELECT p.id, p.kind, p.jurisdiction, p.first_replied_on, u.assigned_on, u.status, u.day, o.district
		FROM proposal_units u JOIN proposals p ON p.id = u.proposal_id JOIN organisations o ON o.id = u.unit_id WHERE u.role = 'lead'`, func(scan func(...any) error) error {
		var id int64
		var kind, juris, replied, assigned, status, backOn, district string
		if err := scan(&id, &kind, &juris, &replied, &assigned, &status, &backOn, &district); err != nil {
			return err
		}
		if assigned > day || (status == "sent_back" && backOn <= day) || (d.Window == "new" && assigned < fromDay) {
			return nil
		}
		if (len(w.Kind) > 0 && !slices.Contains(w.Kind, kind)) || (len(w.District) > 0 && !slices.Contains(w.District, district)) {
			return nil
		}
		a, _ := time.Parse(time.DateOnly, assigned)
		due := a.AddDate(0, months[juris], 0).Format(time.DateOnly)
		for _, e := range exts[id] {
			if e.decided <= day && e.requested >= assigned && (replied == "" || e.requested <= replied) {
				due = e.due
			}
		}
		isReplied := replied != "" && replied <= day
		r, rated := ratings[id]
		rated = rated && r.day <= day
		is := map[string]bool{
			"replied":            isReplied,
			"on_time":            isReplied && replied <= due,
			"due":                isReplied || due < day,
			"rated":              rated,
			"handling_satisfied": rated && r.handling != "dissatisfied",
			"result_satisfied":   rated && r.result != "dissatisfied",
		}
		ok := len(w.Status) == 0
		for _, st := range w.Status {
			ok = ok || is[st]
		}
		if len(w.Class) > 0 {
			ok = ok && isReplied && slices.Contains(w.Class, class[id])
		}
		if ok {
			n++
		}
		return nil
	})
	return float64(n), err
}

// each runs query and hands each row to fn.
func each(ctx context.Context, db *store.DB, query string, fn func(scan func(...any) error) error) error {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}
