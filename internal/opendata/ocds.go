package opendata

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// OCDS 1.1: each challenge list (揭榜挂帅) is a contracting process — the
// challenge the tender, the chosen bid the award, the signed agreement the
// contract; each competitive call too — the call the tender, each approved
// application an award and its task contract (任务书) a contract, with its
// milestones (the stages it has passed and, when public, its planned
// deliverables) and its disbursements as implementation transactions.
// Parties are organisations only: no person is ever named.

// Release is an OCDS release.
type Release struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Parties        []Party        `json:"parties"`
	Buyer          OrgRef         `json:"buyer"`
	Tender         Tender         `json:"tender"`
	Awards         []Award        `json:"awards,omitempty"`
	Contracts      []Contract     `json:"contracts,omitempty"`
	Language       string         `json:"language"`
	Extra          map[string]any `json:"xinzhi,omitempty"` // the public form fields (challenges)
	Bidding        bool           `json:"-"`                // open to bids now (the record's stage opens a child kind)
}

// OrgRef is an OCDS organisation reference.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Party is an OCDS party.
type Party struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Address *Address `json:"address,omitempty"`
	Roles   []string `json:"roles"`
}

// Address is an OCDS address: the division's name and code.
type Address struct {
	Region      string `json:"region,omitempty"`
	CountryName string `json:"countryName,omitempty"`
}

// Value is an amount of money.
type Value struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Period is an OCDS period.
type Period struct {
	StartDate string `json:"startDate,omitempty"`
	EndDate   string `json:"endDate,omitempty"`
}

// Tender is an OCDS tender.
type Tender struct {
	ID                 string  `json:"id"`
	Title              string  `json:"title"`
	Status             string  `json:"status"`
	Value              *Value  `json:"value,omitempty"`
	ProcuringEntity    *OrgRef `json:"procuringEntity,omitempty"`
	TenderPeriod       *Period `json:"tenderPeriod,omitempty"`
	NumberOfTenderers  int     `json:"numberOfTenderers"`
	ProcurementMethod  string  `json:"procurementMethod"`
	MainProcurementCat string  `json:"mainProcurementCategory"`
}

// Award is an OCDS award.
type Award struct {
	ID        string   `json:"id"`
	Title     string   `json:"title,omitempty"`
	Status    string   `json:"status"`
	Date      string   `json:"date"`
	Value     *Value   `json:"value,omitempty"`
	Suppliers []OrgRef `json:"suppliers"`
}

// Contract is an OCDS contract.
type Contract struct {
	ID             string          `json:"id"`
	AwardID        string          `json:"awardID"`
	Title          string          `json:"title,omitempty"`
	Status         string          `json:"status"`
	DateSigned     string          `json:"dateSigned"`
	Value          *Value          `json:"value,omitempty"`
	Milestones     []Milestone     `json:"milestones,omitempty"`
	Implementation *Implementation `json:"implementation,omitempty"`
}

// Milestone is an OCDS milestone.
type Milestone struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Type    string `json:"type"`
	DueDate string `json:"dueDate,omitempty"`
	DateMet string `json:"dateMet,omitempty"`
	Status  string `json:"status"`
}

// Implementation holds a contract's transactions.
type Implementation struct {
	Transactions []Transaction `json:"transactions"`
}

// Transaction is an OCDS transaction: a disbursement.
type Transaction struct {
	ID    string `json:"id"`
	Date  string `json:"date"`
	Value Value  `json:"value"`
	Payer OrgRef `json:"payer"`
	Payee OrgRef `json:"payee"`
}

// PackagePublisher is an OCDS package's publisher.
type PackagePublisher struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
}

// ReleasePackage is an OCDS release package.
type ReleasePackage struct {
	URI           string           `json:"uri"`
	PublishedDate string           `json:"publishedDate"`
	Version       string           `json:"version"`
	Publisher     PackagePublisher `json:"publisher"`
	License       string           `json:"license,omitempty"`
	Releases      []Release        `json:"releases"`
}

