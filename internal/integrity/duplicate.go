package integrity

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Keep stores a submitted application's text and its fingerprints,
// replacing what the record kept before (a resubmission), in tx.
func Keep(ctx context.Context, tx *store.Tx, docID int64, program, day, body string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM text_prints WHERE doc_id = ?`, docID); err != nil {
		return fmt.Errorf("keep text: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM text_docs WHERE doc_id = ?`, docID); err != nil {
		return fmt.Errorf("keep text: %w", err)
	}
	ps := Prints(body)
	if _, err := tx.ExecContext(ctx, `INSERT INTO text_docs (doc_id, program, day, body, prints) VALUES (?, ?, ?, ?, ?)`, docID, program, day, body, len(ps)); err != nil {
		return fmt.Errorf("keep text: %w", err)
	}
	for start := 0; start < len(ps); start += 300 {
		chunk := ps[start:min(start+300, len(ps))]
		args := make([]any, 0, 3*len(chunk))
		for _, p := range chunk {
			args = append(args, p.Hash, docID, p.Pos)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO text_prints (hash, doc_id, pos) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(chunk)), ", "), args...); err != nil {
			return fmt.Errorf("keep prints: %w", err)
		}
	}
	return nil
}

// Match is an earlier application that shares passages with a text.
type Match struct {
	DocID    int64     `json:"doc_id"`
	Program  string    `json:"program"`
	Day      string    `json:"day"`
	Score    float64   `json:"score"` // the share of the text's fingerprints found in it, 0–1
	Passages []Passage `json:"passages"`
}

// Passage is a stretch the two texts share, as each words it.
type Passage struct {
	Here  string `json:"here"`
	There string `json:"there"`
}

// Similar finds the earlier applications (kept on or after since, other
// than except) that share at least minScore of the text's fingerprints,
// highest first, each with its shared passages side by side.
func Similar(ctx context.Context, q store.Querier, text, since string, except int64, minScore float64, limit int) ([]Match, error) {
	mine := Prints(text)
	if len(mine) == 0 {
		return nil, nil
	}
	at := map[int64][]int{}
	var hashes []int64
	for _, p := range mine {
		if _, ok := at[p.Hash]; !ok {
			hashes = append(hashes, p.Hash)
		}
		at[p.Hash] = append(at[p.Hash], p.Pos)
	}
	shared := map[int64]int{}
	for start := 0; start < len(hashes); start += 500 {
		chunk := hashes[start:min(start+500, len(hashes))]
		args := make([]any, 0, len(chunk)+2)
		for _, h := range chunk {
			args = append(args, h)
		}
		args = append(args, except, since)
		rows, err := q.QueryContext(ctx, `SELECT p.doc_id, count(DISTINCT p.hash) FROM text_prints p JOIN text_docs d ON d.doc_id = p.doc_id
			WHERE p.hash IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`) AND p.doc_id <> ? AND d.day >= ? GROUP BY p.doc_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("similar texts: %w", err)
		}
		for rows.Next() {
			var doc int64
			var n int
			if err := rows.Scan(&doc, &n); err != nil {
				rows.Close()
				return nil, err
			}
			shared[doc] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []Match
	for doc, n := range shared {
		if s := float64(n) / float64(len(hashes)); s >= minScore {
			out = append(out, Match{DocID: doc, Score: s})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Score > out[j].Score || (out[i].Score == out[j].Score && out[i].DocID < out[j].DocID)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	for i := range out {
		if err := passages(ctx, q, text, at, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// passages pairs the shared fingerprints' places in the two texts, joins
// neighbours into stretches and cuts each stretch out of both originals.
func passages(ctx context.Context, q store.Querier, text string, at map[int64][]int, m *Match) error {
	var body string
	if err := q.QueryRowContext(ctx, `SELECT program, day, body FROM text_docs WHERE doc_id = ?`, m.DocID).Scan(&m.Program, &m.Day, &body); err != nil {
		return fmt.Errorf("similar text %d: %w", m.DocID, err)
	}
	type pair struct{ a, b int }
	var pairs []pair
	for _, p := range Prints(body) {
		for _, a := range at[p.Hash] {
			pairs = append(pairs, pair{a, p.Pos})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		return pairs[i].a < pairs[j].a || (pairs[i].a == pairs[j].a && pairs[i].b < pairs[j].b)
	})
	type span struct{ a0, a1, b0, b1 int }
	var spans []span
	for _, p := range pairs {
		if n := len(spans); n > 0 {
			s := &spans[n-1]
			if p.a >= s.a0 && p.a <= s.a1+Window && p.b >= s.b0 && p.b <= s.b1+Window+Gram {
				s.a1, s.b1 = max(s.a1, p.a+Gram), max(s.b1, p.b+Gram)
				continue
			}
		}
		spans = append(spans, span{p.a, p.a + Gram, p.b, p.b + Gram})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].a1-spans[i].a0 > spans[j].a1-spans[j].a0 })
	ra, ia := normalise(text)
	rb, ib := normalise(body)
	cut := func(orig string, idx []int, n, from, to int) string {
		rs := []rune(orig)
		to = min(to, n)
		if from >= to {
			return ""
		}
		return strings.TrimSpace(string(rs[idx[from] : idx[to-1]+1]))
	}
	for _, s := range spans[:min(5, len(spans))] {
		m.Passages = append(m.Passages, Passage{Here: cut(text, ia, len(ra), s.a0, s.a1), There: cut(body, ib, len(rb), s.b0, s.b1)})
	}
	return nil
}
