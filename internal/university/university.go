// Package university reads the city's universities as the bureau compares
// them: disciplines and their first-class levels, majors and the industry
// clusters they serve, 双一流 funds awarded and disbursed by year, joint
// labs with enterprises, and the talents and awards of their people. It
// owns its SQL and writes nothing: every figure is counted from records
// kept elsewhere (the registry, programs), and each carries the ids of the
// records behind it so a page can open them.
package university

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Program keys whose records this package reads.
const (
	FundingProgram     = "double_first_class_funding"
	JointLabProgram    = "joint_lab"
	YoungProgram       = "young_scholar_recommendation"
	CertifyingProgram  = "talent_certification"
	AdvantageTag       = "优势学科"
	NewQualityTag      = "新质生产力"
	WorldClass         = "世界一流"
	NationalClass      = "国内一流"
	NationalMajorLevel = "国家级"
)

// labBuilt are the joint-lab stages at which a lab exists (approved and
// after, not revoked).
var labBuilt = []string{"approved", "operating", "evaluated"}

// Level is a first-class recognition of a discipline or major.
type Level struct {
	RecognitionID int64  `json:"recognition_id"`
	Kind          string `json:"kind"`
	Level         string `json:"level"`
	Authority     string `json:"authority,omitempty"`
	Granted       string `json:"granted"`
	revoked       string
}

// Subject is a discipline or major with the levels it holds on the day.
type Subject struct {
	ID      int64   `json:"id"`
	Kind    string  `json:"kind"` // discipline, major
	Code    string  `json:"code,omitempty"`
	Name    string  `json:"name"`
	Opened  int     `json:"opened,omitempty"`
	Tags    string  `json:"tags,omitempty"`
	Levels  []Level `json:"levels,omitempty"`
	Cluster string  `json:"cluster,omitempty"` // majors: the industry cluster it serves (MajorClusters), "" if none
}

// HasTag says whether the subject carries tag.
func (s Subject) HasTag(tag string) bool {
	return slices.Contains(strings.FieldsFunc(s.Tags, func(r rune) bool { return r == ',' || r == '，' || r == '|' || r == ' ' || r == '、' }), tag)
}

// HasLevel says whether the subject holds level.
func (s Subject) HasLevel(level string) bool {
	return slices.ContainsFunc(s.Levels, func(l Level) bool { return l.Level == level })
}

// Record is a program record behind a figure.
type Record struct {
	ID        int64   `json:"id"`
	Program   string  `json:"program"`
	OrgID     int64   `json:"organisation_id"`
	Org       string  `json:"organisation"`
	Title     string  `json:"title,omitempty"`
	Stage     string  `json:"stage"`
	Year      int     `json:"year,omitempty"`
	Approved  float64 `json:"approved"`
	Disbursed float64 `json:"disbursed"`
	Detail    string  `json:"detail,omitempty"` // a lab's name, a fund type, a talent category
	PersonID  int64   `json:"person_id,omitempty"`
}

// Year is the 双一流 money of one funding year with its records.
type Year struct {
	Year      int     `json:"year"`
	Awarded   float64 `json:"awarded"`
	Disbursed float64 `json:"disbursed"`
	Records   []int64 `json:"records"`
}

// Person is a talent at a university: talent level A or B.
type Person struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Level string `json:"level"`
	Title string `json:"title,omitempty"`
}

// Award is a recognition granted to a person employed at a university.
type Award struct {
	RecognitionID int64  `json:"recognition_id"`
	Kind          string `json:"kind"`
	KindName      string `json:"kind_name"`
	KindNameEN    string `json:"kind_name_en,omitempty"`
	Level         string `json:"level,omitempty"`
	Granted       string `json:"granted"`
	PersonID      int64  `json:"person_id"`
	Person        string `json:"person"`
	revoked       string
}

