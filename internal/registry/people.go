package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Seal contexts: a sealed value opens only in the column it was sealed for.
const (
	ctxIDNumber = "people.id_number"
	ctxPhone    = "people.phone"
	ctxEmail    = "people.email"
)

// Person is a person in the registry. IDNumber, Phone and Email are clear
// text only in memory: at rest they are sealed, and lists carry them masked
// unless the caller may see them.
type Person struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	IDNumber       string    `json:"id_number,omitempty"`
	Gender         string    `json:"gender,omitempty"` // male, female
	BirthYear      int       `json:"birth_year,omitempty"`
	Phone          string    `json:"phone,omitempty"`
	Email          string    `json:"email,omitempty"`
	OrganisationID int64     `json:"organisation_id,omitempty"`
	Organisation   string    `json:"organisation,omitempty"`
	Degree         string    `json:"degree,omitempty"`
	Field          string    `json:"field,omitempty"`
	Title          string    `json:"title,omitempty"` // 职称
	TalentLevel    string    `json:"talent_level,omitempty"`
	Masked         bool      `json:"masked"`
	UpdatedAt      time.Time `json:"updated_at"`
	Version        int       `json:"version"`
}

// Mask replaces the personal data with masked forms.
func (p *Person) Mask() {
	p.IDNumber, p.Phone, p.Email = stdcode.MaskIDNumber(p.IDNumber), stdcode.MaskPhone(p.Phone), stdcode.MaskEmail(p.Email)
	p.Masked = true
}

var phoneRE = regexp.MustCompile(`^(\+?86[- ]?)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$`)

// Degrees accepted, highest first.
var Degrees = []string{"博士", "硕士", "学士", "大专", "其他"}

