// Package adminweb serves administration: accounts (add, edit, disable,
// one-time passwords, second factors, sign-in locks), API tokens, AI
// assistance's settings and call log, and the audit log with its export
// and chain check.
package adminweb

import (
	"embed"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

//go:embed templates/*.html
var templates embed.FS

// area serves the pages and API of the area with the site's shared parts.
type area struct {
	*site.Site
	pages *site.Pages
}

// Routes parses the area's templates and returns its routes; package web
// adds them to the route table and checks each route's permission.
func Routes(shared *site.Site) ([]site.Route, error) {
	pages, err := shared.Parse(templates, "templates")
	if err != nil {
		return nil, err
	}
	s := &area{Site: shared, pages: pages}
	return []site.Route{
		{Method: "GET", Pattern: "/admin/users", Perm: access.UserView, H: s.usersPage, Summary: "accounts"},
		{Method: "POST", Pattern: "/admin/users", Perm: access.UserManage, H: s.createUser, Summary: "add an account"},
		{Method: "GET", Pattern: "/admin/users/{id}", Perm: access.UserView, H: s.userPage, Summary: "one account"},
		{Method: "POST", Pattern: "/admin/users/{id}", Perm: access.UserManage, H: s.editUser, Summary: "edit an account"},
		{Method: "POST", Pattern: "/admin/users/{id}/disable", Perm: access.UserManage, H: s.disableUser, Summary: "disable an account"},
		{Method: "POST", Pattern: "/admin/users/{id}/enable", Perm: access.UserManage, H: s.enableUser, Summary: "enable an account"},
		{Method: "POST", Pattern: "/admin/users/{id}/password", Perm: access.UserManage, H: s.resetPassword, Summary: "set a one-time password"},
		{Method: "POST", Pattern: "/admin/users/{id}/reset-mfa", Perm: access.UserManage, H: s.resetMFA, Summary: "reset the second factor"},
		{Method: "POST", Pattern: "/admin/users/{id}/unlock", Perm: access.SessionAdmin, H: s.unlockUser, Summary: "lift a sign-in lock"},
		{Method: "GET", Pattern: "/admin/tokens", Perm: access.TokenManage, H: s.tokensPage, Summary: "API tokens"},
		{Method: "POST", Pattern: "/admin/tokens", Perm: access.TokenManage, H: s.createToken, Summary: "create an API token"},
		{Method: "POST", Pattern: "/admin/tokens/{id}/revoke", Perm: access.TokenManage, H: s.revokeToken, Summary: "revoke an API token"},
		{Method: "GET", Pattern: "/admin/assist", Perm: access.AssistManage, H: s.assistPage, Summary: "AI assistance: whether a model is configured, the day's tokens, which fields a model may see, the call log (no prompt text)"},
		{Method: "POST", Pattern: "/admin/assist/fields", Perm: access.AssistManage, H: s.setAssistField, Summary: "allow or forbid a field to be shown to the model (personal fields are forbidden by default)"},
		{Method: "GET", Pattern: "/admin/audit", Perm: access.AuditRead, H: s.auditPage, Summary: "audit log"},
		{Method: "GET", Pattern: "/admin/audit/export", Perm: access.AuditExport, H: s.auditExport, Summary: "audit log as CSV"},
		{Method: "GET", Pattern: "/admin/audit/verify", Perm: access.AuditRead, H: s.auditVerify, Summary: "verify the audit chain"},
		{Method: "GET", Pattern: "/api/v1/users", Perm: access.UserView, H: s.apiUsers, API: true, Summary: "accounts"},
		{Method: "GET", Pattern: "/api/v1/audit", Perm: access.AuditRead, H: s.apiAudit, API: true, Summary: "audit events"},
	}, nil
}