// LinkedRelease names a release of a record by the package it is in.
type LinkedRelease struct {
	URL  string   `json:"url"`
	Date string   `json:"date"`
	Tag  []string `json:"tag,omitempty"`
}

// Record is an OCDS record: the releases of a process and its compiled state.
type Record struct {
	OCID            string          `json:"ocid"`
	Releases        []LinkedRelease `json:"releases"`
	CompiledRelease Release         `json:"compiledRelease"`
}

// RecordPackage is an OCDS record package.
type RecordPackage struct {
	URI           string           `json:"uri"`
	PublishedDate string           `json:"publishedDate"`
	Version       string           `json:"version"`
	Publisher     PackagePublisher `json:"publisher"`
	License       string           `json:"license,omitempty"`
	Packages      []string         `json:"packages,omitempty"`
	Records       []Record         `json:"records"`
}

func (pub Publisher) ocid() string {
	if pub.OCIDPrefix != "" {
		return pub.OCIDPrefix
	}
	return "ocds-" + pub.Prefix
}

func (pub Publisher) pkgPublisher() PackagePublisher {
	p := PackagePublisher{Name: pub.Name}
	if len(pub.ID) > len("CN-USCI-") && pub.ID[:len("CN-USCI-")] == "CN-USCI-" {
		p.Scheme, p.UID = "CN-USCI", pub.ID[len("CN-USCI-"):]
	}
	return p
}

// process is one contracting process as of the day, with the days it
// changed on.
type process struct {
	rel    Release
	days   []string
	lastOn map[string]time.Time // each day's last change
	last   time.Time
}

// Releases is the release package of the day: one release per contracting
// process as it stood at the end of it. With since (non-zero), only the
// processes that changed after that day: the day's increment.
func Releases(ctx context.Context, q store.Querier, pub Publisher, a AsOf, since *AsOf) (ReleasePackage, error) {
	procs, err := processes(ctx, q, pub, a)
	if err != nil {
		return ReleasePackage{}, err
	}
	out := ReleasePackage{URI: pub.BaseURL + "/open-data/ocds/releases.json?date=" + a.Date(), PublishedDate: a.Published(), Version: OCDS.Minor(),
		Publisher: pub.pkgPublisher(), License: pub.LicenceURL(), Releases: []Release{}}
	for _, p := range procs {
		if since != nil && p.last.Before(since.cutoff()) {
			continue
		}
		out.Releases = append(out.Releases, p.rel)
	}
	if since != nil {
		out.URI += "&since=" + since.Date()
	}
	return out, nil
}

// Records is the record package of the day: each process with its compiled
// release and, linked, the release of each day it changed on.
func Records(ctx context.Context, q store.Querier, pub Publisher, a AsOf) (RecordPackage, error) {
	procs, err := processes(ctx, q, pub, a)
	if err != nil {
		return RecordPackage{}, err
	}
	out := RecordPackage{URI: pub.BaseURL + "/open-data/ocds/records.json?date=" + a.Date(), PublishedDate: a.Published(), Version: OCDS.Minor(),
		Publisher: pub.pkgPublisher(), License: pub.LicenceURL(), Records: []Record{}}
	seen := map[string]bool{}
	for _, p := range procs {
		rec := Record{OCID: p.rel.OCID, CompiledRelease: p.rel}
		rec.CompiledRelease.Tag = []string{"compiled"}
		for _, d := range p.days {
			url := pub.BaseURL + "/open-data/ocds/releases.json?date=" + d
			rec.Releases = append(rec.Releases, LinkedRelease{URL: url, Date: rfc(p.lastOn[d])})
			if !seen[url] {
				seen[url] = true
				out.Packages = append(out.Packages, url)
			}
		}
		out.Records = append(out.Records, rec)
	}
	sort.Strings(out.Packages)
	return out, nil
}