// CheckPerson turns raw fields into a Person, reporting every problem.
// orgByCode resolves an organisation's credit code to its id.
func CheckPerson(raw Raw, today time.Time, orgByCode func(string) (int64, bool), levels map[string]bool) (Person, []Problem) {
	var p Person
	var ps []Problem
	p.Name = strings.TrimSpace(raw["name"])
	if p.Name == "" {
		ps = append(ps, fieldProblem("name", "person.name_required"))
	}
	if n := strings.TrimSpace(raw["id_number"]); n != "" {
		res, err := stdcode.CheckIDNumber(n, today)
		if err != nil {
			ps = append(ps, Problem{Field: "id_number", msg: err.(*stdcode.Error)})
		} else {
			p.IDNumber, p.BirthYear = res.Number, res.Birth.Year()
			p.Gender = "female"
			if res.Male {
				p.Gender = "male"
			}
		}
	} else {
		ps = append(ps, fieldProblem("id_number", "person.id_required"))
	}
	if g := strings.TrimSpace(raw["gender"]); g != "" {
		gender := map[string]string{"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}[strings.ToLower(g)]
		switch {
		case gender == "":
			ps = append(ps, fieldProblem("gender", "person.gender_unknown", g))
		case p.Gender != "" && gender != p.Gender:
			ps = append(ps, fieldProblem("gender", "person.gender_mismatch", g))
		default:
			p.Gender = gender
		}
	}
	if ph := strings.TrimSpace(raw["phone"]); ph != "" {
		if !phoneRE.MatchString(strings.ReplaceAll(ph, " ", "")) {
			ps = append(ps, fieldProblem("phone", "person.phone_invalid", ph))
		} else {
			p.Phone = strings.ReplaceAll(ph, " ", "")
		}
	}
	if e := strings.TrimSpace(raw["email"]); e != "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			ps = append(ps, fieldProblem("email", "person.email_invalid", e))
		} else {
			p.Email = strings.ToLower(e)
		}
	}
	if c := strings.TrimSpace(raw["organization"]); c != "" {
		res, err := stdcode.CheckCreditCode(c)
		if err != nil {
			ps = append(ps, Problem{Field: "organization", msg: err.(*stdcode.Error)})
		} else if id, ok := orgByCode(res.Code); ok {
			p.OrganisationID = id
		} else {
			ps = append(ps, fieldProblem("organization", "person.org_unknown", res.Code))
		}
	}
	if d := strings.TrimSpace(raw["degree"]); d != "" {
		if !contains(Degrees, d) {
			ps = append(ps, fieldProblem("degree", "person.degree_unknown", d, strings.Join(Degrees, "、")))
		}
		p.Degree = d
	}
	p.Field = strings.TrimSpace(raw["field"])
	p.Title = strings.TrimSpace(raw["title"])
	if l := strings.TrimSpace(raw["talent_level"]); l != "" {
		l = strings.TrimSuffix(strings.ToUpper(l), "类")
		if !levels[l] {
			ps = append(ps, fieldProblem("talent_level", "person.level_unknown", raw["talent_level"]))
		}
		p.TalentLevel = l
	}
	return p, ps
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// TalentLevels returns the keys of the talent classification.
func TalentLevels(ctx context.Context, q store.Querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT key FROM talent_levels`)
	if err != nil {
		return nil, fmt.Errorf("load talent levels: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// UpsertPerson writes p keyed on its ID number (through the blind index),
// sealing the personal data.
func UpsertPerson(ctx context.Context, tx *store.Tx, keys *seal.Keyring, p Person) (Person, string, error) {
	idx := keys.Index(p.IDNumber, ctxIDNumber)
	sealedID, err := keys.Seal(p.IDNumber, ctxIDNumber)
	if err != nil {
		return p, "", err
	}
	sealedPhone, err := keys.Seal(p.Phone, ctxPhone)
	if err != nil {
		return p, "", err
	}
	sealedEmail, err := keys.Seal(p.Email, ctxEmail)
	if err != nil {
		return p, "", err
	}
	now := store.Now()
	var org, level, birth any
	if p.OrganisationID != 0 {
		org = p.OrganisationID
	}
	if p.TalentLevel != "" {
		level = p.TalentLevel
	}
	if p.BirthYear != 0 {
		birth = p.BirthYear
	}
	cur, err := personByIndex(ctx, tx, keys, idx)
	switch {
	case errors.Is(err, problem.ErrNotFound):
		err = tx.QueryRowContext(ctx, `INSERT INTO people (name, id_number_sealed, id_number_index, gender, birth_year, phone_sealed, email_sealed,
			organisation_id, degree, field, title, talent_level, created_at, updated_at, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Name, sealedID, idx, p.Gender, birth, sealedPhone, sealedEmail, org, p.Degree, p.Field, p.Title, level, now, now, i18n.SortKey(p.Name)).Scan(&p.ID)
		if err != nil {
			return p, "", fmt.Errorf("insert person: %w", err)
		}
		p.Version = 1
		return p, Created, audit.Append(ctx, tx, audit.Change{Entity: "person", EntityID: p.ID, Action: "create", After: p.auditView()})
	case err != nil:
		return p, "", err
	}
	p.ID = cur.ID
	if samePerson(cur, p) {
		return cur, Unchanged, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE people SET name = ?, id_number_sealed = ?, gender = ?, birth_year = ?, phone_sealed = ?, email_sealed = ?,
		organisation_id = ?, degree = ?, field = ?, title = ?, talent_level = ?, updated_at = ?, name_key = ?, version = version + 1 WHERE id = ?`,
		p.Name, sealedID, p.Gender, birth, sealedPhone, sealedEmail, org, p.Degree, p.Field, p.Title, level, now, i18n.SortKey(p.Name), p.ID); err != nil {
		return p, "", fmt.Errorf("update person %d: %w", p.ID, err)
	}
	p.Version = cur.Version + 1
	return p, Updated, audit.Append(ctx, tx, audit.Change{Entity: "person", EntityID: p.ID, Action: "update", Before: cur.auditView(), After: p.auditView()})
}

func samePerson(a, b Person) bool {
	return a.Name == b.Name && a.IDNumber == b.IDNumber && a.Gender == b.Gender && a.BirthYear == b.BirthYear && a.Phone == b.Phone &&
		a.Email == b.Email && a.OrganisationID == b.OrganisationID && a.Degree == b.Degree && a.Field == b.Field && a.Title == b.Title && a.TalentLevel == b.TalentLevel
}

// auditView keeps personal data out of the audit log: masked forms only.
func (p Person) auditView() Person {
	c := p
	c.Mask()
	return c
}

const personColumns = `p.id, p.name, p.id_number_sealed, p.gender, COALESCE(p.birth_year, 0), p.phone_sealed, p.email_sealed,
	COALESCE(p.organisation_id, 0), COALESCE(o.name, ''), p.degree, p.field, p.title, COALESCE(p.talent_level, ''), p.updated_at, p.version`

func scanPerson(row interface{ Scan(...any) error }, keys *seal.Keyring) (Person, error) {
	var p Person
	var id, phone, email string
	if err := row.Scan(&p.ID, &p.Name, &id, &p.Gender, &p.BirthYear, &phone, &email, &p.OrganisationID, &p.Organisation,
		&p.Degree, &p.Field, &p.Title, &p.TalentLevel, &p.UpdatedAt, &p.Version); err != nil {
		return p, err
	}
	var err error
	if p.IDNumber, err = keys.Open(id, ctxIDNumber); err != nil {
		return p, fmt.Errorf("open id number of person %d: %w", p.ID, err)
	}
	if p.Phone, err = keys.Open(phone, ctxPhone); err != nil {
		return p, fmt.Errorf("open phone of person %d: %w", p.ID, err)
	}
	if p.Email, err = keys.Open(email, ctxEmail); err != nil {
		return p, fmt.Errorf("open e-mail of person %d: %w", p.ID, err)
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, nil
}

// PersonByIDNumber finds a person by ID number through the blind index.
func PersonByIDNumber(ctx context.Context, q store.Querier, keys *seal.Keyring, idNumber string) (Person, error) {
	return personByIndex(ctx, q, keys, keys.Index(strings.ToUpper(strings.TrimSpace(idNumber)), ctxIDNumber))
}

func personByIndex(ctx context.Context, q store.Querier, keys *seal.Keyring, idx string) (Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE p.id_number_index = ?`, idx), keys)
	if errors.Is(err, sql.ErrNoRows) {
		return p, problem.ErrNotFound
	}
	return p, err
}

