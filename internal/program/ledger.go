package program

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Ledger roles of people on records.
var LedgerRoles = []string{"leader", "core", "member"}

// ledgerFuncs are the rule functions that read the ledger; a rule that
// calls one takes the ledger's locks first.
var ledgerFuncs = []string{"active_led(", "new_and_active(", "time_committed(", "applications_in_call(", "failures("}

// FailureOutcomes are the stage outcomes that count as a person's failure.
var FailureOutcomes = []string{"failed", "terminated", "revoked"}

// entry is one person's place on one record.
type entry struct {
	project int64
	role    string
	time    float64
}

// personID reads a person as a rule gives it: the form's value (an id) or
// the placeholder the compile check uses.
func personID(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case map[string]any:
		return personID(x["id"])
	}
	return 0
}

// ledgerOf is where a template's form puts people in the ledger: the
// person's field (or column) key → its role and time field.
func ledgerOf(t *Template) map[string]Field {
	out := map[string]Field{}
	for _, f := range t.Form {
		if f.Type == "person" && f.Ledger != "" {
			out[f.Key] = f
		}
		for _, c := range f.Columns {
			if c.Type == "person" && c.Ledger != "" {
				out[c.Key] = c
			}
		}
	}
	return out
}

// entries lists a person's places on live records other than except: past
// their first stage and not ended (applications pending and projects
// running), across every program whose form marks its people.
func entries(ctx context.Context, q store.Querier, person, except int64) ([]entry, error) {
	return places(ctx, q, person, except, false)
}

// hit is one row of a person's parties: a place on a record by way of a
// form field (role "field:KEY").
type hit struct {
	id, tid                  int64
	role, stage, data, title string
}

