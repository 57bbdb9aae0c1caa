package program

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// GetCall reads a call.
func GetCall(ctx context.Context, q store.Querier, id int64) (Call, error) {
	var c Call
	err := q.QueryRowContext(ctx, `SELECT id, template_id, key, name, name_en, opens, closes, quota, budget FROM calls WHERE id = ?`, id).
		Scan(&c.ID, &c.TemplateID, &c.Key, &c.Name, &c.NameEN, &c.Opens, &c.Closes, &c.Quota, &c.Budget)
	if err != nil {
		return c, fmt.Errorf("call %d: %w", id, problem.ErrNotFound)
	}
	return c, nil
}

// OpenOn reports whether the call takes applications on day (YYYY-MM-DD).
func (c Call) OpenOn(day string) bool { return c.Opens <= day && day <= c.Closes }

// Upload is a file sent with a form, for one of its file fields.
type Upload struct {
	Field string
	Name  string
	Body  io.Reader
	// PendingID is the pending file (of a form sent before and refused)
	// this upload sends again, or 0.
	PendingID int64
}

// Apply starts an application of the caller's organisation in an open call,
// with whatever of the form is filled so far (checked for type and limits;
// required fields are asked for when it is submitted) and its files, all in
// one transaction.
func Apply(ctx context.Context, db *store.DB, files Files, p access.Principal, callID int64, data map[string]any, uploads []Upload) (Project, error) {
	if p.OrgID == 0 || !(p.Has(access.Org) || p.Has(access.Finance)) {
		return Project{}, problem.New(problem.ErrForbidden, "project.apply_org_only")
	}
	c, err := GetCall(ctx, db, callID)
	if err != nil {
		return Project{}, err
	}
	if !c.OpenOn(clock.Today(ctx)) {
		return Project{}, problem.New(problem.ErrConflict, "project.call_closed", c.Name, c.Opens, c.Closes)
	}
	t, err := LoadTemplate(ctx, db, c.TemplateID)
	if err != nil {
		return Project{}, err
	}
	if !t.Applicable() {
		return Project{}, problem.New(problem.ErrForbidden, "project.not_applicable", t.Name)
	}
	got, bad := readUploads(t, uploads)
	if ps := append(CheckData(t, data, false), bad...); len(ps) > 0 {
		return Project{}, ps
	}
	return createWithFiles(ctx, db, files, t, Project{CallID: callID, OrganisationID: p.OrgID, Data: data}, got, nil)
}

// createWithFiles creates a record with its files, the parties its form
// names and, when given, what else must happen in the same transaction.
func createWithFiles(ctx context.Context, db *store.DB, files Files, t *Template, p Project, got []File, also func(tx *store.Tx, pr Project) error) (Project, error) {
	var pr Project
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if pr, err = createProject(ctx, tx, p); err != nil {
			return err
		}
		if err := syncParties(ctx, tx, t, pr.ID, p.Data); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx, pr); err != nil {
				return err
			}
		}
		if len(got) == 0 {
			return nil
		}
		if err := attachAll(ctx, tx, files, pr.ID, p.Data, got); err != nil {
			return err
		}
		return writeData(ctx, tx, pr.ID, p.Data, pr.Version)
	})
	if err == nil && len(got) > 0 {
		pr.Version++
	}
	return pr, err
}

// readUploads reads and checks every file sent: for a file field of the
// form, of a kind taken, within the size limit.
func readUploads(t *Template, uploads []Upload) ([]File, problem.List) {
	var ps problem.List
	var files []File
	for _, u := range uploads {
		if f, ok := t.Field(u.Field); !ok || f.Type != "file" {
			ps = append(ps, problem.Invalid(u.Field, "form.unknown_field", u.Field))
			continue
		}
		f, pe := ReadUpload(u)
		if pe != nil {
			ps = append(ps, pe)
			continue
		}
		files = append(files, f)
	}
	return files, ps
}

func attachAll(ctx context.Context, tx *store.Tx, fs Files, projectID int64, data map[string]any, files []File) error {
	for _, f := range files {
		a, err := fs.Attach(ctx, tx, projectID, f)
		if err != nil {
			return err
		}
		data[f.Field] = a.Ref()
	}
	return nil
}

// syncParties makes the organisations and people the form names (fields,
// and table columns, of those types) parties of the project, so that the
// review's conflict check sees co-applicants and team members.
func syncParties(ctx context.Context, tx *store.Tx, t *Template, id int64, data map[string]any) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM project_parties WHERE project_id = ? AND role LIKE 'field:%'`, id); err != nil {
		return fmt.Errorf("clear form parties: %w", err)
	}
	add := func(f Field, v any) error {
		ref, ok := v.(float64)
		if !ok || ref <= 0 {
			return nil
		}
		col := "organisation_id"
		if f.Type == "person" {
			col = "person_id"
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO project_parties (project_id, `+col+`, role) SELECT ?, id, ? FROM `+map[string]string{"organisation_id": "organisations", "person_id": "people"}[col]+` WHERE id = ?`,
			id, "field:"+f.Key, int64(ref))
		return err
	}
	for _, f := range t.Form {
		switch f.Type {
		case "organisation", "person":
			if err := add(f, data[f.Key]); err != nil {
				return fmt.Errorf("form party %s: %w", f.Key, err)
			}
		case "table":
			rows, _ := data[f.Key].([]any)
			for _, r := range rows {
				row, _ := r.(map[string]any)
				for _, c := range f.Columns {
					if c.Type == "organisation" || c.Type == "person" {
						if err := add(c, row[c.Key]); err != nil {
							return fmt.Errorf("form party %s.%s: %w", f.Key, c.Key, err)
						}
					}
				}
			}
		}
	}
	return nil
}

