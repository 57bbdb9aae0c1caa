// Package access is the one catalogue of roles and permissions, and the one
// place that decides whether a principal holds a permission.
//
// Every route declares the permission it needs (see internal/web's route
// table); object-level limits — an organisation user reaches only their own
// organisation's records — are carried by Principal.OrgScope and applied in
// the store queries of the packages that own those records.
package access

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Role is a key of the role catalogue.
type Role string

// The roles. The first three are the separated administrators (三员分立).
const (
	SysAdmin Role = "sysadmin" // 系统管理员: accounts and the running system
	SecAdmin Role = "secadmin" // 安全管理员: security policy, API tokens, sessions
	Auditor  Role = "auditor"  // 审计管理员: reads and exports the audit log
	Manager  Role = "manager"  // 项目管理员 (bureau program staff)
	Reviewer Role = "reviewer" // 评审专家
	Org      Role = "org"      // 单位用户, bound to one organisation
	Finance  Role = "finance"  // 金融机构用户, bound to one institution
	Viewer   Role = "viewer"   // 只读 (leaders, statisticians); a leader also signs (签发) proposal replies
)

// Roles lists every role in display order.
var Roles = []Role{SysAdmin, SecAdmin, Auditor, Manager, Reviewer, Org, Finance, Viewer}

// Valid reports whether r is in the catalogue.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Admin reports whether r is one of the three separated administrator roles.
func (r Role) Admin() bool { return r == SysAdmin || r == SecAdmin || r == Auditor }

// BoundToOrg reports whether an account with r must name an organisation.
func (r Role) BoundToOrg() bool { return r == Org || r == Finance }

// RequiresMFA reports whether holders of r must use a second factor:
// administrators and bureau staff.
func (r Role) RequiresMFA() bool { return r.Admin() || r == Manager || r == Viewer }

// MinPasswordLen is the shortest password allowed for holders of r.
func (r Role) MinPasswordLen() int {
	if r.Admin() {
		return 12
	}
	return 8
}

// Permission is a key of the permission catalogue.
type Permission string

// The permissions. Public and SignedIn are pseudo-permissions: anyone, and
// any signed-in principal.
const (
	Public   Permission = "public"
	SignedIn Permission = "signed_in"

	CockpitView    Permission = "cockpit.view"
	RegistryView   Permission = "registry.view"
	OrgOwnView     Permission = "org.own.view" // an organisation's profile (own only, for bound roles)
	OrgOwnEdit     Permission = "org.own.edit" // edit an organisation's profile (own only, for bound roles)
	RegistryEdit   Permission = "registry.edit"
	RegistryImport Permission = "registry.import"
	CatalogueEdit  Permission = "catalogue.edit" // tags and clusters
	PersonView     Permission = "person.view"    // people, personal data masked
	PersonReveal   Permission = "person.reveal"  // personal data unmasked (each view audited)
	UserView       Permission = "user.view"
	UserManage     Permission = "user.manage"
	TokenManage    Permission = "token.manage"
	SessionAdmin   Permission = "session.manage"
	SystemView     Permission = "system.view"
	AuditRead      Permission = "audit.read"
	AuditExport    Permission = "audit.export"
	ProgramView    Permission = "program.view"    // programs, calls and projects (own organisation's only, for bound roles)
	ProgramManage  Permission = "program.manage"  // publish templates, open calls, screen, assign reviewers, decide
	ProjectApply   Permission = "project.apply"   // apply and edit the own organisation's applications
	ReviewDo       Permission = "review.do"       // score assigned records, decline, declare conflicts
	ReportIssue    Permission = "report.issue"    // issue (freeze) reports
	ProductPublish Permission = "product.publish" // publish financial products (own institution only, for finance users)
	SolutionList   Permission = "solution.list"   // list 小快轻准 solutions (own organisation only, for organisation users)
	AssistManage   Permission = "assist.manage"   // AI assistance: which fields a model may see, the call log and the day's tokens
	OrgLookup      Permission = "org.lookup"      // find an organisation by name or credit code to name it in a form (names, districts and codes only)

	// Proposal handling (提案办理). Who within a permission may act on one
	// proposal (staff of its lead unit or a co-unit; a supervisor or
	// signer other than the drafter) is decided by package proposal.
	ProposalView      Permission = "proposal.view"      // the deadline board, proposals and their flow, yearly figures
	ProposalAssign    Permission = "proposal.assign"    // register, assign (交办) and record the member's ratings: the assigning office
	ProposalHandle    Permission = "proposal.handle"    // a unit's work: send back, contacts, draft, countersign (会签), extension requests, issue
	ProposalSupervise Permission = "proposal.supervise" // 督办: review and change the class, return a draft, decide extensions
	ProposalSign      Permission = "proposal.sign"      // 签发: a leader signs the reply
)

