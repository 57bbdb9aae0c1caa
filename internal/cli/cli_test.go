package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line with args against a data directory.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code := Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func TestCommands(t *testing.T) {
	data := t.TempDir()
	d := "--data=" + data
	steps := []struct {
		args    []string
		stdin   string
		code    int
		wantOut string
	}{
		{[]string{"version"}, "", 0, "xinzhi " + Version},
		{[]string{"migrate", "up", d}, "", 0, "applied 0001_foundation"},
		{[]string{"migrate", "status", d}, "", 0, "0001"},
		{[]string{"user", "add", d, "--username", "zhang", "--role", "manager", "--name", "张三"}, "", 0, "one-time password"},
		{[]string{"user", "add", d, "--username", "li", "--role", "sysadmin,auditor"}, "", 1, ""},
		{[]string{"user", "add", d, "--username", "wang", "--role", "reviewer", "--password-stdin"}, "a fine long passphrase\n", 0, "created wang"},
		{[]string{"user", "add", d, "--username", "zhao", "--role", "reviewer", "--password-stdin"}, "123456\n", 1, ""},
		{[]string{"user", "list", d}, "", 0, "zhang"},
		{[]string{"user", "passwd", d, "zhang"}, "", 0, "one-time password"},
		{[]string{"user", "reset-mfa", d, "zhang"}, "", 0, "reset"},
		{[]string{"user", "disable", d, "wang"}, "", 0, "disabled"},
		{[]string{"user", "disable", d, "nobody"}, "", 1, ""},
		{[]string{"token", "create", d, "--role", "viewer", "--expires", "30d"}, "", 0, "xz_"},
		{[]string{"token", "create", d, "--role", "viewer", "--expires", "soon"}, "", 2, ""},
		{[]string{"token", "list", d}, "", 0, "viewer"},
		{[]string{"token", "revoke", d, "1"}, "", 0, "revoked"},
		{[]string{"audit", "verify", d}, "", 0, "intact"},
		{[]string{"backup", d, filepath.Join(data, "copy.db")}, "", 0, "backed up"},
		{[]string{"backup", "--db", "postgres://nowhere.invalid/x", "x.db"}, "", 1, ""},
		{[]string{"nonsense"}, "", 2, ""},
		{[]string{"user", "frobnicate", d}, "", 2, ""},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, s.stdin, s.args...)
		if code != s.code || !strings.Contains(out, s.wantOut) {
			t.Errorf("xinzhi %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(s.args, " "), code, s.code, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(data, "copy.db")); err != nil {
		t.Errorf("backup file: %v", err)
	}
	// Refusals say what to fix in both languages.
	_, _, errOut := runCLI(t, "password123\n", "user", "add", d, "--username", "sun", "--role", "reviewer", "--password-stdin")
	if !strings.Contains(errOut, "常见") || !strings.Contains(errOut, "common") {
		t.Errorf("common password refusal: %q", errOut)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		args := []string{c.name, "--help"}
		code, _, errOut := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(errOut, "Usage: xinzhi "+c.name) {
			t.Errorf("xinzhi %s --help: exit %d, %q", c.name, code, errOut)
		}
	}
	for _, sub := range [][]string{{"user", "add", "--help"}, {"token", "create", "--help"}, {"migrate", "up", "--help"}, {"audit", "verify", "--help"}} {
		if code, _, errOut := runCLI(t, "", sub...); code != 0 || !strings.Contains(errOut, "Usage") {
			t.Errorf("xinzhi %s: exit %d, %q", strings.Join(sub, " "), code, errOut)
		}
	}
}

func TestAuditVerifyFailsOnTampering(t *testing.T) {
	data := t.TempDir()
	d := "--data=" + data
	runCLI(t, "", "user", "add", d, "--username", "zhang", "--role", "manager")
	// Tamper as an attacker with the database file would.
	code, out, _ := runCLI(t, "", "audit", "verify", d)
	if code != 0 {
		t.Fatalf("verify before tampering: %d %s", code, out)
	}
	tamperSQLite(t, filepath.Join(data, "xinzhi.db"))
	code, out, _ = runCLI(t, "", "audit", "verify", d)
	if code != 1 || !strings.Contains(out, "event 1") {
		t.Fatalf("verify after tampering: exit %d, %q; want 1 naming event 1", code, out)
	}
}
