package finance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

var shanghai = time.FixedZone("CST", 8*3600)

// collateralOf maps the funding-need form's choice to a collateral key.
var collateralOf = map[string]string{"信用": "none", "知识产权质押": "ip", "股权质押": "equity", "应收账款": "receivables", "不动产抵押": "property", "第三方担保": "guarantee"}

// productSource is the products listed now, as candidates for needs.
type productSource struct{}

// NewProducts returns the pool of listed products.
func NewProducts(db *store.DB, seg *search.Segmenter) *match.Pool {
	return match.NewPool(db, seg, productSource{})
}

func (productSource) Config() match.Config {
	return match.Config{Fields: map[string]float64{"name": 2, "description": 1, "tags": 1.5}}
}

func (productSource) Touched(_ context.Context, _ *store.DB, evs []match.Event) ([]int64, error) {
	return match.Of(evs, "finance_product")["finance_product"], nil
}

func (productSource) Load(ctx context.Context, db *store.DB, ids []int64) ([]match.Doc, error) {
	var out []match.Doc
	run := func(where string, args []any) error {
		rows, err := db.QueryContext(ctx, `SELECT `+productCols+` FROM finance_products p JOIN organisations o ON o.id = p.institution_id WHERE p.delisted = '' AND `+where, args...)
		if err != nil {
			return fmt.Errorf("finance: load products: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanProduct(rows)
			if err != nil {
				return err
			}
			out = append(out, productDoc(p))
		}
		return rows.Err()
	}
	if ids == nil {
		return out, run("1 = 1", nil)
	}
	return out, match.InBatches(ids, func(list string, args []any) error { return run("p.id IN ("+list+")", args) })
}

// productDoc is a product as the engine sees it: an empty list of stages or
// sizes means any, and a cap of 0 none.
func productDoc(p Product) match.Doc {
	d := match.Doc{ID: p.ID,
		Text:  map[string]string{"name": p.Name + " " + p.Institution, "description": p.Description, "tags": strings.Join(p.Tags, " ")},
		Attrs: map[string][]string{"kind": {p.Kind}, "collateral": {p.Collateral}, "stage": p.Stages, "size": p.Sizes},
		Nums:  map[string]float64{"amount_min": p.AmountMin, "rate": p.Rate}}
	if len(p.Stages) == 0 {
		d.Attrs["stage"] = []string{"any"}
	}
	if len(p.Sizes) == 0 {
		d.Attrs["size"] = []string{"any"}
	}
	if p.AmountMax > 0 {
		d.Nums["amount_max"] = p.AmountMax
	}
	if p.PromisedDays > 0 {
		d.Nums["promised_days"] = float64(p.PromisedDays)
	}
	return d
}

// Need is a funding need as read from its record.
type Need struct {
	program.Project
	Stage      string // rd, poc, pilot, industrialisation
	Amount     float64
	Collateral string // a key of Collaterals; none when the need offers nothing
	Size       string // the enterprise's size, "" if unknown
}

// loadNeed reads a funding-need record the principal may act on.
func loadNeed(ctx context.Context, db *store.DB, p access.Principal, id int64) (Need, program.Reach, error) {
	var n Need
	pr, err := program.GetProject(ctx, db, id)
	if err != nil {
		return n, program.Reach{}, err
	}
	t, err := program.LoadTemplate(ctx, db, pr.TemplateID)
	if err != nil {
		return n, program.Reach{}, err
	}
	r, err := program.ReachOf(ctx, db, p, pr, t)
	if err != nil {
		return n, r, err
	}
	if !r.Staff && !r.Owner {
		return n, r, fmt.Errorf("project %d: %w", id, problem.ErrNotFound)
	}
	if t.Key != "funding_need" {
		return n, r, problem.New(problem.ErrConflict, "match.not_a_need", t.Name)
	}
	n.Project = pr
	stage, _ := pr.Data["stage"].(string)
	n.Stage = StageOf[stage]
	n.Amount, _ = pr.Data["amount_requested"].(float64)
	c, _ := pr.Data["collateral"].(string)
	n.Collateral = collateralOf[c]
	if n.Collateral == "" {
		n.Collateral = "none" // offering nothing: credit-only products
	}
	if err := db.QueryRowContext(ctx, `SELECT size FROM organisations WHERE id = ?`, pr.OrganisationID).Scan(&n.Size); err != nil {
		return n, r, fmt.Errorf("finance: need's enterprise: %w", err)
	}
	return n, r, nil
}

// Query is what a need asks of the products: its stage, its size, an
// amount inside the product's range and collateral it can give (credit-only
// products take anyone), ranked by text, then quicker promises and lower
// rates.
func (n Need) Query() match.Query {
	q := match.Query{Text: n.Title + "\n" + fmt.Sprint(n.Data["purpose"]), Browse: true, TextWeight: 0.6,
		Features: []match.Feature{{Name: "promised_days", Weight: 0.2, Lower: true}, {Name: "rate", Weight: 0.2, Lower: true}}}
	if n.Stage != "" {
		q.Must = append(q.Must, match.In("stage", n.Stage, "any"))
	}
	if n.Size != "" {
		q.Must = append(q.Must, match.In("size", n.Size, "any"))
	}
	if n.Amount > 0 {
		q.Must = append(q.Must, match.Covers("amount", n.Amount))
	}
	if n.Collateral != "" && n.Collateral != "none" {
		q.Must = append(q.Must, match.In("collateral", "none", n.Collateral))
	} else if n.Collateral == "none" {
		q.Must = append(q.Must, match.In("collateral", "none"))
	}
	return q
}

// Offer is a suggested product with what the engine said of it.
type Offer struct {
	match.Suggestion
	Product Product `json:"product"`
}

// Suggest ranks the listed products for funding need needID, leaving out
// those it was already sent to.
func Suggest(ctx context.Context, db *store.DB, pool *match.Pool, p access.Principal, needID int64, limit int) ([]Offer, error) {
	n, _, err := loadNeed(ctx, db, p, needID)
	if err != nil {
		return nil, err
	}
	q := n.Query()
	q.Limit = limit
	rows, err := db.QueryContext(ctx, `SELECT product_id FROM finance_applications WHERE need_id = ?`, needID)
	if err != nil {
		return nil, fmt.Errorf("finance: sent products: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		q.Exclude = append(q.Exclude, id)
	}
	rows.Close()
	ix, err := pool.Index(ctx)
	if err != nil {
		return nil, err
	}
	got, err := ix.Match(q)
	if err != nil {
		return nil, err
	}
	out := make([]Offer, 0, len(got))
	for _, g := range got {
		pr, err := GetProduct(ctx, db, g.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, Offer{Suggestion: g, Product: pr})
	}
	return out, nil
}

// Application is a need sent to one product's institution, and its answer.
type Application struct {
	ID             int64   `json:"id"`
	NeedID         int64   `json:"need_id"`
	Need           string  `json:"need"`
	ProductID      int64   `json:"product_id"`
	Product        string  `json:"product"`
	Kind           string  `json:"kind"`
	InstitutionID  int64   `json:"institution_id"`
	Institution    string  `json:"institution"`
	OrganisationID int64   `json:"organisation_id"`
	Organisation   string  `json:"organisation"`
	Stage          string  `json:"stage"`
	Requested      float64 `json:"amount_requested"`
	SentOn         string  `json:"sent_on"`
	Decision       string  `json:"decision"` // pending, approved, declined
	Approved       float64 `json:"amount_approved"`
	DecidedOn      string  `json:"decided_on,omitempty"`
	Note           string  `json:"note,omitempty"`
	DockingID      int64   `json:"docking_id,omitempty"`
	PromisedDays   int     `json:"promised_days"`
	Days           int     `json:"days"`   // calendar days from sending to the decision (or to today while pending)
	Breach         bool    `json:"breach"` // more days than promised
	Version        int     `json:"version"`
}

// Send sends need needID to product productID at a time (now, or when a
// need is entered after the fact): an application the institution decides
// on, and a docking record (topic 科技金融) between the enterprise and the
// institution from that time, in one transaction. The product must be
// listed that day (China time) and fit the need's stage, amount and
// collateral.
func Send(ctx context.Context, db *store.DB, p access.Principal, needID, productID int64, at time.Time) (Application, error) {
	day := at.In(shanghai).Format(time.DateOnly)
	var a Application
	n, r, err := loadNeed(ctx, db, p, needID)
	if err != nil {
		return a, err
	}
	if !r.Owner && !r.Manager {
		return a, problem.New(problem.ErrForbidden, "match.owner_only")
	}
	if n.Stage == "" || n.Amount <= 0 {
		return a, problem.New(problem.ErrConflict, "finance.need_incomplete")
	}
	if at.After(clock.Now(ctx).Add(time.Hour)) { // after the business date
		return a, problem.Invalid("sent_on", "finance.future")
	}
	pr, err := GetProduct(ctx, db, productID)
	if err != nil {
		return a, problem.Invalid("product_id", "finance.no_product", productID)
	}
	if why := Eligible(pr, n, day); why != "" {
		return a, problem.Invalid("product_id", why, pr.Name)
	}
	a = Application{NeedID: needID, Need: n.Title, ProductID: pr.ID, Product: pr.Name, Kind: pr.Kind, InstitutionID: pr.InstitutionID, Institution: pr.Institution,
		OrganisationID: n.OrganisationID, Stage: n.Stage, Requested: n.Amount, SentOn: day, Decision: "pending", PromisedDays: pr.PromisedDays, Version: 1}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		c, err := program.StandingCall(ctx, tx, "docking", "docking", "供需对接")
		if err != nil {
			return err
		}
		title := []rune("融资对接：" + n.Title + " — " + pr.Institution + "「" + pr.Name + "」")
		dk, err := program.CreateInTxAt(ctx, tx, c.ID, n.OrganisationID, map[string]any{"title": string(title[:min(len(title), 120)]), "topic": "科技金融",
			"counterpart": float64(pr.InstitutionID), "need_record": float64(needID)}, at)
		if err != nil {
			return err
		}
		a.DockingID = dk.ID
		if err := tx.QueryRowContext(ctx, `INSERT INTO finance_applications (need_id, product_id, institution_id, organisation_id, stage, amount_requested, sent_on, docking_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, needID, pr.ID, pr.InstitutionID, n.OrganisationID, n.Stage, n.Amount, day, dk.ID, store.Now()).Scan(&a.ID); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.New(problem.ErrConflict, "finance.sent_already", pr.Name)
			}
			return fmt.Errorf("finance: send: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "finance_application", EntityID: a.ID, Action: "send", After: a})
	})
	return a, err
}

// Eligible says why product pr cannot take need n on day ("" when it can):
// the message key of the first rule it breaks.
func Eligible(pr Product, n Need, day string) string {
	switch {
	case pr.Listed > day || (pr.Delisted != "" && pr.Delisted <= day):
		return "finance.not_listed"
	case len(pr.Stages) > 0 && !contains(pr.Stages, n.Stage):
		return "finance.wrong_stage"
	case len(pr.Sizes) > 0 && n.Size != "" && !contains(pr.Sizes, n.Size):
		return "finance.wrong_size"
	case n.Amount < pr.AmountMin || (pr.AmountMax > 0 && n.Amount > pr.AmountMax):
		return "finance.wrong_amount"
	case pr.Collateral != "none" && n.Collateral != "" && n.Collateral != pr.Collateral:
		return "finance.wrong_collateral"
	}
	return ""
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Decide records the institution's answer on day: approved (with the
// amount, at most what was asked) or declined. Only a user of that
// institution (or a program manager) may, once; version guards a concurrent
// edit.
func Decide(ctx context.Context, db *store.DB, p access.Principal, appID int64, decision string, amount float64, day, note string, version int) (Application, error) {
	a, err := GetApplication(ctx, db, appID, day)
	if err != nil {
		return a, err
	}
	if !p.Can(access.ProgramManage) && !(p.OrgID == a.InstitutionID && p.Has(access.Finance)) {
		if p.OrgID != a.OrganisationID {
			return a, fmt.Errorf("application %d: %w", appID, problem.ErrNotFound)
		}
		return a, problem.New(problem.ErrForbidden, "finance.institution_only")
	}
	if a.Decision != "pending" {
		return a, problem.New(problem.ErrConflict, "finance.decided")
	}
	var ps problem.List
	switch decision {
	case "approved":
		if !(amount > 0) || amount > a.Requested || math.IsInf(amount, 0) {
			ps = append(ps, problem.Invalid("amount_approved", "finance.bad_amount", yuan(a.Requested)))
		}
	case "declined":
		amount = 0
	default:
		ps = append(ps, problem.Invalid("decision", "finance.bad_decision"))
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil || day < a.SentOn {
		ps = append(ps, problem.Invalid("decided_on", "finance.bad_decided_on", a.SentOn))
	}
	if len([]rune(note)) > 1000 {
		ps = append(ps, problem.Invalid("note", "finance.long_description", 1000))
	}
	if len(ps) > 0 {
		return a, ps
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE finance_applications SET decision = ?, amount_approved = ?, decided_on = ?, note = ?, version = version + 1
			WHERE id = ? AND version = ? AND decision = 'pending'`, decision, amount, day, note, appID, version)
		if err != nil {
			return fmt.Errorf("finance: decide: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "finance.decided")
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "finance_application", EntityID: appID, Action: decision,
			Before: map[string]any{"decision": "pending"}, After: map[string]any{"decision": decision, "amount_approved": amount, "decided_on": day}})
	})
	if err != nil {
		return a, err
	}
	return GetApplication(ctx, db, appID, day)
}