// grants is the catalogue: what each role may do.
var grants = map[Role][]Permission{
	SysAdmin: {UserView, UserManage, SystemView, OrgLookup},
	SecAdmin: {UserView, TokenManage, SessionAdmin, OrgLookup, AssistManage},
	Auditor:  {AuditRead, AuditExport},
	Manager: {CockpitView, RegistryView, OrgOwnView, OrgOwnEdit, RegistryEdit, RegistryImport, PersonView, PersonReveal, CatalogueEdit, ProgramView, ProgramManage, ReportIssue, ProductPublish, SolutionList, OrgLookup,
		ProposalView, ProposalAssign, ProposalHandle, ProposalSupervise},
	Reviewer: {OrgOwnView, ReviewDo},
	Org:      {OrgOwnView, OrgOwnEdit, PersonView, ProgramView, ProjectApply, SolutionList, OrgLookup},
	Finance:  {OrgOwnView, OrgOwnEdit, PersonView, ProgramView, ProjectApply, ProductPublish, OrgLookup},
	Viewer:   {CockpitView, RegistryView, OrgOwnView, PersonView, ProgramView, OrgLookup, ProposalView, ProposalSign},
}

// Permissions lists every permission in the catalogue, sorted, including the
// pseudo-permissions.
func Permissions() []Permission {
	seen := map[Permission]bool{Public: true, SignedIn: true}
	for _, ps := range grants {
		for _, p := range ps {
			seen[p] = true
		}
	}
	out := make([]Permission, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Known reports whether p is in the catalogue.
func Known(p Permission) bool { return slices.Contains(Permissions(), p) }

// RoleGrants reports whether role r grants permission p.
func RoleGrants(r Role, p Permission) bool {
	switch p {
	case Public:
		return true
	case SignedIn:
		return r.Valid()
	}
	return slices.Contains(grants[r], p)
}

// CheckCombination refuses role sets that break the rules: unknown roles, two
// of the three administrator roles on one account (三员分立), or an
// administrator role beside a business role.
func CheckCombination(roles []Role) error {
	if len(roles) == 0 {
		return fmt.Errorf("an account needs at least one role")
	}
	var admins []string
	for _, r := range roles {
		if !r.Valid() {
			return fmt.Errorf("unknown role %q", r)
		}
		if r.Admin() {
			admins = append(admins, string(r))
		}
	}
	if len(admins) > 1 {
		return fmt.Errorf("roles %s cannot be held by one account (三员分立: system, security and audit administrators are separate)", strings.Join(admins, ", "))
	}
	if len(admins) == 1 && len(roles) > 1 {
		return fmt.Errorf("administrator role %s cannot be combined with other roles", admins[0])
	}
	return nil
}

// Principal is who is acting: a signed-in user or an API token.
type Principal struct {
	UserID   int64  // 0 for a token
	TokenID  int64  // 0 for a user session
	Name     string // username, or "token:NAME"
	Roles    []Role
	OrgID    int64 // the bound organisation, 0 if none
	MFA      bool  // second factor verified in this session
	Anon     bool
	Username string
}

// Anonymous is the principal of a request with no credentials.
var Anonymous = Principal{Anon: true, Name: "anonymous"}

// Can reports whether p holds permission perm through any of its roles.
func (p Principal) Can(perm Permission) bool {
	if perm == Public {
		return true
	}
	if p.Anon {
		return false
	}
	if perm == SignedIn && p.UserID != 0 {
		// An account with no role yet (one made at its first single
		// sign-on) still reaches its own account page and signs out.
		return true
	}
	for _, r := range p.Roles {
		if RoleGrants(r, perm) {
			return true
		}
	}
	return false
}

// Has reports whether p holds role r.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// OrgScope is the organisation p's reach is limited to, or 0 when p may see
// records of every organisation (bureau staff). Store queries filter on it.
func (p Principal) OrgScope() int64 {
	for _, r := range p.Roles {
		if r == Manager || r == Viewer || r.Admin() {
			return 0
		}
	}
	if p.OrgID == 0 {
		return -1 // bound role without an organisation reaches nothing
	}
	return p.OrgID
}
