package program

import (
	"context"
	"errors"
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Bureau is the organisation that staff-run records (proposal replies)
// belong to when no other is named.
const Bureau = "市科学技术局"

// Register starts a record of a program the bureau runs itself (nobody
// applies to it: a proposal to reply to), by a program manager, for the
// bureau or a named organisation, checked like an application.
func Register(ctx context.Context, db *store.DB, files Files, p access.Principal, callID, orgID int64, data map[string]any, uploads []Upload) (Project, error) {
	if !p.Can(access.ProgramManage) {
		return Project{}, problem.New(problem.ErrForbidden, "review.manager_only")
	}
	c, err := GetCall(ctx, db, callID)
	if err != nil {
		return Project{}, err
	}
	t, err := LoadTemplate(ctx, db, c.TemplateID)
	if err != nil {
		return Project{}, err
	}
	if t.Applicable() {
		return Project{}, problem.New(problem.ErrConflict, "project.applied_by_orgs", t.Name)
	}
	got, bad := readUploads(t, uploads)
	if ps := append(CheckData(t, data, false), bad...); len(ps) > 0 {
		return Project{}, ps
	}
	if orgID == 0 {
		org, err := registry.ByName(ctx, db, Bureau)
		if errors.Is(err, problem.ErrNotFound) {
			org, err = registry.Create(ctx, db, registry.Organisation{Name: Bureau, Kind: "government"})
		}
		if err != nil {
			return Project{}, fmt.Errorf("the bureau's organisation: %w", err)
		}
		orgID = org.ID
	}
	return createWithFiles(ctx, db, files, t, Project{CallID: callID, OrganisationID: orgID, Data: data}, got, nil)
}

// StaffEditable reports whether program managers edit a staff-run record's
// form in its stage: a manager's transition out of it asks for fields.
func StaffEditable(t *Template, stage string) bool {
	if t.Applicable() {
		return false
	}
	for _, tr := range t.Transitions {
		if contains(tr.From, stage) && contains(tr.By, "role:manager") && len(tr.Requires) > 0 {
			return true
		}
	}
	if st, ok := t.Stage(stage); ok && !st.Terminal {
		for _, tr := range t.Transitions {
			if contains(tr.From, stage) && contains(tr.By, "role:manager") {
				return true
			}
		}
	}
	return false
}
