// Package ai owns the city's AI elements catalogued beside compute (算力):
// data sets (数据) and models (模型) with their owners, and the alliances
// that gather the firms and institutes working on them.
package ai

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Accesses are the terms on which a data set is shared.
var Accesses = []string{"open", "on_application", "internal"}

// Dataset is a registered data set.
type Dataset struct {
	ID          int64  `json:"id"`
	OwnerID     int64  `json:"owner_id"`
	Owner       string `json:"owner"`
	Name        string `json:"name"`
	Domain      string `json:"domain"`
	Samples     int64  `json:"samples"`
	Licence     string `json:"licence,omitempty"`
	Access      string `json:"access"`
	Description string `json:"description,omitempty"`
	Registered  string `json:"registered"`
	Withdrawn   string `json:"withdrawn,omitempty"`
}

// Model is a registered AI model.
type Model struct {
	ID         int64  `json:"id"`
	OwnerID    int64  `json:"owner_id"`
	Owner      string `json:"owner"`
	Name       string `json:"name"`
	BaseModel  string `json:"base_model,omitempty"`
	Domain     string `json:"domain"`
	Evaluation string `json:"evaluation,omitempty"`
	Registered string `json:"registered"`
	Withdrawn  string `json:"withdrawn,omitempty"`
}

func text(ps *problem.List, field, v string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(v) == "":
		*ps = append(*ps, problem.Invalid(field, "ai.required", field))
	case utf8.RuneCountInString(v) > max:
		*ps = append(*ps, problem.Invalid(field, "ai.too_long", max))
	case strings.ContainsRune(v, 0):
		*ps = append(*ps, problem.Invalid(field, "ai.required", field))
	}
}

func date(ps *problem.List, field, v string, required bool) {
	if v == "" && !required {
		return
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		*ps = append(*ps, problem.Invalid(field, "ai.date", v))
	}
}

func owner(ctx context.Context, q store.Querier, ps *problem.List, id int64) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ?`, id).Scan(&n); err != nil || n == 0 {
		*ps = append(*ps, problem.Invalid("owner_id", "form.ref_unknown", id))
	}
}

// Check names every problem of a data set.
func (d Dataset) Check(ctx context.Context, q store.Querier) problem.List {
	var ps problem.List
	owner(ctx, q, &ps, d.OwnerID)
	text(&ps, "name", d.Name, true, 80)
	text(&ps, "domain", d.Domain, true, 40)
	text(&ps, "licence", d.Licence, false, 80)
	text(&ps, "description", d.Description, false, 1000)
	if d.Samples <= 0 {
		ps = append(ps, problem.Invalid("samples", "ai.samples"))
	}
	if !slices.Contains(Accesses, d.Access) {
		ps = append(ps, problem.Invalid("access", "ai.access", strings.Join(Accesses, ", ")))
	}
	date(&ps, "registered", d.Registered, true)
	date(&ps, "withdrawn", d.Withdrawn, false)
	if d.Withdrawn != "" && d.Withdrawn < d.Registered {
		ps = append(ps, problem.Invalid("withdrawn", "ai.order"))
	}
	return ps
}

// Check names every problem of a model.
func (m Model) Check(ctx context.Context, q store.Querier) problem.List {
	var ps problem.List
	owner(ctx, q, &ps, m.OwnerID)
	text(&ps, "name", m.Name, true, 80)
	text(&ps, "domain", m.Domain, true, 40)
	text(&ps, "base_model", m.BaseModel, false, 80)
	text(&ps, "evaluation", m.Evaluation, false, 1000)
	date(&ps, "registered", m.Registered, true)
	date(&ps, "withdrawn", m.Withdrawn, false)
	return ps
}

// AddDatasets registers data sets, all or none; each problem is named by
// its row (1-based, as a spreadsheet's data rows after the header count
// from 2, the caller adds its offset) and field.
func AddDatasets(ctx context.Context, db *store.DB, ds []Dataset) ([]Dataset, error) {
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var all problem.List
		for i, d := range ds {
			for _, p := range d.Check(ctx, tx) {
				if len(ds) > 1 {
					p.Field = fmt.Sprintf("%d.%s", i+1, p.Field)
				}
				all = append(all, p)
			}
		}
		if len(all) > 0 {
			return all
		}
		for i := range ds {
			d := &ds[i]
			if err := tx.QueryRowContext(ctx, `INSERT INTO ai_datasets (owner_id, name, domain, samples, licence, access, description, registered, withdrawn, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				d.OwnerID, d.Name, d.Domain, d.Samples, d.Licence, d.Access, d.Description, d.Registered, d.Withdrawn, store.Now()).Scan(&d.ID); err != nil {
				if store.IsUniqueViolation(err) {
					return problem.Invalid("name", "ai.duplicate", d.Name)
				}
				return fmt.Errorf("register data set: %w", err)
			}
			if err := audit.Append(ctx, tx, audit.Change{Entity: "ai_dataset", EntityID: d.ID, Action: "create", After: d}); err != nil {
				return err
			}
		}
		return nil
	})
	return ds, err
}

