package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The harness of TestTwoNodes: app nodes as processes, and a browser that
// goes between them.

// node is a running `xinzhi serve`.
type node struct {
	url string
	cmd *exec.Cmd
	log string
}

func startNode(t *testing.T, bin, dbURL, data string, env []string, name string) *node {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logPath := filepath.Join(t.TempDir(), "node-"+name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--db", dbURL, "--data", data, "--addr", addr)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{url: "http://" + addr, cmd: cmd, log: logPath}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("node %s log:\n%s", name, tail(string(b)))
		}
	})
	for i := 0; ; i++ {
		resp, err := http.Get(n.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n
			}
		}
		if i > 300 {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("node %s never became ready:\n%s", name, tail(string(b)))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// kill ends the node with SIGKILL: no shutdown, no rollback but the
// database's own.
func (n *node) kill(t *testing.T) {
	t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = n.cmd.Wait()
}

// stop ends the node as an operator does.
func (n *node) stop(t *testing.T) {
	t.Helper()
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Wait(); err != nil {
		t.Fatalf("node stopped: %v", err)
	}
}

// browser is a cookie jar (shared across the nodes: cookies do not tell
// ports apart) and the CSRF token of the last page read.
type browser struct {
	t    *testing.T
	http *http.Client
	csrf string
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, http: &http.Client{Jar: jar, Timeout: 90 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var nodesCSRF = regexp.MustCompile(`name="csrf-token" content="([^"]*)"`)

func (b *browser) do(req *http.Request) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := nodesCSRF.FindSubmatch(body); m != nil && len(m[1]) > 0 {
		b.csrf = string(m[1])
	}
	return resp, string(body)
}

func (b *browser) get(u string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	return b.do(req)
}

func (b *browser) getHX(u string) (*http.Response, string) {
	b.t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("HX-Request", "true")
	return b.do(req)
}

func (b *browser) post(u string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) upload(u, kind, name, content string) (*http.Response, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// trySignIn posts the sign-in form and returns the answer.
func (b *browser) trySignIn(base, username, pw string) *http.Response {
	b.t.Helper()
	b.get(base + "/signin")
	resp, _ := b.post(base+"/signin", url.Values{"username": {username}, "password": {pw}})
	return resp
}

// signIn signs in with the password (a second factor may follow).
func (b *browser) signIn(base, username, pw string) {
	b.t.Helper()
	if resp := b.trySignIn(base, username, pw); resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in %s on %s: %d", username, base, resp.StatusCode)
	} else {
		b.get(base + resp.Header.Get("Location"))
	}
}

// nodesCode is the n-th valid credit code of the test.
func nodesCode(t *testing.T, n int) string {
	org8 := fmt.Sprintf("NT%06d", n)
	c9, _ := stdcode.OrgCodeCheckChar(org8)
	first17 := "91210100" + org8 + string(c9)
	c18, err := stdcode.CreditCodeCheckChar(first17)
	if err != nil {
		t.Error(err)
	}
	return first17 + string(c18)
}

func countOrgs(t *testing.T, db *store.DB, like string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM organisations WHERE name LIKE ?`, like).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}
