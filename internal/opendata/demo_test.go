package opendata_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestDemoCityExports: the demo city's exports, today and as of a day
// past, are valid against the official schemas, hold awards, contracts and
// disbursements, and carry no person's name, phone number or e-mail
// address. SQLite only: the demo takes a while to load (the fixture tests
// run on both engines).
func TestDemoCityExports(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo city")
	}
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	if _, err := democity.Load(ctx, db, democity.Options{Programs: programs.Files}); err != nil {
		t.Fatal(err)
	}
	// The people's names, but for those inside an organisation's name
	// (an organisation named for its founder may be published).
	names := map[string]bool{}
	var orgs strings.Builder
	rows, err := db.QueryContext(ctx, `SELECT name FROM people UNION ALL SELECT '|' || name FROM organisations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		if strings.HasPrefix(n, "|") {
			orgs.WriteString(n)
		} else if len([]rune(n)) >= 3 { // two-character names are words too (康平, 单晶)
			names[n] = true
		}
	}
	rows.Close()
	for n := range findNames(orgs.String(), names) {
		delete(names, n)
	}
	if len(names) == 0 {
		t.Fatal("the demo city names no people to look for")
	}
	email := regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z.]{2,}`)
	mobile := regexp.MustCompile(`(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)`)
	for _, d := range []string{"2025-06-30", ""} {
		rel, rec, gr := exports(t, db, d)
		validate(t, "release-package", rel)
		validate(t, "record-package", rec)
		validate(t, "360giving-package", gr)
		for what, raw := range map[string][]byte{"releases": rel, "records": rec, "grants": gr} {
			s := string(raw)
			for n := range findNames(s, names) {
				t.Errorf("%s as of %q names the person %s", what, d, n)
			}
			if m := email.FindString(s); m != "" {
				t.Errorf("%s as of %q holds an e-mail address: %s", what, d, m)
			}
			if m := mobile.FindString(s); m != "" {
				t.Errorf("%s as of %q holds a phone number: %s", what, d, m)
			}
		}
		if d != "" {
			continue
		}
		a := asOf(t, d)
		rp, err := opendata.Releases(ctx, db, pub, a, nil)
		if err != nil {
			t.Fatal(err)
		}
		var awards, contracts, transactions int
		for _, r := range rp.Releases {
			awards += len(r.Awards)
			for _, c := range r.Contracts {
				contracts++
				if c.Implementation != nil {
					transactions += len(c.Implementation.Transactions)
				}
			}
		}
		if awards == 0 || contracts == 0 || transactions == 0 {
			t.Errorf("the demo city's processes hold %d awards, %d contracts, %d disbursements", awards, contracts, transactions)
		}
		gp, err := opendata.Grants(ctx, db, pub, a)
		if err != nil {
			t.Fatal(err)
		}
		var planned, located, classified, paid int
		for _, g := range gp.Grants {
			planned += min(len(g.PlannedDates), 1)
			located += min(len(g.BeneficiaryLocation), 1)
			classified += min(len(g.Classifications), 1)
			paid += min(len(g.Disbursements), 1)
		}
		if planned == 0 || located == 0 || classified == 0 || paid == 0 {
			t.Errorf("of the demo city's %d grants, %d have planned dates, %d a location, %d classifications, %d disbursements", len(gp.Grants), planned, located, classified, paid)
		}
	}
}

// findNames are the names of set (up to four characters) that occur in s.
func findNames(s string, set map[string]bool) map[string]bool {
	found := map[string]bool{}
	r := []rune(s)
	for i := range r {
		for n := 2; n <= 4 && i+n <= len(r); n++ {
			if w := string(r[i : i+n]); set[w] {
				found[w] = true
			}
		}
	}
	return found
}
