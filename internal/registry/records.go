package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// Discipline is a university's discipline (学科) or major (专业).
type Discipline struct {
	ID             int64  `json:"id"`
	OrganisationID int64  `json:"organisation_id"`
	Kind           string `json:"kind"` // discipline, major
	Code           string `json:"code,omitempty"`
	Name           string `json:"name"`
	Opened         int    `json:"opened,omitempty"`
	Tags           string `json:"tags,omitempty"`
}

// Figure is one yearly figure of an organisation.
type Figure struct {
	OrganisationID int64   `json:"organisation_id"`
	Year           int     `json:"year"`
	Kind           string  `json:"kind"`
	Value          float64 `json:"value"`
	Source         string  `json:"source,omitempty"`
}

// Recognition is a title or level granted to an organisation or a person.
type Recognition struct {
	ID         int64  `json:"id"`
	Kind       string `json:"kind"`
	KindName   string `json:"kind_name,omitempty"`
	KindNameEN string `json:"kind_name_en,omitempty"`
	Level      string `json:"level,omitempty"`
	Subject    string `json:"subject"` // organisation, person, discipline, major
	SubjectID  int64  `json:"subject_id"`
	Authority  string `json:"authority,omitempty"`
	Granted    string `json:"granted"`
	Revoked    string `json:"revoked,omitempty"`
	// ValidUntil is the last day a qualification is valid (a high-tech
	// enterprise certificate runs three years); empty: no end.
	ValidUntil string `json:"valid_until,omitempty"`
	Note       string `json:"note,omitempty"`
}

// ValidOn says whether the recognition holds on day (YYYY-MM-DD): granted
// by then, not past its validity, not revoked by then.
func (r Recognition) ValidOn(day string) bool {
	return r.Granted <= day && (r.ValidUntil == "" || r.ValidUntil >= day) && (r.Revoked == "" || r.Revoked > day)
}

func creditCodeID(raw string, field string, codes map[string]int64) (int64, []Problem) {
	res, err := stdcode.CheckCreditCode(raw)
	if err != nil {
		return 0, []Problem{{Field: field, msg: err.(*stdcode.Error)}}
	}
	id, ok := codes[res.Code]
	if !ok {
		return 0, []Problem{fieldProblem(field, "person.org_unknown", res.Code)}
	}
	return id, nil
}

func prepareDisciplines(ctx context.Context, db *store.DB, deps Deps, t *tabular.Table, r *rowReader) error {
	codes, err := orgIDs(ctx, db)
	if err != nil {
		return err
	}
	seen := firstSeen{}
	for _, row := range t.Rows {
		raw := r.raw(row)
		var d Discipline
		var ps []Problem
		d.OrganisationID, ps = creditCodeID(raw["university"], "university", codes)
		switch strings.TrimSpace(raw["kind"]) {
		case "学科", "discipline":
			d.Kind = "discipline"
		case "专业", "major":
			d.Kind = "major"
		default:
			ps = append(ps, fieldProblem("kind", "discipline.kind_unknown", raw["kind"]))
		}
		d.Code, d.Name, d.Tags = strings.TrimSpace(raw["code"]), strings.TrimSpace(raw["name"]), strings.TrimSpace(raw["tags"])
		if d.Name == "" {
			ps = append(ps, fieldProblem("name", "discipline.name_required"))
		}
		if o := strings.TrimSpace(raw["opened"]); o != "" {
			y, perr := ParseYear(o)
			if perr != nil {
				ps = append(ps, Problem{Field: "opened", msg: perr})
			}
			d.Opened = y
		}
		ps = append(ps, seen.check(fmt.Sprint(d.OrganisationID, "|", d.Kind, "|", d.Name), row.Num, "name")...)
		if r.add(row.Num, ps) {
			continue
		}
		r.plan.addRow(func(ctx context.Context, tx *store.Tx) (string, error) { return upsertDiscipline(ctx, tx, d) })
	}
	return nil
}

