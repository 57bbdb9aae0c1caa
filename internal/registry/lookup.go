package registry

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// OrgChoice is an organisation as a picker offers it: its name and what
// tells it from another of a like name.
type OrgChoice struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code,omitempty"`
	District   string `json:"district,omitempty"` // GB/T 2260 code
	Kind       string `json:"kind"`
}

// PersonChoice is a person as a picker offers them: the name, the employer
// and the ID number masked unless revealed.
type PersonChoice struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Organisation   string `json:"organisation,omitempty"`
	OrganisationID int64  `json:"organisation_id,omitempty"`
	IDNumber       string `json:"id_number,omitempty"`
	Masked         bool   `json:"masked"`
}

// MaxLookup is the most choices a lookup returns.
const MaxLookup = 50

// prefixRange gives the bounds of every string that starts with p, in
// byte (code point) order: p ≤ s < p+U+10FFFF.
func prefixRange(p string) (string, string) { return p, p + string(utf8.MaxRune) }

// byteOrder is how a column compares byte-wise on the engine, so that a
// prefix range uses the index built that way (PostgreSQL's database
// collation may be a language's, under which a prefix is not one range).
func byteOrder(e store.Engine, col string) string {
	if e == store.Postgres {
		return col + ` COLLATE "C"`
	}
	return col
}

func limitOf(n int) int {
	if n <= 0 || n > MaxLookup {
		return 20
	}
	return n
}

