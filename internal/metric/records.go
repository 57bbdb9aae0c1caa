package metric

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Records is the list behind a figure: a header (i18n keys) and a row per
// record, each with the page that shows it.
type Records struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	Links   []string   `json:"links"`
}

// recordSQL names, per model, (a record's stage comes as PROGRAM:STAGE so
// that the page can name it in the reader's language) the columns shown when drilling down and the
// query that gives them for a set of ids (its first column is the id, its
// last the link target's id).
var recordSQL = map[string]struct {
	columns []string
	query   string
	link    string
}{
	"projects": {[]string{"record.id", "record.title", "record.organisation", "record.program", "record.stage"},
		`SELECT p.id, p.title, o.name, t.name, t.key || ':' || p.stage, p.id FROM projects p JOIN organisations o ON o.id = p.organisation_id JOIN program_templates t ON t.id = p.template_id WHERE p.id IN (%s) ORDER BY p.id`, "/projects/%s"},
	"recognitions": {[]string{"record.id", "record.kind", "record.level", "record.subject", "record.granted", "record.revoked"},
		`SELECT r.id, COALESCE(k.name, r.kind), r.level, COALESCE(o.name, ''), r.granted, r.revoked, COALESCE(o.id, 0) FROM recognitions r LEFT JOIN recognition_kinds k ON k.key = r.kind
		 LEFT JOIN organisations o ON r.subject = 'organisation' AND o.id = r.subject_id WHERE r.id IN (%s) ORDER BY r.id`, "/orgs/%s"},
	"organisations": {[]string{"record.id", "record.organisation", "record.kind", "record.district"},
		`SELECT o.id, o.name, o.kind, o.district, o.id FROM organisations o WHERE o.id IN (%s) ORDER BY o.id`, "/orgs/%s"},
	"outcomes": {[]string{"record.id", "record.kind", "record.title", "record.field", "record.level", "record.day", "record.project"},
		`SELECT x.id, x.kind, x.title, x.field, x.level || x.status, x.day, p.title, p.id FROM project_outcomes x JOIN projects p ON p.id = x.project_id WHERE x.id IN (%s) ORDER BY x.day, x.id`, "/projects/%s"},
	"disciplines": {[]string{"record.id", "record.kind", "record.code", "record.title", "record.organisation", "record.opened", "record.tags"},
		`SELECT x.id, x.kind, x.code, x.name, o.name, COALESCE(x.opened, 0), x.tags, o.id FROM disciplines x JOIN organisations o ON o.id = x.organisation_id WHERE x.id IN (%s) ORDER BY x.id`, "/orgs/%s"},
	"compute": {[]string{"record.id", "record.organisation", "record.title", "record.level", "record.stage", "record.day"},
		`SELECT x.id, o.name, x.phase, x.precision || ' ' || x.pflops || 'P', x.status, x.since, o.id FROM compute_capacity x JOIN organisations o ON o.id = x.organisation_id WHERE x.id IN (%s) ORDER BY x.since, x.id`, "/orgs/%s"},
	"products": {[]string{"record.id", "record.title", "record.organisation", "record.kind", "record.day", "record.revoked"},
		`SELECT x.id, x.name, o.name, x.kind, x.listed, x.delisted, o.id FROM finance_products x JOIN organisations o ON o.id = x.institution_id WHERE x.id IN (%s) ORDER BY x.kind, x.id`, "/orgs/%s"},
	"applications": {[]string{"record.id", "record.organisation", "record.title", "record.kind", "record.level", "record.stage", "record.day"},
		`SELECT x.id, o.name, fp.name, fp.kind, x.stage, x.decision, x.sent_on, x.need_id FROM finance_applications x JOIN finance_products fp ON fp.id = x.product_id JOIN organisations o ON o.id = x.organisation_id WHERE x.id IN (%s) ORDER BY x.sent_on, x.id`, "/projects/%s"},
	"fund_investments": {[]string{"record.id", "record.organisation", "record.title", "record.kind", "record.level", "record.day"},
		`SELECT x.id, o.name, f.name, f.kind, x.stage, x.invested_on, o.id FROM fund_investments x JOIN funds f ON f.id = x.fund_id JOIN organisations o ON o.id = x.investee_id WHERE x.id IN (%s) ORDER BY x.invested_on, x.id`, "/orgs/%s"},
	"solutions": {[]string{"record.id", "record.title", "record.organisation", "record.kind", "record.day"},
		`SELECT x.id, x.name, o.name, x.scenes, x.listed, o.id FROM digital_solutions x JOIN organisations o ON o.id = x.provider_id WHERE x.id IN (%s) ORDER BY x.listed, x.id`, "/orgs/%s"},
	"returns": {[]string{"record.id", "record.organisation", "record.title", "record.day", "record.stage"},
		`SELECT r.id, o.name, rf.name || ' ' || r.period, r.period_end, r.status, r.id FROM return_filings r JOIN return_forms rf ON rf.id = r.form_id JOIN organisations o ON o.id = r.organisation_id WHERE r.id IN (%s) ORDER BY r.period_end, r.id`, "/returns/filings/%s"},
	"datasets": {[]string{"record.id", "record.title", "record.organisation", "record.kind", "record.value", "record.day"},
		`SELECT x.id, x.name, o.name, x.domain, x.samples, x.registered, o.id FROM ai_datasets x JOIN organisations o ON o.id = x.owner_id WHERE x.id IN (%s) ORDER BY x.registered, x.id`, "/orgs/%s"},
	"models": {[]string{"record.id", "record.title", "record.organisation", "record.kind", "record.day"},
		`SELECT x.id, x.name, o.name, x.domain, x.registered, o.id FROM ai_models x JOIN organisations o ON o.id = x.owner_id WHERE x.id IN (%s) ORDER BY x.registered, x.id`, "/orgs/%s"},
	"alliances": {[]string{"record.id", "record.organisation", "record.district"},
		`SELECT o.id, o.name, o.district, o.id FROM organisations o WHERE o.id IN (%s) ORDER BY o.id`, "/orgs/%s"},
	"rankings": {[]string{"record.id", "record.title", "record.year", "record.value", "record.day"},
		`SELECT e.series_id * 10000 + e.year, rs.name, e.year, e.rank, e.published, rs.key FROM ranking_entries e JOIN ranking_series rs ON rs.id = e.series_id WHERE e.series_id * 10000 + e.year IN (%s)`, "/rankings#%s"},
	"chains": {[]string{"record.id", "record.title", "record.kind"},
		`SELECT c.id, c.name, COALESCE(cl.name, ''), c.id FROM chains c LEFT JOIN clusters cl ON cl.id = c.cluster_id WHERE c.id IN (%s) ORDER BY c.id`, "/chains/%s"},
	"chain_members": {[]string{"record.id", "record.organisation", "record.kind", "record.district"},
		`SELECT o.id, o.name, o.kind, o.district, o.id FROM organisations o WHERE o.id IN (%s) ORDER BY o.id`, "/orgs/%s"},
	"clusters": {[]string{"record.id", "record.title"},
		`SELECT cl.id, cl.name, cl.name FROM clusters cl WHERE cl.id IN (%s) ORDER BY cl.sort, cl.id`, "/registry?cluster=%s"},
	"proposals": {[]string{"record.id", "record.title", "record.organisation", "record.day", "record.kind"}, // the lead unit, 交办 date and class as they are now
		`SELECT p.number, p.title, COALESCE((SELECT o.name FROM proposal_units u JOIN organisations o ON o.id = u.unit_id WHERE u.proposal_id = p.id AND u.role = 'lead' ORDER BY u.id DESC LIMIT 1), ''),
		 p.assigned_on, p.class, p.id FROM proposals p WHERE p.id IN (%s) ORDER BY p.assigned_on, p.id`, "/proposals/%s"},
	"figures": {[]string{"record.id", "record.organisation", "record.district"},
		`SELECT o.id, o.name, o.district, o.id FROM organisations o WHERE o.id IN (%s) ORDER BY o.id`, "/orgs/%s"},
}

