package talent

import (
	"context"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Profile is one person's place in the talent area: certifications,
// services received, PhD start-ups, transplanted teams (as leader or
// member), young scholar recommendations, and every record that names the
// person in any program.
type Profile struct {
	PersonID       int64
	Certifications []Record
	Services       []Record
	Startups       []Record
	Teams          []Record
	Scholars       []Record
	Programs       []Record
}

// HasRole reports whether the person holds a talent role.
func (p *Profile) HasRole() bool {
	return len(p.Certifications)+len(p.Services)+len(p.Startups)+len(p.Teams)+len(p.Scholars) > 0
}

// Current is the person's latest certification (the category in force, or
// the last applied for), or nil.
func (p *Profile) Current() *Record {
	var cur *Record
	for i := range p.Certifications {
		r := &p.Certifications[i]
		switch {
		case cur == nil, r.Day > cur.Day, r.Day == cur.Day && r.ProjectID > cur.ProjectID && cur.Day == "":
			cur = r
		}
	}
	return cur
}

// ProfileOf reads a person's talent profile as of a day.
func ProfileOf(ctx context.Context, q store.Querier, person int64, asOf string) (*Profile, error) {
	ts := templates{}
	p := &Profile{PersonID: person}
	for _, r := range roles {
		rs, err := records(ctx, q, ts, query{program: r.program, role: r.role, person: person}, asOf)
		if err != nil {
			return nil, err
		}
		switch r.program {
		case Certification:
			p.Certifications = append(p.Certifications, rs...)
		case Service:
			p.Services = append(p.Services, rs...)
		case Startup:
			p.Startups = append(p.Startups, rs...)
		case Team:
			p.Teams = append(p.Teams, rs...)
		case YoungScholar:
			p.Scholars = append(p.Scholars, rs...)
		}
	}
	var err error
	if p.Programs, err = programs(ctx, q, ts, person); err != nil {
		return nil, err
	}
	return p, nil
}

// programs is every record naming the person, in any program, newest first.
func programs(ctx context.Context, q store.Querier, ts templates, person int64) ([]Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT p.id, p.title, p.stage, p.template_id, t.key, pp.role
		FROM project_parties pp JOIN projects p ON p.id = pp.project_id JOIN program_templates t ON t.id = p.template_id
		WHERE pp.person_id = ? ORDER BY p.id DESC`, person)
	if err != nil {
		return nil, fmt.Errorf("talent: programs of person %d: %w", person, err)
	}
	type raw struct {
		r   Record
		tid int64
	}
	var rs []raw
	seen := map[int64]bool{}
	for rows.Next() {
		var x raw
		if err := rows.Scan(&x.r.ProjectID, &x.r.Title, &x.r.Stage, &x.tid, &x.r.Program, &x.r.Role); err != nil {
			rows.Close()
			return nil, fmt.Errorf("talent: programs of person %d: %w", person, err)
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
	out := []Record{}
	for _, x := range rs {
		t, err := ts.get(ctx, q, x.tid)
		if err != nil {
			return nil, err
		}
		r := x.r
		r.ProgramName, r.StageName, r.Days = i18n.Text{ZH: t.Name, EN: t.NameEN}, stageName(t, r.Stage), -1
		r.Kind = roleLabel(t, strings.TrimPrefix(r.Role, "field:"))
		out = append(out, r)
	}
	return out, nil
}

// roleLabel is the label of the field (or table column) that names the
// person on a record.
func roleLabel(t *program.Template, key string) i18n.Text {
	if f, ok := t.Field(key); ok {
		return i18n.Text{ZH: f.Label, EN: f.LabelEN}
	}
	for _, f := range t.Form {
		for _, c := range f.Columns {
			if c.Key == key {
				return i18n.Text{ZH: f.Label + "·" + c.Label, EN: strings.TrimSpace(f.LabelEN + " · " + c.LabelEN)}
			}
		}
	}
	return i18n.Text{ZH: key}
}
