package talent

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Count is a figure by a key (a stage, a category, a title).
type Count struct {
	Key  string
	Name i18n.Text
	N    int
}

// CategoryRow is one certification category counted by stage, in the order
// of Recognition.Stages.
type CategoryRow struct {
	Key    string
	Name   i18n.Text
	Counts []int
	Total  int
}

// ClassRow is the certifications resting on the items of one class of one
// catalogue version.
type ClassRow struct {
	Basis     Basis // the class and version (the item fields empty)
	All       int
	Certified int
	InForce   int
	Items     []ItemCount // the items of the class the records rest on, by code
}

// ItemCount is the records resting on one catalogue item.
type ItemCount struct {
	Code string
	Name i18n.Text
	N    int
}

// Recognition is the certification flow: applications by stage and
// category, those on public notice, decisions, and certifications in force;
// and the certifications by the catalogue class they rest on.
type Recognition struct {
	Stages     []Count // every stage of the template, in its order
	Categories []CategoryRow
	Classes    []ClassRow // by catalogue version, then class
	Unbased    int        // certifications resting on no catalogue item
	All        int        // every record, drafts too
	Applied    int        // records past their draft
	Publicised int        // on public notice now
	Certified  int
	Rejected   int
	InForce    int // certified and within ValidYears on the day
}

// ServiceType is one kind of service requested and delivered.
type ServiceType struct {
	Key        string
	Name       i18n.Text
	Requested  int
	Done       int
	MedianDays float64
}

// Services is the talent-service flow.
type Services struct {
	Requested  int
	Done       int
	Open       int // neither done nor declined
	Declined   int
	MedianDays float64 // request to done, over the cases done
	Types      []ServiceType
}

// Startups is the PhD start-up projects approved and their funds.
type Startups struct {
	Applied  int
	Approved int     // reached approval
	Funds    float64 // approved amounts of those
}

// Teams is the transplanted teams with their contracts.
type Teams struct {
	Teams     []Record
	Approved  float64
	Disbursed float64
	Share     float64
}

// SharePct is the share paid over the teams in per cent, to one decimal.
func (t Teams) SharePct() float64 { return math.Round(t.Share*1000) / 10 }

// Period is a half-year's figure from the returns.
type Period struct {
	Period string
	Value  float64
}

// Overview is the area page.
type Overview struct {
	AsOf        string
	Talents     int // distinct people with a talent role
	Recognition Recognition
	Services    Services
	Titles      []Count
	Startups    Startups
	Teams       Teams
	Graduates   []Period
	Introduced  []Period
}

// Load reads the area as of a day (YYYY-MM-DD: certifications in force).
func Load(ctx context.Context, q store.Querier, asOf string) (*Overview, error) {
	ts := templates{}
	o := &Overview{AsOf: asOf}
	var err error
	if o.Recognition, err = recognition(ctx, q, ts, asOf); err != nil {
		return nil, err
	}
	if o.Services, err = services(ctx, q, ts); err != nil {
		return nil, err
	}
	starts, err := records(ctx, q, ts, query{program: Startup}, asOf)
	if err != nil {
		return nil, err
	}
	for _, r := range starts {
		if r.Stage != "draft" {
			o.Startups.Applied++
		}
		if r.Day != "" {
			o.Startups.Approved++
			o.Startups.Funds += r.Approved
		}
	}
	if o.Teams.Teams, err = records(ctx, q, ts, query{program: Team}, asOf); err != nil {
		return nil, err
	}
	for _, r := range o.Teams.Teams {
		o.Teams.Approved += r.Approved
		o.Teams.Disbursed += r.Disbursed
	}
	if o.Teams.Approved > 0 {
		o.Teams.Share = o.Teams.Disbursed / o.Teams.Approved
	}
	if o.Titles, o.Talents, err = titles(ctx, q); err != nil {
		return nil, err
	}
	if o.Graduates, err = returned(ctx, q, "graduates_retained"); err != nil {
		return nil, err
	}
	if o.Introduced, err = returned(ctx, q, "talents_introduced"); err != nil {
		return nil, err
	}
	return o, nil
}