// Summary is one university's row of the comparison.
type Summary struct {
	ID             int64   `json:"id"`
	Name           string  `json:"name"`
	Disciplines    int     `json:"disciplines"`
	Advantage      int     `json:"advantage_disciplines"`
	WorldClass     int     `json:"world_class_disciplines"`
	NationalClass  int     `json:"national_first_class_disciplines"`
	Majors         int     `json:"majors"`
	NationalMajors int     `json:"national_first_class_majors"`
	NewQuality     int     `json:"new_quality_majors"`
	MajorsServing  int     `json:"majors_serving_clusters"`
	Awarded        float64 `json:"funds_awarded"`
	Disbursed      float64 `json:"funds_disbursed"`
	JointLabs      int     `json:"joint_labs"`
	Talents        int     `json:"talents"`      // people at level A or B, and A/B talents certified, each once
	YoungAwards    int     `json:"young_awards"` // young-scholar funds awarded, and person recognitions
}

// ServingShare is the share (0–1) of the majors serving a cluster.
func (s Summary) ServingShare() float64 {
	if s.Majors == 0 {
		return 0
	}
	return float64(s.MajorsServing) / float64(s.Majors)
}

// Profile is one university's page.
type Profile struct {
	Summary
	Disciplines []Subject `json:"discipline_list"`
	Majors      []Subject `json:"major_list"`
	Years       []Year    `json:"funds_by_year"`
	Funding     []Record  `json:"funding_records"`
	Labs        []Record  `json:"joint_lab_records"`
	People      []Person  `json:"talent_people"`
	Certified   []Record  `json:"talent_certifications"`
	Young       []Record  `json:"young_scholar_records"`
	Awards      []Award   `json:"awards"`
}

// Get is the profile of university id as of day (YYYY-MM-DD): recognitions
// granted by then and not revoked. An organisation that is not a
// university is not found.
func Get(ctx context.Context, q store.Querier, id int64, day string) (*Profile, error) {
	ps, err := load(ctx, q, id, day)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("university %d: %w", id, problem.ErrNotFound)
	}
	return ps[0], nil
}

// List is every university's summary as of day, by name.
func List(ctx context.Context, q store.Querier, day string) ([]Summary, error) {
	ps, err := load(ctx, q, 0, day)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(ps))
	for i, p := range ps {
		out[i] = p.Summary
	}
	return out, nil
}

// load builds the profiles of every university, or of only one.
func load(ctx context.Context, q store.Querier, only int64, day string) ([]*Profile, error) {
	cond, args := "", []any{}
	if only != 0 {
		cond, args = " AND o.id = ?", []any{only}
	}
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name FROM organisations o WHERE o.kind = 'university'`+cond+` ORDER BY o.name, o.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("universities: %w", err)
	}
	var out []*Profile
	byID := map[int64]*Profile{}
	for rows.Next() {
		p := &Profile{}
		if err := rows.Scan(&p.ID, &p.Name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("universities: %w", err)
		}
		out, byID[p.ID] = append(out, p), p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("universities: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	for _, step := range []func(context.Context, store.Querier, map[int64]*Profile, string, []any) error{subjects, records, people, awards} {
		if err := step(ctx, q, byID, cond, args); err != nil {
			return nil, err
		}
	}
	for _, p := range out {
		p.count(day)
	}
	return out, nil
}

