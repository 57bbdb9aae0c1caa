package talent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// A talent catalogue (人才分类目录) is data: a city's catalogue in versions
// (兴沈英才计划 2022版), each version with its classes (Shenyang's A 顶尖,
// B 杰出, C 领军, D 拔尖; other cities have others) and the items listed
// under each class. A certification rests on one item of one version
// (Basis), so a later version leaves the earlier recognitions as they were.

// Catalogue is one version of a catalogue with its classes and items.
type Catalogue struct {
	ID            int64
	Key           string // xingshen-2022
	Name          i18n.Text
	Version       i18n.Text
	Jurisdiction  string // division code
	EffectiveFrom string // YYYY-MM-DD
	Classes       []Class
	Items         []Item
}

// Class is one class of a catalogue version.
type Class struct {
	Key  string // A
	Name i18n.Text
}

// Item is one entry of a catalogue version, under a class.
type Item struct {
	ID    int64
	Class string
	Code  string // C3
	Name  i18n.Text
}

// Basis is what a certification rests on: an item, its class and the
// catalogue version.
type Basis struct {
	ItemID    int64
	Code      string
	Item      i18n.Text
	Class     string
	ClassName i18n.Text
	Catalogue i18n.Text
	Version   i18n.Text
	Key       string // the catalogue version's key
}

// ClassLabel is the class as pages print it: "C 领军人才" / "C Leading talent".
func (b Basis) ClassLabel(lang string) string { return b.Class + " " + b.ClassName.In(lang) }

// VersionLabel is the catalogue version: "兴沈英才计划 2022版".
func (b Basis) VersionLabel(lang string) string {
	return strings.TrimSpace(b.Catalogue.In(lang) + " " + b.Version.In(lang))
}

// Catalogues reads every catalogue version with its classes and items,
// newest first.
func Catalogues(ctx context.Context, q store.Querier) ([]Catalogue, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, key, name, name_en, version, version_en, jurisdiction, effective_from
		FROM talent_catalogues ORDER BY effective_from DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("talent: catalogues: %w", err)
	}
	var out []Catalogue
	byID := map[int64]int{}
	for rows.Next() {
		var c Catalogue
		if err := rows.Scan(&c.ID, &c.Key, &c.Name.ZH, &c.Name.EN, &c.Version.ZH, &c.Version.EN, &c.Jurisdiction, &c.EffectiveFrom); err != nil {
			rows.Close()
			return nil, fmt.Errorf("talent: catalogues: %w", err)
		}
		byID[c.ID] = len(out)
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT catalogue_id, key, name, name_en FROM talent_classes ORDER BY catalogue_id, sort, key`)
	if err != nil {
		return nil, fmt.Errorf("talent: catalogue classes: %w", err)
	}
	for rows.Next() {
		var id int64
		var c Class
		if err := rows.Scan(&id, &c.Key, &c.Name.ZH, &c.Name.EN); err != nil {
			rows.Close()
			return nil, fmt.Errorf("talent: catalogue classes: %w", err)
		}
		if i, ok := byID[id]; ok {
			out[i].Classes = append(out[i].Classes, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT id, catalogue_id, class_key, code, name, name_en FROM talent_catalogue_items ORDER BY catalogue_id, sort, code`)
	if err != nil {
		return nil, fmt.Errorf("talent: catalogue items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var it Item
		if err := rows.Scan(&it.ID, &id, &it.Class, &it.Code, &it.Name.ZH, &it.Name.EN); err != nil {
			return nil, fmt.Errorf("talent: catalogue items: %w", err)
		}
		if i, ok := byID[id]; ok {
			out[i].Items = append(out[i].Items, it)
		}
	}
	return out, rows.Err()
}

// CatalogueByKey is one catalogue version by its key.
func CatalogueByKey(ctx context.Context, q store.Querier, key string) (Catalogue, error) {
	all, err := Catalogues(ctx, q)
	if err != nil {
		return Catalogue{}, err
	}
	for _, c := range all {
		if c.Key == key {
			return c, nil
		}
	}
	return Catalogue{}, problem.New(problem.ErrNotFound, "talent.catalogue.unknown", key)
}

// ItemByCode is an item of a catalogue version by its code.
func (c Catalogue) ItemByCode(code string) (Item, bool) {
	for _, it := range c.Items {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}

// ItemsOf are the items of a class.
func (c Catalogue) ItemsOf(class string) []Item {
	var out []Item
	for _, it := range c.Items {
		if it.Class == class {
			out = append(out, it)
		}
	}
	return out
}

// keyRE is a catalogue version's key: lower-case letters, digits and
// dashes (it goes into links: ?version=xingshen-2022).
var keyRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)

// divisionRE is a division code (GB/T 2260): six digits.
var divisionRE = regexp.MustCompile(`^[1-9][0-9]{5}$`)

// Covers reports whether a catalogue of jurisdiction j applies to a record
// of jurisdiction d (division codes): a province's (210000) covers its
// cities and districts, a city's (210100) its districts (2101xx), a
// district's itself. An empty jurisdiction on either side is not known and
// does not refuse.
func Covers(j, d string) bool {
	switch {
	case j == "" || d == "" || len(j) != 6 || len(d) != 6:
		return true
	case strings.HasSuffix(j, "0000"):
		return j[:2] == d[:2]
	case strings.HasSuffix(j, "00"):
		return j[:4] == d[:4]
	}
	return j == d
}