// personHits lists the records that name a person, other than except
// (0: none), newest first.
func personHits(ctx context.Context, q store.Querier, person, except int64) ([]hit, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT pp.project_id, pp.role, p.template_id, p.stage, p.data, p.title FROM project_parties pp JOIN projects p ON p.id = pp.project_id
		WHERE pp.person_id = ? AND pp.project_id <> ? ORDER BY pp.project_id DESC`, person, except)
	if err != nil {
		return nil, fmt.Errorf("ledger of person %d: %w", person, err)
	}
	defer rows.Close()
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.role, &h.tid, &h.stage, &h.data, &h.title); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// places lists a person's places on live records (failed false) or on
// records that ended in a failure (failed true), other than except.
func places(ctx context.Context, q store.Querier, person, except int64, failed bool) ([]entry, error) {
	hits, err := personHits(ctx, q, person, except)
	if err != nil {
		return nil, err
	}
	tpls := map[int64]*Template{}
	var out []entry
	for _, h := range hits {
		t, ok := tpls[h.tid]
		if !ok {
			if t, err = LoadTemplate(ctx, q, h.tid); err != nil {
				return nil, err
			}
			tpls[h.tid] = t
		}
		st, _ := t.Stage(h.stage)
		if bad := contains(FailureOutcomes, st.Outcome); bad != failed || (!failed && !live(st)) {
			continue
		}
		f, ok := ledgerOf(t)[strings.TrimPrefix(h.role, "field:")]
		if !ok {
			continue
		}
		pr := Project{Data: map[string]any{}}
		_ = json.Unmarshal([]byte(h.data), &pr.Data)
		out = append(out, entry{project: h.id, role: f.Ledger, time: timeOf(t, pr.Data, person)})
	}
	return out, nil
}

// timeOf is the time a person commits on a record: the percentage its
// ledger field names, in the person's own row for a table.
func timeOf(t *Template, data map[string]any, person int64) float64 {
	for _, f := range t.Form {
		if f.Type == "person" && f.Ledger != "" && personID(data[f.Key]) == person && f.LedgerTime != "" {
			x, _ := data[f.LedgerTime].(float64)
			return x
		}
		if f.Type != "table" {
			continue
		}
		rows, _ := data[f.Key].([]any)
		for _, r := range rows {
			row, _ := r.(map[string]any)
			for _, c := range f.Columns {
				if c.Type == "person" && c.Ledger != "" && personID(row[c.Key]) == person && c.LedgerTime != "" {
					x, _ := row[c.LedgerTime].(float64)
					return x
				}
			}
		}
	}
	return 0
}

// ledgerEnv adds the ledger's rule functions for record pr:
// active_led(p): p's other live records as leader; new_and_active(p): as
// leader or core member; time_committed(p): p's time on other live
// records plus on this one; applications_in_call(): the applicant's other
// records in this call past their first stage. A failure to read the
// ledger fails the rule (the move is refused, never let through).
func ledgerEnv(ctx context.Context, q store.Querier, t *Template, pr Project, env map[string]any, fail *error) {
	count := func(p any, roles ...string) int {
		es, err := entries(ctx, q, personID(p), pr.ID)
		if err != nil {
			*fail = err
			return 1 << 30
		}
		n := 0
		for _, e := range es {
			if contains(roles, e.role) {
				n++
			}
		}
		return n
	}
	env["active_led"] = func(p any) int { return count(p, "leader") }
	env["new_and_active"] = func(p any) int { return count(p, "leader", "core") }
	env["time_committed"] = func(p any) float64 {
		es, err := entries(ctx, q, personID(p), pr.ID)
		if err != nil {
			*fail = err
			return 1e9
		}
		sum := timeOf(t, pr.Data, personID(p))
		for _, e := range es {
			sum += e.time
		}
		return sum
	}
	env["failures"] = func(p any) int {
		es, err := places(ctx, q, personID(p), pr.ID, true)
		if err != nil {
			*fail = err
			return 1 << 30
		}
		return len(es)
	}
	env["applications_in_call"] = func() int {
		rows, err := q.QueryContext(ctx, `SELECT p.stage, p.template_id FROM projects p WHERE p.call_id = ? AND p.organisation_id = ? AND p.id <> ?`, pr.CallID, pr.OrganisationID, pr.ID)
		if err != nil {
			*fail = err
			return 1 << 30
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var stage string
			var tid int64
			if err := rows.Scan(&stage, &tid); err != nil {
				*fail = err
				return 1 << 30
			}
			if st, _ := t.Stage(stage); !st.Initial {
				n++
			}
		}
		return n
	}
}

// lockLedger makes two moves whose rules read the same people's (or the
// same applicant's call) ledger wait for each other on PostgreSQL, so two
// submissions at once cannot both pass one limit; SQLite has one writer.
func lockLedger(ctx context.Context, tx *store.Tx, t *Template, pr Project, rule string) error {
	if tx.Engine() != store.Postgres || !usesLedger(rule) {
		return nil
	}
	keys := []string{fmt.Sprintf("call:%d:%d", pr.CallID, pr.OrganisationID)}
	for k := range ledgerOf(t) {
		for _, id := range peopleAt(t, pr.Data, k) {
			keys = append(keys, fmt.Sprintf("person:%d", id))
		}
	}
	sortStrings(keys) // one order for every move: no deadlock between two
	for _, k := range keys {
		h := fnv.New64a()
		h.Write([]byte("ledger\x00" + k))
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(h.Sum64())); err != nil {
			return fmt.Errorf("ledger lock: %w", err)
		}
	}
	return nil
}

// live: a record in this stage holds its people's places: past its first
// stage and not ended. A stage naming an outcome other than passed has
// ended the record (a closed project awaiting its refund holds no place).
func live(st Stage) bool {
	return !st.Initial && !st.Terminal && (st.Outcome == "" || st.Outcome == "passed")
}

func usesLedger(rule string) bool {
	for _, f := range ledgerFuncs {
		if strings.Contains(rule, f) {
			return true
		}
	}
	return false
}

// peopleAt are the people a record's field or column key names.
func peopleAt(t *Template, data map[string]any, key string) []int64 {
	var out []int64
	if id := personID(data[key]); id > 0 {
		out = append(out, id)
	}
	for _, f := range t.Form {
		if f.Type != "table" {
			continue
		}
		rows, _ := data[f.Key].([]any)
		for _, r := range rows {
			row, _ := r.(map[string]any)
			if id := personID(row[key]); id > 0 {
				out = append(out, id)
			}
		}
	}
	return out
}