// LookupOrganisations finds organisations for a picker as one types: those
// whose credit code or name starts with q (in index order), then, when terms
// are given (the search segmenter's query terms of q) and the list is not
// full, those whose name holds q, found through the inverted index by the
// longest term. Every query walks an index and stops at the limit: nothing
// counts, sorts or loads the whole table.
func LookupOrganisations(ctx context.Context, db *store.DB, q string, terms []string, limit int) ([]OrgChoice, error) {
	limit = limitOf(limit)
	out := []OrgChoice{}
	seen := map[int64]bool{}
	for _, lq := range orgQueries(db.Engine(), q, terms) {
		if len(out) >= limit {
			break
		}
		rows, err := db.QueryContext(ctx, lq.sql, append(lq.args, limit-len(out))...)
		if err != nil {
			return nil, fmt.Errorf("look up organisations: %w", err)
		}
		for rows.Next() {
			var c OrgChoice
			if err := rows.Scan(&c.ID, &c.Name, &c.CreditCode, &c.District, &c.Kind); err != nil {
				rows.Close()
				return nil, fmt.Errorf("scan organisation choice: %w", err)
			}
			if !seen[c.ID] && len(out) < limit {
				seen[c.ID] = true
				out = append(out, c)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lookupQuery is one query of a lookup; its last argument, the limit, is
// added when it runs.
type lookupQuery struct {
	sql  string
	args []any
}

// orgQueries are the queries LookupOrganisations runs in turn for q.
func orgQueries(e store.Engine, q string, terms []string) []lookupQuery {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	const cols = `o.id, o.name, COALESCE(o.credit_code, ''), o.district, o.kind`
	var out []lookupQuery
	if code := strings.ToUpper(q); isCodePrefix(code) {
		lo, hi := prefixRange(code)
		cc := byteOrder(e, "o.credit_code")
		out = append(out, lookupQuery{`SELECT ` + cols + ` FROM organisations o WHERE ` + cc + ` >= ? AND ` + cc + ` < ? ORDER BY ` + cc + ` LIMIT ?`, []any{lo, hi}})
	}
	lo, hi := prefixRange(q)
	name := byteOrder(e, "o.name")
	out = append(out, lookupQuery{`SELECT ` + cols + ` FROM organisations o WHERE ` + name + ` >= ? AND ` + name + ` < ? ORDER BY ` + name + `, o.id LIMIT ?`, []any{lo, hi}})
	if driver := longest(terms); driver != "" {
		// The postings of one term, joined by primary key and kept when the
		// name holds what was typed (each word of it); in no order, so that
		// the first matches end the walk (an order would sort every posting
		// of a common term).
		conds, args := []string{"t.term = ?"}, []any{driver}
		for _, w := range strings.Fields(q) {
			conds, args = append(conds, `o.name LIKE ? ESCAPE '\'`), append(args, "%"+escapeLike(w)+"%")
		}
		out = append(out, lookupQuery{`SELECT ` + cols + ` FROM organisation_terms t JOIN organisations o ON o.id = t.organisation_id
			WHERE ` + strings.Join(conds, " AND ") + ` LIMIT ?`, args})
	}
	return out
}

// isCodePrefix reports whether s could begin a unified social credit code.
func isCodePrefix(s string) bool {
	if len(s) < 2 || len(s) > 18 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func longest(terms []string) string {
	best := ""
	for _, t := range terms {
		if utf8.RuneCountInString(t) > utf8.RuneCountInString(best) {
			best = t
		}
	}
	return best
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// LookupPeople finds people within scope whose name starts with q, in name
// order through the name index, at most limit. The ID number comes masked
// unless reveal is set (the caller must hold the permission); revealed
// lookups are audited like any list of people.
func LookupPeople(ctx context.Context, db *store.DB, keys *seal.Keyring, scope Scope, q string, limit int, reveal bool) ([]PersonChoice, error) {
	q = strings.TrimSpace(q)
	out := []PersonChoice{}
	if q == "" {
		return out, nil
	}
	lq := peopleQuery(db.Engine(), scope, q)
	rows, err := db.QueryContext(ctx, lq.sql, append(lq.args, limitOf(limit))...)
	if err != nil {
		return nil, fmt.Errorf("look up people: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var c PersonChoice
		var sealed string
		if err := rows.Scan(&c.ID, &c.Name, &c.Organisation, &c.OrganisationID, &sealed); err != nil {
			return nil, fmt.Errorf("scan person choice: %w", err)
		}
		if keys != nil && sealed != "" {
			if c.IDNumber, err = keys.Open(sealed, ctxIDNumber); err != nil {
				return nil, fmt.Errorf("open id number of person %d: %w", c.ID, err)
			}
		}
		if reveal {
			ids = append(ids, c.ID)
		} else {
			c.IDNumber, c.Masked = stdcode.MaskIDNumber(c.IDNumber), true
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		if err := audit.Record(ctx, db, audit.Change{Entity: "person", Action: "reveal", After: map[string]any{"ids": ids}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// peopleQuery is the query LookupPeople runs.
func peopleQuery(e store.Engine, scope Scope, q string) lookupQuery {
	w, args := scope.where("p.organisation_id")
	lo, hi := prefixRange(q)
	name := byteOrder(e, "p.name")
	return lookupQuery{`SELECT p.id, p.name, COALESCE(o.name, ''), COALESCE(p.organisation_id, 0), p.id_number_sealed
		FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE ` + name + ` >= ? AND ` + name + ` < ? AND ` + w + ` ORDER BY ` + name + `, p.id LIMIT ?`, append([]any{lo, hi}, args...)}
}

// OrgNames names organisations by id (those that exist).
func OrgNames(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	return namesOf(ctx, q, "organisations", ids)
}

// PersonNames names people by id (those that exist): a name is what a
// record that names a person shows, never personal data.
func PersonNames(ctx context.Context, q store.Querier, ids []int64) (map[int64]string, error) {
	return namesOf(ctx, q, "people", ids)
}

func namesOf(ctx context.Context, q store.Querier, table string, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, `SELECT id, name FROM `+table+` WHERE id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("names of %s: %w", table, err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OrgsNamed lists the ids of organisations with exactly this name, at most
// limit (two tell "one" from "several").
func OrgsNamed(ctx context.Context, q store.Querier, name string, limit int) ([]int64, error) {
	return idsNamed(ctx, q, `SELECT o.id FROM organisations o WHERE o.name = ? ORDER BY o.id LIMIT ?`, name, limit)
}

// PeopleNamed lists the ids of people within scope with exactly this name,
// at most limit.
func PeopleNamed(ctx context.Context, q store.Querier, scope Scope, name string, limit int) ([]int64, error) {
	w, args := scope.where("p.organisation_id")
	return idsNamed(ctx, q, `SELECT p.id FROM people p WHERE p.name = ? AND `+w+` ORDER BY p.id LIMIT ?`, append(append([]any{name}, args...), limit)...)
}

func idsNamed(ctx context.Context, q store.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("find by name: %w", err)
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