// check says what is wrong with a catalogue version before it is written.
func (c Catalogue) check() error {
	var ps problem.List
	if strings.TrimSpace(c.Key) == "" {
		ps = append(ps, problem.Invalid("key", "talent.catalogue.key_required"))
	} else if !keyRE.MatchString(c.Key) {
		ps = append(ps, problem.Invalid("key", "talent.catalogue.bad_key", c.Key))
	}
	if strings.TrimSpace(c.Name.ZH) == "" {
		ps = append(ps, problem.Invalid("name", "talent.catalogue.name_required"))
	}
	if strings.TrimSpace(c.Version.ZH) == "" {
		ps = append(ps, problem.Invalid("version", "talent.catalogue.version_required"))
	}
	if c.Jurisdiction != "" && !divisionRE.MatchString(c.Jurisdiction) {
		ps = append(ps, problem.Invalid("jurisdiction", "talent.catalogue.bad_jurisdiction", c.Jurisdiction))
	}
	if c.EffectiveFrom != "" {
		if _, err := time.Parse(time.DateOnly, c.EffectiveFrom); err != nil {
			ps = append(ps, problem.Invalid("effective_from", "talent.catalogue.bad_date", c.EffectiveFrom))
		}
	}
	if len(c.Classes) == 0 {
		ps = append(ps, problem.Invalid("classes", "talent.catalogue.no_classes"))
	}
	classes := map[string]bool{}
	for _, cl := range c.Classes {
		if strings.TrimSpace(cl.Key) == "" || strings.TrimSpace(cl.Name.ZH) == "" || classes[cl.Key] {
			ps = append(ps, problem.Invalid("classes", "talent.catalogue.bad_class", cl.Key))
		}
		classes[cl.Key] = true
	}
	codes := map[string]bool{}
	for _, it := range c.Items {
		switch {
		case !classes[it.Class]:
			ps = append(ps, problem.Invalid("items", "talent.catalogue.item_class", it.Code, it.Class))
		case strings.TrimSpace(it.Code) == "" || strings.TrimSpace(it.Name.ZH) == "" || codes[it.Code]:
			ps = append(ps, problem.Invalid("items", "talent.catalogue.bad_item", it.Code))
		}
		codes[it.Code] = true
	}
	if len(ps) > 0 {
		return ps
	}
	return nil
}

