package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// TestSeedDemo: every demo account, the experts included, is printed with
// its role and display name, and the demo calls run around the business
// date, not the wall clock.
func TestSeedDemo(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "xinzhi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cfg := auth.DefaultConfig()
	cfg.Password = password.Fast
	a := auth.New(db, cfg)
	day, _ := clock.Parse("2025-06-30")
	var out bytes.Buffer
	env := Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
	if err := seedDemo(clock.With(cliActor(ctx), day), env, db, a, "127.0.0.1:1"); err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(l); len(f) >= 3 && strings.HasPrefix(f[0], "demo-") {
			lines[f[0]] = l
		}
	}
	want := map[string][2]string{"demo-expert-1": {"reviewer", "演示·专家1"}, "demo-expert-4": {"reviewer", "演示·专家4"}}
	for _, r := range access.Roles {
		want["demo-"+string(r)] = [2]string{string(r), democity.RoleName(r)}
	}
	for name, w := range want {
		l, ok := lines[name]
		if !ok || !strings.Contains(l, w[0]) || !strings.Contains(l, w[1]) {
			t.Errorf("%s: printed %q, want its role %s and name %s", name, l, w[0], w[1])
		}
	}
	calls, err := program.Calls(ctx, db, "")
	if err != nil || len(calls) == 0 {
		t.Fatalf("demo calls: %v (%d)", err, len(calls))
	}
	for _, c := range calls {
		if c.Opens != "2025-05-30" || c.Closes != "2025-08-30" || !c.OpenOn("2025-06-30") {
			t.Fatalf("demo call %s runs %s to %s, want a month before to two months after the business date", c.Key, c.Opens, c.Closes)
		}
	}
}

// TestAsOfFlag: a business date that is not YYYY-MM-DD is refused, in both
// languages, before anything is served.
func TestAsOfFlag(t *testing.T) {
	code, _, errOut := runCLI(t, "", "serve", "--data="+t.TempDir(), "--addr=127.0.0.1:0", "--as-of", "30/06/2025")
	if code == 0 || !strings.Contains(errOut, "YYYY-MM-DD") || !strings.Contains(errOut, "业务日期") {
		t.Fatalf("a bad --as-of: exit %d, %q", code, errOut)
	}
}
