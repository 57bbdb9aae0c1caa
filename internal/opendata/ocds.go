package opendata

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Release is an OCDS release of a challenge list (揭榜挂帅): the owner as
// buyer, the challenge as a tender with its public fields, and the count of
// bids received.
type Release struct {
	OCID           string         `json:"ocid"`
	ID             string         `json:"id"`
	Date           string         `json:"date"`
	Tag            []string       `json:"tag"`
	InitiationType string         `json:"initiationType"`
	Parties        []Party        `json:"parties"`
	Buyer          Organization   `json:"buyer"`
	Tender         Tender         `json:"tender"`
	Language       string         `json:"language"`
	Extra          map[string]any `json:"xinzhi,omitempty"` // the public form fields
	Bidding        bool           `json:"-"`                // open to bids now (the record's stage opens a child kind)
}

// Party is an OCDS party.
type Party struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Roles []string `json:"roles"`
}

// Tender is an OCDS tender.
type Tender struct {
	ID                 string `json:"id"`
	Title              string `json:"title"`
	Status             string `json:"status"`
	NumberOfTenderers  int    `json:"numberOfTenderers"`
	ProcurementMethod  string `json:"procurementMethod"`
	MainProcurementCat string `json:"mainProcurementCategory"`
}

// ReleasePackage is an OCDS release package.
type ReleasePackage struct {
	URI           string    `json:"uri"`
	PublishedDate string    `json:"publishedDate"`
	Version       string    `json:"version"`
	Publisher     Party     `json:"publisher"`
	Releases      []Release `json:"releases"`
}

// Challenges lists the challenges of program key that have been published
// (those open to bids from other organisations, and after).
func Challenges(ctx context.Context, q store.Querier, pub Publisher, key, baseURL string) (ReleasePackage, error) {
	return challenges(ctx, q, pub, key, baseURL, 0)
}

// Challenge is the release of one published challenge of program key, as
// Challenges gives it; problem.ErrNotFound when there is no such challenge
// or it is not published.
func Challenge(ctx context.Context, q store.Querier, pub Publisher, key, baseURL string, id int64) (Release, error) {
	pkg, err := challenges(ctx, q, pub, key, baseURL, id)
	if err != nil {
		return Release{}, err
	}
	if len(pkg.Releases) != 1 {
		return Release{}, problem.ErrNotFound
	}
	return pkg.Releases[0], nil
}

func challenges(ctx context.Context, q store.Querier, pub Publisher, key, baseURL string, only int64) (ReleasePackage, error) {
	out := ReleasePackage{URI: baseURL + "/open-data/challenges.json", PublishedDate: store.Now().Format(time.RFC3339), Version: "1.1",
		Publisher: Party{ID: pub.ID, Name: pub.Name}, Releases: []Release{}}
	cond, args := "", []any{key}
	if only != 0 {
		cond, args = " AND p.id = ?", append(args, only)
	}
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.template_id, p.stage, p.data, p.updated_at, o.id, o.name, COALESCE(o.credit_code, ''),
		(SELECT count(*) FROM projects c WHERE c.parent_id = p.id AND c.stage <> 'draft')
		FROM projects p JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id WHERE t.key = ?`+cond+` ORDER BY p.id`, args...)
	if err != nil {
		return out, fmt.Errorf("challenges: %w", err)
	}
	defer rows.Close()
	tpls := map[int64]*program.Template{}
	for rows.Next() {
		var id, tid, org int64
		var stage, raw, name, code string
		var updated time.Time
		var bids int
		if err := rows.Scan(&id, &tid, &stage, &raw, &updated, &org, &name, &code, &bids); err != nil {
			return out, err
		}
		t, ok := tpls[tid]
		if !ok {
			if t, err = program.LoadTemplate(ctx, q, tid); err != nil {
				return out, err
			}
			tpls[tid] = t
		}
		status, published := tenderStatus(t, stage)
		if !published {
			continue
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(raw), &data); err != nil {
			return out, err
		}
		public := Public(t, data)
		title, _ := public["title"].(string)
		buyer := Organization{ID: pub.OrgID(org, code), Name: name}
		ocid := fmt.Sprintf("ocds-%s-%d", pub.Prefix, id)
		out.Releases = append(out.Releases, Release{OCID: ocid, ID: fmt.Sprintf("%s-%s", ocid, updated.UTC().Format("20060102T150405")),
			Date: updated.UTC().Format(time.RFC3339), Tag: []string{"tender"}, InitiationType: "tender", Language: "zh",
			Parties: []Party{{ID: buyer.ID, Name: buyer.Name, Roles: []string{"buyer"}}}, Buyer: buyer,
			Tender: Tender{ID: fmt.Sprint(id), Title: title, Status: status, NumberOfTenderers: bids, ProcurementMethod: "open", MainProcurementCat: "services"},
			Extra:  public, Bidding: bidding(t, stage)})
	}
	return out, rows.Err()
}

// tenderStatus maps a challenge's stage to OCDS: a stage open to bids is
// active; stages after it are complete (terminal) or active; stages before
// it are not published at all.
func tenderStatus(t *program.Template, stage string) (string, bool) {
	var open []string
	for _, c := range t.Children {
		for _, by := range c.By {
			if by == "other_org" {
				open = append(open, c.OpenIn...)
			}
		}
	}
	for _, s := range open {
		if s == stage {
			return "active", true
		}
	}
	// After publication: reachable from an open stage.
	seen := map[string]bool{}
	next := append([]string(nil), open...)
	for len(next) > 0 {
		s := next[0]
		next = next[1:]
		for _, tr := range t.Transitions {
			for _, f := range tr.From {
				if f == s && !seen[tr.To] {
					seen[tr.To] = true
					next = append(next, tr.To)
				}
			}
		}
	}
	if !seen[stage] {
		return "", false
	}
	if st, ok := t.Stage(stage); ok && st.Terminal {
		return "complete", true
	}
	return "active", true
}

// bidding reports whether a record in stage takes children (bids) now.
func bidding(t *program.Template, stage string) bool {
	for _, c := range t.Children {
		for _, st := range c.OpenIn {
			if st == stage {
				return true
			}
		}
	}
	return false
}
