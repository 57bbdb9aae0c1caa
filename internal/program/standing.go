package program

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// StandingCall returns the call that records of a program nobody applies to
// in rounds (dockings) are filed under: the call with key callKey, opened on
// the program's newest version from 2000-01-01 to 2099-12-31 the first time
// it is needed.
func StandingCall(ctx context.Context, tx *store.Tx, program, callKey, name string) (Call, error) {
	c := Call{Key: callKey}
	err := tx.QueryRowContext(ctx, `SELECT id, template_id, name, opens, closes FROM calls WHERE key = ?`, callKey).
		Scan(&c.ID, &c.TemplateID, &c.Name, &c.Opens, &c.Closes)
	if err == nil {
		return c, nil
	}
	pub, err := Latest(ctx, tx, program)
	if err != nil {
		return c, err
	}
	c = Call{TemplateID: pub.ID, Key: callKey, Name: name, NameEN: pub.Template.NameEN, Opens: "2000-01-01", Closes: "2099-12-31"} // English pages: the program's name
	if ps := CheckCall(c); len(ps) > 0 {
		return c, ps
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO calls (template_id, key, name, name_en, opens, closes, quota, budget, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?) RETURNING id`, c.TemplateID, c.Key, c.Name, c.NameEN, c.Opens, c.Closes, store.Now()).Scan(&c.ID); err != nil {
		return c, fmt.Errorf("open standing call %s: %w", callKey, err)
	}
	return c, audit.Append(ctx, tx, audit.Change{Entity: "call", EntityID: c.ID, Action: "open", After: c})
}

// CreateInTx starts a record in call callID for organisation orgID inside
// tx, after checking data against the template (types, choices, limits).
func CreateInTx(ctx context.Context, tx *store.Tx, callID, orgID int64, data map[string]any) (Project, error) {
	return CreateInTxAt(ctx, tx, callID, orgID, data, Clock())
}

// CreateInTxAt is CreateInTx for a record that began at a given time.
func CreateInTxAt(ctx context.Context, tx *store.Tx, callID, orgID int64, data map[string]any, at time.Time) (Project, error) {
	var tid int64
	if err := tx.QueryRowContext(ctx, `SELECT template_id FROM calls WHERE id = ?`, callID).Scan(&tid); err != nil {
		return Project{}, fmt.Errorf("call %d: %w", callID, err)
	}
	t, err := LoadTemplate(ctx, tx, tid)
	if err != nil {
		return Project{}, err
	}
	if ps := CheckData(t, data, false); len(ps) > 0 {
		return Project{}, ps
	}
	pr, err := createProjectAt(ctx, tx, Project{CallID: callID, TemplateID: tid, OrganisationID: orgID, Data: data}, at)
	if err != nil {
		return pr, err
	}
	return pr, syncParties(ctx, tx, t, pr.ID, data)
}

// Standing reports whether c is a standing call (StandingCall): records are
// filed under it as they arise, nobody applies to it.
func (c Call) Standing() bool { return c.Opens == "2000-01-01" && c.Closes == "2099-12-31" }
