// Package returns owns periodic returns (数据填报): figures that other
// departments and units file as aggregates, period by period, and the bureau
// reviews. A form is data (YAML): its fields, how often it is filed, by
// when, and whether each figure is given per district. Accepted figures feed
// the indicators through the metric model "returns".
package returns

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Form is what a return asks for.
type Form struct {
	ID         int64   `yaml:"-" json:"id"`
	Key        string  `yaml:"key" json:"key"`
	Name       string  `yaml:"name" json:"name"`
	NameEN     string  `yaml:"name_en" json:"name_en"`
	Period     string  `yaml:"period" json:"period"`           // month, quarter, half, year
	DueDays    int     `yaml:"due_days" json:"due_days"`       // days after the period's end
	RemindDays int     `yaml:"remind_days" json:"remind_days"` // reminders start this many days before the due day
	ByDistrict bool    `yaml:"by_district" json:"by_district"` // each figure per district (GB/T 2260 code)
	Fields     []Field `yaml:"fields" json:"fields"`
	Source     string  `yaml:"-" json:"-"`
	Version    int     `yaml:"-" json:"version"`
}

// Field is one figure of a form.
type Field struct {
	Key     string   `yaml:"key" json:"key"`
	Name    string   `yaml:"name" json:"name"`
	NameEN  string   `yaml:"name_en" json:"name_en"`
	Unit    string   `yaml:"unit" json:"unit"`
	UnitEN  string   `yaml:"unit_en" json:"unit_en"`
	Integer bool     `yaml:"integer" json:"integer"`
	Min     *float64 `yaml:"min" json:"min,omitempty"`
	Max     *float64 `yaml:"max" json:"max,omitempty"`
	Help    string   `yaml:"help" json:"help,omitempty"`
}

// Field finds a field by key.
func (f *Form) Field(key string) (Field, bool) {
	i := slices.IndexFunc(f.Fields, func(x Field) bool { return x.Key == key })
	if i < 0 {
		return Field{}, false
	}
	return f.Fields[i], true
}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// Parse reads a form from YAML and checks it; every problem is named.
func Parse(src []byte) (*Form, error) {
	var f Form
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, problem.List{problem.Invalid("source", "returns.yaml", err.Error())}
	}
	f.Source = string(src)
	if ps := f.check(); len(ps) > 0 {
		return nil, ps
	}
	return &f, nil
}

func (f *Form) check() problem.List {
	var ps problem.List
	if !keyRE.MatchString(f.Key) {
		ps = append(ps, problem.Invalid("key", "returns.bad_key", f.Key))
	}
	if strings.TrimSpace(f.Name) == "" {
		ps = append(ps, problem.Invalid("name", "returns.name_required"))
	}
	if !slices.Contains(Periods, f.Period) {
		ps = append(ps, problem.Invalid("period", "returns.bad_period_kind", f.Period))
	}
	if f.DueDays < 0 || f.DueDays > 366 {
		ps = append(ps, problem.Invalid("due_days", "returns.bad_days", f.DueDays))
	}
	if f.RemindDays < 0 || f.RemindDays > 60 {
		ps = append(ps, problem.Invalid("remind_days", "returns.bad_days", f.RemindDays))
	}
	if len(f.Fields) == 0 {
		ps = append(ps, problem.Invalid("fields", "returns.no_fields"))
	}
	seen := map[string]bool{}
	for i, x := range f.Fields {
		name := fmt.Sprintf("fields.%d", i)
		switch {
		case !keyRE.MatchString(x.Key):
			ps = append(ps, problem.Invalid(name, "returns.bad_key", x.Key))
		case seen[x.Key]:
			ps = append(ps, problem.Invalid(name, "returns.duplicate_field", x.Key))
		case strings.TrimSpace(x.Name) == "":
			ps = append(ps, problem.Invalid(name, "returns.name_required"))
		case x.Min != nil && x.Max != nil && *x.Min > *x.Max:
			ps = append(ps, problem.Invalid(name, "returns.min_max", x.Key))
		}
		seen[x.Key] = true
	}
	return ps
}

