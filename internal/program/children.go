package program

import (
	"context"
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// MayAddChild reports whether p may add a child of kind c under parent:
// "owner" is a user of the parent's organisation, "other_org" a user of any
// other organisation (a solver bidding on a challenge), "role:R" a holder of
// R.
func MayAddChild(p access.Principal, parent Project, c Child) bool {
	orgUser := p.OrgID != 0 && (p.Has(access.Org) || p.Has(access.Finance))
	for _, by := range c.By {
		switch {
		case by == "owner" && orgUser && p.OrgID == parent.OrganisationID:
			return true
		case by == "other_org" && orgUser && p.OrgID != parent.OrganisationID:
			return true
		}
		if r, ok := RoleOf(by); ok && p.Has(r) {
			return true
		}
	}
	return false
}

// RoleOf reads "role:R" in a template's list of actors.
func RoleOf(by string) (access.Role, bool) {
	if len(by) > 5 && by[:5] == "role:" {
		return access.Role(by[5:]), true
	}
	return "", false
}

// childKindOf finds the parent's template and the kind of child pr is.
func childKindOf(ctx context.Context, q store.Querier, pr Project) (Project, Child, error) {
	parent, err := GetProject(ctx, q, pr.ParentID)
	if err != nil {
		return parent, Child{}, err
	}
	pt, err := LoadTemplate(ctx, q, parent.TemplateID)
	if err != nil {
		return parent, Child{}, err
	}
	c, ok := pt.Child(pr.ChildKind)
	if !ok {
		return parent, c, fmt.Errorf("project %d: child kind %q not in %s", pr.ID, pr.ChildKind, pt.Key)
	}
	return parent, c, nil
}

// childrenOpen refuses when the parent has left the stages in which
// children are taken: a bid is submitted only while its challenge is
// published.
func childrenOpen(ctx context.Context, q store.Querier, pr Project) error {
	parent, c, err := childKindOf(ctx, q, pr)
	if err != nil {
		return err
	}
	if !contains(c.OpenIn, parent.Stage) {
		return problem.New(problem.ErrConflict, "project.children_closed", c.Name, parent.Title)
	}
	return nil
}

// AddChild starts a child record of kind under parent: a bid on a
// challenge, a leg of a support case. It belongs to the adder's organisation
// (or the parent's, when bureau or bank staff add it), runs on the latest
// version of the child template, and is checked like an application.
func AddChild(ctx context.Context, db *store.DB, files Files, p access.Principal, parentID int64, kind string, data map[string]any, uploads []Upload) (Project, error) {
	parent, err := GetProject(ctx, db, parentID)
	if err != nil {
		return Project{}, err
	}
	pt, err := LoadTemplate(ctx, db, parent.TemplateID)
	if err != nil {
		return Project{}, err
	}
	c, ok := pt.Child(kind)
	if !ok {
		return Project{}, fmt.Errorf("child kind %q: %w", kind, problem.ErrNotFound)
	}
	if !MayAddChild(p, parent, c) {
		return Project{}, problem.New(problem.ErrForbidden, "project.child_not_allowed", c.Name)
	}
	if !contains(c.OpenIn, parent.Stage) {
		return Project{}, problem.New(problem.ErrConflict, "project.children_closed", c.Name, parent.Title)
	}
	pub, err := Latest(ctx, db, c.Template)
	if err != nil {
		return Project{}, err
	}
	got, bad := readUploads(pub.Template, uploads)
	if ps := append(CheckData(pub.Template, data, false), bad...); len(ps) > 0 {
		return Project{}, ps
	}
	org := p.OrgID
	if org == 0 {
		org = parent.OrganisationID
	}
	var title string
	if pub.Template.TitleField() == "" {
		if title, err = childTitle(ctx, db, pub.Template, parent, org, data); err != nil {
			return Project{}, err
		}
	}
	return createWithFiles(ctx, db, files, pub.Template, Project{CallID: parent.CallID, TemplateID: pub.ID, OrganisationID: org, Title: title, Data: data, ParentID: parent.ID, ChildKind: kind}, got,
		func(tx *store.Tx, pr Project) error {
			if org == parent.OrganisationID {
				return nil
			}
			return Notify(ctx, tx, Notice{OrganisationID: parent.OrganisationID, ProjectID: parent.ID, Kind: "child_added", Args: []any{parent.Title, c.Name}})
		})
}

// childTitle names a child whose form has no title after its parent and
// what tells it from its siblings: the first required choice it makes (a
// leg's instrument: 项目 · 贷款), else its organisation (a bid's bidder:
// 揭榜挂帅：… · 东北大学).
func childTitle(ctx context.Context, q store.Querier, t *Template, parent Project, org int64, data map[string]any) (string, error) {
	for _, f := range t.Form {
		if v, ok := data[f.Key].(string); ok && f.Type == "choice" && f.Required && v != "" {
			return parent.Title + " · " + v, nil
		}
	}
	var name string
	if err := q.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, org).Scan(&name); err != nil {
		return "", fmt.Errorf("name of organisation %d: %w", org, err)
	}
	return parent.Title + " · " + name, nil
}
