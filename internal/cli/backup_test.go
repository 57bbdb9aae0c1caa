package cli

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

const filedTemplate = `key: t_filed
name: 带附件的项目
version: 1
form:
  - {key: title, label: 名称, type: text, required: true}
  - {key: plan, label: 方案, type: file, required: true}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: submitted, name: 已提交}
  - {key: done, name: 完成, terminal: true}
transitions:
  - {key: submit, name: 提交, from: draft, to: submitted, by: [owner]}
  - {key: finish, name: 完成, from: submitted, to: done, by: ["role:manager"]}
`

var planPDF = []byte("%PDF-1.4\n% 实施方案 a plan\n%%EOF\n")

// smallWorld writes a record with an attachment and a person with sealed
// personal data into the data directory, and returns the ids.
// dbURL is "" for the SQLite database of the data directory.
func smallWorld(t *testing.T, data, dbURL string) (projectID, personID int64) {
	t.Helper()
	if code, out, errOut := runCLI(t, "", "migrate", "up", "--data="+data, "--db="+dbURL); code != 0 {
		t.Fatalf("migrate: %s %s", out, errOut)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, urlOf(data, dbURL))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys, err := seal.KeyringFromEnv(func(string) string { return "" }, data)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := program.Publish(ctx, db, []byte(filedTemplate))
	if err != nil {
		t.Fatal(err)
	}
	call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "filed-1", Name: "批次", Opens: "2020-01-01", Closes: "2099-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	org, err := registry.Create(ctx, db, registry.Organisation{Name: "申报企业", Kind: "enterprise"})
	if err != nil {
		t.Fatal(err)
	}
	applicant := access.Principal{UserID: 50, Name: "applicant", Roles: []access.Role{access.Org}, OrgID: org.ID}
	p, err := program.Apply(ctx, db, program.Files{Dir: filepath.Join(data, "attachments")}, applicant, call.ID,
		map[string]any{"title": "带附件的项目"}, []program.Upload{{Field: "plan", Name: "方案.pdf", Body: bytes.NewReader(planPDF)}})
	if err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		pp, _, err := registry.UpsertPerson(ctx, tx, keys, registry.Person{Name: "李四", IDNumber: "11010519491231002X", Phone: "13800138000"})
		personID = pp.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID, personID
}

// openWorld opens a restored data directory through the package API: the
// record's file, and the person's sealed ID number with the given key.
func openWorld(t *testing.T, data, dbURL string, keys *seal.Keyring, projectID, personID int64) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, urlOf(data, dbURL))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	as, err := program.Attachments(ctx, db, projectID)
	if err != nil || len(as) != 1 {
		t.Fatalf("restored record's attachments: %v %v", as, err)
	}
	f, err := program.Files{Dir: filepath.Join(data, "attachments")}.Open(as[0])
	if err != nil {
		t.Fatalf("restored record's file: %v", err)
	}
	body, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(body, planPDF) {
		t.Fatalf("restored file differs: %q", body)
	}
	p, err := registry.PersonByIDNumber(ctx, db, keys, "11010519491231002X")
	if err != nil || p.ID != personID || p.IDNumber != "11010519491231002X" || p.Phone != "13800138000" {
		t.Fatalf("restored person: %+v %v", p, err)
	}
	openOverHTTP(t, db, data, keys, projectID, as[0].ID)
}

func urlOf(data, dbURL string) string {
	if dbURL != "" {
		return dbURL
	}
	return "sqlite:" + filepath.Join(data, "xinzhi.db")
}