const appCols = `a.id, a.need_id, n.title, a.product_id, p.name, p.kind, a.institution_id, i.name, a.organisation_id, e.name, a.stage, a.amount_requested, a.sent_on,
a.decision, a.amount_approved, a.decided_on, a.note, COALESCE(a.docking_id, 0), p.promised_days, a.version`

const appTables = `finance_applications a JOIN projects n ON n.id = a.need_id JOIN finance_products p ON p.id = a.product_id
JOIN organisations i ON i.id = a.institution_id JOIN organisations e ON e.id = a.organisation_id`

func scanApplication(sc interface{ Scan(...any) error }, today string) (Application, error) {
	var a Application
	err := sc.Scan(&a.ID, &a.NeedID, &a.Need, &a.ProductID, &a.Product, &a.Kind, &a.InstitutionID, &a.Institution, &a.OrganisationID, &a.Organisation,
		&a.Stage, &a.Requested, &a.SentOn, &a.Decision, &a.Approved, &a.DecidedOn, &a.Note, &a.DockingID, &a.PromisedDays, &a.Version)
	if err != nil {
		return a, err
	}
	end := a.DecidedOn
	if end == "" {
		end = today
	}
	a.Days = Days(a.SentOn, end)
	a.Breach = a.PromisedDays > 0 && a.Days > a.PromisedDays
	return a, nil
}

