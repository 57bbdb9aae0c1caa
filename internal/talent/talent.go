// Package talent reads the talent area (人才) out of the records of its
// programs: talent certification (人才自主认定), talent services, PhD
// start-ups, transplanted teams (带土移植) and young scholar
// recommendations, and the half-year talent-work returns. It owns its SQL;
// it writes only the talent catalogue (catalogue.go, sheet.go) and the item
// each certification rests on.
package talent

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The programs of the area.
const (
	Certification = "talent_certification"
	Service       = "talent_service"
	Startup       = "doctoral_startup"
	Team          = "transplant_team"
	YoungScholar  = "young_scholar_recommendation"
)

// ValidYears is how long a certification stays in force from the day it was
// certified. The certification template does not carry a validity of its
// own; the city's talent certificates run five years.
const ValidYears = 5

// roles are the person fields that give a person a talent role: the party
// roles project_parties holds for them (a table column is named by its own
// key: the transplanted team's members are field:person).
var roles = []struct{ program, role, as string }{
	{Certification, "field:talent", "talent"},
	{Service, "field:talent", "talent"},
	{Startup, "field:leader", "leader"},
	{Team, "field:team_leader", "leader"},
	{Team, "field:person", "member"},
	{YoungScholar, "field:candidate", "candidate"},
}

// Record is one record of a talent program as the area shows it, with the
// person it names.
type Record struct {
	ProjectID      int64
	Title          string
	Program        string
	ProgramName    i18n.Text
	PersonID       int64
	Person         string
	PersonTitle    string `json:"-"` // the person's 职称 (title lists)
	OrganisationID int64
	Organisation   string
	Role           string // talent, leader, member, candidate
	Stage          string
	StageName      i18n.Text
	Kind           i18n.Text // certification: the category; service: the service type; start-up: the discipline
	KindKey        string    // the option as stored (Chinese)
	Path           i18n.Text // certification: the path (by catalogue, by salary …)
	Basis          *Basis    // certification: the catalogue item it rests on, if recorded
	Requested      string    // the day the record was made (a service's request)
	Publicised     string    // the day it went on public notice (certification)
	Day            string    // the day it reached its result: certified, done, approved
	Signed         string    // team: the day the agreement was signed and work began
	ValidUntil     string    // certification: the last day in force
	InForce        bool
	Days           int // service: days from request to done; -1 while not done
	Approved       float64
	Disbursed      float64
	Share          float64 // disbursed / approved, 0..1; 0 without an approved amount
}

// SharePct is the share paid in per cent, to one decimal.
func (r Record) SharePct() float64 { return math.Round(r.Share*1000) / 10 }

// shanghai is the day records are counted in.
var shanghai = time.FixedZone("CST", 8*3600)

func dayOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(shanghai).Format(time.DateOnly)
}

// daysBetween counts calendar days (China time) from a to b.
func daysBetween(a, b time.Time) int {
	da, _ := time.Parse(time.DateOnly, dayOf(a))
	db, _ := time.Parse(time.DateOnly, dayOf(b))
	return int(db.Sub(da).Hours() / 24)
}

// templates caches loaded templates by id.
type templates map[int64]*program.Template

func (ts templates) get(ctx context.Context, q store.Querier, id int64) (*program.Template, error) {
	if t, ok := ts[id]; ok {
		return t, nil
	}
	t, err := program.LoadTemplate(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("talent: template %d: %w", id, err)
	}
	ts[id] = t
	return t, nil
}

// option is a choice field's value with its English name.
func option(t *program.Template, field, v string) i18n.Text {
	f, ok := t.Field(field)
	if !ok {
		return i18n.Text{ZH: v}
	}
	for i, o := range f.Options {
		if o == v && i < len(f.OptionsEN) {
			return i18n.Text{ZH: v, EN: f.OptionsEN[i]}
		}
	}
	return i18n.Text{ZH: v}
}

func stageName(t *program.Template, key string) i18n.Text {
	st, ok := t.Stage(key)
	if !ok {
		return i18n.Text{ZH: key}
	}
	return i18n.Text{ZH: st.Name, EN: st.NameEN}
}

// query is what records reads: one program's records naming people in one
// role (or any of the area's roles of that program), optionally one person's.
type query struct {
	program string
	role    string // a party role; "" for the program's first talent role
	person  int64
}