// AddModel registers a model.
func AddModel(ctx context.Context, db *store.DB, m Model) (Model, error) {
	err := db.InTx(ctx, func(tx *store.Tx) error {
		if ps := m.Check(ctx, tx); len(ps) > 0 {
			return ps
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO ai_models (owner_id, name, base_model, domain, evaluation, registered, withdrawn, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			m.OwnerID, m.Name, m.BaseModel, m.Domain, m.Evaluation, m.Registered, m.Withdrawn, store.Now()).Scan(&m.ID); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.Invalid("name", "ai.duplicate", m.Name)
			}
			return fmt.Errorf("register model: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "ai_model", EntityID: m.ID, Action: "create", After: m})
	})
	return m, err
}

// Datasets lists the data sets registered and not withdrawn on day.
func Datasets(ctx context.Context, q store.Querier, day string) ([]Dataset, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.owner_id, o.name, d.name, d.domain, d.samples, d.licence, d.access, d.description, d.registered, d.withdrawn
		FROM ai_datasets d JOIN organisations o ON o.id = d.owner_id WHERE d.registered <= ? AND (d.withdrawn = '' OR d.withdrawn > ?) ORDER BY d.samples DESC, d.id`, day, day)
	if err != nil {
		return nil, fmt.Errorf("data sets: %w", err)
	}
	defer rows.Close()
	out := []Dataset{}
	for rows.Next() {
		var d Dataset
		if err := rows.Scan(&d.ID, &d.OwnerID, &d.Owner, &d.Name, &d.Domain, &d.Samples, &d.Licence, &d.Access, &d.Description, &d.Registered, &d.Withdrawn); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Models lists the models registered and not withdrawn on day.
func Models(ctx context.Context, q store.Querier, day string) ([]Model, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.owner_id, o.name, m.name, m.base_model, m.domain, m.evaluation, m.registered, m.withdrawn
		FROM ai_models m JOIN organisations o ON o.id = m.owner_id WHERE m.registered <= ? AND (m.withdrawn = '' OR m.withdrawn > ?) ORDER BY m.registered, m.id`, day, day)
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	defer rows.Close()
	out := []Model{}
	for rows.Next() {
		var m Model
		if err := rows.Scan(&m.ID, &m.OwnerID, &m.Owner, &m.Name, &m.BaseModel, &m.Domain, &m.Evaluation, &m.Registered, &m.Withdrawn); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Member is an organisation's membership of an alliance.
type Member struct {
	AllianceID int64  `json:"alliance_id"`
	MemberID   int64  `json:"member_id"`
	Member     string `json:"member"`
	Kind       string `json:"kind"`
	Role       string `json:"role,omitempty"`
	Joined     string `json:"joined"`
	Left       string `json:"left,omitempty"`
}

// Join records organisations joining an alliance (an organisation of kind
// alliance) on a day, all or none.
func Join(ctx context.Context, db *store.DB, allianceID int64, members []Member) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = ?`, allianceID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != "alliance") {
			return problem.Invalid("alliance_id", "ai.not_alliance", allianceID)
		}
		if err != nil {
			return err
		}
		var ps problem.List
		for i, m := range members {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ?`, m.MemberID).Scan(&n); err != nil || n == 0 || m.MemberID == allianceID {
				ps = append(ps, problem.Invalid(fmt.Sprintf("%d.member_id", i+1), "form.ref_unknown", m.MemberID))
			}
			date(&ps, fmt.Sprintf("%d.joined", i+1), m.Joined, true)
		}
		if len(ps) > 0 {
			return ps
		}
		for _, m := range members {
			if _, err := tx.ExecContext(ctx, `INSERT INTO alliance_members (alliance_id, member_id, role, joined) VALUES (?, ?, ?, ?)`, allianceID, m.MemberID, m.Role, m.Joined); err != nil {
				if store.IsUniqueViolation(err) {
					return problem.Invalid("member_id", "ai.member_twice", m.MemberID)
				}
				return fmt.Errorf("join alliance: %w", err)
			}
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "alliance", EntityID: allianceID, Action: "join", After: map[string]any{"members": len(members)}})
	})
}

// Members lists an alliance's members on day.
func Members(ctx context.Context, q store.Querier, allianceID int64, day string) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.alliance_id, m.member_id, o.name, o.kind, m.role, m.joined, m.left_on FROM alliance_members m JOIN organisations o ON o.id = m.member_id
		WHERE m.alliance_id = ? AND m.joined <= ? AND (m.left_on = '' OR m.left_on > ?) ORDER BY m.joined, o.name`, allianceID, day, day)
	if err != nil {
		return nil, fmt.Errorf("alliance members: %w", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.AllianceID, &m.MemberID, &m.Member, &m.Kind, &m.Role, &m.Joined, &m.Left); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Alliance is an alliance with its member count on a day.
type Alliance struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// Alliances lists the organisations of kind alliance with their members on
// day.
func Alliances(ctx context.Context, q store.Querier, day string) ([]Alliance, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name, (SELECT count(*) FROM alliance_members m WHERE m.alliance_id = o.id AND m.joined <= ? AND (m.left_on = '' OR m.left_on > ?))
		FROM organisations o WHERE o.kind = 'alliance' ORDER BY o.name_key, o.name`, day, day)
	if err != nil {
		return nil, fmt.Errorf("alliances: %w", err)
	}
	defer rows.Close()
	var out []Alliance
	for rows.Next() {
		var a Alliance
		if err := rows.Scan(&a.ID, &a.Name, &a.Members); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
