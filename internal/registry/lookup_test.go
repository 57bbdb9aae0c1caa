package registry

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// lookupCity is 1,200 organisations (most named 沈阳…), one with a name in
// the middle of which one searches, and three people.
func lookupCity(t *testing.T, db *store.DB, seg *search.Segmenter, keys *seal.Keyring) (orgs []Organisation, people []Person) {
	t.Helper()
	ctx := context.Background()
	for i := range 1200 {
		orgs = append(orgs, Organisation{Name: fmt.Sprintf("沈阳第%04d精密制造有限公司", i), Kind: "enterprise", District: "210112",
			CreditCode: fmt.Sprintf("91210112MA%07dX", i)})
	}
	orgs = append(orgs, Organisation{Name: "沈阳新松机器人自动化股份有限公司", Kind: "enterprise", District: "210112", CreditCode: "912101007155744627"})
	err := db.InTx(ctx, func(tx *store.Tx) error {
		cat, err := LoadCatalogue(ctx, tx)
		if err != nil {
			return err
		}
		if err := InsertOrganisations(ctx, tx, seg, cat, orgs); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]int64{}
	rows, _ := db.QueryContext(ctx, `SELECT id, name FROM organisations`)
	for rows.Next() {
		var id int64
		var n string
		rows.Scan(&id, &n)
		byName[n] = id
	}
	rows.Close()
	for i := range orgs {
		orgs[i].ID = byName[orgs[i].Name]
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, p := range []Person{
			{Name: "王振东", IDNumber: "21010219800101123X", OrganisationID: orgs[0].ID},
			{Name: "王振华", IDNumber: "210102198001011241", OrganisationID: orgs[1].ID},
			{Name: "李明", IDNumber: "210102198001011268", OrganisationID: orgs[0].ID},
		} {
			got, _, err := UpsertPerson(ctx, tx, keys, p)
			if err != nil {
				return err
			}
			people = append(people, got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return orgs, people
}

func TestLookup(t *testing.T) {
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	line, _ := seal.NewKeyLine("klookup")
	keys, err := seal.ParseKeyring(line)
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		orgs, people := lookupCity(t, db, seg, keys)
		names := func(cs []OrgChoice) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Name)
			}
			return out
		}
		cases := []struct {
			q     string
			limit int
			want  []string // the first names, in order
			n     int
		}{
			{"沈阳第000", 5, []string{"沈阳第0000精密制造有限公司", "沈阳第0001精密制造有限公司", "沈阳第0002精密制造有限公司", "沈阳第0003精密制造有限公司", "沈阳第0004精密制造有限公司"}, 5},
			{"沈阳第1199", 20, []string{"沈阳第1199精密制造有限公司"}, 1},
			{"新松", 20, []string{"沈阳新松机器人自动化股份有限公司"}, 1},            // in the middle of the name, through the index of terms
			{"沈阳新松", 20, []string{"沈阳新松机器人自动化股份有限公司"}, 1},          // a prefix
			{"91210112ma00000", 3, []string{"沈阳第0000精密制造有限公司"}, 3}, // a credit code's start, any case
			{"912101007155744627", 20, []string{"沈阳新松机器人自动化股份有限公司"}, 1},
			{"沈阳", 0, nil, 20}, // the default limit
			{"沈阳", 500, nil, 20},
			{"不存在", 20, nil, 0},
			{"  ", 20, nil, 0},
			{"100%_", 20, nil, 0},
		}
		for _, c := range cases {
			got, err := LookupOrganisations(ctx, db, c.q, seg.QueryTerms(c.q), c.limit)
			if err != nil {
				t.Fatalf("%q: %v", c.q, err)
			}
			if len(got) != c.n || (c.want != nil && strings.Join(names(got)[:len(c.want)], ",") != strings.Join(c.want, ",")) {
				t.Errorf("lookup %q (limit %d) = %v, want %d starting %v", c.q, c.limit, names(got), c.n, c.want)
			}
		}
		if got, _ := LookupOrganisations(ctx, db, "新松", nil, 20); len(got) != 0 {
			t.Errorf("without terms only prefixes match: %v", names(got))
		}
		if got, _ := LookupOrganisations(ctx, db, "沈阳新松", nil, 20); len(got) != 1 || got[0].District != "210112" || got[0].CreditCode != "912101007155744627" {
			t.Errorf("a choice carries its district and credit code: %+v", got)
		}

		// People: by the start of the name, in scope, masked unless revealed.
		got, err := LookupPeople(ctx, db, keys, 0, "王振", 20, false)
		if err != nil || len(got) != 2 {
			t.Fatalf("people 王振: %+v %v", got, err)
		}
		if got[0].Name != "王振东" || got[0].IDNumber != "210*************3X" || !got[0].Masked || got[0].Organisation != orgs[0].Name {
			t.Errorf("masked choice: %+v", got[0])
		}
		if got, _ := LookupPeople(ctx, db, keys, Scope(orgs[0].ID), "王", 20, false); len(got) != 1 || got[0].ID != people[0].ID {
			t.Errorf("an organisation's scope: %+v", got)
		}
		if got, _ := LookupPeople(ctx, db, keys, -1, "王", 20, false); len(got) != 0 {
			t.Errorf("no scope: %+v", got)
		}
		if got, _ := LookupPeople(ctx, db, keys, 0, "王振东", 20, true); len(got) != 1 || got[0].IDNumber != "21010219800101123X" || got[0].Masked {
			t.Errorf("revealed: %+v", got)
		}
		if got, _ := LookupPeople(ctx, db, keys, 0, "王", 1, false); len(got) != 1 {
			t.Errorf("limit 1: %+v", got)
		}
		if ids, _ := PeopleNamed(ctx, db, 0, "李明", 2); len(ids) != 1 || ids[0] != people[2].ID {
			t.Errorf("named 李明: %v", ids)
		}
		if ids, _ := PeopleNamed(ctx, db, Scope(orgs[1].ID), "李明", 2); len(ids) != 0 {
			t.Errorf("李明 outside scope: %v", ids)
		}
		if n, _ := PersonNames(ctx, db, []int64{people[0].ID, 99999}); n[people[0].ID] != "王振东" || len(n) != 1 {
			t.Errorf("person names: %v", n)
		}
	})
}