func writeData(ctx context.Context, tx *store.Tx, id int64, data map[string]any, version int) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var tid int64
	if err := tx.QueryRowContext(ctx, `SELECT template_id FROM projects WHERE id = ?`, id).Scan(&tid); err != nil {
		return fmt.Errorf("project %d: %w", id, err)
	}
	t, err := LoadTemplate(ctx, tx, tid)
	if err != nil {
		return err
	}
	if t.TitleField() == "" { // a form without a title keeps the name it was given
		res, err := tx.ExecContext(ctx, `UPDATE projects SET data = ?, amount_requested = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
			string(raw), t.AmountOf(data), store.Now(), id, version)
		return savedOne(res, err, id)
	}
	title, _ := data[t.TitleField()].(string)
	res, err := tx.ExecContext(ctx, `UPDATE projects SET data = ?, title = ?, amount_requested = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		string(raw), title, t.AmountOf(data), store.Now(), id, version)
	return savedOne(res, err, id)
}

// savedOne checks that a save changed the one record of the version read.
func savedOne(res sql.Result, err error, id int64) error {
	if err != nil {
		return fmt.Errorf("save project %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return problem.New(problem.ErrConflict, "project.changed_meanwhile")
	}
	return nil
}

// shanghai is the bureau's calendar: a call closes at the end of its last
// day in China Standard Time, whatever the server's zone.
var shanghai = time.FixedZone("CST", 8*3600)

// Editable reports whether the applicant may still change the form in the
// record's stage: when a transition the applicant takes from there asks for
// fields (a submission).
func Editable(t *Template, stage string) bool {
	for _, tr := range t.Transitions {
		if contains(tr.From, stage) && contains(tr.By, "owner") && len(tr.Requires) > 0 {
			return true
		}
	}
	return false
}

// SaveData replaces a project's form data, with any files sent, by a user
// of the applicant while the form is editable. A file field not sent keeps
// its file. version is the one the form was loaded at; a save over someone
// else's is refused rather than lost.
func SaveData(ctx context.Context, db *store.DB, files Files, p access.Principal, id int64, data map[string]any, uploads []Upload, version int) (Project, error) {
	var out Project
	err := db.InTx(ctx, func(tx *store.Tx) error {
		pr, err := GetProject(ctx, tx, id)
		if err != nil {
			return err
		}
		t, err := LoadTemplate(ctx, tx, pr.TemplateID)
		if err != nil {
			return err
		}
		owner := p.OrgID != 0 && p.OrgID == pr.OrganisationID && (p.Has(access.Org) || p.Has(access.Finance))
		staff := p.Can(access.ProgramManage) && !t.Applicable()
		switch {
		case !owner && !staff:
			return fmt.Errorf("project %d: %w", id, problem.ErrNotFound)
		case owner && !Editable(t, pr.Stage), staff && !StaffEditable(t, pr.Stage):
			return problem.New(problem.ErrConflict, "project.not_editable")
		}
		if pr.Version != version {
			return problem.New(problem.ErrConflict, "project.changed_meanwhile")
		}
		for _, f := range t.Form {
			if _, sent := data[f.Key]; f.Type == "file" && !sent && pr.Data[f.Key] != nil {
				data[f.Key] = pr.Data[f.Key]
			}
		}
		got, bad := readUploads(t, uploads)
		if ps := append(CheckData(t, data, false), bad...); len(ps) > 0 {
			return ps
		}
		if err := attachAll(ctx, tx, files, id, data, got); err != nil {
			return err
		}
		if err := writeData(ctx, tx, id, data, version); err != nil {
			return err
		}
		if err := syncParties(ctx, tx, t, id, data); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: id, Action: "edit", Before: pr.Data, After: data}); err != nil {
			return err
		}
		out, err = GetProject(ctx, tx, id)
		return err
	})
	return out, err
}

// Party is an organisation or person on a project beside the lead applicant.
type Party struct {
	OrganisationID int64  `json:"organisation_id,omitempty"`
	PersonID       int64  `json:"person_id,omitempty"`
	Role           string `json:"role"` // partner, leader, member
}

// AddParty records a partner organisation or a person on a project.
func AddParty(ctx context.Context, db *store.DB, projectID int64, pt Party) error {
	if (pt.OrganisationID == 0) == (pt.PersonID == 0) || pt.Role == "" {
		return problem.Invalid("party", "project.party_invalid")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_parties (project_id, organisation_id, person_id, role) VALUES (?, ?, ?, ?)`,
			projectID, nullID(pt.OrganisationID), nullID(pt.PersonID), pt.Role); err != nil {
			return fmt.Errorf("add party: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: projectID, Action: "add_party", After: pt})
	})
}

// Avoid records an expert the applicant asked to keep away from its project.
func Avoid(ctx context.Context, db *store.DB, projectID, reviewerID int64, reason string) error {
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_avoid (project_id, user_id, reason) VALUES (?, ?, ?) ON CONFLICT (project_id, user_id) DO NOTHING`,
			projectID, reviewerID, reason); err != nil {
			return fmt.Errorf("avoid: %w", err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: projectID, Action: "avoid_reviewer", After: map[string]any{"reviewer": reviewerID, "reason": reason}})
	})
}