// processes are the day's contracting processes: challenges first, then
// calls, each in id order.
func processes(ctx context.Context, q store.Querier, pub Publisher, a AsOf) ([]process, error) {
	w, err := load(ctx, q, a)
	if err != nil {
		return nil, err
	}
	var out []process
	for _, r := range w.records {
		if r.parent != 0 || !isChallenge(r.t) {
			continue
		}
		if p, ok := challengeProcess(w, pub, r); ok {
			out = append(out, p)
		}
	}
	for _, id := range w.sortedCallIDs() {
		c := w.calls[id]
		if p, ok := callProcess(w, pub, a, c); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// isChallenge: a template whose records take bids from other organisations.
func isChallenge(t *program.Template) bool {
	for _, c := range t.Children {
		for _, by := range c.By {
			if by == "other_org" {
				return true
			}
		}
	}
	return false
}

// awards: a template whose moves approve an amount (a competitive call).
func awards(t *program.Template) bool {
	for _, tr := range t.Transitions {
		if tr.Amount == "approved" {
			return true
		}
	}
	return false
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func day(t time.Time) string { return t.In(cst).Format(time.DateOnly) }

func cny(v float64) *Value { return &Value{Amount: v, Currency: "CNY"} }

// track notes a change of the process.
func (p *process) track(t time.Time) {
	if t.IsZero() {
		return
	}
	if t.After(p.last) {
		p.last = t
	}
	d := day(t)
	if p.lastOn == nil {
		p.lastOn = map[string]time.Time{}
	}
	if t.After(p.lastOn[d]) {
		p.lastOn[d] = t
	}
	for _, x := range p.days {
		if x == d {
			return
		}
	}
	p.days = append(p.days, d)
}

// finish dates the release by its last change and tags it with the
// sections it holds.
func (p *process) finish() {
	sort.Strings(p.days)
	p.rel.Date = rfc(p.last)
	p.rel.ID = fmt.Sprintf("%s-%s", p.rel.OCID, p.last.UTC().Format("20060102T150405Z"))
	p.rel.Tag = []string{"tender"}
	if len(p.rel.Awards) > 0 {
		p.rel.Tag = append(p.rel.Tag, "award")
	}
	if len(p.rel.Contracts) > 0 {
		p.rel.Tag = append(p.rel.Tag, "contract")
		for _, c := range p.rel.Contracts {
			if c.Implementation != nil {
				p.rel.Tag = append(p.rel.Tag, "implementation")
				break
			}
		}
	}
}

// party adds an organisation to the parties in a role.
func (p *process) party(ref OrgRef, district string, role string) {
	for i := range p.rel.Parties {
		if p.rel.Parties[i].ID == ref.ID {
			for _, r := range p.rel.Parties[i].Roles {
				if r == role {
					return
				}
			}
			p.rel.Parties[i].Roles = append(p.rel.Parties[i].Roles, role)
			return
		}
	}
	party := Party{ID: ref.ID, Name: ref.Name, Roles: []string{role}}
	if l := location(district); l != nil {
		party.Address = &Address{Region: l[0].GeoCode + " " + l[0].Name, CountryName: "中国"}
	}
	p.rel.Parties = append(p.rel.Parties, party)
}

func (r *record) ref(pub Publisher) OrgRef {
	return OrgRef{ID: pub.OrgID(r.org.id, r.org.code), Name: r.org.name}
}

// challengeProcess is a challenge published by the day, with its chosen
// bid, its agreement and the stages the work has passed.
func challengeProcess(w *world, pub Publisher, r *record) (process, bool) {
	status, published := tenderStatus(r.t, r.stage)
	if !published {
		return process{}, false
	}
	// Withdrawn before it was ever published: never public.
	if len(r.events) > 0 && r.moved(func(e event, _ *program.Transition) bool { return bidding(r.t, e.to) }) == nil && !bidding(r.t, r.stage) {
		return process{}, false
	}
	public := Public(r.t, r.data)
	title, _ := public["title"].(string)
	buyer := r.ref(pub)
	ocid := fmt.Sprintf("%s-%d", pub.ocid(), r.id)
	p := process{rel: Release{OCID: ocid, InitiationType: "tender", Language: "zh", Buyer: buyer, Parties: []Party{},
		Tender: Tender{ID: fmt.Sprint(r.id), Title: title, Status: status, ProcuringEntity: &buyer, ProcurementMethod: "open", MainProcurementCat: "services"},
		Extra:  public, Bidding: bidding(r.t, r.stage)}}
	p.party(buyer, r.org.district, "buyer")
	p.party(buyer, r.org.district, "procuringEntity")
	if b, ok := public["bounty"].(float64); ok && b > 0 {
		p.rel.Tender.Value = cny(b)
	}
	// What the public sees change: the moves from publication on, the
	// public form's edits, the bids' arrivals and the choice.
	pe := r.moved(func(e event, _ *program.Transition) bool { return bidding(r.t, e.to) })
	for _, e := range r.events {
		if pe != nil && e.id >= pe.id && e.from != e.to {
			p.track(e.at)
		}
	}
	p.track(r.edited)
	if pe != nil {
		p.rel.Tender.TenderPeriod = &Period{StartDate: rfc(pe.at)}
		if d, ok := public["bid_deadline"].(string); ok && d != "" {
			p.rel.Tender.TenderPeriod.EndDate = d + "T23:59:59+08:00"
		}
	}
	var chosen *record
	for _, c := range r.t.Children {
		for _, bid := range w.children(r.id, c.Key) {
			if bid.stage == bid.t.Initial() {
				continue
			}
			p.rel.Tender.NumberOfTenderers++
			p.party(bid.ref(pub), bid.org.district, "tenderer")
			if len(bid.events) > 0 {
				p.track(bid.events[0].at)
			}
			if bid.stage == "selected" || bid.stage == "contracted" {
				sel := bid.moved(func(e event, _ *program.Transition) bool { return e.to == "selected" || e.to == "contracted" })
				if sel == nil {
					continue
				}
				chosen = bid
				p.track(sel.at)
				sup := bid.ref(pub)
				p.party(sup, bid.org.district, "supplier")
				p.rel.Awards = append(p.rel.Awards, Award{ID: fmt.Sprint(bid.id), Title: title, Status: "active", Date: rfc(sel.at), Suppliers: []OrgRef{sup}})
			}
		}
	}
	if chosen != nil {
		if c := r.contracted(); c != nil {
			ct := Contract{ID: fmt.Sprint(r.id), AwardID: fmt.Sprint(chosen.id), Title: title, Status: contractStatus(r), DateSigned: rfc(c.at),
				Milestones: stageMilestones(r, c)}
			ct.Implementation = transactions(pub, r, r.ref(pub), chosen.ref(pub))
			p.rel.Contracts = append(p.rel.Contracts, ct)
		}
	}
	p.finish()
	return p, true
}

// callProcess is a competitive call opened by the day: its applications as
// tenderers, each approved one an award, its task contract a contract.
func callProcess(w *world, pub Publisher, a AsOf, c call) (process, bool) {
	var recs []*record
	var t *program.Template
	for _, r := range w.records {
		if r.call == c.id && r.parent == 0 {
			recs = append(recs, r)
			t = r.t
		}
	}
	if t == nil || !awards(t) || isChallenge(t) || c.opens > a.Date() {
		return process{}, false
	}
	funder := OrgRef{ID: pub.ID, Name: pub.Name}
	status := "active"
	if c.closes < a.Date() {
		status = "complete"
	}
	p := process{rel: Release{OCID: fmt.Sprintf("%s-call-%d", pub.ocid(), c.id), InitiationType: "tender", Language: "zh", Buyer: funder, Parties: []Party{},
		Tender: Tender{ID: "call-" + fmt.Sprint(c.id), Title: c.name, Status: status, ProcuringEntity: &funder,
			TenderPeriod:      &Period{StartDate: c.opens + "T00:00:00+08:00", EndDate: c.closes + "T23:59:59+08:00"},
			ProcurementMethod: "open", MainProcurementCat: "services"}}}
	if c.budget > 0 {
		p.rel.Tender.Value = cny(c.budget)
	}
	p.party(funder, "", "buyer")
	p.party(funder, "", "procuringEntity")
	p.party(funder, "", "payer")
	opened, _ := time.ParseInLocation(time.DateOnly, c.opens, cst)
	p.track(opened)
	for _, r := range recs {
		// A draft never submitted is no application.
		sub := r.moved(func(e event, _ *program.Transition) bool { return e.to != r.t.Initial() })
		if sub == nil {
			continue
		}
		p.rel.Tender.NumberOfTenderers++
		sup := r.ref(pub)
		p.party(sup, r.org.district, "tenderer")
		// What the public sees change: the application's arrival, its
		// award, its public fields, its contract's moves and payments.
		p.track(sub.at)
		if r.approvedAt.IsZero() || r.approved <= 0 {
			continue
		}
		p.track(r.approvedAt)
		p.track(r.edited)
		public := Public(r.t, r.data)
		title, _ := public[r.t.TitleField()].(string)
		p.party(sup, r.org.district, "supplier")
		id := fmt.Sprint(r.id)
		p.rel.Awards = append(p.rel.Awards, Award{ID: id, Title: title, Status: "active", Date: rfc(r.approvedAt), Value: cny(r.approved), Suppliers: []OrgRef{sup}})
		if ce := r.contracted(); ce != nil {
			for _, e := range r.events {
				if e.id >= ce.id && (e.from != e.to || transition(r.t, e.transition) != nil && transition(r.t, e.transition).Amount == "disbursed") {
					p.track(e.at)
				}
			}
			ct := Contract{ID: id, AwardID: id, Title: title, Status: contractStatus(r), DateSigned: rfc(ce.at), Value: cny(r.approved),
				Milestones: append(stageMilestones(r, ce), formMilestones(r, public)...)}
			ct.Implementation = transactions(pub, r, funder, sup)
			p.party(sup, r.org.district, "payee")
			p.rel.Contracts = append(p.rel.Contracts, ct)
		}
	}
	p.finish()
	return p, true
}

// contractStatus: terminated once the record reaches a terminal stage or
// one with an outcome, else active.
func contractStatus(r *record) string {
	if st, ok := r.t.Stage(r.stage); ok && (st.Terminal || st.Outcome != "") {
		return "terminated"
	}
	return "active"
}

// stageMilestones are the stages the record entered after its contract was
// signed, each met on the day it was entered.
func stageMilestones(r *record, signed *event) []Milestone {
	var out []Milestone
	after := false
	for _, e := range r.events {
		if e.id == signed.id {
			after = true
			continue
		}
		if !after || e.from == e.to {
			continue
		}
		name := e.to
		if st, ok := r.t.Stage(e.to); ok {
			name = st.Name
		}
		out = append(out, Milestone{ID: fmt.Sprintf("stage-%d", e.id), Title: name, Type: "assessment", DateMet: rfc(e.at), Status: "met"})
	}
	return out
}

// formMilestones are the contract's planned deliverables, when the
// template publishes its table of milestones (a date and a text column).
func formMilestones(r *record, public map[string]any) []Milestone {
	var out []Milestone
	for _, f := range r.t.Form {
		rows, ok := public[f.Key].([]any)
		if !ok || f.Type != "table" || f.Key != "milestones" {
			continue
		}
		for i, x := range rows {
			row, _ := x.(map[string]any)
			m := Milestone{ID: fmt.Sprintf("%s-%d", f.Key, i+1), Type: "delivery", Status: "scheduled"}
			for _, c := range f.Columns {
				switch v := row[c.Key].(type) {
				case string:
					if c.Type == "date" && m.DueDate == "" && v != "" {
						m.DueDate = v + "T23:59:59+08:00"
					} else if c.Type == "text" && m.Title == "" {
						m.Title = v
					}
				case bool:
					if v && c.Type == "boolean" {
						m.Status = "met"
					}
				}
			}
			if m.Title != "" {
				out = append(out, m)
			}
		}
	}
	return out
}

// transactions are the record's disbursements by the day.
func transactions(pub Publisher, r *record, payer, payee OrgRef) *Implementation {
	if len(r.disbursements) == 0 {
		return nil
	}
	im := &Implementation{}
	for _, e := range r.disbursements {
		im.Transactions = append(im.Transactions, Transaction{ID: fmt.Sprintf("disbursement-%d", e.id), Date: rfc(e.at),
			Value: Value{Amount: e.amount.Float64, Currency: "CNY"}, Payer: payer, Payee: payee})
	}
	return im
}

// Challenges lists the challenges of program key that stand published now
// (those open to bids from other organisations, and after), for the
// public pages.
func Challenges(ctx context.Context, q store.Querier, pub Publisher, key, baseURL string) (ReleasePackage, error) {
	return challenges(ctx, q, pub, key, baseURL, 0)
}

// Challenge is the release of one published challenge of program key, as
// Challenges gives it; problem.ErrNotFound when there is no such challenge
// or it is not published.
func Challenge(ctx context.Context, q store.Querier, pub Publisher, key, baseURL string, id int64) (Release, error) {
	pkg, err := challenges(ctx, q, pub, key, baseURL, id)
	if err != nil {
		return Release{}, err
	}
	if len(pkg.Releases) != 1 {
		return Release{}, problem.ErrNotFound
	}
	return pkg.Releases[0], nil
}

func challenges(ctx context.Context, q store.Querier, pub Publisher, key, baseURL string, only int64) (ReleasePackage, error) {
	if pub.BaseURL == "" {
		pub.BaseURL = baseURL
	}
	a, err := Day("")
	if err != nil {
		return ReleasePackage{}, err
	}
	// Now, not the day's end: what stands published at this moment.
	keys := []string{key}
	if pr, err := program.Latest(ctx, q, key); err == nil {
		for _, c := range pr.Template.Children {
			keys = append(keys, c.Template)
		}
	}
	w, err := load(ctx, q, AsOf{Day: a.Day.AddDate(0, 0, 1)}, keys...)
	if err != nil {
		return ReleasePackage{}, err
	}
	out := ReleasePackage{URI: pub.BaseURL + "/open-data/ocds/releases.json?date=" + a.Date(), PublishedDate: a.Published(), Version: OCDS.Minor(),
		Publisher: pub.pkgPublisher(), License: pub.LicenceURL(), Releases: []Release{}}
	for _, r := range w.records {
		if r.parent != 0 || r.t.Key != key || (only != 0 && r.id != only) {
			continue
		}
		if p, ok := challengeProcess(w, pub, r); ok {
			out.Releases = append(out.Releases, p.rel)
		}
	}
	return out, nil
}

// tenderStatus maps a challenge's stage to OCDS: a stage open to bids is
// active; stages after it are complete (terminal), cancelled (withdrawn)
// or active; stages before it are not published at all.
func tenderStatus(t *program.Template, stage string) (string, bool) {
	var open []string
	for _, c := range t.Children {
		for _, by := range c.By {
			if by == "other_org" {
				open = append(open, c.OpenIn...)
			}
		}
	}
	for _, s := range open {
		if s == stage {
			return "active", true
		}
	}
	// After publication: reachable from an open stage.
	seen := map[string]bool{}
	next := append([]string(nil), open...)
	for len(next) > 0 {
		s := next[0]
		next = next[1:]
		for _, tr := range t.Transitions {
			for _, f := range tr.From {
				if f == s && !seen[tr.To] {
					seen[tr.To] = true
					next = append(next, tr.To)
				}
			}
		}
	}
	if !seen[stage] {
		return "", false
	}
	if stage == "withdrawn" {
		return "cancelled", true
	}
	if st, ok := t.Stage(stage); ok && st.Terminal {
		return "complete", true
	}
	return "active", true
}

// bidding reports whether a record in stage takes children (bids) now.
func bidding(t *program.Template, stage string) bool {
	for _, c := range t.Children {
		for _, st := range c.OpenIn {
			if st == stage {
				return true
			}
		}
	}
	return false
}