// openOverHTTP serves the restored data directory and opens the record's
// page and its file as a manager would.
func openOverHTTP(t *testing.T, db *store.DB, data string, keys *seal.Keyring, projectID, attachmentID int64) {
	t.Helper()
	ctx := context.Background()
	cfg := auth.DefaultConfig()
	cfg.Password, cfg.Demo = password.Fast, true
	a := auth.New(db, cfg)
	if _, err := a.CreateUser(ctx, auth.NewUser{Username: "restorer", Password: "restore drill 2025", Roles: []access.Role{access.Manager}}); err != nil && !store.IsUniqueViolation(err) {
		t.Fatal(err)
	}
	sess, _, err := a.SignIn(ctx, "restorer", "restore drill 2025", auth.Client{Address: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	seg, err := search.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Demo: true, Version: "test", Keys: keys, Search: seg, Files: program.Files{Dir: filepath.Join(data, "attachments")}},
		db, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	for _, path := range []string{fmt.Sprintf("/projects/%d", projectID), fmt.Sprintf("/attachments/%d", attachmentID)} {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: "xz_session", Value: sess.Token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s on the restored server: %d", path, resp.StatusCode)
		}
		if strings.HasPrefix(path, "/attachments/") && !bytes.Equal(body, planPDF) {
			t.Fatalf("GET %s: %q", path, body)
		}
		if strings.HasPrefix(path, "/projects/") && !strings.Contains(string(body), "方案.pdf") {
			t.Fatalf("GET %s does not list the file", path)
		}
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	projectID, personID := smallWorld(t, data, "")
	keys, err := seal.LoadKeyring(filepath.Join(data, "keys.txt"))
	if err != nil {
		t.Fatal(err)
	}

	// Without the key (the default): the archive holds the database and
	// the file, not the keyring.
	archive := filepath.Join(root, "backup.tar")
	code, out, errOut := runCLI(t, "", "backup", "--data="+data, archive)
	if code != 0 || !strings.Contains(out, "1 attachments") || !strings.Contains(out, "NOT in it") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	if names := tarNames(t, archive); names[len(names)-1] != "MANIFEST.json" || contains(names, "keys.txt") || !contains(names, "xinzhi.db") {
		t.Fatalf("archive entries: %v", names)
	}
	restored := filepath.Join(root, "restored")
	if code, out, errOut := runCLI(t, "", "restore", "--data="+restored, archive); code != 0 || !strings.Contains(out, "no keyring") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(restored, "keys.txt")); err == nil {
		t.Fatal("a keyring was restored from an archive without one")
	}
	openWorld(t, restored, "", keys, projectID, personID) // the key kept apart opens the sealed data

	// Another key cannot open it: the archive alone reveals nothing.
	other, _ := seal.NewKeyLine("other")
	otherKeys, _ := seal.ParseKeyring(other)
	db, _ := store.Open(context.Background(), "sqlite:"+filepath.Join(restored, "xinzhi.db"))
	if p, err := registry.PersonByID(context.Background(), db, otherKeys, personID); err == nil {
		t.Errorf("the sealed personal data opened without its key: %+v", p)
	}
	db.Close()

	// With the key, when asked.
	withKey := filepath.Join(root, "with-key.tar")
	if code, out, errOut := runCLI(t, "", "backup", "--data="+data, "--include-key", withKey); code != 0 || !strings.Contains(out, "with the personal-data keyring") {
		t.Fatalf("backup --include-key: %d %s %s", code, out, errOut)
	}
	restored2 := filepath.Join(root, "restored2")
	if code, out, errOut := runCLI(t, "", "restore", "--data="+restored2, withKey); code != 0 {
		t.Fatalf("restore with key: %d %s %s", code, out, errOut)
	}
	keys2, err := seal.LoadKeyring(filepath.Join(restored2, "keys.txt"))
	if err != nil {
		t.Fatal(err)
	}
	openWorld(t, restored2, "", keys2, projectID, personID)

	// An attachment already lost from the data directory is named, not hidden.
	as := tarNames(t, archive)
	var lost string
	for _, n := range as {
		if strings.HasPrefix(n, "attachments/") {
			lost = n
		}
	}
	if err := os.Remove(filepath.Join(data, filepath.FromSlash(lost))); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI(t, "", "backup", "--data="+data, filepath.Join(root, "lost.tar")); code != 0 || !strings.Contains(errOut, filepath.Base(lost)) || !strings.Contains(errOut, "missing") {
		t.Errorf("backup with a lost attachment: %d %s", code, errOut)
	}

	// A second backup to the same name is refused.
	if code, _, errOut := runCLI(t, "", "backup", "--data="+data, archive); code == 0 || !strings.Contains(errOut, "已存在") || !strings.Contains(errOut, "exists") {
		t.Errorf("backup over an existing file: %d %s", code, errOut)
	}
}

