package digital

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// ProviderKind is the recognition that admits a service provider to the
// catalogue.
const ProviderKind = "digital_provider"

// providerAdmitted holds when x's provider holds the admission on a day
// (arguments: the kind, the day, the day).
const providerAdmitted = `EXISTS (SELECT 1 FROM recognitions r WHERE r.subject = 'organisation' AND r.subject_id = x.provider_id AND r.kind = ? AND r.granted <= ? AND (r.revoked = '' OR r.revoked > ?))`

// Deploys are how a solution is delivered.
var Deploys = []string{"saas", "on_premise", "hybrid"}

// Solution is a 小快轻准 product or solution in the catalogue.
type Solution struct {
	ID          int64    `json:"id"`
	ProviderID  int64    `json:"provider_id"`
	Provider    string   `json:"provider,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Scenes      []string `json:"scenes"`
	Price       float64  `json:"price"` // CNY a year (or once); 0: quoted on request
	Deploy      string   `json:"deploy"`
	Listed      string   `json:"listed"`
	Delisted    string   `json:"delisted,omitempty"`
}

// CheckSolution names every field to fix; scenes must be the model's.
func (m *Model) CheckSolution(s Solution) problem.List {
	var ps problem.List
	if s.ProviderID <= 0 {
		ps = append(ps, problem.Invalid("provider_id", "digital.no_provider"))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(s.Name)); n == 0 || n > 60 {
		ps = append(ps, problem.Invalid("name", "finance.bad_name", 60))
	}
	if utf8.RuneCountInString(s.Description) > 2000 {
		ps = append(ps, problem.Invalid("description", "finance.long_description", 2000))
	}
	if len(s.Scenes) == 0 {
		ps = append(ps, problem.Invalid("scenes", "digital.no_scenes"))
	}
	for _, sc := range s.Scenes {
		if !slices.ContainsFunc(m.Scenes, func(x Scene) bool { return x.Name == sc }) {
			ps = append(ps, problem.Invalid("scenes", "digital.unknown_scene", sc))
		}
	}
	if s.Price < 0 || math.IsNaN(s.Price) || math.IsInf(s.Price, 0) {
		ps = append(ps, problem.Invalid("price", "finance.negative"))
	}
	if !slices.Contains(Deploys, s.Deploy) {
		ps = append(ps, problem.Invalid("deploy", "digital.bad_deploy", strings.Join(Deploys, ", ")))
	}
	if _, err := time.Parse(time.DateOnly, s.Listed); err != nil {
		ps = append(ps, problem.Invalid("listed", "finance.bad_date"))
	}
	return ps
}

// AddSolution lists a solution of a provider admitted to the catalogue on
// the listing day, audited.
func (m *Model) AddSolution(ctx context.Context, db *store.DB, s Solution) (Solution, error) {
	s.Name = strings.TrimSpace(s.Name)
	if ps := m.CheckSolution(s); len(ps) > 0 {
		return s, ps
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, s.ProviderID).Scan(&s.Provider); err != nil {
			return problem.Invalid("provider_id", "digital.no_provider")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM recognitions WHERE subject = 'organisation' AND subject_id = ? AND kind = ?
			AND granted <= ? AND (revoked = '' OR revoked > ?)`, s.ProviderID, ProviderKind, s.Listed, s.Listed).Scan(&n); err != nil {
			return fmt.Errorf("digital: provider check: %w", err)
		}
		if n == 0 {
			return problem.Invalid("provider_id", "digital.not_provider", s.Provider, s.Listed)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO digital_solutions (provider_id, name, description, scenes, price, deploy, listed, delisted, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.ProviderID, s.Name, s.Description, strings.Join(s.Scenes, ","), s.Price, s.Deploy, s.Listed, s.Delisted, store.Now()).Scan(&s.ID); err != nil {
			return fmt.Errorf("digital: add solution: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "digital_solution", EntityID: s.ID, Action: "create", After: s})
	})
	return s, err
}

const solutionCols = `x.id, x.provider_id, o.name, x.name, x.description, x.scenes, x.price, x.deploy, x.listed, x.delisted`

func scanSolution(sc interface{ Scan(...any) error }) (Solution, error) {
	var s Solution
	var scenes string
	err := sc.Scan(&s.ID, &s.ProviderID, &s.Provider, &s.Name, &s.Description, &scenes, &s.Price, &s.Deploy, &s.Listed, &s.Delisted)
	s.Scenes = strings.Split(scenes, ",")
	return s, err
}