// AddCatalogue writes a catalogue version with its classes and items,
// audited, and gives its id. A version is never changed once written:
// certifications rest on its items; a new version is a new catalogue.
func AddCatalogue(ctx context.Context, tx *store.Tx, c Catalogue) (int64, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM talent_catalogues WHERE key = ? OR (name = ? AND version = ?)`, c.Key, c.Name.ZH, c.Version.ZH).Scan(&n); err != nil {
		return 0, fmt.Errorf("talent: catalogue %s: %w", c.Key, err)
	}
	if n > 0 {
		return 0, problem.New(problem.ErrConflict, "talent.catalogue.exists", c.Key)
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO talent_catalogues (key, name, name_en, version, version_en, jurisdiction, effective_from, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, c.Key, c.Name.ZH, c.Name.EN, c.Version.ZH, c.Version.EN, c.Jurisdiction, c.EffectiveFrom, store.Now()).Scan(&id); err != nil {
		return 0, fmt.Errorf("talent: catalogue %s: %w", c.Key, err)
	}
	for i, cl := range c.Classes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO talent_classes (catalogue_id, key, name, name_en, sort) VALUES (?, ?, ?, ?, ?)`,
			id, cl.Key, cl.Name.ZH, cl.Name.EN, (i+1)*10); err != nil {
			return 0, fmt.Errorf("talent: catalogue %s class %s: %w", c.Key, cl.Key, err)
		}
	}
	for i, it := range c.Items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO talent_catalogue_items (catalogue_id, class_key, code, name, name_en, sort) VALUES (?, ?, ?, ?, ?, ?)`,
			id, it.Class, it.Code, it.Name.ZH, it.Name.EN, (i+1)*10); err != nil {
			return 0, fmt.Errorf("talent: catalogue %s item %s: %w", c.Key, it.Code, err)
		}
	}
	return id, audit.Append(ctx, tx, audit.Change{Entity: "talent_catalogue", EntityID: id, Action: "create",
		After: map[string]any{"key": c.Key, "name": c.Name.ZH, "version": c.Version.ZH, "classes": len(c.Classes), "items": len(c.Items)}})
}

// Rest is one certification and the item it rests on.
type Rest struct {
	ProjectID int64
	ItemID    int64
}

// RestOn records the catalogue item each certification rests on, audited
// (a record already resting on an item moves to the new one). A record
// that is not a talent certification, an item that does not exist, or an
// item of a catalogue of another jurisdiction than the record's (Covers;
// the record's is its organisation's district, else that of the catalogue
// it rests on now) is refused and nothing is written.
func RestOn(ctx context.Context, tx *store.Tx, rs []Rest) error {
	now, by := store.Now(), audit.ActorFrom(ctx).Name
	changes := make([]audit.Change, 0, len(rs))
	for _, r := range rs {
		var key string
		err := tx.QueryRowContext(ctx, `SELECT t.key FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE p.id = ?`, r.ProjectID).Scan(&key)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && key != Certification) {
			return problem.New(problem.ErrInvalid, "talent.catalogue.not_certification", r.ProjectID)
		}
		if err != nil {
			return fmt.Errorf("talent: record %d: %w", r.ProjectID, err)
		}
		var code, juris string
		err = tx.QueryRowContext(ctx, `SELECT i.code, c.jurisdiction FROM talent_catalogue_items i JOIN talent_catalogues c ON c.id = i.catalogue_id WHERE i.id = ?`, r.ItemID).Scan(&code, &juris)
		if errors.Is(err, sql.ErrNoRows) {
			return problem.New(problem.ErrInvalid, "talent.catalogue.unknown_item", r.ItemID)
		}
		if err != nil {
			return fmt.Errorf("talent: item %d: %w", r.ItemID, err)
		}
		own, err := RecordJurisdiction(ctx, tx, r.ProjectID)
		if err != nil {
			return err
		}
		if !Covers(juris, own) {
			return problem.New(problem.ErrInvalid, "talent.catalogue.other_jurisdiction", code, juris, r.ProjectID, own)
		}
		var before sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT item_id FROM talent_recognitions WHERE project_id = ?`, r.ProjectID).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("talent: record %d: %w", r.ProjectID, err)
		}
		if before.Valid {
			_, err = tx.ExecContext(ctx, `UPDATE talent_recognitions SET item_id = ?, set_by = ?, set_at = ? WHERE project_id = ?`, r.ItemID, by, now, r.ProjectID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO talent_recognitions (project_id, item_id, set_by, set_at) VALUES (?, ?, ?, ?)`, r.ProjectID, r.ItemID, by, now)
		}
		if err != nil {
			return fmt.Errorf("talent: record %d rests on %d: %w", r.ProjectID, r.ItemID, err)
		}
		c := audit.Change{Entity: "project", EntityID: r.ProjectID, Action: "talent_basis", After: map[string]any{"item_id": r.ItemID, "code": code}}
		if before.Valid {
			c.Before = map[string]any{"item_id": before.Int64}
		}
		changes = append(changes, c)
	}
	return audit.AppendBatch(ctx, tx, changes)
}

// RecordJurisdiction is the division a certification record belongs to:
// its organisation's district, else the jurisdiction of the catalogue it
// rests on now; "" when neither is known.
func RecordJurisdiction(ctx context.Context, q store.Querier, project int64) (string, error) {
	var district, current sql.NullString
	err := q.QueryRowContext(ctx, `SELECT o.district, (SELECT c.jurisdiction FROM talent_recognitions r JOIN talent_catalogue_items i ON i.id = r.item_id
		JOIN talent_catalogues c ON c.id = i.catalogue_id WHERE r.project_id = p.id)
		FROM projects p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ?`, project).Scan(&district, &current)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("talent: record %d jurisdiction: %w", project, err)
	}
	if divisionRE.MatchString(district.String) {
		return district.String, nil
	}
	return current.String, nil
}

// bases reads what each certification rests on, by record.
func bases(ctx context.Context, q store.Querier, person int64) (map[int64]Basis, error) {
	where, args := "", []any{}
	if person != 0 {
		where, args = ` WHERE r.project_id IN (SELECT project_id FROM project_parties WHERE person_id = ?)`, append(args, person)
	}
	rows, err := q.QueryContext(ctx, `SELECT r.project_id, i.id, i.code, i.name, i.name_en, i.class_key, cl.name, cl.name_en, c.name, c.name_en, c.version, c.version_en, c.key
		FROM talent_recognitions r JOIN talent_catalogue_items i ON i.id = r.item_id
		JOIN talent_classes cl ON cl.catalogue_id = i.catalogue_id AND cl.key = i.class_key
		JOIN talent_catalogues c ON c.id = i.catalogue_id`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("talent: certification bases: %w", err)
	}
	defer rows.Close()
	out := map[int64]Basis{}
	for rows.Next() {
		var id int64
		var b Basis
		if err := rows.Scan(&id, &b.ItemID, &b.Code, &b.Item.ZH, &b.Item.EN, &b.Class, &b.ClassName.ZH, &b.ClassName.EN,
			&b.Catalogue.ZH, &b.Catalogue.EN, &b.Version.ZH, &b.Version.EN, &b.Key); err != nil {
			return nil, fmt.Errorf("talent: certification bases: %w", err)
		}
		out[id] = b
	}
	return out, rows.Err()
}

// Resting counts the certifications resting on each catalogue item, by
// item.
func Resting(ctx context.Context, q store.Querier) (map[int64]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT item_id, count(*) FROM talent_recognitions GROUP BY item_id`)
	if err != nil {
		return nil, fmt.Errorf("talent: certifications by item: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("talent: certifications by item: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
