package bench

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/assist"
	"github.com/xinzhi-platform/xinzhi/internal/finance"
	"github.com/xinzhi-platform/xinzhi/internal/match"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// judgedPairs are the demo city's judged (need, candidate) pairs; the
// file's header says who judged them and by what criteria.
//
//go:embed judged_pairs.csv
var judgedPairs string

// Judged is one judged pair: need and candidate by their stable keys (a
// record's title; an organisation's name, or "product@institution").
type Judged struct {
	Kind      string // challenge or funding_need
	Need      string
	Candidate string
	Relevant  bool
}

// ParseJudged reads judged pairs: CSV with a header row, after comment
// lines starting with #.
func ParseJudged(r io.Reader) ([]Judged, error) {
	var body strings.Builder
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") {
			body.WriteString(sc.Text() + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(strings.NewReader(body.String())).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("judged pairs: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0][:4], ",") != "kind,need,candidate,relevant" {
		return nil, fmt.Errorf("judged pairs: want the header kind,need,candidate,relevant")
	}
	var out []Judged
	for i, r := range recs[1:] {
		if r[0] != "challenge" && r[0] != "funding_need" {
			return nil, fmt.Errorf("judged pairs: row %d: kind %q is not challenge or funding_need", i+2, r[0])
		}
		if r[3] != "0" && r[3] != "1" {
			return nil, fmt.Errorf("judged pairs: row %d: relevant %q is not 0 or 1", i+2, r[3])
		}
		out = append(out, Judged{Kind: r[0], Need: r[1], Candidate: r[2], Relevant: r[3] == "1"})
	}
	return out, nil
}

// Precision at k: of the first k candidates ranked, the share judged
// relevant, over k (a list shorter than k counts its missing places as
// misses; an unjudged candidate counts as not relevant). unjudged is how
// many of the first k have no judgement.
func Precision(ranked []string, judged map[string]bool, k int) (p float64, unjudged int) {
	hits := 0
	for i, c := range ranked {
		if i == k {
			break
		}
		rel, ok := judged[c]
		if !ok {
			unjudged++
		}
		if rel {
			hits++
		}
	}
	return float64(hits) / float64(k), unjudged
}

// rerankDepth is how many of the matcher's candidates re-ranking
// reorders before the first 20 are measured: the most a suggestions page
// shows, so that re-ranking can bring up what the matcher ranked 21st to
// 50th (those were not judged: they count as not relevant).
const rerankDepth = 50

// rerankWeights are the blends of embeddings' similarity measured.
var rerankWeights = []float64{0.25, 0.5, 0.75}

// judgedNeed is one need's candidates as the matcher ranked them.
type judgedNeed struct {
	kind, title string
	text        string // the need as re-ranking embeds it
	cands       []assist.Ranked
	keys        map[int64]string
	judged      map[string]bool
}

// judged measures precision at 5 and 20 of the plain matcher on the
// judged pairs and, with an embeddings model configured (XINZHI_AI_*), of
// re-ranking by embeddings at several blend weights.
func judged(ctx context.Context, cfg Config, db *store.DB, _ *metric.Set, add func(Row)) error {
	pairs, err := ParseJudged(strings.NewReader(judgedPairs))
	if err != nil {
		return err
	}
	needs, err := rankJudged(ctx, cfg, db, pairs)
	if err != nil {
		return err
	}
	plain := map[string][2]float64{}
	for _, kind := range []string{"challenge", "funding_need", ""} {
		p5, p20, un, n := precisions(needs, kind, func(n judgedNeed) []assist.Ranked { return n.cands })
		plain[kind] = [2]float64{p5, p20}
		add(Row{What: "judged pairs, " + kindName(kind) + ": plain matcher, precision@5 / @20", Value: fmt.Sprintf("%.3f / %.3f", p5, p20),
			Note: fmt.Sprintf("%d needs; %d unjudged in the top 20", n, un)})
	}
	svc := assist.New(cfg.AI, cfg.AIOn, db, nil)
	if !svc.CanEmbed() {
		cfg.logf("  re-ranking not measured: no embeddings model (XINZHI_AI_BASE_URL, XINZHI_AI_MODEL, XINZHI_AI_EMBED_MODEL)")
		return nil
	}
	for i := range needs {
		out, err := svc.Rerank(ctx, assist.Who{Name: "bench"}, needs[i].text, needs[i].cands, rerankWeights[0])
		if err != nil {
			return fmt.Errorf("re-rank %q: %w", needs[i].title, err)
		}
		sims := map[int64]float64{}
		for _, c := range out {
			sims[c.ID] = c.Similarity
		}
		for j := range needs[i].cands {
			needs[i].cands[j].Similarity = sims[needs[i].cands[j].ID]
		}
	}
	for _, w := range rerankWeights {
		for _, kind := range []string{"challenge", "funding_need", ""} {
			p5, p20, un, n := precisions(needs, kind, func(n judgedNeed) []assist.Ranked { return assist.Blend(n.cands, w) })
			base := plain[kind]
			ratio := 0.0
			if base[0] > 0 {
				ratio = p5 / base[0]
			}
			add(Row{What: fmt.Sprintf("judged pairs, %s: re-ranked (weight %.2f), precision@5 / @20", kindName(kind), w),
				Value: fmt.Sprintf("%.3f / %.3f", p5, p20), Baseline: fmt.Sprintf("%.3f / %.3f", base[0], base[1]), Ratio: ratio,
				Note: fmt.Sprintf("%d needs; %d unjudged in the top 20; model %s; ratio of precision@5", n, un, cfg.AI.EmbedModel)})
		}
	}
	return nil
}

func kindName(kind string) string {
	switch kind {
	case "challenge":
		return "challenges ↔ solvers"
	case "funding_need":
		return "funding needs ↔ products"
	}
	return "all"
}

// precisions averages precision at 5 and 20 over the needs of kind (all
// when ""), each need weighing the same.
func precisions(needs []judgedNeed, kind string, order func(judgedNeed) []assist.Ranked) (p5, p20 float64, unjudged, n int) {
	for _, nd := range needs {
		if kind != "" && nd.kind != kind {
			continue
		}
		var keys []string
		for _, c := range order(nd) {
			keys = append(keys, nd.keys[c.ID])
		}
		a, _ := Precision(keys, nd.judged, 5)
		b, un := Precision(keys, nd.judged, 20)
		p5, p20, unjudged, n = p5+a, p20+b, unjudged+un, n+1
	}
	if n > 0 {
		p5, p20 = p5/float64(n), p20/float64(n)
	}
	return p5, p20, unjudged, n
}

// benchStaff is who the measurement asks the matcher as: a manager sees
// every need.
var benchStaff = access.Principal{Name: "bench", Roles: []access.Role{access.Manager}}

// rankJudged finds each judged need by its title and ranks its
// candidates with the plain matcher, as the web does; a judged need or
// candidate the demo city does not hold is an error (the file no longer
// fits the generator).
func rankJudged(ctx context.Context, cfg Config, db *store.DB, pairs []Judged) ([]judgedNeed, error) {
	byNeed := map[[2]string]map[string]bool{}
	var order [][2]string
	for _, p := range pairs {
		k := [2]string{p.Kind, p.Need}
		if byNeed[k] == nil {
			byNeed[k] = map[string]bool{}
			order = append(order, k)
		}
		byNeed[k][p.Candidate] = p.Relevant
	}
	seg, _ := cfg.Indexer.(*search.Segmenter)
	if seg == nil {
		var err error
		if seg, err = search.Default(); err != nil {
			return nil, err
		}
	}
	solvers := map[string]*match.Pool{"": match.NewSolvers(db, seg)}
	products := finance.NewProducts(db, seg)
	var out []judgedNeed
	for _, k := range order {
		id, err := needByTitle(ctx, db, k[0], k[1])
		if err != nil {
			return nil, err
		}
		pr, err := program.GetProject(ctx, db, id)
		if err != nil {
			return nil, err
		}
		n := judgedNeed{kind: k[0], title: k[1], judged: byNeed[k], keys: map[int64]string{}}
		if k[0] == "challenge" {
			n.text = match.Needs["challenge"].Query(pr).Text
			cs, err := match.Suggest(ctx, db, solvers, benchStaff, id, rerankDepth)
			if err != nil {
				return nil, fmt.Errorf("judged %q: %w", k[1], err)
			}
			for _, c := range cs {
				var desc string
				if err := db.QueryRowContext(ctx, `SELECT description FROM organisations WHERE id = ?`, c.ID).Scan(&desc); err != nil {
					return nil, err
				}
				n.keys[c.ID] = c.Name
				n.cands = append(n.cands, assist.Ranked{ID: c.ID, Text: c.Name + "：" + desc, Score: c.Score})
			}
			if err := resolveOrgs(ctx, db, n.judged, k[1]); err != nil {
				return nil, err
			}
		} else {
			n.text = pr.Title + "\n" + fmt.Sprint(pr.Data["purpose"])
			offers, err := finance.Suggest(ctx, db, products, benchStaff, id, rerankDepth)
			if err != nil {
				return nil, fmt.Errorf("judged %q: %w", k[1], err)
			}
			for _, o := range offers {
				p := o.Product
				n.keys[o.ID] = p.Name + "@" + p.Institution
				n.cands = append(n.cands, assist.Ranked{ID: o.ID, Text: p.Name + " " + p.Institution + "：" + p.Description + " " + strings.Join(p.Tags, " "), Score: o.Score})
			}
			if err := resolveProducts(ctx, db, n.judged, k[1]); err != nil {
				return nil, err
			}
		}
		out = append(out, n)
	}
	return out, nil
}

// needByTitle is the one record of template key with this title.
func needByTitle(ctx context.Context, db *store.DB, key, title string) (int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT p.id FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = ? AND p.title = ?`, key, title)
	if err != nil {
		return 0, fmt.Errorf("judged pairs: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	err = rows.Err()
	if err != nil {
		return 0, err
	}
	if len(ids) != 1 {
		return 0, fmt.Errorf("judged pairs: %d records of %s titled %q in the demo city, want 1", len(ids), key, title)
	}
	return ids[0], nil
}

// resolveOrgs checks that every judged organisation exists, once.
func resolveOrgs(ctx context.Context, db *store.DB, judged map[string]bool, need string) error {
	for name := range judged {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("judged pairs: %q (for %q): %d organisations of that name in the demo city, want 1", name, need, n)
		}
	}
	return nil
}

// resolveProducts checks that every judged product exists, once.
func resolveProducts(ctx context.Context, db *store.DB, judged map[string]bool, need string) error {
	for key := range judged {
		name, inst, _ := strings.Cut(key, "@")
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM finance_products p JOIN organisations o ON o.id = p.institution_id WHERE p.name = ? AND o.name = ?`, name, inst).Scan(&n); err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("judged pairs: product %q (for %q): %d in the demo city, want 1", key, need, n)
		}
	}
	return nil
}