// TestLookupUsesIndexes reads each lookup query's plan: every one walks an
// index (never a scan of the table, never a sort of it) on both engines.
func TestLookupUsesIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := db.Engine()
		queries := orgQueries(e, "91210", []string{"新松"})
		queries = append(queries, orgQueries(e, "沈阳新松", []string{"沈阳", "新松"})...)
		queries = append(queries, peopleQuery(e, 0, "王"), peopleQuery(e, 7, "王"))
		for _, q := range queries {
			var plan []string
			err := db.InTx(ctx, func(tx *store.Tx) error {
				prefix := "EXPLAIN QUERY PLAN "
				if e == store.Postgres {
					// A small table is cheaper to read whole; forbid that to
					// see that an index can answer.
					if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
						return err
					}
					prefix = "EXPLAIN "
				}
				rows, err := tx.QueryContext(ctx, prefix+q.sql, append(q.args, 20)...)
				if err != nil {
					return err
				}
				defer rows.Close()
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						return err
					}
					plan = append(plan, fmt.Sprint(vals[len(vals)-1]))
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatalf("explain %s: %v", q.sql, err)
			}
			text := strings.Join(plan, "\n")
			var bad bool
			if e == store.Postgres {
				bad = strings.Contains(text, "Seq Scan") || strings.Contains(text, "Sort") || !strings.Contains(text, "Index")
			} else {
				// An organisation user's people may be sorted: one
				// organisation's, found through its index, not the table.
				sorted := strings.Contains(text, "TEMP B-TREE") && !strings.Contains(text, "people_organisation")
				bad = strings.Contains(text, "SCAN o\n") || strings.HasSuffix(text, "SCAN o") || strings.Contains(text, "SCAN p") || strings.Contains(text, "SCAN t") ||
					sorted || !strings.Contains(text, "INDEX")
			}
			if bad {
				t.Errorf("query\n%s\nplan:\n%s", q.sql, text)
			}
		}
	})
}