func TestRestoreRefusals(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	smallWorld(t, data, "")
	archive := filepath.Join(root, "backup.tar")
	if code, out, errOut := runCLI(t, "", "backup", "--data="+data, archive); code != 0 {
		t.Fatalf("backup: %s %s", out, errOut)
	}
	good, err := os.ReadFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	// The attachment's bytes altered inside the archive, the manifest left.
	altered := bytes.Replace(good, planPDF, bytes.Replace(planPDF, []byte("plan"), []byte("PLAN"), 1), 1)
	if bytes.Equal(altered, good) {
		t.Fatal("the plan is not in the archive as it is")
	}
	cases := []struct {
		name    string
		archive []byte
		target  func(string)
		zh, en  string
	}{
		{"cut short", good[:len(good)/2], nil, "", ""},
		{"altered file", altered, nil, "校验和", "checksum"},
		{"not an archive", []byte("this is not a tar file at all, just words"), nil, "损坏", "damaged"},
		{"non-empty target", good, func(dir string) {
			os.MkdirAll(dir, 0o750)
			os.WriteFile(filepath.Join(dir, "xinzhi.db"), []byte("live"), 0o600)
		}, "不是空的", "not empty"},
	}
	for i, c := range cases {
		file := filepath.Join(root, c.name+".tar")
		if err := os.WriteFile(file, c.archive, 0o600); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(root, "target", string(rune('a'+i)))
		if c.target != nil {
			c.target(target)
		}
		before := snapshot(t, root)
		code, _, errOut := runCLI(t, "", "restore", "--data="+target, file)
		if code == 0 {
			t.Errorf("%s: restored", c.name)
			continue
		}
		if !strings.Contains(errOut, c.zh) || !strings.Contains(errOut, c.en) || !strings.Contains(errOut, "未作任何改动") || !strings.Contains(errOut, "Nothing was changed") {
			t.Errorf("%s: message %q", c.name, errOut)
		}
		if after := snapshot(t, root); after != before {
			t.Errorf("%s: the target changed:\n%s\nthen\n%s", c.name, before, after)
		}
	}
	// --force restores over it.
	target := filepath.Join(root, "target", "d")
	if code, out, errOut := runCLI(t, "", "restore", "--force", "--data="+target, archive); code != 0 {
		t.Fatalf("restore --force: %s %s", out, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "xinzhi.db")); bytes.Equal(b, []byte("live")) {
		t.Error("--force left the old database")
	}
}

func tarNames(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// snapshot lists every path under dir with its content.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		b.WriteString(p)
		if fi.Mode().IsRegular() {
			c, _ := os.ReadFile(p)
			b.Write(c)
		}
		b.WriteByte('\n')
		return nil
	})
	return b.String()
}

