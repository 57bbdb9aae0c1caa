package cooperation

import (
	"context"
	"math"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Head is what every row of the area names: the record, its stage on the
// day and the organisation that holds it.
type Head struct {
	ProjectID int64
	Title     string
	Stage     string
	StageName i18n.Text
	Holder    Org // the applicant: the bureau, the host, the resident firm, the park, the investor
}

func head(r rec) Head {
	return Head{ProjectID: r.id, Title: r.title, Stage: r.stage(), StageName: stageName(r.t, r.stage()), Holder: Org{ID: r.org, Name: r.orgName, District: r.district}}
}

// Party is one party to an agreement.
type Party struct {
	Org
	Role i18n.Text
}

// AgreementRow is a cooperation agreement signed by the day.
type AgreementRow struct {
	Head
	Kind      i18n.Text // framework agreement, cooperation agreement, memorandum
	Reach     i18n.Text // regional, inter-provincial, international …
	Scope     string    // ScopeInternational or ScopeRegional
	Signed    string
	Effective string
	Parties   []Party
}

// Partners are the parties other than the initiator, by name.
func (a AgreementRow) Partners() []Party {
	var out []Party
	for _, p := range a.Parties {
		if p.Role.ZH != "发起方" {
			out = append(out, p)
		}
	}
	return out
}

// agreements are the agreements signed by the day (those still being
// drafted or abandoned are not agreements yet).
func agreements(ctx context.Context, q store.Querier, ts templates, asOf string) ([]AgreementRow, error) {
	rs, err := load(ctx, q, ts, Agreement, asOf, 0)
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, r := range rs {
		for _, p := range parties(r) {
			ids[p.ID] = true
		}
	}
	names, err := orgs(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := []AgreementRow{}
	for _, r := range rs {
		signed := r.reached("signed")
		if signed == "" {
			continue
		}
		if d := r.str("signed_date"); d != "" && d <= asOf {
			signed = d
		}
		reach := r.str("reach")
		a := AgreementRow{Head: head(r), Kind: option(r.t, "kind", r.str("kind")), Reach: option(r.t, "reach", reach), Scope: ScopeRegional,
			Signed: signed, Effective: r.reached("in_force")}
		if reach == "国际合作" {
			a.Scope = ScopeInternational
		}
		for _, p := range parties(r) {
			o := names[p.ID]
			if o.ID == 0 {
				o = p.Org
			}
			a.Parties = append(a.Parties, Party{Org: o, Role: p.Role})
		}
		out = append(out, a)
	}
	return out, nil
}

// parties reads an agreement's parties table.
func parties(r rec) []Party {
	rows, _ := r.data["parties"].([]any)
	col := func(key, v string) i18n.Text {
		if f, ok := r.t.Field("parties"); ok {
			for _, c := range f.Columns {
				if c.Key == key {
					for i, o := range c.Options {
						if o == v && i < len(c.OptionsEN) {
							return i18n.Text{ZH: v, EN: c.OptionsEN[i]}
						}
					}
				}
			}
		}
		return i18n.Text{ZH: v}
	}
	var out []Party
	for _, x := range rows {
		m, _ := x.(map[string]any)
		id, _ := m["organisation"].(float64)
		role, _ := m["role"].(string)
		if id > 0 {
			out = append(out, Party{Org: Org{ID: int64(id)}, Role: col("role", role)})
		}
	}
	return out
}

// Lab is a joint lab approved by the day: an international or regional lab
// of the cooperation program, or a university–enterprise lab in the city.
type Lab struct {
	Head
	Program   string
	Scope     string    // ScopeInternational, ScopeRegional or ScopeLocal
	Kind      i18n.Text // the lab's type or the cooperation's channel
	Country   string    // the partner country, region or city ("" for a local lab)
	Partner   string    // the partner organisation: the foreign partner, or the university of a local lab
	PartnerID int64
	Approved  string
}

// labs are the joint labs approved by the day.
func labs(ctx context.Context, q store.Querier, ts templates, asOf string) ([]Lab, error) {
	out := []Lab{}
	rs, err := load(ctx, q, ts, International, asOf, 0)
	if err != nil {
		return nil, err
	}
	partners := map[int64]bool{}
	for _, r := range rs {
		partners[r.id64("foreign_partner")] = true
	}
	delete(partners, 0)
	pnames, err := orgs(ctx, q, partners)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.str("coop_type") != "共建联合实验室" || r.reached("approved") == "" {
			continue
		}
		p := pnames[r.id64("foreign_partner")]
		l := Lab{Head: head(r), Program: International, Scope: ScopeInternational, Kind: option(r.t, "channel", r.str("channel")),
			Country: r.str("partner_country"), Partner: p.Name, PartnerID: p.ID, Approved: r.reached("approved")}
		if r.str("channel") == "区域科技合作" {
			l.Scope = ScopeRegional
		}
		out = append(out, l)
	}
	rs, err = load(ctx, q, ts, JointLab, asOf, 0)
	if err != nil {
		return nil, err
	}
	unis := map[int64]bool{}
	for _, r := range rs {
		unis[r.id64("university")] = true
	}
	delete(unis, 0)
	names, err := orgs(ctx, q, unis)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.reached("approved") == "" {
			continue
		}
		l := Lab{Head: head(r), Program: JointLab, Scope: ScopeLocal, Kind: option(r.t, "lab_type", r.str("lab_type")),
			PartnerID: r.id64("university"), Partner: names[r.id64("university")].Name, Approved: r.reached("approved")}
		if n := r.str("lab_name"); n != "" {
			l.Title = n
		}
		out = append(out, l)
	}
	return out, nil
}

