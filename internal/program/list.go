package program

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Summary is a published template's latest version, for lists.
type Summary struct {
	ID          int64  `json:"id"`
	Key         string `json:"key"`
	Name        string `json:"name"`
	Version     int    `json:"version"`
	PublishedAt string `json:"published_at"`
}

// Programs lists the latest version of every published template, by key.
func Programs(ctx context.Context, q store.Querier) ([]Summary, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.key, t.name, t.version, t.published_at FROM program_templates t
		WHERE t.version = (SELECT max(version) FROM program_templates u WHERE u.key = t.key) ORDER BY t.key`)
	if err != nil {
		return nil, fmt.Errorf("list programs: %w", err)
	}
	defer rows.Close()
	out := []Summary{}
	for rows.Next() {
		var s Summary
		var at any
		if err := rows.Scan(&s.ID, &s.Key, &s.Name, &s.Version, &at); err != nil {
			return nil, err
		}
		s.PublishedAt = fmt.Sprint(at)
		out = append(out, s)
	}
	return out, rows.Err()
}

// ProjectFilter narrows a list of projects. Scope limits it to one
// organisation (a positive id), none (negative) or all (0).
type ProjectFilter struct {
	Program        string // template key
	Stage          string
	CallID         int64
	OrganisationID int64
	ParentID       int64 // the children of one record
	Scope          int64
	Limit          int
	All            bool // no limit: every record (exports)
}

// ProjectRow is a project in a list.
type ProjectRow struct {
	ID              int64   `json:"id"`
	Program         string  `json:"program"`
	Version         int     `json:"template_version"`
	Call            string  `json:"call"`
	OrganisationID  int64   `json:"organisation_id"`
	Organisation    string  `json:"organisation"`
	Title           string  `json:"title"`
	Stage           string  `json:"stage"`
	StageName       string  `json:"stage_name"`
	StageNameEN     string  `json:"stage_name_en,omitempty"`
	CallName        string  `json:"call_name"` // a child record's: its parent's title (the challenge a bid answers)
	CallNameEN      string  `json:"call_name_en,omitempty"`
	ProgramName     string  `json:"program_name"`
	ProgramNameEN   string  `json:"program_name_en,omitempty"`
	AmountRequested float64 `json:"amount_requested"`
	ChildKind       string  `json:"child_kind,omitempty"`
	templateID      int64
}

// StageLabel names the record's stage in lang.
func (r ProjectRow) StageLabel(lang string) string {
	if lang == "en" && r.StageNameEN != "" {
		return r.StageNameEN
	}
	if r.StageName != "" {
		return r.StageName
	}
	return r.Stage
}

// CountInCall is the number of records in a call.
func CountInCall(ctx context.Context, q store.Querier, callID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE call_id = ?`, callID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count records: %w", err)
	}
	return n, nil
}

// templateIDs are the ids of every version of a program.
func templateIDs(ctx context.Context, q store.Querier, key string) ([]int64, error) {
	return ids(ctx, q, `SELECT id FROM program_templates WHERE key = ? ORDER BY id`, key)
}

