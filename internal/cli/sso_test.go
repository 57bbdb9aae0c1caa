package cli

import (
	"strings"
	"testing"
)

// TestSSOMap: the administrator maps the provider's groups to roles from
// the command line; refusals say what to fix in both languages, and every
// change is in the audit log, which still verifies.
func TestSSOMap(t *testing.T) {
	data := t.TempDir()
	d := "--data=" + data
	iss := "--issuer=https://id.city.example"
	steps := []struct {
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{[]string{"migrate", "up", d}, 0, "applied", ""},
		{[]string{"sso", "map", d, iss, "--group", "科技局-项目处", "--role", "manager"}, 0, "科技局-项目处 → manager", ""},
		{[]string{"sso", "map", d, iss, "--group", "科技局-领导", "--role", "viewer"}, 0, "mapped", ""},
		{[]string{"sso", "map", d, iss, "--group", "企业", "--role", "org"}, 1, "", "须绑定单位"},
		{[]string{"sso", "map", d, iss, "--group", "x", "--role", "boss"}, 1, "", "There is no role boss"},
		{[]string{"sso", "map", d, "--group", "x", "--role", "viewer"}, 1, "", "XINZHI_OIDC_ISSUER"},
		{[]string{"sso", "list", d, iss}, 0, "科技局-领导", ""},
		{[]string{"sso", "unmap", d, iss, "--group", "科技局-领导", "--role", "viewer"}, 0, "unmapped", ""},
		{[]string{"sso", "unmap", d, iss, "--group", "科技局-领导", "--role", "viewer"}, 1, "", "没有"},
		{[]string{"sso", "frobnicate", d}, 2, "", ""},
		{[]string{"audit", "verify", d}, 0, "intact", ""},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, "", s.args...)
		if code != s.code || !strings.Contains(out, s.wantOut) || !strings.Contains(errOut, s.wantErr) {
			t.Errorf("xinzhi %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(s.args, " "), code, s.code, out, errOut)
		}
	}
	if _, out, _ := runCLI(t, "", "sso", "list", d, iss); strings.Contains(out, "科技局-领导") || !strings.Contains(out, "科技局-项目处") {
		t.Errorf("list after unmap: %s", out)
	}
}
