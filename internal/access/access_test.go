package access

import "testing"

func TestCheckCombination(t *testing.T) {
	cases := []struct {
		roles []Role
		ok    bool
	}{
		{[]Role{SysAdmin}, true},
		{[]Role{Manager, Reviewer}, true},
		{[]Role{SysAdmin, SecAdmin}, false},
		{[]Role{SecAdmin, Auditor}, false},
		{[]Role{SysAdmin, Auditor}, false},
		{[]Role{Auditor, Manager}, false},
		{[]Role{"root"}, false},
		{nil, false},
	}
	for _, c := range cases {
		if err := CheckCombination(c.roles); (err == nil) != c.ok {
			t.Errorf("CheckCombination(%v) = %v, want ok=%v", c.roles, err, c.ok)
		}
	}
}

func TestEveryGrantIsKnown(t *testing.T) {
	for r, ps := range grants {
		if !r.Valid() {
			t.Errorf("grants names unknown role %q", r)
		}
		for _, p := range ps {
			if !Known(p) {
				t.Errorf("role %s grants unknown permission %q", r, p)
			}
		}
	}
}

func TestPrincipalCan(t *testing.T) {
	auditor := Principal{Roles: []Role{Auditor}}
	if !auditor.Can(AuditRead) || auditor.Can(UserManage) || !auditor.Can(SignedIn) {
		t.Error("auditor permissions wrong")
	}
	if Anonymous.Can(SignedIn) || !Anonymous.Can(Public) {
		t.Error("anonymous permissions wrong")
	}
	sys := Principal{Roles: []Role{SysAdmin}}
	if sys.Can(AuditRead) {
		t.Error("system administrator must not read the audit log (三员分立)")
	}
}

func TestOrgScope(t *testing.T) {
	cases := []struct {
		p    Principal
		want int64
	}{
		{Principal{Roles: []Role{Manager}}, 0},
		{Principal{Roles: []Role{Org}, OrgID: 7}, 7},
		{Principal{Roles: []Role{Finance}}, -1},
		{Principal{Roles: []Role{Reviewer, Manager}, OrgID: 3}, 0},
	}
	for _, c := range cases {
		if got := c.p.OrgScope(); got != c.want {
			t.Errorf("OrgScope(%v) = %d, want %d", c.p.Roles, got, c.want)
		}
	}
}

// TestProposalRoles: managers register, handle and supervise proposals but
// do not sign; leaders (viewers) sign and read but do nothing else with
// them; bound roles and experts do not see them.
func TestProposalRoles(t *testing.T) {
	cases := []struct {
		role Role
		can  []Permission
		not  []Permission
	}{
		{Manager, []Permission{ProposalView, ProposalAssign, ProposalHandle, ProposalSupervise}, []Permission{ProposalSign}},
		{Viewer, []Permission{ProposalView, ProposalSign}, []Permission{ProposalAssign, ProposalHandle, ProposalSupervise}},
		{Org, nil, []Permission{ProposalView, ProposalHandle, ProposalSign}},
		{Reviewer, nil, []Permission{ProposalView}},
		{SysAdmin, nil, []Permission{ProposalView, ProposalSign}},
	}
	for _, c := range cases {
		for _, p := range c.can {
			if !RoleGrants(c.role, p) {
				t.Errorf("%s lacks %s", c.role, p)
			}
		}
		for _, p := range c.not {
			if RoleGrants(c.role, p) {
				t.Errorf("%s holds %s", c.role, p)
			}
		}
	}
}