func upsertDiscipline(ctx context.Context, tx *store.Tx, d Discipline) (string, error) {
	var cur Discipline
	var opened sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, code, COALESCE(opened, 0), tags FROM disciplines WHERE organisation_id = ? AND kind = ? AND name = ?`,
		d.OrganisationID, d.Kind, d.Name).Scan(&cur.ID, &cur.Code, &opened, &cur.Tags)
	cur.Opened = int(opened.Int64)
	var op any
	if d.Opened != 0 {
		op = d.Opened
	}
	now := store.Now()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := tx.QueryRowContext(ctx, `INSERT INTO disciplines (organisation_id, kind, code, name, opened, tags, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, d.OrganisationID, d.Kind, d.Code, d.Name, op, d.Tags, now, now).Scan(&d.ID); err != nil {
			return "", fmt.Errorf("insert discipline: %w", err)
		}
		return Created, audit.Append(ctx, tx, audit.Change{Entity: "discipline", EntityID: d.ID, Action: "create", After: d})
	case err != nil:
		return "", err
	}
	if cur.Code == d.Code && cur.Opened == d.Opened && cur.Tags == d.Tags {
		return Unchanged, nil
	}
	d.ID = cur.ID
	if _, err := tx.ExecContext(ctx, `UPDATE disciplines SET code = ?, opened = ?, tags = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		d.Code, op, d.Tags, now, d.ID); err != nil {
		return "", fmt.Errorf("update discipline: %w", err)
	}
	return Updated, audit.Append(ctx, tx, audit.Change{Entity: "discipline", EntityID: d.ID, Action: "update", After: d})
}

func prepareFigures(ctx context.Context, db *store.DB, deps Deps, cat *Catalogue, t *tabular.Table, r *rowReader) error {
	codes, err := orgIDs(ctx, db)
	if err != nil {
		return err
	}
	seen := firstSeen{}
	for _, row := range t.Rows {
		raw := r.raw(row)
		var f Figure
		var ps []Problem
		f.OrganisationID, ps = creditCodeID(raw["credit_code"], "credit_code", codes)
		y, perr := ParseYear(raw["year"])
		if perr != nil {
			ps = append(ps, Problem{Field: "year", msg: perr})
		}
		f.Year = y
		k, ok := cat.FigureKey(strings.TrimSpace(raw["kind"]))
		if !ok {
			names := make([]string, len(cat.FigureKinds))
			for i, fk := range cat.FigureKinds {
				names[i] = fk.Name
			}
			ps = append(ps, fieldProblem("kind", "figure.kind_unknown", raw["kind"], strings.Join(names, "、")))
		}
		f.Kind = k
		v, verr := ParseNumber(raw["value"])
		if verr != nil {
			ps = append(ps, Problem{Field: "value", msg: verr})
		}
		f.Value, f.Source = v, strings.TrimSpace(raw["source"])
		ps = append(ps, seen.check(fmt.Sprint(f.OrganisationID, "|", f.Year, "|", f.Kind), row.Num, "kind")...)
		if r.add(row.Num, ps) {
			continue
		}
		r.plan.addRow(func(ctx context.Context, tx *store.Tx) (string, error) { return UpsertFigure(ctx, tx, f) })
	}
	return nil
}

// UpsertFigure writes one yearly figure.
func UpsertFigure(ctx context.Context, tx *store.Tx, f Figure) (string, error) {
	var cur Figure
	err := tx.QueryRowContext(ctx, `SELECT value, source FROM organisation_figures WHERE organisation_id = ? AND year = ? AND kind = ?`,
		f.OrganisationID, f.Year, f.Kind).Scan(&cur.Value, &cur.Source)
	now := store.Now()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO organisation_figures (organisation_id, year, kind, value, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			f.OrganisationID, f.Year, f.Kind, f.Value, f.Source, now); err != nil {
			return "", fmt.Errorf("insert figure: %w", err)
		}
		return Created, audit.Append(ctx, tx, audit.Change{Entity: "figure", EntityID: f.OrganisationID, Action: "create", After: f})
	case err != nil:
		return "", err
	}
	if cur.Value == f.Value && cur.Source == f.Source {
		return Unchanged, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE organisation_figures SET value = ?, source = ?, updated_at = ? WHERE organisation_id = ? AND year = ? AND kind = ?`,
		f.Value, f.Source, now, f.OrganisationID, f.Year, f.Kind); err != nil {
		return "", fmt.Errorf("update figure: %w", err)
	}
	cur.OrganisationID, cur.Year, cur.Kind = f.OrganisationID, f.Year, f.Kind
	return Updated, audit.Append(ctx, tx, audit.Change{Entity: "figure", EntityID: f.OrganisationID, Action: "update", Before: cur, After: f})
}