// Projects lists projects matching f, newest first.
func Projects(ctx context.Context, q store.Querier, f ProjectFilter) ([]ProjectRow, error) {
	conds := []string{"1 = 1"}
	var args []any
	switch {
	case f.Scope > 0:
		conds, args = append(conds, "p.organisation_id = ?"), append(args, f.Scope)
	case f.Scope < 0:
		conds = append(conds, "1 = 0")
	}
	if f.Stage != "" {
		conds, args = append(conds, "p.stage = ?"), append(args, f.Stage)
	}
	if f.CallID != 0 {
		conds, args = append(conds, "p.call_id = ?"), append(args, f.CallID)
	}
	if f.ParentID != 0 {
		conds, args = append(conds, "p.parent_id = ?"), append(args, f.ParentID)
	}
	if f.OrganisationID != 0 {
		conds, args = append(conds, "p.organisation_id = ?"), append(args, f.OrganisationID)
	}
	limit := f.Limit
	switch {
	case f.All: // an export: every record f selects
		limit = math.MaxInt32
	case limit <= 0 || limit > 5000:
		limit = 200
	}
	where := strings.Join(conds, " AND ")
	if f.Program != "" {
		// One program: the newest ids of each of its versions, each read
		// in index order (projects_template_id) and cut at the limit before
		// anything is joined, so a long program lists as fast as a short one.
		tids, err := templateIDs(ctx, q, f.Program)
		if err != nil {
			return nil, err
		}
		if len(tids) == 0 {
			return []ProjectRow{}, nil
		}
		parts := make([]string, len(tids))
		inner := args
		args = nil
		for i, tid := range tids {
			parts[i] = fmt.Sprintf(`SELECT id FROM (SELECT p.id FROM projects p WHERE p.template_id = ? AND %s ORDER BY p.id DESC LIMIT %d) v%d`, where, limit, i)
			args = append(append(args, tid), inner...)
		}
		where = "p.id IN (" + strings.Join(parts, " UNION ALL ") + ")"
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT p.id, t.key, t.version, c.key, p.organisation_id, o.name, p.title, p.stage, p.amount_requested, p.child_kind, COALESCE(pp.title, c.name), CASE WHEN pp.id IS NULL THEN c.name_en ELSE '' END, t.name, p.template_id
		FROM projects p JOIN program_templates t ON t.id = p.template_id JOIN calls c ON c.id = p.call_id JOIN organisations o ON o.id = p.organisation_id
		LEFT JOIN projects pp ON pp.id = p.parent_id
		WHERE %s ORDER BY p.id DESC LIMIT %d`, where, limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list projects: %w", err)
	}
	defer rows.Close()
	out := []ProjectRow{}
	for rows.Next() {
		var r ProjectRow
		if err := rows.Scan(&r.ID, &r.Program, &r.Version, &r.Call, &r.OrganisationID, &r.Organisation, &r.Title, &r.Stage, &r.AmountRequested, &r.ChildKind, &r.CallName, &r.CallNameEN, &r.ProgramName, &r.templateID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	tpls := map[int64]*Template{}
	for i := range out {
		t, ok := tpls[out[i].templateID]
		if !ok {
			var err error
			if t, err = sharedTemplate(ctx, q, out[i].templateID); err != nil {
				return nil, err
			}
			tpls[out[i].templateID] = t
		}
		if st, ok := t.Stage(out[i].Stage); ok {
			out[i].StageName, out[i].StageNameEN = st.Name, st.NameEN
		}
		out[i].ProgramNameEN = t.NameEN
	}
	return out, nil
}

// CallRow is a call in a list, with its program and how many records it has.
type CallRow struct {
	Call
	Program       string `json:"program"`
	ProgramName   string `json:"program_name"`
	ProgramNameEN string `json:"program_name_en,omitempty"`
	Version       int    `json:"template_version"`
	Records       int    `json:"records"`
}

// Calls lists calls, newest first; program narrows to one template key.
func Calls(ctx context.Context, q store.Querier, program string) ([]CallRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.template_id, c.key, c.name, c.name_en, c.opens, c.closes, c.quota, c.budget, t.key, t.name, t.version,
		(SELECT count(*) FROM projects p WHERE p.call_id = c.id)
		FROM calls c JOIN program_templates t ON t.id = c.template_id WHERE (? = '' OR t.key = ?) ORDER BY c.opens DESC, c.id DESC`, program, program)
	if err != nil {
		return nil, fmt.Errorf("list calls: %w", err)
	}
	defer rows.Close()
	out := []CallRow{}
	for rows.Next() {
		var c CallRow
		if err := rows.Scan(&c.ID, &c.TemplateID, &c.Key, &c.Name, &c.NameEN, &c.Opens, &c.Closes, &c.Quota, &c.Budget, &c.Program, &c.ProgramName, &c.Version, &c.Records); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	names := map[int64]string{} // template id → its English name
	for i := range out {
		en, ok := names[out[i].TemplateID]
		if !ok {
			t, err := sharedTemplate(ctx, q, out[i].TemplateID)
			if err != nil {
				return nil, err
			}
			en, names[out[i].TemplateID] = t.NameEN, t.NameEN
		}
		out[i].ProgramNameEN = en
	}
	return out, nil
}

// Latest is the newest published version of a program.
func Latest(ctx context.Context, q store.Querier, key string) (Published, error) {
	var id int64
	if err := q.QueryRowContext(ctx, `SELECT id FROM program_templates WHERE key = ? ORDER BY version DESC LIMIT 1`, key).Scan(&id); err != nil {
		return Published{}, fmt.Errorf("program %s: %w", key, problem.ErrNotFound)
	}
	t, err := LoadTemplate(ctx, q, id)
	return Published{ID: id, Template: t}, err
}

// Tally counts a program's records by the value of one form field and by
// stage: value → stage → records (a record without the field counts under
// ""). It reads the records' data, so it suits programs of hundreds or
// thousands of records (infrastructure registers), not the largest.
func Tally(ctx context.Context, q store.Querier, program, field string) (map[string]map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.stage, p.data FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = ?`, program)
	if err != nil {
		return nil, fmt.Errorf("tally %s: %w", program, err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var stage, raw string
		if err := rows.Scan(&stage, &raw); err != nil {
			return nil, err
		}
		var data map[string]any
		_ = json.Unmarshal([]byte(raw), &data)
		v, _ := data[field].(string)
		if out[v] == nil {
			out[v] = map[string]int{}
		}
		out[v][stage]++
	}
	return out, rows.Err()
}
