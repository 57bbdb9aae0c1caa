// Package democity writes the demonstration city: a deterministic Shenyang
// from 2021-01-01 to 2025-06-30 whose records give the figures of the
// letter in ../shared/seed when its indicators are evaluated as of
// 2025-06-30. Every organisation, person and record it writes is
// demonstration data; the pages say so.
package democity

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// AsOf is the day the demo city's history ends: the letter's figures are
// as of this day.
const AsOf = "2025-06-30"

// Options tune a load.
type Options struct {
	Seed     uint64           // the random seed; the same seed writes the same city
	Scale    int              // how many times the city is multiplied (0, 1: once); copies add enterprises and records, the named ones and the universities once
	Indexer  registry.Indexer // search terms for organisations; nil writes none
	Keys     *seal.Keyring    // seals the people's ID numbers and phones; nil writes people without them
	Programs fs.FS            // the shipped templates to publish first
	Progress func(done, total int)
}

// Summary counts what a load wrote.
type Summary struct {
	Organisations, Projects, Disciplines, People int
	Skipped                                      bool // the city was already there
}

// steps is the number of progress steps of a load of the city itself:
// about one a part and one a batch of records written (203 at scale 1), so
// the bar moves with the work; a copy's fewer steps end in one jump.
const steps = 200

var cst = time.FixedZone("CST", 8*3600)

// marker is the first named organisation: when it exists the city is there.
const marker = "沈阳飞机工业（集团）有限公司"

type gen struct {
	ctx   context.Context
	db    *store.DB
	opt   Options
	rng   *rand.Rand
	sum   Summary
	done  int
	total int              // progress steps in all
	copy  int              // which copy of the city is being written (0: the city itself)
	named map[string]int64 // short name → organisation id
	// pools of organisations by what they are
	large, smes, investors, unis, institutes, providers []int64
	tmpl                                                map[string]*program.Template
	tmplID                                              map[string]int64
	calls                                               map[string]int64
	pending                                             []program.Seeded
	codeSeq                                             int
	solvedSoFar                                         int       // technical problems solved by the records written so far
	lastID                                              int64     // the last record flush wrote
	sme                                                 [][]int64 // the SME sets, drawn once per copy (smeSets)
	firstOrg                                            int64     // the first organisation of the copy being written
	// the city's people (persons.go), drawn from a stream of their own
	prng       *rand.Rand
	staff      map[int64][]int64 // organisation → its people
	idTaken    map[string]bool   // ID numbers given (their first 17 characters)
	personName map[int64]string  // person → name
	pool       []expert          // the expert pool, demo reviewers first
}

// Load writes the demo city into db unless it is already there.
func Load(ctx context.Context, db *store.DB, opt Options) (Summary, error) {
	if _, err := registry.ByName(ctx, db, marker); err == nil {
		return Summary{Skipped: true}, nil
	} else if !errors.Is(err, problem.ErrNotFound) {
		return Summary{}, err
	}
	if opt.Seed == 0 {
		opt.Seed = 20250630
	}
	g := &gen{ctx: ctx, db: db, opt: opt, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x5eed)),
		prng: rand.New(rand.NewPCG(opt.Seed^0x7e0e1e, opt.Seed)), staff: map[int64][]int64{}, idTaken: map[string]bool{},
		named: map[string]int64{}, personName: map[int64]string{}, tmpl: map[string]*program.Template{}, tmplID: map[string]int64{}, calls: map[string]int64{}}
	if opt.Programs != nil {
		if _, err := program.PublishShipped(ctx, db, opt.Programs); err != nil {
			return g.sum, fmt.Errorf("demo city: publish programs: %w", err)
		}
	}
	g.step()
	g.total = steps * max(1, opt.Scale)
	for g.copy = 0; g.copy < max(1, opt.Scale); g.copy++ {
		parts := []struct {
			name string
			fn   func() error
		}{{"organisations", g.organisations}, {"people", g.people}, {"figures", g.figures}, {"universities", g.universities}, {"compute", g.compute},
			{"experts", g.experts}, {"programs", g.programs}, {"reviews", g.reviews}, {"background", g.background}, {"returns", g.periodicReturns}, {"ai", g.aiElements},
			{"cooperation", g.cooperationAndNetworks}, {"chains", g.chains}, {"integrity", g.integrityRegister}, {"open cooperation", g.openCooperation}}
		for _, part := range parts {
			if g.copy > 0 && (part.name == "universities" || part.name == "experts" || part.name == "reviews" || part.name == "compute" || part.name == "returns" || part.name == "ai" || part.name == "cooperation" || part.name == "chains" || part.name == "integrity" || part.name == "open cooperation") {
				continue // a copy: more enterprises and their records; the named, the universities, the compute centres, the returns, the AI elements, the cooperation records and the chain map once
			}
			if err := part.fn(); err != nil {
				return g.sum, fmt.Errorf("demo city: %s: %w", part.name, err)
			}
		}
		if err := g.flush(); err != nil {
			return g.sum, err
		}
		g.done = steps * (g.copy + 1)
		g.sme, g.solvedSoFar = nil, 0
	}
	// Proposal handling last, once every record is in: the seed letter's
	// reply is the letter rendered over them.
	if err := g.proposals(); err != nil {
		return g.sum, fmt.Errorf("demo city: proposals: %w", err)
	}
	if err := db.Analyze(ctx); err != nil { // the planner's statistics after a bulk load
		return g.sum, err
	}
	g.done = g.total
	g.report()
	return g.sum, nil
}