// freshPostgres makes a new empty database on the test server and returns
// its URL; it is dropped after the test.
func freshPostgres(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("xz_backup_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// TestBackupRestorePostgres: on PostgreSQL the archive holds a pg_dump of
// the database beside the attachments; restore loads it with pg_restore into
// an empty database, and refuses a database that is not empty.
func TestBackupRestorePostgres(t *testing.T) {
	dsn := os.Getenv("XINZHI_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("XINZHI_TEST_POSTGRES not set")
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not on PATH (Debian package postgresql-client)", tool)
		}
	}
	root := t.TempDir()
	data := filepath.Join(root, "data")
	src := freshPostgres(t, dsn)
	projectID, personID := smallWorld(t, data, src)
	keys, err := seal.LoadKeyring(filepath.Join(data, "keys.txt"))
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(root, "pg.tar")
	code, out, errOut := runCLI(t, "", "backup", "--data="+data, "--db="+src, archive)
	if code != 0 || !strings.Contains(out, "pg_dump") || !strings.Contains(out, "1 attachments") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	if names := tarNames(t, archive); !contains(names, "xinzhi.pgdump") || contains(names, "xinzhi.db") {
		t.Fatalf("archive entries: %v", names)
	}
	restored := filepath.Join(root, "restored")
	// Without a database to load it into: refused, nothing made.
	if code, _, errOut := runCLI(t, "", "restore", "--data="+restored, archive); code == 0 || !strings.Contains(errOut, "--db") {
		t.Fatalf("restore without --db: %d %s", code, errOut)
	}
	if _, err := os.Stat(restored); err == nil {
		t.Fatal("a refused restore made the data directory")
	}
	// Into a database that is not empty: refused, that database unchanged.
	if code, _, errOut := runCLI(t, "", "restore", "--data="+restored, "--db="+src, archive); code == 0 || !strings.Contains(errOut, "不是空的") || !strings.Contains(errOut, "not empty") {
		t.Fatalf("restore into a database in use: %d %s", code, errOut)
	}
	if _, err := os.Stat(restored); err == nil {
		t.Fatal("a refused restore made the data directory")
	}
	dst := freshPostgres(t, dsn)
	if code, out, errOut := runCLI(t, "", "restore", "--data="+restored, "--db="+dst, archive); code != 0 || !strings.Contains(out, "pg_restore") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	openWorld(t, restored, dst, keys, projectID, personID)
	// The restored database is at the same migration and its audit chain holds.
	if code, out, errOut := runCLI(t, "", "audit", "verify", "--db="+dst); code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify on the restored database: %d %s %s", code, out, errOut)
	}
}

// TestBackupPostgresFilesOnly: with --files-only (the database backed up by
// other means) the archive takes the attachments only, and says so.
func TestBackupPostgresFilesOnly(t *testing.T) {
	dsn := os.Getenv("XINZHI_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("XINZHI_TEST_POSTGRES not set")
	}
	root := t.TempDir()
	data := filepath.Join(root, "data")
	content := []byte("%PDF-1.4\n% on PostgreSQL\n%%EOF\n")
	sum := sha256.Sum256(content)
	name := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(filepath.Join(data, "attachments", name[:2]), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "attachments", name[:2], name), content, 0o600); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(root, "files.tar")
	code, out, errOut := runCLI(t, "", "backup", "--data="+data, "--db="+dsn, "--files-only", archive)
	if code != 0 || !strings.Contains(out, "no database (--files-only)") || !strings.Contains(out, "1 attachments") {
		t.Fatalf("backup --files-only: %d %s %s", code, out, errOut)
	}
	restored := filepath.Join(root, "restored")
	if code, out, errOut := runCLI(t, "", "restore", "--data="+restored, archive); code != 0 || !strings.Contains(out, "holds no database") {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if got, err := os.ReadFile(filepath.Join(restored, "attachments", name[:2], name)); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("restored attachment: %q %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(restored, "xinzhi.db")); err == nil {
		t.Error("a files-only restore made a database")
	}
}

// TestBackupHelpSaysWhatItDoes: --help tells an operator what backup does on
// each engine and where the keyring stands, and that restore never
// overwrites unless told.
func TestBackupHelpSaysWhatItDoes(t *testing.T) {
	for _, c := range []struct {
		cmd  string
		want []string
	}{
		{"backup", []string{"SQLite", "在线", "online copy", "PostgreSQL", "pg_dump --format=custom", "--files-only", "pg_basebackup", "--include-key", "密钥环", "keyring"}},
		{"restore", []string{"pg_restore --single-transaction", "--force", "不覆盖", "Never overwrites", "xinzhi.db"}},
	} {
		_, out, errOut := runCLI(t, "", c.cmd, "--help")
		for _, w := range c.want {
			if !strings.Contains(out+errOut, w) {
				t.Errorf("xinzhi %s --help does not say %q:\n%s", c.cmd, w, out+errOut)
			}
		}
	}
}