// PeopleFilter narrows a list of people.
type PeopleFilter struct {
	Name           string
	OrganisationID int64
	TalentLevel    string
	Page, PerPage  int
}

// People lists people within scope (an organisation user sees their own
// organisation's people). When reveal is false the personal data comes back
// masked; when true the caller must have the permission, and each revealed
// person is audited. The count is capped like List's: at most CountCap
// past the page's start, and capped says more match.
func People(ctx context.Context, db *store.DB, keys *seal.Keyring, scope Scope, f PeopleFilter, reveal bool) (people []Person, total int, capped bool, err error) {
	w, args := scope.where("p.organisation_id")
	conds := []string{w}
	if f.Name != "" {
		conds, args = append(conds, "p.name LIKE ?"), append(args, "%"+f.Name+"%")
	}
	if f.OrganisationID != 0 {
		conds, args = append(conds, "p.organisation_id = ?"), append(args, f.OrganisationID)
	}
	if f.TalentLevel != "" {
		conds, args = append(conds, "p.talent_level = ?"), append(args, f.TalentLevel)
	}
	where := strings.Join(conds, " AND ")
	per := f.PerPage
	if per <= 0 || per > 1000 {
		per = 50
	}
	page := max(f.Page, 1)
	offset := (page - 1) * per
	var n int
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM people p WHERE %s LIMIT %d) c`, where, offset+CountCap+1), args...).Scan(&n); err != nil {
		return nil, 0, false, fmt.Errorf("count people: %w", err)
	}
	total, capped = min(n, offset+CountCap), n > offset+CountCap
	if err := fillNameKeys(ctx, db, "people"); err != nil {
		return nil, 0, false, err
	}
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT `+personColumns+` FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE %s ORDER BY p.name_key, p.id LIMIT %d OFFSET %d`, where, per, offset), args...)
	if err != nil {
		return nil, 0, false, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	var out []Person
	var ids []int64
	for rows.Next() {
		p, err := scanPerson(rows, keys)
		if err != nil {
			return nil, 0, false, err
		}
		if !reveal {
			p.Mask()
		} else {
			ids = append(ids, p.ID)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	if len(ids) > 0 {
		if err := audit.Record(ctx, db, audit.Change{Entity: "person", Action: "reveal", After: map[string]any{"ids": ids}}); err != nil {
			return nil, 0, false, err
		}
	}
	return out, total, capped, nil
}

// PersonByID loads a person, masked: what a page about the person's work
// may show.
func PersonByID(ctx context.Context, q store.Querier, keys *seal.Keyring, id int64) (Person, error) {
	p, err := scanPerson(q.QueryRowContext(ctx, `SELECT `+personColumns+` FROM people p LEFT JOIN organisations o ON o.id = p.organisation_id
		WHERE p.id = ?`, id), keys)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("person %d: %w", id, problem.ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("person %d: %w", id, err)
	}
	p.Mask()
	return p, nil
}
