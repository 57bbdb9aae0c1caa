// Package cooperation reads the open-cooperation area (开放合作) out of the
// records of its programs, as of a day: cooperation agreements and their
// parties, international and regional joint labs, the enclave innovation
// centre's residents, investment-promotion events, the investment pipeline
// (lead → introduced → signed → settled) with each project's stage history,
// and the innovative-city ranking's history. It owns its SQL and writes
// nothing.
package cooperation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The programs of the area.
const (
	Agreement     = "cooperation_agreement"
	International = "international_cooperation"
	JointLab      = "joint_lab"
	Enclave       = "enclave_residency"
	Event         = "investment_event"
	Investment    = "investment_project"
)

// RankingKey is the ranking series the area shows.
const RankingKey = "innovative_city"

// Scopes of an agreement or a lab.
const (
	ScopeInternational = "international"
	ScopeRegional      = "regional"
	ScopeLocal         = "local" // a university–enterprise lab in the city
)

// shanghai is the day records are counted in.
var shanghai = time.FixedZone("CST", 8*3600)

func dayOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format(time.DateOnly)
}

// daysBetween counts calendar days (China time) from day a to day b.
func daysBetween(a, b string) int {
	da, err1 := time.Parse(time.DateOnly, a)
	db, err2 := time.Parse(time.DateOnly, b)
	if err1 != nil || err2 != nil {
		return 0
	}
	return int(db.Sub(da).Hours() / 24)
}

// endOf is the first instant after the day (China time).
func endOf(day string) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, shanghai)
	if err != nil {
		return time.Time{}, fmt.Errorf("cooperation: as-of day %q: %w", day, err)
	}
	return d.AddDate(0, 0, 1), nil
}

// templates caches loaded templates by id.
type templates map[int64]*program.Template

func (ts templates) get(ctx context.Context, q store.Querier, id int64) (*program.Template, error) {
	if t, ok := ts[id]; ok {
		return t, nil
	}
	t, err := program.LoadTemplate(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("cooperation: template %d: %w", id, err)
	}
	ts[id] = t
	return t, nil
}

// option is a choice field's value with its English name.
func option(t *program.Template, field, v string) i18n.Text {
	if f, ok := t.Field(field); ok {
		for i, o := range f.Options {
			if o == v && i < len(f.OptionsEN) {
				return i18n.Text{ZH: v, EN: f.OptionsEN[i]}
			}
		}
	}
	return i18n.Text{ZH: v}
}

func stageName(t *program.Template, key string) i18n.Text {
	if st, ok := t.Stage(key); ok {
		return i18n.Text{ZH: st.Name, EN: st.NameEN}
	}
	return i18n.Text{ZH: key}
}

// move is one stage event of a record.
type move struct {
	from, to string
	at       time.Time
}

// rec is one record of a program as of a day: its data, its template and
// the stage events up to the day.
type rec struct {
	id       int64
	title    string
	org      int64
	orgName  string
	district string // the applicant's district
	data     map[string]any
	t        *program.Template
	moves    []move // up to the day, oldest first
}

// stage is the record's stage at the end of the day.
func (r rec) stage() string { return r.moves[len(r.moves)-1].to }

// reached is the first day the record reached a stage ("" never).
func (r rec) reached(stage string) string {
	for _, m := range r.moves {
		if m.to == stage {
			return dayOf(m.at)
		}
	}
	return ""
}

func (r rec) str(key string) string { s, _ := r.data[key].(string); return s }

func (r rec) num(key string) float64 { f, _ := r.data[key].(float64); return f }

func (r rec) id64(key string) int64 { f, _ := r.data[key].(float64); return int64(f) }

// load reads a program's records as they stood at the end of asOf (one
// record when only is set): a record not yet made by then is left out,
// and moves after the day are not seen. Two queries, whatever the count.
func load(ctx context.Context, q store.Querier, ts templates, prog, asOf string, only int64) ([]rec, error) {
	end, err := endOf(asOf)
	if err != nil {
		return nil, err
	}
	where, args := "", []any{prog}
	if only != 0 {
		where, args = " AND p.id = ?", append(args, only)
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.title, p.data, p.template_id, p.organisation_id, COALESCE(o.name, ''), COALESCE(o.district, '')
		FROM projects p JOIN program_templates t ON t.id = p.template_id LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE t.key = ?`+where+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("cooperation: %s records: %w", prog, err)
	}
	var rs []rec
	tids := map[int64]int64{}
	for rows.Next() {
		var r rec
		var raw string
		var tid int64
		if err := rows.Scan(&r.id, &r.title, &raw, &tid, &r.org, &r.orgName, &r.district); err != nil {
			rows.Close()
			return nil, fmt.Errorf("cooperation: %s records: %w", prog, err)
		}
		r.data = map[string]any{}
		_ = json.Unmarshal([]byte(raw), &r.data)
		tids[r.id] = tid
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	erows, err := q.QueryContext(ctx, `SELECT e.project_id, e.from_stage, e.to_stage, e.at FROM project_events e
		JOIN projects p ON p.id = e.project_id JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = ?`+where+` ORDER BY e.project_id, e.at, e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("cooperation: %s history: %w", prog, err)
	}
	moves := map[int64][]move{}
	for erows.Next() {
		var id int64
		var m move
		if err := erows.Scan(&id, &m.from, &m.to, &m.at); err != nil {
			erows.Close()
			return nil, fmt.Errorf("cooperation: %s history: %w", prog, err)
		}
		if m.at.Before(end) {
			moves[id] = append(moves[id], m)
		}
	}
	erows.Close()
	if err := erows.Err(); err != nil {
		return nil, err
	}
	out := rs[:0]
	for _, r := range rs {
		if len(moves[r.id]) == 0 {
			continue // not yet made on the day
		}
		t, err := ts.get(ctx, q, tids[r.id])
		if err != nil {
			return nil, err
		}
		r.t, r.moves = t, moves[r.id]
		out = append(out, r)
	}
	return out, nil
}

// Org is an organisation as the area names it.
type Org struct {
	ID       int64
	Name     string
	District string
}

// orgs reads the organisations with the ids, in one query.
func orgs(ctx context.Context, q store.Querier, ids map[int64]bool) (map[int64]Org, error) {
	out := map[int64]Org{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(ids))
	for id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name, district FROM organisations WHERE id IN (?`+strings.Repeat(", ?", len(args)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("cooperation: organisations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Org
		if err := rows.Scan(&o.ID, &o.Name, &o.District); err != nil {
			return nil, fmt.Errorf("cooperation: organisations: %w", err)
		}
		out[o.ID] = o
	}
	return out, rows.Err()
}