// ListRecords lists the records behind a result of a simple indicator.
func ListRecords(ctx context.Context, q store.Querier, s *Set, r Result) (Records, error) {
	d, ok := s.Get(r.ID)
	if !ok {
		return Records{}, fmt.Errorf("indicator %q is not defined", r.ID)
	}
	spec, ok := recordSQL[d.Model]
	if !ok {
		return Records{Columns: []string{}}, nil // ratios, growth and derived figures list their parts instead
	}
	out := Records{Columns: spec.columns, Rows: [][]string{}, Links: []string{}}
	ids := r.IDs
	if d.Model == "returns" {
		ids = filingIDs(ids)
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := q.QueryContext(ctx, fmt.Sprintf(spec.query, placeholders(len(chunk))), args...)
		if err != nil {
			return out, fmt.Errorf("records of %s: %w", r.ID, err)
		}
		n := len(spec.columns) + 1
		for rows.Next() {
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return out, err
			}
			cells := make([]string, n)
			for i, v := range vals {
				cells[i] = text(v)
			}
			out.Rows = append(out.Rows, cells[:n-1])
			link := ""
			if cells[n-1] != "" && cells[n-1] != "0" {
				link = fmt.Sprintf(spec.link, cells[n-1])
			}
			out.Links = append(out.Links, link)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strings.TrimSpace(fmt.Sprint(v))
}

// returnIDBase separates a returns figure's filing from its district in the
// figure's id (filing × base + district code), so a filing's figures in
// several districts are each counted, in the total and in their district.
const returnIDBase = 1_000_000

// filingIDs are the filings behind returns figures' ids, each once.
func filingIDs(ids []int64) []int64 {
	var out []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		f := id / returnIDBase
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