// subjects reads the disciplines and majors with their recognitions.
func subjects(ctx context.Context, q store.Querier, byID map[int64]*Profile, cond string, args []any) error {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.organisation_id, d.kind, d.code, d.name, COALESCE(d.opened, 0), d.tags,
		COALESCE(r.id, 0), COALESCE(r.kind, ''), COALESCE(r.level, ''), COALESCE(r.authority, ''), COALESCE(r.granted, ''), COALESCE(r.revoked, '')
		FROM disciplines d JOIN organisations o ON o.id = d.organisation_id
		LEFT JOIN recognitions r ON r.subject = d.kind AND r.subject_id = d.id
		WHERE o.kind = 'university'`+cond+` ORDER BY d.organisation_id, d.kind, d.code, d.name, d.id, r.granted, r.id`, args...)
	if err != nil {
		return fmt.Errorf("disciplines: %w", err)
	}
	defer rows.Close()
	var last *Subject
	for rows.Next() {
		var s Subject
		var org int64
		var l Level
		if err := rows.Scan(&s.ID, &org, &s.Kind, &s.Code, &s.Name, &s.Opened, &s.Tags, &l.RecognitionID, &l.Kind, &l.Level, &l.Authority, &l.Granted, &l.revoked); err != nil {
			return fmt.Errorf("disciplines: %w", err)
		}
		p := byID[org]
		if last == nil || last.ID != s.ID {
			s.Cluster = MajorClusters[s.Name]
			if s.Kind != "major" {
				s.Cluster = ""
			}
			list := &p.Disciplines
			if s.Kind == "major" {
				list = &p.Majors
			}
			*list = append(*list, s)
			last = &(*list)[len(*list)-1]
		}
		if l.RecognitionID != 0 {
			last.Levels = append(last.Levels, l)
		}
	}
	return rows.Err()
}

// records reads the program records: 双一流 funding and young-scholar and
// talent records at a university, joint labs naming one.
func records(ctx context.Context, q store.Querier, byID map[int64]*Profile, _ string, _ []any) error {
	rows, err := q.QueryContext(ctx, `SELECT p.id, t.key, p.organisation_id, o.name, p.title, p.stage, p.data, p.amount_approved, p.amount_disbursed, c.opens
		FROM projects p JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id JOIN calls c ON c.id = p.call_id
		WHERE p.parent_id IS NULL AND t.key IN (?, ?, ?, ?) ORDER BY p.id`, FundingProgram, JointLabProgram, YoungProgram, CertifyingProgram)
	if err != nil {
		return fmt.Errorf("university records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Record
		var raw, opens string
		if err := rows.Scan(&r.ID, &r.Program, &r.OrgID, &r.Org, &r.Title, &r.Stage, &raw, &r.Approved, &r.Disbursed, &opens); err != nil {
			return fmt.Errorf("university records: %w", err)
		}
		var data map[string]any
		_ = json.Unmarshal([]byte(raw), &data) // a record whose data does not read names no university and no year
		uni := r.OrgID
		switch r.Program {
		case FundingProgram:
			r.Year = int(number(data["year"]))
			if r.Year == 0 && len(opens) >= 4 {
				r.Year, _ = strconv.Atoi(opens[:4])
			}
		case JointLabProgram:
			uni, r.Detail = int64(number(data["university"])), text(data["lab_name"])
			if !slices.Contains(labBuilt, r.Stage) {
				continue
			}
		case YoungProgram:
			r.Detail, r.PersonID = text(data["fund_type"]), int64(number(data["candidate"]))
			if r.Stage != "awarded" {
				continue
			}
		case CertifyingProgram:
			r.Detail, r.PersonID = text(data["category"]), int64(number(data["talent"]))
			if r.Stage != "certified" || !(strings.HasPrefix(r.Detail, "A") || strings.HasPrefix(r.Detail, "B")) {
				continue
			}
		}
		p := byID[uni]
		if p == nil {
			continue
		}
		switch r.Program {
		case FundingProgram:
			p.Funding = append(p.Funding, r)
		case JointLabProgram:
			p.Labs = append(p.Labs, r)
		case YoungProgram:
			p.Young = append(p.Young, r)
		case CertifyingProgram:
			p.Certified = append(p.Certified, r)
		}
	}
	return rows.Err()
}

// people reads the people at a university with talent level A or B.
func people(ctx context.Context, q store.Querier, byID map[int64]*Profile, cond string, args []any) error {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.organisation_id, p.talent_level, p.title FROM people p JOIN organisations o ON o.id = p.organisation_id
		WHERE o.kind = 'university' AND p.talent_level IN ('A', 'B')`+cond+` ORDER BY p.talent_level, p.name, p.id`, args...)
	if err != nil {
		return fmt.Errorf("university talents: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Person
		var org int64
		if err := rows.Scan(&x.ID, &x.Name, &org, &x.Level, &x.Title); err != nil {
			return fmt.Errorf("university talents: %w", err)
		}
		byID[org].People = append(byID[org].People, x)
	}
	return rows.Err()
}