// Figures returns an organisation's yearly figures, by kind then year.
func Figures(ctx context.Context, q store.Querier, orgID int64) ([]Figure, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.organisation_id, f.year, f.kind, f.value, f.source FROM organisation_figures f
		JOIN figure_kinds k ON k.key = f.kind WHERE f.organisation_id = ? ORDER BY k.sort, f.year`, orgID)
	if err != nil {
		return nil, fmt.Errorf("load figures: %w", err)
	}
	defer rows.Close()
	var out []Figure
	for rows.Next() {
		var f Figure
		if err := rows.Scan(&f.OrganisationID, &f.Year, &f.Kind, &f.Value, &f.Source); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

type recognitionKind struct {
	key, name, nameEN, subject string
	levels                     []string
}

func recognitionKinds(ctx context.Context, q store.Querier) ([]recognitionKind, error) {
	rows, err := q.QueryContext(ctx, `SELECT key, name, name_en, subject, levels FROM recognition_kinds ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("load recognition kinds: %w", err)
	}
	defer rows.Close()
	var out []recognitionKind
	for rows.Next() {
		var k recognitionKind
		var levels string
		if err := rows.Scan(&k.key, &k.name, &k.nameEN, &k.subject, &levels); err != nil {
			return nil, err
		}
		if levels != "" {
			k.levels = strings.Split(levels, "|")
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func prepareRecognitions(ctx context.Context, db *store.DB, deps Deps, t *tabular.Table, r *rowReader) error {
	kinds, err := recognitionKinds(ctx, db)
	if err != nil {
		return err
	}
	codes, err := orgIDs(ctx, db)
	if err != nil {
		return err
	}
	var people map[string]int64
	for _, row := range t.Rows {
		raw := r.raw(row)
		var rec Recognition
		var ps []Problem
		var kind *recognitionKind
		for i := range kinds {
			if kinds[i].key == strings.TrimSpace(raw["kind"]) || kinds[i].name == strings.TrimSpace(raw["kind"]) {
				kind = &kinds[i]
			}
		}
		if kind == nil {
			names := make([]string, len(kinds))
			for i, k := range kinds {
				names[i] = k.name
			}
			ps = append(ps, fieldProblem("kind", "recognition.kind_unknown", raw["kind"], strings.Join(names, "、")))
		} else {
			rec.Kind, rec.Subject = kind.key, kind.subject
			rec.Level = strings.TrimSpace(raw["level"])
			if len(kind.levels) > 0 && rec.Level != "" && !contains(kind.levels, rec.Level) {
				ps = append(ps, fieldProblem("level", "recognition.level_unknown", rec.Level, strings.Join(kind.levels, "、")))
			}
			switch kind.subject {
			case "organisation":
				var p []Problem
				rec.SubjectID, p = creditCodeID(raw["credit_code"], "credit_code", codes)
				ps = append(ps, p...)
			case "person":
				if people == nil {
					if deps.Keys == nil {
						return fmt.Errorf("recognitions of people need the personal-data keyring")
					}
					people = map[string]int64{}
				}
				res, err := stdcode.CheckIDNumber(raw["id_number"], deps.Today)
				if err != nil {
					ps = append(ps, Problem{Field: "id_number", msg: err.(*stdcode.Error)})
					break
				}
				p, err := personByIndex(ctx, db, deps.Keys, deps.Keys.Index(res.Number, ctxIDNumber))
				if err != nil {
					ps = append(ps, fieldProblem("id_number", "recognition.person_unknown"))
					break
				}
				rec.SubjectID = p.ID
			default:
				ps = append(ps, fieldProblem("kind", "recognition.subject_unsupported", kind.name))
			}
		}
		g, gerr := ParseDate(raw["granted"], deps.Today)
		if gerr != nil {
			ps = append(ps, Problem{Field: "granted", msg: gerr})
		}
		rec.Granted = g
		if rv := strings.TrimSpace(raw["revoked"]); rv != "" {
			d, derr := ParseDate(rv, deps.Today)
			if derr != nil {
				ps = append(ps, Problem{Field: "revoked", msg: derr})
			}
			rec.Revoked = d
		}
		if vu := strings.TrimSpace(raw["valid_until"]); vu != "" {
			d, derr := ParseDate(vu, deps.Today)
			if derr != nil {
				ps = append(ps, Problem{Field: "valid_until", msg: derr})
			}
			rec.ValidUntil = d
		}
		rec.Authority, rec.Note = strings.TrimSpace(raw["authority"]), strings.TrimSpace(raw["note"])
		if r.add(row.Num, ps) {
			continue
		}
		r.plan.addRow(func(ctx context.Context, tx *store.Tx) (string, error) { return upsertRecognition(ctx, tx, rec) })
	}
	return nil
}

// Grant records a recognition (or updates the one of the same kind, subject
// and date), audited. Imports do the same in bulk.
func Grant(ctx context.Context, db *store.DB, rec Recognition) error {
	return db.InTx(ctx, func(tx *store.Tx) error { return GrantTx(ctx, tx, rec) })
}

// GrantTx is Grant inside a transaction: a program's transition grants a
// recognition together with the move that decides it.
func GrantTx(ctx context.Context, tx *store.Tx, rec Recognition) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM recognition_kinds WHERE key = ?`, rec.Kind).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return problem.Invalid("kind", "recognition.kind_missing", rec.Kind)
	}
	_, err := upsertRecognition(ctx, tx, rec)
	return err
}

func upsertRecognition(ctx context.Context, tx *store.Tx, rec Recognition) (string, error) {
	var cur Recognition
	err := tx.QueryRowContext(ctx, `SELECT id, level, authority, revoked, valid_until, note FROM recognitions WHERE kind = ? AND subject = ? AND subject_id = ? AND granted = ?`,
		rec.Kind, rec.Subject, rec.SubjectID, rec.Granted).Scan(&cur.ID, &cur.Level, &cur.Authority, &cur.Revoked, &cur.ValidUntil, &cur.Note)
	now := store.Now()
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := tx.QueryRowContext(ctx, `INSERT INTO recognitions (kind, level, subject, subject_id, authority, granted, revoked, valid_until, note, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, rec.Kind, rec.Level, rec.Subject, rec.SubjectID, rec.Authority, rec.Granted,
			rec.Revoked, rec.ValidUntil, rec.Note, now, now).Scan(&rec.ID); err != nil {
			return "", fmt.Errorf("insert recognition: %w", err)
		}
		return Created, audit.Append(ctx, tx, audit.Change{Entity: "recognition", EntityID: rec.ID, Action: "create", After: rec})
	case err != nil:
		return "", err
	}
	if cur.Level == rec.Level && cur.Authority == rec.Authority && cur.Revoked == rec.Revoked && cur.ValidUntil == rec.ValidUntil && cur.Note == rec.Note {
		return Unchanged, nil
	}
	rec.ID = cur.ID
	if _, err := tx.ExecContext(ctx, `UPDATE recognitions SET level = ?, authority = ?, revoked = ?, valid_until = ?, note = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		rec.Level, rec.Authority, rec.Revoked, rec.ValidUntil, rec.Note, now, rec.ID); err != nil {
		return "", fmt.Errorf("update recognition: %w", err)
	}
	return Updated, audit.Append(ctx, tx, audit.Change{Entity: "recognition", EntityID: rec.ID, Action: "update", After: rec})
}

// Recognitions lists the recognitions of one subject, newest first.
func Recognitions(ctx context.Context, q store.Querier, subject string, id int64) ([]Recognition, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.kind, k.name, k.name_en, r.level, r.subject, r.subject_id, r.authority, r.granted, r.revoked, r.valid_until, r.note
		FROM recognitions r JOIN recognition_kinds k ON k.key = r.kind WHERE r.subject = ? AND r.subject_id = ? ORDER BY r.granted DESC, r.id`, subject, id)
	if err != nil {
		return nil, fmt.Errorf("load recognitions: %w", err)
	}
	defer rows.Close()
	var out []Recognition
	for rows.Next() {
		var r Recognition
		if err := rows.Scan(&r.ID, &r.Kind, &r.KindName, &r.KindNameEN, &r.Level, &r.Subject, &r.SubjectID, &r.Authority, &r.Granted, &r.Revoked, &r.ValidUntil, &r.Note); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Disciplines lists a university's disciplines and majors, by kind and name.
func Disciplines(ctx context.Context, q store.Querier, orgID int64) ([]Discipline, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, organisation_id, kind, code, name, COALESCE(opened, 0), tags FROM disciplines
		WHERE organisation_id = ? ORDER BY kind, code, name`, orgID)
	if err != nil {
		return nil, fmt.Errorf("load disciplines: %w", err)
	}
	defer rows.Close()
	var out []Discipline
	for rows.Next() {
		var d Discipline
		if err := rows.Scan(&d.ID, &d.OrganisationID, &d.Kind, &d.Code, &d.Name, &d.Opened, &d.Tags); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RecognitionKinds lists the recognition kinds (key and name), for filters.
func RecognitionKinds(ctx context.Context, q store.Querier) ([]Named, error) {
	ks, err := recognitionKinds(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]Named, len(ks))
	for i, k := range ks {
		out[i] = Named{Key: k.key, Name: k.name, NameEN: k.nameEN}
	}
	return out, nil
}