// Days counts calendar days from one date to a later one (0 on the same
// day); a bad or earlier date gives 0.
func Days(from, to string) int {
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || t.Before(f) {
		return 0
	}
	return int(t.Sub(f).Hours() / 24)
}

// GetApplication reads one application; a pending one counts its days to
// today.
func GetApplication(ctx context.Context, q store.Querier, id int64, today string) (Application, error) {
	a, err := scanApplication(q.QueryRowContext(ctx, `SELECT `+appCols+` FROM `+appTables+` WHERE a.id = ?`, id), today)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("application %d: %w", id, problem.ErrNotFound)
	}
	return a, err
}

// Applications lists applications: of one institution (institutionID > 0),
// of one enterprise (orgID > 0), or all; newest first.
func Applications(ctx context.Context, q store.Querier, institutionID, orgID int64, today string) ([]Application, error) {
	where, args := "1 = 1", []any{}
	if institutionID > 0 {
		where, args = "a.institution_id = ?", []any{institutionID}
	} else if orgID > 0 {
		where, args = "a.organisation_id = ?", []any{orgID}
	}
	rows, err := q.QueryContext(ctx, `SELECT `+appCols+` FROM `+appTables+` WHERE `+where+` ORDER BY a.sent_on DESC, a.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("finance: applications: %w", err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows, today)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ApplicationsOf lists the applications of one need, newest first.
func ApplicationsOf(ctx context.Context, q store.Querier, needID int64, today string) ([]Application, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+appCols+` FROM `+appTables+` WHERE a.need_id = ? ORDER BY a.sent_on DESC, a.id DESC`, needID)
	if err != nil {
		return nil, fmt.Errorf("finance: applications of need: %w", err)
	}
	defer rows.Close()
	var out []Application
	for rows.Next() {
		a, err := scanApplication(rows, today)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// yuan prints an amount as people write it: 6200000, not 6.2e+06.
func yuan(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