// records reads a program's records with the person they name in the role,
// the first day each stage was reached, and the names the template gives.
func records(ctx context.Context, q store.Querier, ts templates, qq query, asOf string) ([]Record, error) {
	role, as := qq.role, ""
	for _, r := range roles {
		if r.program == qq.program && (role == "" || role == r.role) {
			role, as = r.role, r.as
			break
		}
	}
	args := []any{role, qq.program}
	where := ""
	if qq.person != 0 {
		where, args = " AND pp.person_id = ?", append(args, qq.person)
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.title, p.stage, p.data, p.template_id, p.created_at, p.amount_approved, p.amount_disbursed,
		COALESCE(pp.person_id, 0), COALESCE(pe.name, ''), COALESCE(pe.title, ''), p.organisation_id, COALESCE(o.name, '')
		FROM projects p JOIN program_templates t ON t.id = p.template_id
		`+map[bool]string{true: "JOIN", false: "LEFT JOIN"}[qq.person != 0]+` project_parties pp ON pp.project_id = p.id AND pp.role = ?
		LEFT JOIN people pe ON pe.id = pp.person_id
		LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE t.key = ?`+where+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("talent: %s records: %w", qq.program, err)
	}
	type raw struct {
		r       Record
		data    string
		tid     int64
		created time.Time
	}
	var rs []raw
	seen := map[int64]bool{} // a team member named twice counts once
	for rows.Next() {
		var x raw
		if err := rows.Scan(&x.r.ProjectID, &x.r.Title, &x.r.Stage, &x.data, &x.tid, &x.created, &x.r.Approved, &x.r.Disbursed,
			&x.r.PersonID, &x.r.Person, &x.r.PersonTitle, &x.r.OrganisationID, &x.r.Organisation); err != nil {
			rows.Close()
			return nil, fmt.Errorf("talent: %s records: %w", qq.program, err)
		}
		if seen[x.r.ProjectID] {
			continue
		}
		seen[x.r.ProjectID] = true
		rs = append(rs, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	reached, err := stagesReached(ctx, q, qq.program, qq.person, role)
	if err != nil {
		return nil, err
	}
	var based map[int64]Basis
	if qq.program == Certification {
		if based, err = bases(ctx, q, qq.person); err != nil {
			return nil, err
		}
	}
	out := make([]Record, 0, len(rs))
	for _, x := range rs {
		t, err := ts.get(ctx, q, x.tid)
		if err != nil {
			return nil, err
		}
		r := x.r
		r.Program, r.ProgramName, r.Role = qq.program, i18n.Text{ZH: t.Name, EN: t.NameEN}, as
		r.StageName = stageName(t, r.Stage)
		r.Requested = dayOf(x.created)
		r.Days = -1
		data := map[string]any{}
		_ = json.Unmarshal([]byte(x.data), &data)
		at := reached[r.ProjectID]
		switch qq.program {
		case Certification:
			r.KindKey, _ = data["category"].(string)
			r.Kind = option(t, "category", r.KindKey)
			p, _ := data["path"].(string)
			r.Path = option(t, "path", p)
			r.Publicised = dayOf(at["publicised"])
			if b, ok := based[r.ProjectID]; ok {
				r.Basis = &b
			}
			if c := at["certified"]; !c.IsZero() {
				r.Day = dayOf(c)
				r.ValidUntil = c.In(shanghai).AddDate(ValidYears, 0, -1).Format(time.DateOnly)
				r.InForce = r.Stage == "certified" && asOf <= r.ValidUntil
			}
		case Service:
			r.KindKey, _ = data["service_type"].(string)
			r.Kind = option(t, "service_type", r.KindKey)
			if d := at["done"]; !d.IsZero() {
				r.Day, r.Days = dayOf(d), daysBetween(x.created, d)
			}
		case Startup:
			r.KindKey, _ = data["discipline"].(string)
			r.Kind = option(t, "discipline", r.KindKey)
			r.Day = dayOf(at["approved"])
		case Team:
			r.Day, r.Signed = dayOf(at["approved"]), dayOf(at["in_progress"])
			if r.Approved > 0 {
				r.Share = r.Disbursed / r.Approved
			}
		case YoungScholar:
			r.KindKey, _ = data["fund_type"].(string)
			r.Kind = option(t, "fund_type", r.KindKey)
		}
		out = append(out, r)
	}
	return out, nil
}

// stagesReached is the first time each record of a program reached each
// stage.
func stagesReached(ctx context.Context, q store.Querier, prog string, person int64, role string) (map[int64]map[string]time.Time, error) {
	args := []any{prog}
	where := ""
	if person != 0 {
		where = ` AND e.project_id IN (SELECT project_id FROM project_parties WHERE person_id = ? AND role = ?)`
		args = append(args, person, role)
	}
	rows, err := q.QueryContext(ctx, `SELECT e.project_id, e.to_stage, e.at FROM project_events e
		JOIN projects p ON p.id = e.project_id JOIN program_templates t ON t.id = p.template_id
		WHERE t.key = ?`+where+` ORDER BY e.project_id, e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("talent: %s history: %w", prog, err)
	}
	defer rows.Close()
	out := map[int64]map[string]time.Time{}
	for rows.Next() {
		var id int64
		var stage string
		var at time.Time
		if err := rows.Scan(&id, &stage, &at); err != nil {
			return nil, fmt.Errorf("talent: %s history: %w", prog, err)
		}
		if out[id] == nil {
			out[id] = map[string]time.Time{}
		}
		if _, ok := out[id][stage]; !ok {
			out[id][stage] = at
		}
	}
	return out, rows.Err()
}

// Median is the median of xs (0 for none).
func Median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]int(nil), xs...)
	sort.Ints(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}