func recognition(ctx context.Context, q store.Querier, ts templates, asOf string) (Recognition, error) {
	var out Recognition
	rs, err := records(ctx, q, ts, query{program: Certification}, asOf)
	if err != nil {
		return out, err
	}
	pub, err := program.Latest(ctx, q, Certification)
	if err != nil {
		return out, nil // the program is not published: nothing to count
	}
	t, err := ts.get(ctx, q, pub.ID)
	if err != nil {
		return out, err
	}
	col := map[string]int{}
	for i, st := range t.Stages {
		col[st.Key] = i
		out.Stages = append(out.Stages, Count{Key: st.Key, Name: i18n.Text{ZH: st.Name, EN: st.NameEN}})
	}
	cats := map[string]*CategoryRow{}
	if f, ok := t.Field("category"); ok {
		for _, o := range f.Options {
			c := &CategoryRow{Key: o, Name: option(t, "category", o), Counts: make([]int, len(out.Stages))}
			cats[o] = c
			out.Categories = append(out.Categories, *c)
		}
	}
	classes := map[string]*ClassRow{}
	var order []string
	for _, r := range rs {
		i, ok := col[r.Stage]
		if !ok {
			continue
		}
		if b := r.Basis; b != nil {
			k := b.Key + "/" + b.Class
			c := classes[k]
			if c == nil {
				c = &ClassRow{Basis: Basis{Class: b.Class, ClassName: b.ClassName, Catalogue: b.Catalogue, Version: b.Version, Key: b.Key}}
				classes[k] = c
				order = append(order, k)
			}
			c.All++
			found := false
			for j := range c.Items {
				if c.Items[j].Code == b.Code {
					c.Items[j].N++
					found = true
				}
			}
			if !found {
				c.Items = append(c.Items, ItemCount{Code: b.Code, Name: b.Item, N: 1})
			}
			if r.Stage == "certified" {
				c.Certified++
			}
			if r.InForce {
				c.InForce++
			}
		} else {
			out.Unbased++
		}
		out.Stages[i].N++
		out.All++
		if c := cats[r.KindKey]; c != nil {
			c.Counts[i]++
			c.Total++
		}
		switch r.Stage {
		case "draft":
		case "publicised":
			out.Publicised++
		case "certified":
			out.Certified++
		case "rejected":
			out.Rejected++
		}
		if r.Stage != "draft" {
			out.Applied++
		}
		if r.InForce {
			out.InForce++
		}
	}
	for i := range out.Categories {
		out.Categories[i] = *cats[out.Categories[i].Key]
	}
	sort.Strings(order)
	for _, k := range order {
		c := classes[k]
		sort.Slice(c.Items, func(i, j int) bool { return c.Items[i].Code < c.Items[j].Code })
		out.Classes = append(out.Classes, *c)
	}
	return out, nil
}

func services(ctx context.Context, q store.Querier, ts templates) (Services, error) {
	var out Services
	rs, err := records(ctx, q, ts, query{program: Service}, "")
	if err != nil {
		return out, err
	}
	var all []int
	byType := map[string]*ServiceType{}
	days := map[string][]int{}
	var order []string
	for _, r := range rs {
		out.Requested++
		st := byType[r.KindKey]
		if st == nil {
			st = &ServiceType{Key: r.KindKey, Name: r.Kind}
			byType[r.KindKey] = st
			order = append(order, r.KindKey)
		}
		st.Requested++
		switch {
		case r.Days >= 0:
			out.Done++
			st.Done++
			all = append(all, r.Days)
			days[r.KindKey] = append(days[r.KindKey], r.Days)
		case r.Stage == "declined":
			out.Declined++
		default:
			out.Open++
		}
	}
	out.MedianDays = Median(all)
	sort.Strings(order)
	for _, k := range order {
		st := byType[k]
		st.MedianDays = Median(days[k])
		out.Types = append(out.Types, *st)
	}
	return out, nil
}

// talentPeople is the subquery of the people with a talent role.
func talentPeople() (string, []any) {
	s := `SELECT pp.person_id FROM project_parties pp JOIN projects p ON p.id = pp.project_id JOIN program_templates t ON t.id = p.template_id WHERE pp.person_id IS NOT NULL AND (`
	var args []any
	for i, r := range roles {
		if i > 0 {
			s += " OR "
		}
		s += "(t.key = ? AND pp.role = ?)"
		args = append(args, r.program, r.role)
	}
	return s + ")", args
}

// titles counts the people with a talent role by their 职称 (an empty
// title counts under the key "").
func titles(ctx context.Context, q store.Querier) ([]Count, int, error) {
	sub, args := talentPeople()
	rows, err := q.QueryContext(ctx, `SELECT pe.title, count(*) FROM people pe WHERE pe.id IN (`+sub+`) GROUP BY pe.title`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("talent: titles: %w", err)
	}
	defer rows.Close()
	var out []Count
	total := 0
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return nil, 0, fmt.Errorf("talent: titles: %w", err)
		}
		c.Name = i18n.Text{ZH: c.Key}
		total += c.N
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out, total, rows.Err()
}

// returned sums a field of the accepted talent-work returns by period, the
// last accepted version of each filing.
func returned(ctx context.Context, q store.Querier, field string) ([]Period, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.period, sum(a.value) FROM return_accepted a JOIN return_filings f ON f.id = a.filing_id
		JOIN return_forms rf ON rf.id = f.form_id
		WHERE rf.key = 'talent_work' AND a.field = ? AND a.version = (SELECT max(b.version) FROM return_accepted b WHERE b.filing_id = a.filing_id)
		GROUP BY f.period ORDER BY f.period`, field)
	if err != nil {
		return nil, fmt.Errorf("talent: returns %s: %w", field, err)
	}
	defer rows.Close()
	var out []Period
	for rows.Next() {
		var p Period
		if err := rows.Scan(&p.Period, &p.Value); err != nil {
			return nil, fmt.Errorf("talent: returns %s: %w", field, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
