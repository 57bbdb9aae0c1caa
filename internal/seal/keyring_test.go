package seal

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseKeyring(t *testing.T) {
	a, b := newLine(t, "k2025a"), newLine(t, "k2025b")
	k, err := ParseKeyring("# Xinzhi keys\n\n  " + a + "  # first\r\n" + strings.Replace(b, " ", "\t", 1) + "\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(k.KeyIDs(), ","); got != "k2025a,k2025b" {
		t.Fatalf("ids %s", got)
	}
	if k.CurrentKeyID() != "k2025b" || k.IndexKeyID() != "k2025a" || k.Source() != "" || k.Created() {
		t.Fatalf("keyring %v", k)
	}

	// Other base64 forms of a key are accepted.
	key := strings.Fields(a)[1]
	for _, enc := range []string{strings.TrimRight(key, "="), strings.NewReplacer("+", "-", "/", "_").Replace(key)} {
		if _, err := ParseKeyring("x " + enc); err != nil {
			t.Errorf("key %s: %v", enc, err)
		}
	}
}

func TestParseKeyringErrors(t *testing.T) {
	good := newLine(t, "k1")
	key := strings.Fields(good)[1]
	short := "AAECAwQFBgcICQoLDA0ODw==" // 16 bytes
	tests := []struct {
		name, text string
		line       int
		want       string
	}{
		{"empty", "", 0, "has no keys"},
		{"comments only", "# nothing\n\n", 0, "has no keys"},
		{"one field", "# c\n" + good + "\nk2", 3, "has one field"},
		{"three fields", "k2 " + key + " extra", 1, "has 3 fields"},
		{"bad base64", "\nk2 not*base64", 2, `key "k2" is not valid base64`},
		{"short key", "k2 " + short, 1, `key "k2" is 16 bytes; want 32`},
		{"zero key", "k2 " + strings.Repeat("A", 43) + "=", 1, "all zero bytes"},
		{"duplicate id", good + "\n" + strings.Replace(newLine(t, "k2"), "k2", "k1", 1), 2, `key id "k1" is already used on line 1`},
		{"duplicate key", good + "\nk2 " + key, 2, `key "k2" is the same key as "k1" on line 1`},
		{"bad id char", "k:1 " + key, 1, `key id contains ':'`},
		{"swapped", key + " k1", 1, "are the id and the key swapped?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseKeyring(tt.text)
			var ke *KeyringError
			if !errors.As(err, &ke) {
				t.Fatalf("err %v (%T); want *KeyringError", err, err)
			}
			if ke.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err %q (line %d); want line %d and %q", err, ke.Line, tt.line, tt.want)
			}
			if tt.line > 0 && !strings.Contains(err.Error(), "line "+strconv.Itoa(tt.line)+":") {
				t.Fatalf("err %q does not name line %d", err, tt.line)
			}
			if strings.Contains(err.Error(), key) {
				t.Fatalf("err %q shows the key", err)
			}
		})
	}
}

func TestNewKeyLine(t *testing.T) {
	a, err := NewKeyLine("k2025a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewKeyLine("k2025a")
	if a == b || !strings.HasPrefix(a, "k2025a ") || strings.Contains(a, "\n") {
		t.Fatalf("lines %q, %q", a, b)
	}
	for _, bad := range []string{"", "k 1", "k:1", "k#1", "k;1", strings.Repeat("k", MaxIDLen+1), "密钥"} {
		if _, err := NewKeyLine(bad); err == nil {
			t.Errorf("NewKeyLine(%q) succeeded", bad)
		}
	}
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask
		t.Fatal(err)
	}
}

func TestKeyringFromEnvPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ring.txt")
	writeFile(t, file, newLine(t, "fromfile")+"\n", 0o600)
	envText := newLine(t, "env1") + ";" + newLine(t, "env2")

	k, err := KeyringFromEnv(env(map[string]string{EnvKey: envText, EnvKeyFile: file}), dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.Source() != EnvKey || k.CurrentKeyID() != "env2" || k.IndexKeyID() != "env1" || k.Created() {
		t.Fatalf("XINZHI_KEY: got %v", k)
	}

	k, err = KeyringFromEnv(env(map[string]string{EnvKeyFile: file}), dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.Source() != file || k.CurrentKeyID() != "fromfile" || k.Created() {
		t.Fatalf("XINZHI_KEY_FILE: got %v", k)
	}
	if _, err := os.Stat(filepath.Join(dir, DefaultFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("keys.txt was created although a key was configured")
	}

	_, err = KeyringFromEnv(env(map[string]string{EnvKeyFile: filepath.Join(dir, "missing.txt")}), dir)
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing XINZHI_KEY_FILE: %v", err)
	}

	_, err = KeyringFromEnv(env(map[string]string{EnvKey: newLine(t, "a") + "; b"}), dir)
	var ke *KeyringError
	if !errors.As(err, &ke) || ke.Line != 2 || !strings.Contains(err.Error(), "XINZHI_KEY line 2") {
		t.Fatalf("bad XINZHI_KEY: %v", err)
	}
	if _, err := KeyringFromEnv(env(nil), ""); err == nil {
		t.Fatal("no key and no data directory: no error")
	}
}

func TestKeyringFromEnvCreates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // does not exist yet
	k, err := KeyringFromEnv(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, DefaultFile)
	if !k.Created() || k.Source() != path || len(k.KeyIDs()) != 1 {
		t.Fatalf("created %v, source %q, ids %v", k.Created(), k.Source(), k.KeyIDs())
	}
	if want := "k" + time.Now().UTC().Format("20060102"); k.CurrentKeyID() != want && k.CurrentKeyID() != "k"+time.Now().UTC().Add(-time.Minute).Format("20060102") {
		t.Fatalf("key id %s; want %s", k.CurrentKeyID(), want)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Fatalf("keys.txt mode %04o; want 0600", fi.Mode().Perm())
	}
	text, _ := os.ReadFile(path)
	if !strings.Contains(string(text), "BACK THIS FILE UP") {
		t.Fatalf("keys.txt lacks the backup warning:\n%s", text)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("data directory holds %d entries; want only keys.txt", len(entries))
	}

	tok, _ := k.Seal(idNumber, ctxID)
	k2, err := KeyringFromEnv(env(nil), dir)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Created() {
		t.Fatal("second run created the file again")
	}
	if v, err := k2.Open(tok, ctxID); err != nil || v != idNumber {
		t.Fatalf("second run does not open the first run's token: %q, %v", v, err)
	}
}

func TestKeyFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not checked on Windows")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFile)
	writeFile(t, path, newLine(t, "k1")+"\n", 0o644)
	for name, load := range map[string]func() (*Keyring, error){
		"LoadKeyring":     func() (*Keyring, error) { return LoadKeyring(path) },
		"XINZHI_KEY_FILE": func() (*Keyring, error) { return KeyringFromEnv(env(map[string]string{EnvKeyFile: path}), "") },
		"data directory":  func() (*Keyring, error) { return KeyringFromEnv(env(nil), dir) },
	} {
		_, err := load()
		if !errors.Is(err, ErrFileMode) || !strings.Contains(err.Error(), "chmod 600 "+path) || !strings.Contains(err.Error(), "0644") {
			t.Errorf("%s: %v; want a refusal saying chmod 600", name, err)
		}
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o620} {
		os.Chmod(path, mode)
		if _, err := LoadKeyring(path); !errors.Is(err, ErrFileMode) {
			t.Errorf("mode %04o accepted", mode)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		os.Chmod(path, mode)
		if _, err := LoadKeyring(path); err != nil {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
}

func TestLoadKeyringErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ring.txt")
	writeFile(t, path, "# c\nk1\n", 0o600)
	_, err := LoadKeyring(path)
	if err == nil || !strings.Contains(err.Error(), path+" line 2: has one field") {
		t.Fatalf("err %v", err)
	}
	if _, err := LoadKeyring(dir); err == nil {
		t.Fatal("a directory loaded as keyring")
	}
	if _, err := LoadKeyring(filepath.Join(dir, "none")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestCreateKeyFileKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFile)
	line := newLine(t, "mine")
	writeFile(t, path, line+"\n", 0o600)
	created, err := createKeyFile(path, time.Now())
	if err != nil || created {
		t.Fatalf("created %v, %v", created, err)
	}
	if b, _ := os.ReadFile(path); string(b) != line+"\n" {
		t.Fatal("existing keyring was changed")
	}
}