func (g *gen) step() {
	if g.done < steps*(g.copy+1)-1 {
		g.done++
	}
	g.report()
}

func (g *gen) report() {
	if g.opt.Progress != nil {
		g.opt.Progress(g.done, max(g.total, steps))
	}
}

// day parses a YYYY-MM-DD in China time.
func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		panic("democity: bad date " + s)
	}
	return t
}

// in is a time on a working day between from and to (inclusive days),
// during office hours.
func (g *gen) in(from, to string) time.Time {
	a, b := day(from), day(to)
	days := int(b.Sub(a).Hours()/24) + 1
	for {
		d := a.AddDate(0, 0, g.rng.IntN(days))
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		return d.Add(time.Duration(9*3600+g.rng.IntN(8*3600)) * time.Second)
	}
}

// pick is a random element of xs.
func pick[T any](g *gen, xs []T) T { return xs[g.rng.IntN(len(xs))] }

// take is n distinct random elements of xs (n at most len(xs)).
func take(g *gen, xs []int64, n int) []int64 {
	if n > len(xs) {
		panic(fmt.Sprintf("democity: want %d of %d", n, len(xs)))
	}
	idx := g.rng.Perm(len(xs))[:n]
	out := make([]int64, n)
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

// template loads a published program's latest version.
func (g *gen) template(key string) (*program.Template, error) {
	if t, ok := g.tmpl[key]; ok {
		return t, nil
	}
	p, err := program.Latest(g.ctx, g.db, key)
	if err != nil {
		return nil, fmt.Errorf("program %s: %w", key, err)
	}
	g.tmpl[key], g.tmplID[key] = p.Template, p.ID
	return p.Template, nil
}

// call is the program's call of a year, opened on first use.
func (g *gen) call(key string, year int) (int64, error) {
	k := key + "|" + strconv.Itoa(year)
	if id, ok := g.calls[k]; ok {
		return id, nil
	}
	t, err := g.template(key)
	if err != nil {
		return 0, err
	}
	c, err := program.OpenCall(g.ctx, g.db, program.Call{TemplateID: g.tmplID[key], Key: fmt.Sprintf("%s-%d", strings.ReplaceAll(key, "_", "-"), year),
		Name: fmt.Sprintf("%d年度%s", year, t.Name), NameEN: callNameEN(t.NameEN, year), Opens: fmt.Sprintf("%d-01-01", year), Closes: fmt.Sprintf("%d-12-31", year)})
	if err != nil {
		return 0, fmt.Errorf("call of %s %d: %w", key, year, err)
	}
	g.calls[k] = c.ID
	return c.ID, nil
}

// record queues a record of program key; its call is the year of its
// creation (or of its first mark).
func (g *gen) record(key string, s program.Seeded) error {
	t, err := g.template(key)
	if err != nil {
		return err
	}
	first := s.Created
	if first.IsZero() {
		first = s.Marks[0].At.AddDate(0, 0, -14)
		s.Created = first
	}
	if s.TemplateKey == "" { // a child record takes its parent's call
		if s.CallID, err = g.call(key, first.Year()); err != nil {
			return err
		}
	}
	if s.Data == nil {
		s.Data = map[string]any{}
	}
	g.fillPeople(key, s.OrganisationID, s.Data)
	data := map[string]any{}
	for k, v := range s.Data {
		if _, ok := t.Field(k); ok { // decoration a template lacks is left out
			data[k] = v
		}
	}
	s.Data = data
	g.pending = append(g.pending, s)
	if len(g.pending) >= program.SeedBatch {
		return g.flush()
	}
	return nil
}

// recordNow writes one record at once (after those queued) and gives its
// id, for records that others point at.
func (g *gen) recordNow(key string, s program.Seeded) (int64, error) {
	if err := g.record(key, s); err != nil {
		return 0, err
	}
	if err := g.flush(); err != nil {
		return 0, err
	}
	return g.lastID, nil
}

// flush writes the queued records in one transaction.
func (g *gen) flush() error {
	if len(g.pending) == 0 {
		return nil
	}
	if err := g.db.InTx(g.ctx, func(tx *store.Tx) error { return program.Seed(g.ctx, tx, g.pending) }); err != nil {
		return err
	}
	g.sum.Projects += len(g.pending)
	g.lastID = g.pending[len(g.pending)-1].ID
	g.pending = g.pending[:0]
	g.step()
	return nil
}

// marks builds the marks of a record from stage, from, to triples.
func (g *gen) marks(spec ...string) []program.Mark {
	var out []program.Mark
	for i := 0; i+2 < len(spec); i += 3 {
		out = append(out, program.Mark{Stage: spec[i], At: g.in(spec[i+1], spec[i+2])})
	}
	return out
}

// queryIDs are the ids a query of one id column gives, in its order.
func queryIDs(ctx context.Context, q store.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// callNameEN is a yearly call's English name ("" for a program without
// one: English pages then show the Chinese).
func callNameEN(program string, year int) string {
	if program == "" {
		return ""
	}
	return fmt.Sprintf("%s, %d", program, year)
}