// CoopProject is an international or regional cooperation project approved
// by the day (joint labs among them).
type CoopProject struct {
	Head
	Type     i18n.Text
	Channel  i18n.Text
	Partner  string
	Approved string
}

func coopProjects(ctx context.Context, q store.Querier, ts templates, asOf string) ([]CoopProject, error) {
	rs, err := load(ctx, q, ts, International, asOf, 0)
	if err != nil {
		return nil, err
	}
	out := []CoopProject{}
	for _, r := range rs {
		if r.reached("approved") == "" {
			continue
		}
		out = append(out, CoopProject{Head: head(r), Type: option(r.t, "coop_type", r.str("coop_type")), Channel: option(r.t, "channel", r.str("channel")),
			Partner: r.str("partner_country"), Approved: r.reached("approved")})
	}
	return out, nil
}

// Resident is an enterprise that moved into an enclave innovation centre
// by the day.
type Resident struct {
	Head
	Centre    Org
	HomeCity  i18n.Text
	Purpose   i18n.Text
	Direction string
	Since     string
	Left      string // "" while resident on the day
	Staff     float64
	Area      float64
}

// InCentre reports whether the firm was resident on the day.
func (r Resident) InCentre() bool { return r.Left == "" }

func residents(ctx context.Context, q store.Querier, ts templates, asOf string) ([]Resident, error) {
	rs, err := load(ctx, q, ts, Enclave, asOf, 0)
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, r := range rs {
		ids[r.id64("centre")] = true
	}
	names, err := orgs(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := []Resident{}
	for _, r := range rs {
		since := r.reached("resident")
		if since == "" {
			continue
		}
		if d := r.str("moved_in"); d != "" && d <= asOf {
			since = d
		}
		out = append(out, Resident{Head: head(r), Centre: names[r.id64("centre")], HomeCity: option(r.t, "home_city", r.str("home_city")),
			Purpose: option(r.t, "purpose", r.str("purpose")), Direction: r.str("direction"), Since: since, Left: r.reached("left"),
			Staff: r.num("staff"), Area: r.num("area")})
	}
	return out, nil
}

// EventRow is an investment-promotion event on the books by the day.
type EventRow struct {
	Head
	Series   string
	Park     Org
	District string
	Date     string
	Theme    i18n.Text
	Format   i18n.Text
	City     string
	Held     bool
	Reported bool
	Leads    float64 // project leads the event drew (reported)
	Intents  float64
}

func events(ctx context.Context, q store.Querier, ts templates, asOf string) ([]EventRow, error) {
	rs, err := load(ctx, q, ts, Event, asOf, 0)
	if err != nil {
		return nil, err
	}
	ids := map[int64]bool{}
	for _, r := range rs {
		ids[r.id64("park")] = true
	}
	parks, err := orgs(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := []EventRow{}
	for _, r := range rs {
		e := EventRow{Head: head(r), Series: r.str("series"), Park: parks[r.id64("park")], Date: r.str("event_date"), Theme: option(r.t, "theme", r.str("theme")),
			Format: option(r.t, "format", r.str("format")), City: r.str("venue_city"), Held: r.reached("held") != "", Reported: r.reached("reported") != ""}
		if e.Stage == "cancelled" {
			continue
		}
		if e.Park.ID == 0 {
			e.Park = e.Holder
		}
		e.District = e.Park.District
		if e.Reported {
			e.Leads, e.Intents = r.num("leads"), r.num("intents_signed")
		}
		if e.Date == "" {
			e.Date = r.reached("held")
		}
		out = append(out, e)
	}
	return out, nil
}

// pct is a share in per cent to one decimal (0 of none).
func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*1000) / 10
}