// awards reads the recognitions of people employed at a university
// (杰青, 优青 …), granted by the day and not revoked.
func awards(ctx context.Context, q store.Querier, byID map[int64]*Profile, cond string, args []any) error {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.kind, k.name, k.name_en, r.level, r.granted, r.revoked, p.id, p.name, p.organisation_id
		FROM recognitions r JOIN recognition_kinds k ON k.key = r.kind JOIN people p ON p.id = r.subject_id JOIN organisations o ON o.id = p.organisation_id
		WHERE r.subject = 'person' AND o.kind = 'university'`+cond+` ORDER BY r.granted DESC, r.id`, args...)
	if err != nil {
		return fmt.Errorf("university awards: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Award
		var org int64
		if err := rows.Scan(&a.RecognitionID, &a.Kind, &a.KindName, &a.KindNameEN, &a.Level, &a.Granted, &a.revoked, &a.PersonID, &a.Person, &org); err != nil {
			return fmt.Errorf("university awards: %w", err)
		}
		byID[org].Awards = append(byID[org].Awards, a)
	}
	return rows.Err()
}

// held says whether what was granted is held on day: granted by then and
// not revoked by then.
func held(granted, revoked, day string) bool {
	return granted <= day && (revoked == "" || revoked > day)
}

// count drops recognitions not held on day and fills the summary.
func (p *Profile) count(day string) {
	for _, list := range []*[]Subject{&p.Disciplines, &p.Majors} {
		for i := range *list {
			s := &(*list)[i]
			s.Levels = slices.DeleteFunc(s.Levels, func(l Level) bool { return !held(l.Granted, l.revoked, day) })
		}
	}
	p.Awards = slices.DeleteFunc(p.Awards, func(a Award) bool { return !held(a.Granted, a.revoked, day) })

	s := &p.Summary
	s.Disciplines, s.Majors = len(p.Disciplines), len(p.Majors)
	for _, d := range p.Disciplines {
		s.Advantage += b2i(d.HasTag(AdvantageTag))
		s.WorldClass += b2i(d.HasLevel(WorldClass))
		s.NationalClass += b2i(d.HasLevel(NationalClass))
	}
	for _, m := range p.Majors {
		s.NewQuality += b2i(m.HasTag(NewQualityTag))
		s.NationalMajors += b2i(m.HasLevel(NationalMajorLevel))
		s.MajorsServing += b2i(m.Cluster != "")
	}
	years := map[int]*Year{}
	for _, r := range p.Funding {
		s.Awarded += r.Approved
		s.Disbursed += r.Disbursed
		y := years[r.Year]
		if y == nil {
			y = &Year{Year: r.Year}
			years[r.Year] = y
		}
		y.Awarded += r.Approved
		y.Disbursed += r.Disbursed
		y.Records = append(y.Records, r.ID)
	}
	for _, y := range years {
		p.Years = append(p.Years, *y)
	}
	slices.SortFunc(p.Years, func(a, b Year) int { return cmp.Compare(a.Year, b.Year) })
	s.JointLabs = len(p.Labs)
	talents := map[int64]bool{}
	for _, x := range p.People {
		talents[x.ID] = true
	}
	s.Talents = len(talents)
	for _, r := range p.Certified {
		if r.PersonID == 0 || !talents[r.PersonID] {
			s.Talents++
			if r.PersonID != 0 {
				talents[r.PersonID] = true
			}
		}
	}
	s.YoungAwards = len(p.Young) + len(p.Awards)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func number(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case string:
		f, _ := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f
	}
	return 0
}

func text(v any) string {
	s, _ := v.(string)
	return s
}
