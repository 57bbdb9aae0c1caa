package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/jobs"
	"github.com/xinzhi-platform/xinzhi/internal/mail/mailtest"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/returnforms"
)

const nodesPassword = "cluster-test-password-2025"

// TestTwoNodes starts two `xinzhi serve` processes on one PostgreSQL
// database, signs in on one and uses the session on the other, drives
// imports and reads through both at once, kills one with SIGKILL while it
// commits a 6,000-row import, and shows: every write answered 2xx is in the
// database, the killed import left no row and is taken over on the other
// node, sign-in throttling counts on both, each reminder and each e-mail
// went out once and no job ran on two nodes together, and the audit chain
// verifies.
func TestTwoNodes(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip("needs PostgreSQL: set " + storetest.PostgresEnv)
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	began := time.Now()
	db := storetest.Open(t, store.Postgres)
	bin := filepath.Join(t.TempDir(), "xinzhi")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/xinzhi-platform/xinzhi/cmd/xinzhi").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// What a bureau has before the nodes start: an enterprise that files a
	// monthly return (overdue on the business date, so a reminder is due),
	// its user with an e-mail address, a manager with a second factor, an
	// API token.
	a := auth.New(db, auth.DefaultConfig())
	org, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳节点测试通信有限公司", Kind: "enterprise"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := returns.PublishShipped(ctx, db, returnforms.Files); err != nil {
		t.Fatal(err)
	}
	form, err := returns.FormByKey(ctx, db, "base_stations")
	if err != nil {
		t.Fatal(err)
	}
	if err := returns.AddUnit(ctx, db, form, org.ID); err != nil {
		t.Fatal(err)
	}
	for i := range 5 { // more units that file it, each with a user to e-mail
		o, err := registry.Create(ctx, db, registry.Organisation{Name: fmt.Sprintf("沈阳节点测试%d号通信有限公司", i), Kind: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		if err := returns.AddUnit(ctx, db, form, o.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.CreateUser(ctx, auth.NewUser{Username: fmt.Sprintf("unit-%d", i), Email: fmt.Sprintf("unit%d@example.cn", i), Password: nodesPassword, Roles: []access.Role{access.Org}, OrgID: o.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []auth.NewUser{
		{Username: "org-user", Email: "org@example.cn", Password: nodesPassword, Roles: []access.Role{access.Org}, OrgID: org.ID},
		{Username: "guessed", Password: nodesPassword, Roles: []access.Role{access.Org}, OrgID: org.ID},
		{Username: "mgr", Password: nodesPassword, Roles: []access.Role{access.Manager}},
	} {
		if _, err := a.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	mgr, _ := a.UserByName(ctx, "mgr")
	secret, _, err := a.BeginEnrolment(ctx, mgr.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	recovery, err := a.ConfirmEnrolment(ctx, mgr.ID, code)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := a.CreateToken(ctx, auth.NewToken{Name: "nodes", Role: access.Manager, Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}

	t.Logf("binary built, data set up after %s", time.Since(began).Round(time.Millisecond))
	relay := mailtest.Start(t)
	keyLine, _ := seal.NewKeyLine("knodes")
	data := t.TempDir() // shared by both nodes, as attachments must be
	env := append(os.Environ(), "XINZHI_KEY="+keyLine, "XINZHI_SMTP_ADDR="+relay.Addr, "XINZHI_SMTP_FROM=新质平台 <noreply@kjj.example.cn>",
		"XINZHI_OUTBOX_EVERY=1s", "XINZHI_REMIND_EVERY=2s", "XINZHI_JOB_LEASE=3s", "XINZHI_AS_OF=2025-06-11")
	nodeA := startNode(t, bin, db.URL(), data, env, "a")
	nodeB := startNode(t, bin, db.URL(), data, env, "b")

	// Sign in on node A; the session and its CSRF token work on node B.
	user := newBrowser(t)
	user.signIn(nodeA.url, "org-user", nodesPassword)
	if resp, _ := user.get(nodeB.url + "/account"); resp.StatusCode != http.StatusOK {
		t.Fatalf("node B does not know node A's session: %d", resp.StatusCode)
	}
	if resp, _ := user.post(nodeB.url+"/lang", url.Values{"lang": {"en"}, "back": {"/account"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a form on node B with the session's CSRF token: %d", resp.StatusCode)
	}
	var lang string
	if err := db.QueryRowContext(ctx, `SELECT lang FROM users WHERE username = 'org-user'`).Scan(&lang); err != nil || lang != "en" {
		t.Fatalf("the language chosen on node B: %q %v", lang, err)
	}
	// Three wrong passwords on node A; the right one on node B is refused
	// too: the failures are counted in the database.
	guesser := newBrowser(t)
	for range 3 {
		guesser.trySignIn(nodeA.url, "guessed", "wrong-password-guess")
	}
	if resp := guesser.trySignIn(nodeB.url, "guessed", nodesPassword); resp.StatusCode == http.StatusSeeOther {
		t.Fatal("node B let in an account node A had locked for this address")
	}

	// The manager signs in on node A (password, then a recovery code) and
	// uploads 6,000 organisations there.
	m := newBrowser(t)
	m.signIn(nodeA.url, "mgr", nodesPassword)
	if resp, _ := m.post(nodeA.url+"/signin/code", url.Values{"code": {recovery[0]}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second factor: %d", resp.StatusCode)
	}
	var big strings.Builder
	big.WriteString("统一社会信用代码,单位名称,所在区县\n")
	const bigRows = 6000
	for i := range bigRows {
		fmt.Fprintf(&big, "%s,节点导入企业%05d有限公司,浑南区\n", nodesCode(t, 100000+i), i)
	}
	m.get(nodeA.url + "/registry/import")
	resp, body := m.upload(nodeA.url+"/registry/import", "orgs", "big.csv", big.String())
	job := regexp.MustCompile(`/registry/import/([A-Za-z0-9_-]+)/commit`).FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || job == nil {
		t.Fatalf("upload on node A: %d\n%s", resp.StatusCode, tail(body))
	}

	// Mixed load through both nodes: one-row imports by API (each a write
	// in its own transaction) and reads of lists and the cockpit.
	var (
		mu        sync.Mutex
		committed []string // credit codes of imports answered 2xx
		readFails atomic.Int32
		stop      = make(chan struct{})
		wg        sync.WaitGroup
		aDead     atomic.Bool
	)
	api := &http.Client{Timeout: 20 * time.Second}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				n := w*10000 + i
				c := nodesCode(t, n)
				base := []string{nodeA.url, nodeB.url}[n%2]
				csv := fmt.Sprintf("统一社会信用代码,单位名称\n%s,节点负载企业%06d有限公司\n", c, n)
				req, _ := http.NewRequest("POST", base+"/api/v1/imports?kind=orgs&filename=one.csv", strings.NewReader(csv))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "text/csv")
				resp, err := api.Do(req)
				if err != nil {
					continue // node A is gone, or the request died with it
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					mu.Lock()
					committed = append(committed, c)
					mu.Unlock()
				}
			}
		}()
	}
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				base := []string{nodeA.url, nodeB.url}[(r+i)%2]
				path := []string{"/api/v1/organizations?q=" + url.QueryEscape("节点"), "/api/v1/projects"}[i%2]
				req, _ := http.NewRequest("GET", base+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := api.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK && !(base == nodeA.url && aDead.Load()) {
					readFails.Add(1)
					t.Errorf("GET %s on %s: %d", path, base, resp.StatusCode)
				}
			}
		}()
	}
	if resp, _ := m.post(nodeA.url+"/registry/import/"+job[1]+"/commit", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("commit on node A: %d", resp.StatusCode)
	}
	// Node B shows the commit's progress; once rows are being written,
	// node A is killed.
	progress := regexp.MustCompile(`<span>(\d+) / (\d+)</span>`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, page := m.getHX(nodeB.url + "/registry/import/" + job[1])
		if g := progress.FindStringSubmatch(page); g != nil && g[1] != "0" {
			break
		}
		if strings.Contains(page, `id="import-done"`) {
			t.Fatal("the import finished before node A could be killed mid-commit")
		}
		if time.Now().After(deadline) {
			t.Fatalf("node B never showed the import's progress:\n%s", tail(page))
		}
		time.Sleep(20 * time.Millisecond)
	}
	nodeA.kill(t)
	aDead.Store(true)
	t.Logf("node A killed after %s", time.Since(began).Round(time.Millisecond))
	time.Sleep(2 * time.Second) // the load goes on against node B alone
	close(stop)
	wg.Wait()

	// No partial import: none of the 6,000 rows was written.
	if n := countOrgs(t, db, "节点导入企业%"); n != 0 {
		t.Fatalf("the import killed mid-commit left %d of %d rows", n, bigRows)
	}
	// No committed write lost.
	mu.Lock()
	defer mu.Unlock()
	if len(committed) == 0 {
		t.Fatal("no write got through")
	}
	for _, c := range committed {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE credit_code = ?`, c).Scan(&n); err != nil || n != 1 {
			t.Fatalf("write %s answered 2xx, %d rows in the database (%v)", c, n, err)
		}
	}
	// Node B reports the job interrupted once node A's lease has run out,
	// and commits it whole.
	deadline = time.Now().Add(40 * time.Second)
	for {
		_, page := m.get(nodeB.url + "/registry/import/" + job[1])
		if strings.Contains(page, `id="import-interrupted"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node B never reported the dead node's import interrupted:\n%s", tail(page))
		}
		time.Sleep(250 * time.Millisecond)
	}
	if resp, _ := m.post(nodeB.url+"/registry/import/"+job[1]+"/commit", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("commit again on node B: %d", resp.StatusCode)
	}
	if _, page := m.get(nodeB.url + "/registry/import/" + job[1] + "?wait=1"); !strings.Contains(page, `id="import-done"`) {
		t.Fatalf("the import taken over on node B:\n%s", tail(page))
	}
	if n := countOrgs(t, db, "节点导入企业%"); n != bigRows {
		t.Fatalf("after the commit on node B %d rows, want %d", n, bigRows)
	}

	t.Logf("import taken over and finished after %s", time.Since(began).Round(time.Millisecond))
	// Each reminder written once, each e-mailed once: wait until the outbox
	// has sent every notice.
	deadline = time.Now().Add(30 * time.Second)
	for {
		var pending, total int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE emailed_at IS NULL), count(*) FROM notifications`).Scan(&pending, &total); err != nil {
			t.Fatal(err)
		}
		if total > 0 && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d reminders never e-mailed", pending, total)
		}
		time.Sleep(250 * time.Millisecond)
	}
	var dupNotices int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT organisation_id, kind, args FROM notifications GROUP BY organisation_id, kind, args HAVING count(*) > 1) d`).Scan(&dupNotices); err != nil || dupNotices != 0 {
		t.Fatalf("reminders written twice: %d (%v)", dupNotices, err)
	}
	var notices int
	db.QueryRowContext(ctx, `SELECT count(*) FROM notifications`).Scan(&notices)
	if notices < 6 {
		t.Fatalf("%d reminders for six units with an overdue return", notices)
	}
	ids := map[string]int{}
	for _, msg := range relay.Messages() {
		if id := regexp.MustCompile(`Message-ID: <([^>]+)>`).FindStringSubmatch(msg.Data); id != nil {
			ids[id[1]]++
		}
	}
	if len(ids) != notices {
		t.Errorf("%d distinct messages for %d notices, each to one address", len(ids), notices)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("message %s sent %d times", id, n)
		}
	}
	// No job ran on two nodes together, nor twice in a period.
	every := map[string]time.Duration{"outbox": time.Second, "reminders": 2 * time.Second}
	holders := map[string]bool{}
	for name, period := range every {
		runs, err := jobs.Runs(ctx, db, name)
		if err != nil || len(runs) < 2 {
			t.Fatalf("%s ran %d times (%v)", name, len(runs), err)
		}
		for i, r := range runs {
			holders[r.Holder] = true
			if i == 0 {
				continue
			}
			prev := runs[i-1]
			if r.Started.Before(prev.Started.Add(period)) || (!prev.Finished.IsZero() && r.Started.Before(prev.Finished)) {
				t.Errorf("%s run %d (%s, %s) started while or soon after run %d (%s, %s to %s)", name, r.ID, r.Holder, r.Started, prev.ID, prev.Holder, prev.Started, prev.Finished)
			}
		}
	}
	if len(holders) < 2 {
		t.Logf("every job run was on one node: %v", holders)
	}

	nodeB.stop(t)
	if out, err := exec.Command(bin, "audit", "verify", "--db", db.URL()).CombinedOutput(); err != nil {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "jobs", "--db", db.URL()).CombinedOutput(); err != nil || !strings.Contains(string(out), "outbox") || !strings.Contains(string(out), "reminders") {
		t.Fatalf("xinzhi jobs: %v\n%s", err, out)
	}
	t.Logf("%d writes committed through two nodes, %d reads failed, %d notices e-mailed once, job holders %d", len(committed), readFails.Load(), notices, len(holders))
}