// Solutions lists the solutions listed on day (all when ""), serving scene
// when one is given, by provider and name.
func Solutions(ctx context.Context, q store.Querier, day, scene string) ([]Solution, error) {
	where, args := []string{"1 = 1"}, []any{}
	if day != "" {
		// listed on the day by a provider still admitted that day: a provider
		// whose admission is revoked takes its solutions off the catalogue
		where = append(where, "x.listed <= ? AND (x.delisted = '' OR x.delisted > ?)", providerAdmitted)
		args = append(args, day, day, ProviderKind, day, day)
	}
	if scene != "" {
		where = append(where, "(',' || x.scenes || ',') LIKE ?")
		args = append(args, "%,"+scene+",%")
	}
	rows, err := q.QueryContext(ctx, `SELECT `+solutionCols+` FROM digital_solutions x JOIN organisations o ON o.id = x.provider_id WHERE `+strings.Join(where, " AND ")+` ORDER BY o.name_key, o.name, x.name, x.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("digital: solutions: %w", err)
	}
	defer rows.Close()
	var out []Solution
	for rows.Next() {
		s, err := scanSolution(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// solutionSource is the listed solutions, as candidates for weak scenes.
type solutionSource struct{}

// NewSolutions returns the pool of listed solutions.
func NewSolutions(db *store.DB, seg *search.Segmenter) *match.Pool {
	return match.NewPool(db, seg, solutionSource{})
}

func (solutionSource) Config() match.Config {
	return match.Config{Fields: map[string]float64{"name": 2, "description": 1, "scenes": 2}}
}

// Touched are the solutions written, and those of providers whose
// admission changed (a revoked provider's solutions leave the pool).
func (solutionSource) Touched(ctx context.Context, db *store.DB, evs []match.Event) ([]int64, error) {
	of := match.Of(evs, "digital_solution", "recognition")
	ids := of["digital_solution"]
	err := match.InBatches(of["recognition"], func(list string, args []any) error {
		rows, err := db.QueryContext(ctx, `SELECT x.id FROM digital_solutions x JOIN recognitions r ON r.subject = 'organisation' AND r.subject_id = x.provider_id
			WHERE r.kind = '`+ProviderKind+`' AND r.id IN (`+list+`)`, args...)
		if err != nil {
			return fmt.Errorf("digital: solutions of providers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

func (solutionSource) Load(ctx context.Context, db *store.DB, ids []int64) ([]match.Doc, error) {
	var out []match.Doc
	run := func(where string, args []any) error {
		today := clock.Today(ctx) // the business date where the server runs on one
		args = append([]any{ProviderKind, today, today}, args...)
		rows, err := db.QueryContext(ctx, `SELECT `+solutionCols+` FROM digital_solutions x JOIN organisations o ON o.id = x.provider_id WHERE x.delisted = '' AND `+providerAdmitted+` AND `+where, args...)
		if err != nil {
			return fmt.Errorf("digital: load solutions: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanSolution(rows)
			if err != nil {
				return err
			}
			d := match.Doc{ID: s.ID, Text: map[string]string{"name": s.Name + " " + s.Provider, "description": s.Description, "scenes": strings.Join(s.Scenes, " ")},
				Attrs: map[string][]string{"scene": s.Scenes, "deploy": {s.Deploy}}, Nums: map[string]float64{}}
			if s.Price > 0 {
				d.Nums["price"] = s.Price
			}
			out = append(out, d)
		}
		return rows.Err()
	}
	if ids == nil {
		return out, run("1 = 1", nil)
	}
	return out, match.InBatches(ids, func(list string, args []any) error { return run("x.id IN ("+list+")", args) })
}

// Fit is a solution suggested for an assessment's weak scenes.
type Fit struct {
	match.Suggestion
	Solution Solution `json:"solution"`
	Covers   []string `json:"covers"` // the weak scenes it serves
}

// Suggest ranks listed solutions that serve at least one of the weak
// scenes of an assessment (mandatory scenes first in the text, so they
// weigh more), cheaper ones a little higher.
func Suggest(ctx context.Context, db *store.DB, pool *match.Pool, r Result, limit int) ([]Fit, error) {
	if len(r.Weak) == 0 {
		return nil, nil
	}
	ix, err := pool.Index(ctx)
	if err != nil {
		return nil, err
	}
	ranked, err := ix.Match(match.Query{Text: strings.Join(r.Weak, " "), Must: []match.Constraint{match.In("scene", r.Weak...)},
		Features: []match.Feature{{Name: "price", Weight: 0.2, Lower: true}}, Limit: limit * 20, Browse: true})
	if err != nil {
		return nil, err
	}
	// Cover the weak scenes first: mandatory ones come first in r.Weak, so
	// the best solution for each scene not yet covered, in that order; then
	// the rest by rank.
	scenesOf := map[int64][]string{}
	var ids []int64
	for _, g := range ranked {
		ids = append(ids, g.ID)
	}
	if err := match.InBatches(ids, func(list string, args []any) error {
		rows, err := db.QueryContext(ctx, `SELECT id, scenes FROM digital_solutions WHERE id IN (`+list+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var sc string
			if err := rows.Scan(&id, &sc); err != nil {
				return err
			}
			scenesOf[id] = strings.Split(sc, ",")
		}
		return rows.Err()
	}); err != nil {
		return nil, fmt.Errorf("digital: scenes of solutions: %w", err)
	}
	var got []match.Suggestion
	taken := map[int64]bool{}
	for _, scene := range r.Weak {
		for _, g := range ranked {
			if len(got) < limit && !taken[g.ID] && slices.Contains(scenesOf[g.ID], scene) {
				got, taken[g.ID] = append(got, g), true
				break
			}
		}
	}
	for _, g := range ranked {
		if len(got) < limit && !taken[g.ID] {
			got, taken[g.ID] = append(got, g), true
		}
	}
	out := make([]Fit, 0, len(got))
	for _, g := range got {
		s, err := scanSolution(db.QueryRowContext(ctx, `SELECT `+solutionCols+` FROM digital_solutions x JOIN organisations o ON o.id = x.provider_id WHERE x.id = ?`, g.ID))
		if err != nil {
			return nil, fmt.Errorf("digital: solution %d: %w", g.ID, err)
		}
		f := Fit{Suggestion: g, Solution: s}
		for _, sc := range s.Scenes {
			if slices.Contains(r.Weak, sc) {
				f.Covers = append(f.Covers, sc)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// MayList reports whether p may list solutions for provider: program
// managers for any, an organisation's own users for it (the catalogue
// check then asks that it is an admitted provider).
func MayList(p access.Principal, provider int64) bool {
	return p.Can(access.ProgramManage) || (p.Has(access.Org) && p.OrgID != 0 && p.OrgID == provider)
}
