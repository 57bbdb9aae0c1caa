package integrity

import (
	"time"

	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
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
	// Prints found in many kept texts are stock phrases of the genre
	// (每个申报书都有的套话): they prove nothing and would make every
	// lookup read long posting lists, so they are left out, of the score too.
	common, err := commonPrints(ctx, q, hashes)
	if err != nil {
		return nil, err
	}
	rare := hashes[:0:0]
	for _, h := range hashes {
		if !common[h] {
			rare = append(rare, h)
		}
	}
	if len(rare) == 0 {
		return nil, nil
	}
	shared := map[int64]int{}
	for start := 0; start < len(rare); start += 500 {
		chunk := rare[start:min(start+500, len(rare))]
		args := make([]any, 0, len(chunk)+1)
		for _, h := range chunk {
			args = append(args, h)
		}
		args = append(args, except)
		rows, err := q.QueryContext(ctx, `SELECT doc_id, count(DISTINCT hash) FROM text_prints
			WHERE hash IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`) AND doc_id <> ? GROUP BY doc_id`, args...)
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
	var cands []Match
	for doc, n := range shared {
		if s := float64(n) / float64(len(rare)); s >= minScore {
			cands = append(cands, Match{DocID: doc, Score: s})
		}
	}
	var out []Match
	for _, m := range cands { // kept within the years asked
		var day string
		if err := q.QueryRowContext(ctx, `SELECT day FROM text_docs WHERE doc_id = ?`, m.DocID).Scan(&day); err != nil {
			return nil, fmt.Errorf("similar text %d: %w", m.DocID, err)
		}
		if day >= since {
			out = append(out, m)
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

// Decision is a manager's word on a flagged or refused pair: cleared (the
// record may go on) or upheld (it may not); flagged marks a pair above the
// review threshold not yet decided, blocked one above the refusal
// threshold whose move was refused.
type Decision struct {
	ProjectID int64     `json:"project_id"`
	OtherID   int64     `json:"other_id"`
	Score     float64   `json:"score"`
	Decision  string    `json:"decision"`
	Note      string    `json:"note,omitempty"`
	Actor     string    `json:"actor,omitempty"`
	At        time.Time `json:"at,omitzero"`
}

// Flag records, in tx, that a record's text passed the review threshold
// against another (kept until a manager decides).
func Flag(ctx context.Context, tx *store.Tx, projectID, otherID int64, score float64, at any) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM duplicate_decisions WHERE project_id = ? AND other_id = ?`, projectID, otherID).Scan(&n); err != nil || n > 0 {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO duplicate_decisions (project_id, other_id, score, decision, note, actor, at) VALUES (?, ?, ?, 'flagged', '', '', ?)`, projectID, otherID, score, at)
	return err
}

// Block records that a move was refused because its text passed the
// refusal threshold against another: the move itself rolled back, so this
// is written on its own, for the managers' list of pairs to decide. A pair
// a manager decided keeps the decision.
func Block(ctx context.Context, tx *store.Tx, projectID, otherID int64, score float64, at any) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM duplicate_decisions WHERE project_id = ? AND other_id = ? AND decision = 'flagged'`, projectID, otherID); err != nil {
		return fmt.Errorf("block duplicate: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM duplicate_decisions WHERE project_id = ? AND other_id = ?`, projectID, otherID).Scan(&n); err != nil || n > 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO duplicate_decisions (project_id, other_id, score, decision, note, actor, at) VALUES (?, ?, ?, 'blocked', '', '', ?)`, projectID, otherID, score, at); err != nil {
		return fmt.Errorf("block duplicate: %w", err)
	}
	return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: projectID, Action: "duplicate_blocked", After: map[string]any{"other": otherID, "score": score}})
}

// Pending lists the pairs no manager has decided, across records: blocked
// first (an applicant is waiting), then flagged, the closest first.
func Pending(ctx context.Context, q store.Querier, limit int) ([]Decision, error) {
	rows, err := q.QueryContext(ctx, `SELECT project_id, other_id, score, decision, at FROM duplicate_decisions WHERE decision IN ('blocked', 'flagged')
		ORDER BY CASE decision WHEN 'blocked' THEN 0 ELSE 1 END, score DESC, project_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending duplicates: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.ProjectID, &d.OtherID, &d.Score, &d.Decision, &d.At); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Decide records a manager's decision on a pair, audited.
func Decide(ctx context.Context, db *store.DB, d Decision, at any) error {
	if d.Decision != "cleared" && d.Decision != "upheld" {
		return problem.Invalid("decision", "integrity.decision_kind")
	}
	if len([]rune(strings.TrimSpace(d.Note))) < 2 {
		return problem.Invalid("note", "returns.note_required")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM duplicate_decisions WHERE project_id = ? AND other_id = ?`, d.ProjectID, d.OtherID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO duplicate_decisions (project_id, other_id, score, decision, note, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			d.ProjectID, d.OtherID, d.Score, d.Decision, d.Note, d.Actor, at); err != nil {
			return fmt.Errorf("duplicate decision: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: d.ProjectID, Action: "duplicate_" + d.Decision, After: d})
	})
}

// Decisions lists the decisions and flags on a record's text.
func Decisions(ctx context.Context, q store.Querier, projectID int64) (map[int64]Decision, error) {
	rows, err := q.QueryContext(ctx, `SELECT project_id, other_id, score, decision, note, actor FROM duplicate_decisions WHERE project_id = ?`, projectID)
	if err != nil {
		return nil, fmt.Errorf("duplicate decisions: %w", err)
	}
	defer rows.Close()
	out := map[int64]Decision{}
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.ProjectID, &d.OtherID, &d.Score, &d.Decision, &d.Note, &d.Actor); err != nil {
			return nil, err
		}
		out[d.OtherID] = d
	}
	return out, rows.Err()
}

// commonShare is the share of kept texts above which a print is a stock
// phrase; below commonFloor texts nothing is common yet.
const (
	commonShare = 0.02
	commonFloor = 50
)

// commonPrints are the hashes kept in more than commonShare of the texts.
func commonPrints(ctx context.Context, q store.Querier, hashes []int64) (map[int64]bool, error) {
	var docs int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM text_docs`).Scan(&docs); err != nil {
		return nil, fmt.Errorf("kept texts: %w", err)
	}
	limit := max(commonFloor, int(float64(docs)*commonShare))
	out := map[int64]bool{}
	for start := 0; start < len(hashes); start += 500 {
		chunk := hashes[start:min(start+500, len(hashes))]
		args := make([]any, 0, len(chunk)+1)
		for _, h := range chunk {
			args = append(args, h)
		}
		args = append(args, limit)
		rows, err := q.QueryContext(ctx, `SELECT hash FROM text_prints WHERE hash IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`) GROUP BY hash HAVING count(*) > ?`, args...)
		if err != nil {
			return nil, fmt.Errorf("common prints: %w", err)
		}
		for rows.Next() {
			var h int64
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return nil, err
			}
			out[h] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