// Publish stores a form, or a new version of it. A new version may add
// fields and change wording, deadlines and reminders, but not drop a field
// or change how often the form is filed or whether it is per district:
// filings already made must keep meaning what they meant.
func Publish(ctx context.Context, db *store.DB, src []byte) (*Form, error) {
	f, err := Parse(src)
	if err != nil {
		return nil, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		old, err := formByKey(ctx, tx, f.Key)
		now := store.Now()
		switch {
		case errors.Is(err, problem.ErrNotFound):
			f.Version = 1
			if err := tx.QueryRowContext(ctx, `INSERT INTO return_forms (key, name, name_en, period, due_days, remind_days, by_district, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				f.Key, f.Name, f.NameEN, f.Period, f.DueDays, f.RemindDays, f.ByDistrict, f.Source, now, now).Scan(&f.ID); err != nil {
				return fmt.Errorf("publish return form %s: %w", f.Key, err)
			}
		case err != nil:
			return err
		default:
			if old.Source == f.Source {
				*f = *old
				return nil
			}
			if old.Period != f.Period || old.ByDistrict != f.ByDistrict {
				return problem.Invalid("period", "returns.shape_fixed", old.Period)
			}
			for _, x := range old.Fields {
				if _, ok := f.Field(x.Key); !ok {
					return problem.Invalid("fields", "returns.field_dropped", x.Key)
				}
			}
			f.ID, f.Version = old.ID, old.Version+1
			if _, err := tx.ExecContext(ctx, `UPDATE return_forms SET name = ?, name_en = ?, due_days = ?, remind_days = ?, source = ?, updated_at = ?, version = ? WHERE id = ?`,
				f.Name, f.NameEN, f.DueDays, f.RemindDays, f.Source, now, f.Version, f.ID); err != nil {
				return fmt.Errorf("publish return form %s: %w", f.Key, err)
			}
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "return_form", EntityID: f.Key, Action: "publish", After: map[string]any{"version": f.Version, "fields": len(f.Fields)}})
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// PublishShipped publishes the forms Xinzhi ships (*.yaml in fsys) that are
// new or changed.
func PublishShipped(ctx context.Context, db *store.DB, fsys fs.FS) (int, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return n, err
		}
		if _, err := Publish(ctx, db, src); err != nil {
			return n, fmt.Errorf("%s: %w", name, err)
		}
		n++
	}
	return n, nil
}

// FormByKey loads a form.
func FormByKey(ctx context.Context, q store.Querier, key string) (*Form, error) {
	return formByKey(ctx, q, key)
}

func formByKey(ctx context.Context, q store.Querier, key string) (*Form, error) {
	var id int64
	var src string
	var version int
	err := q.QueryRowContext(ctx, `SELECT id, source, version FROM return_forms WHERE key = ?`, key).Scan(&id, &src, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("return form %q: %w", key, problem.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("return form %q: %w", key, err)
	}
	f, err := Parse([]byte(src))
	if err != nil {
		return nil, fmt.Errorf("return form %q as stored: %w", key, err)
	}
	f.ID, f.Version = id, version
	return f, nil
}

// Forms lists the published forms by name.
func Forms(ctx context.Context, q store.Querier) ([]*Form, error) {
	rows, err := q.QueryContext(ctx, `SELECT key FROM return_forms ORDER BY name, key`)
	if err != nil {
		return nil, fmt.Errorf("return forms: %w", err)
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			rows.Close()
			return nil, err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*Form, 0, len(keys))
	for _, k := range keys {
		f, err := formByKey(ctx, q, k)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Unit is an organisation that must file a form.
type Unit struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// AddUnit makes an organisation one of those that must file the form.
func AddUnit(ctx context.Context, db *store.DB, f *Form, orgID int64) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE id = ?`, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return problem.Invalid("organisation", "form.ref_unknown", orgID)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM return_units WHERE form_id = ? AND organisation_id = ?`, f.ID, orgID).Scan(&n); err != nil || n > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO return_units (form_id, organisation_id) VALUES (?, ?)`, f.ID, orgID); err != nil {
			return fmt.Errorf("return unit: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "return_form", EntityID: f.Key, Action: "add_unit", After: map[string]any{"organisation_id": orgID}})
	})
}

// Units lists the organisations that must file the form.
func Units(ctx context.Context, q store.Querier, f *Form) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.name FROM return_units u JOIN organisations o ON o.id = u.organisation_id WHERE u.form_id = ? ORDER BY o.name_key, o.name`, f.ID)
	if err != nil {
		return nil, fmt.Errorf("return units: %w", err)
	}
	defer rows.Close()
	var out []Unit
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// MustFile says whether an organisation is one of a form's units.
func MustFile(ctx context.Context, q store.Querier, f *Form, orgID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM return_units WHERE form_id = ? AND organisation_id = ?`, f.ID, orgID).Scan(&n)
	return n > 0, err
}
