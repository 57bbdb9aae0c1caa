// Package opendata publishes what may be published: funded projects and
// awards as 360Giving grants (organisation identifiers CN-USCI-<credit
// code>, currency CNY) and challenge lists as OCDS releases. Only form
// fields a template marks public: true ever leave; everything else (amounts
// aside, which the standards require) stays in.
package opendata

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Publisher names who publishes: the bureau, with the prefix of its grant
// identifiers (360G-…) and its organisation identifier.
type Publisher struct {
	Prefix string // e.g. 360G-shenyang-kjj
	ID     string // e.g. CN-USCI-11210100…
	Name   string // e.g. 沈阳市科学技术局
	// OCIDPrefix is the OCDS prefix the Open Contracting Partnership
	// registered for the publisher (ocds-xxxxxx); unset, ocds-<Prefix>.
	OCIDPrefix string
	BaseURL    string // where the exports are served, for their uri fields
	// Licence is the URI of the licence the data is published under
	// (XINZHI_PUBLISHER_LICENCE); unset, License (CC BY 4.0).
	Licence string
}

// Organization is a 360Giving organisation.
type Organization struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Location []Location `json:"location,omitempty"`
}

// Location is a 360Giving location: a GB/T 2260 division.
type Location struct {
	Name        string `json:"name,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	GeoCode     string `json:"geoCode,omitempty"`
	GeoCodeType string `json:"geoCodeType,omitempty"`
}

// Programme is a 360Giving grant programme.
type Programme struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// Dates is a 360Giving event (planned dates).
type Dates struct {
	StartDate string  `json:"startDate,omitempty"`
	EndDate   string  `json:"endDate,omitempty"`
	Duration  float64 `json:"duration,omitempty"`
}

// Classification is a 360Giving classification.
type Classification struct {
	Vocabulary string `json:"vocabulary"`
	Code       string `json:"code"`
	Title      string `json:"title,omitempty"`
}

// Grant is one 360Giving grant.
type Grant struct {
	ID                    string           `json:"id"`
	Title                 string           `json:"title"`
	Description           string           `json:"description"`
	Currency              string           `json:"currency"`
	AmountAppliedFor      *float64         `json:"amountAppliedFor,omitempty"`
	AmountAwarded         float64          `json:"amountAwarded"`
	AmountDisbursed       float64          `json:"amountDisbursed"`
	AwardDate             string           `json:"awardDate"`
	PlannedDates          []Dates          `json:"plannedDates,omitempty"`
	ActualDates           []Dates          `json:"actualDates,omitempty"`
	RecipientOrganization []Organization   `json:"recipientOrganization"`
	BeneficiaryLocation   []Location       `json:"beneficiaryLocation,omitempty"`
	FundingOrganization   []Organization   `json:"fundingOrganization"`
	GrantProgramme        []Programme      `json:"grantProgramme"`
	FromOpenCall          string           `json:"fromOpenCall"`
	Classifications       []Classification `json:"classifications,omitempty"`
	Disbursements         []Disbursement   `json:"disbursementTransaction,omitempty"`
	DateModified          string           `json:"dateModified"`
}

// Disbursement is a 360Giving disbursement transaction: a tranche paid.
type Disbursement struct {
	ID              string  `json:"id"`
	TransactionDate string  `json:"transactionDate"`
	Currency        string  `json:"currency"`
	Value           float64 `json:"value"`
	Provider        string  `json:"provider"`
	Recipient       string  `json:"recipient"`
}

// Package is a 360Giving data package.
type Package struct {
	Grants  []Grant `json:"grants"`
	License string  `json:"license,omitempty"`
}

// OrgID is an organisation's identifier: CN-USCI-<credit code> when it has
// one (org-id.guide's list for China's unified social credit codes), else
// the publisher's own.
func (pub Publisher) OrgID(id int64, code string) string {
	if code != "" {
		return "CN-USCI-" + code
	}
	return fmt.Sprintf("%s-org-%d", pub.Prefix, id)
}

// location is a division as 360Giving names it; none for an unknown code.
func location(code string) []Location {
	if code == "" {
		return nil
	}
	l := Location{CountryCode: "CN", GeoCode: code, GeoCodeType: "GB/T 2260"}
	if d, ok := stdcode.LookupDivision(code); ok {
		l.Name = d.Name
	}
	return []Location{l}
}

// Grants lists every project approved by the end of the day as a grant:
// awarded on the day of the move that approved it, with what had been
// disbursed by then, its public fields as they stood.
func Grants(ctx context.Context, q store.Querier, pub Publisher, a AsOf) (Package, error) {
	w, err := load(ctx, q, a)
	if err != nil {
		return Package{}, err
	}
	out := Package{Grants: []Grant{}, License: pub.LicenceURL()}
	for _, r := range w.records {
		if r.approvedAt.IsZero() || r.approved <= 0 {
			continue
		}
		t := r.t
		public := Public(t, r.data)
		title, _ := public[t.TitleField()].(string)
		if title == "" {
			title, _ = public["title"].(string)
		}
		if title == "" {
			title = fmt.Sprintf("%s #%d", t.Name, r.id)
		}
		g := Grant{
			ID: fmt.Sprintf("%s-%d", pub.Prefix, r.id), Title: title, Description: t.Name + "：" + title, Currency: "CNY",
			AmountAwarded: r.approved, AmountDisbursed: r.disbursed, AwardDate: r.approvedAt.In(cst).Format(time.DateOnly),
			RecipientOrganization: []Organization{{ID: pub.OrgID(r.org.id, r.org.code), Name: r.org.name, Location: location(r.org.district)}},
			BeneficiaryLocation:   location(r.org.district),
			FundingOrganization:   []Organization{{ID: pub.ID, Name: pub.Name}},
			GrantProgramme:        []Programme{{Code: t.Key, Title: t.Name}}, FromOpenCall: "Yes",
			DateModified: r.changed.UTC().Format(time.RFC3339),
		}
		if f, ok := t.Field("amount_requested"); !ok || f.Public {
			// The amount applied for is a form field: out only when public
			// (or when the form has none and the record's own is used).
			if r.requested > 0 {
				v := r.requested
				g.AmountAppliedFor = &v
			}
		}
		if d := planned(r, public); d != nil {
			g.PlannedDates = []Dates{*d}
		}
		if d := actual(r); d != nil {
			g.ActualDates = []Dates{*d}
		}
		for _, e := range r.disbursements {
			g.Disbursements = append(g.Disbursements, Disbursement{ID: fmt.Sprintf("%s-%d-disbursement-%d", pub.Prefix, r.id, e.id),
				TransactionDate: e.at.In(cst).Format(time.DateOnly), Currency: "CNY", Value: e.amount.Float64,
				Provider: pub.ID, Recipient: g.RecipientOrganization[0].ID})
		}
		for _, c := range r.org.clusters {
			g.Classifications = append(g.Classifications, Classification{Vocabulary: "xinzhi:cluster", Code: c[0], Title: c[1]})
		}
		if f, ok := public["field"].(string); ok && f != "" {
			title := f
			if fd, ok := t.Field("field"); ok {
				title = fd.OptionLabel(f, "en")
			}
			g.Classifications = append(g.Classifications, Classification{Vocabulary: "xinzhi:field", Code: f, Title: title})
		}
		out.Grants = append(out.Grants, g)
	}
	return out, nil
}

// planned is when the work is to run: from the contract's signing (or the
// award) to the planned end, or for the term in months, as far as the
// public fields say; nil when they say nothing.
func planned(r *record, public map[string]any) *Dates {
	start := r.approvedAt
	if c := r.contracted(); c != nil {
		start = c.at
	}
	d := Dates{StartDate: start.In(cst).Format(time.DateOnly)}
	for _, f := range r.t.Form {
		if f.End == "planned" {
			if s, ok := public[f.Key].(string); ok && s != "" {
				d.EndDate = s
			}
		}
	}
	if m, ok := public["term_months"].(float64); ok && m > 0 {
		d.Duration = m
	}
	if d.EndDate == "" && d.Duration == 0 {
		return nil
	}
	return &d
}

// actual is when the work ran: from the contract's signing to the day the
// record reached a terminal stage or an outcome; nil before a contract.
func actual(r *record) *Dates {
	c := r.contracted()
	if c == nil {
		return nil
	}
	d := Dates{StartDate: c.at.In(cst).Format(time.DateOnly)}
	for _, e := range r.events {
		if e.id <= c.id {
			continue
		}
		if st, ok := r.t.Stage(e.to); ok && (st.Terminal || st.Outcome != "") {
			d.EndDate = e.at.In(cst).Format(time.DateOnly)
			break
		}
	}
	return &d
}

// Public keeps only the form fields the template marks public; a person
// (or a file, or a table naming one) never leaves, whatever the mark, nor
// does an e-mail address, mobile or ID number typed into a public text.
func Public(t *program.Template, data map[string]any) map[string]any {
	out := map[string]any{}
	for _, f := range t.Form {
		v, ok := data[f.Key]
		if !ok || !f.Public || !publishable(f) {
			continue
		}
		out[f.Key] = scrub(v)
	}
	return out
}

func publishable(f program.Field) bool {
	switch f.Type {
	case "person", "file":
		return false
	}
	for _, c := range f.Columns {
		if !publishable(c) {
			return false
		}
	}
	return true
}
