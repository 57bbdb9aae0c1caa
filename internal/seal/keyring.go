package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

const (
	// KeySize is the size of a key in bytes (256 bits).
	KeySize = 32
	// MaxIDLen is the longest key id accepted.
	MaxIDLen = 32

	// EnvKey names the environment variable that holds the keyring text
	// itself, lines separated by newlines or ';'.
	EnvKey = "XINZHI_KEY"
	// EnvKeyFile names the environment variable that holds the path of a
	// keyring file.
	EnvKeyFile = "XINZHI_KEY_FILE"
	// DefaultFile is the keyring file KeyringFromEnv uses, and creates, in
	// the data directory when neither variable is set.
	DefaultFile = "keys.txt"

	maxFileSize = 1 << 20 // a keyring file larger than this is not a keyring
	sealInfo    = "xinzhi seal v1"
	indexInfo   = "xinzhi index v1"
)

// ErrFileMode is returned (wrapped) by LoadKeyring for a keyring file that
// users other than its owner may read or change.
var ErrFileMode = errors.New("keyring file is open to other users")

// KeyringError is returned for keyring text that does not parse. Its message
// names the source and line and says what is wrong; it never contains key
// material.
type KeyringError struct {
	Source string // file path or "XINZHI_KEY"; empty for ParseKeyring
	Line   int    // 1-based line (for XINZHI_KEY: entry); 0 for the keyring as a whole
	Msg    string
}

func (e *KeyringError) Error() string {
	var b strings.Builder
	b.WriteString("seal: keyring")
	if e.Source != "" {
		b.WriteString(" " + e.Source)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// key is one line of a keyring. Secrets live behind a pointer so that
// printing a Keyring value with fmt shows addresses, never key bytes.
type key struct {
	id   string
	line int
	aead cipher.AEAD // AES-256-GCM with random nonces, under the derived seal key
	raw  []byte      // the key from the file; kept for the first key only (index)
}

// Keyring holds the keys that seal and open values. The last key is the
// current one: Seal uses it. All keys open values. The first key is also
// the source of the blind-index key (see Index).
//
// A Keyring is immutable and safe for concurrent use. Make one with
// ParseKeyring, LoadKeyring or KeyringFromEnv; the zero value is not usable.
type Keyring struct {
	keys    []*key
	byID    map[string]*key
	source  string
	created bool
}

// ParseKeyring parses keyring text: one key per line, "ID BASE64KEY", where
// ID is 1 to 32 letters, digits, '-', '_' or '.', and BASE64KEY is 32 bytes
// in base64 (standard or URL alphabet, padded or not). Blank lines and
// everything from '#' to the end of a line are ignored. The last key is
// the current one. Errors name the line and say what is wrong.
func ParseKeyring(text string) (*Keyring, error) {
	return parseKeyring(text, "")
}

func parseKeyring(text, source string) (*Keyring, error) {
	k := &Keyring{byID: map[string]*key{}, source: source}
	raws := map[string]*key{} // raw key → line that has it
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		fail := func(format string, args ...any) error {
			return &KeyringError{Source: source, Line: n, Msg: fmt.Sprintf(format, args...)}
		}
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		f := strings.Fields(line)
		switch len(f) {
		case 0:
			continue
		case 1:
			return nil, fail(`has one field; want "ID BASE64KEY"`)
		case 2:
		default:
			return nil, fail(`has %d fields; want "ID BASE64KEY" (no spaces inside the key)`, len(f))
		}
		id, enc := f[0], f[1]
		if msg := checkID(id); msg != "" {
			return nil, fail("%s", msg)
		}
		if prev, ok := k.byID[id]; ok {
			return nil, fail("key id %q is already used on line %d; every key needs its own id", id, prev.line)
		}
		raw, ok := decodeKey(enc)
		if !ok {
			return nil, fail("key %q is not valid base64", id)
		}
		if len(raw) != KeySize {
			return nil, fail("key %q is %d bytes; want %d random bytes in base64 (make a line with NewKeyLine, or: openssl rand -base64 32)", id, len(raw), KeySize)
		}
		if bytes.Equal(raw, make([]byte, KeySize)) {
			return nil, fail("key %q is all zero bytes; use random bytes", id)
		}
		if prev, ok := raws[string(raw)]; ok {
			return nil, fail("key %q is the same key as %q on line %d; every line needs a new random key", id, prev.id, prev.line)
		}
		kk, err := newKey(id, n, raw)
		if err != nil {
			return nil, fail("key %q: %v", id, err)
		}
		raws[string(raw)] = kk
		k.byID[id] = kk
		k.keys = append(k.keys, kk)
	}
	if len(k.keys) == 0 {
		return nil, &KeyringError{Source: source, Msg: `has no keys; add a line "ID BASE64KEY"`}
	}
	// Only the first key's raw bytes are needed afterwards (index key).
	for _, kk := range k.keys[1:] {
		kk.raw = nil
	}
	return k, nil
}

// newKey derives the AES-256-GCM key from a keyring key with HKDF-SHA256
// (info "xinzhi seal v1"), so the same key never serves both the cipher and
// the blind-index HMAC directly.
func newKey(id string, line int, raw []byte) (*key, error) {
	sk, err := hkdf.Key(sha256.New, raw, nil, sealInfo, KeySize)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(sk)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	return &key{id: id, line: line, aead: aead, raw: raw}, nil
}

// checkID returns what is wrong with a key id, or "" when it is valid. It
// does not quote the id: when ID and key are swapped the "id" is a key.
func checkID(id string) string {
	if id == "" {
		return "key id is empty"
	}
	if len(id) > MaxIDLen {
		return fmt.Sprintf("key id is %d characters; at most %d (are the id and the key swapped?)", len(id), MaxIDLen)
	}
	for _, c := range id {
		if !idChar(c) {
			return fmt.Sprintf("key id contains %q; use letters, digits, '-', '_' and '.'", c)
		}
	}
	return ""
}

func idChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

func validID(id string) bool { return checkID(id) == "" }

func decodeKey(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// NewKeyLine returns a keyring line "ID BASE64KEY" (no trailing newline)
// with a new random 32-byte key in standard padded base64.
func NewKeyLine(id string) (string, error) {
	if msg := checkID(id); msg != "" {
		return "", errors.New("seal: " + msg)
	}
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("seal: reading random key: %w", err)
	}
	return id + " " + base64.StdEncoding.EncodeToString(b), nil
}

// LoadKeyring reads a keyring file (see ParseKeyring). Except on Windows it
// refuses a file whose mode lets group or others read, write or execute it
// (mode & 0o077 != 0), with an error wrapping ErrFileMode that says to
// chmod 600.
func LoadKeyring(path string) (*Keyring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal: open keyring: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("seal: keyring: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("seal: keyring %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("seal: keyring %s has mode %04o (%w); make it readable by its owner only: chmod 600 %s", path, perm, ErrFileMode, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("seal: read keyring: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, &KeyringError{Source: path, Msg: fmt.Sprintf("is larger than %d bytes; it is not a keyring", maxFileSize)}
	}
	return parseKeyring(string(data), path)
}

// KeyringFromEnv finds the keyring, in this order:
//
//  1. XINZHI_KEY: the keyring text itself, lines separated by newlines or
//     ';' (errors count ';'-separated entries as lines);
//  2. XINZHI_KEY_FILE: the path of a keyring file, which must exist;
//  3. DATADIR/keys.txt, created with one new key and mode 0600 when it does
//     not exist, so a demo needs no set-up.
//
// getenv is usually os.Getenv (nil means os.Getenv); an empty value counts
// as unset. When the file in the data directory was just created,
// Created reports true: the caller should log a warning telling the
// operator to back the file up, apart from the database backups.
func KeyringFromEnv(getenv func(string) string, dataDir string) (*Keyring, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if text := getenv(EnvKey); text != "" {
		return parseKeyring(strings.ReplaceAll(text, ";", "\n"), EnvKey)
	}
	if path := getenv(EnvKeyFile); path != "" {
		k, err := LoadKeyring(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("seal: %s names %s, which does not exist (only %s in the data directory is created automatically)", EnvKeyFile, path, DefaultFile)
		}
		return k, err
	}
	if dataDir == "" {
		return nil, fmt.Errorf("seal: no keyring: set %s or %s, or give a data directory", EnvKey, EnvKeyFile)
	}
	path := filepath.Join(dataDir, DefaultFile)
	created, err := createKeyFile(path, time.Now())
	if err != nil {
		return nil, err
	}
	k, err := LoadKeyring(path)
	if err != nil {
		return nil, err
	}
	k.created = created
	return k, nil
}

// createKeyFile writes a new keyring with one key at path unless something
// is already there. It reports whether it created the file. The content is
// written to a temporary file and hard-linked into place, so no other
// process ever sees a partial keyring and an existing one is never replaced.
func createKeyFile(path string, now time.Time) (bool, error) {
	if _, err := os.Lstat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("seal: keyring: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return false, fmt.Errorf("seal: create keyring: %w", err)
	}
	line, err := NewKeyLine("k" + now.UTC().Format("20060102"))
	if err != nil {
		return false, err
	}
	content := []byte(newFileHeader(now) + line + "\n")

	tmp, err := os.CreateTemp(dir, ".keys-*.tmp") // mode 0600
	if err != nil {
		return false, fmt.Errorf("seal: create keyring: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeSync(tmp, content); err != nil {
		return false, fmt.Errorf("seal: create keyring: %w", err)
	}
	err = os.Link(tmp.Name(), path)
	switch {
	case err == nil:
		syncDir(dir)
		return true, nil
	case errors.Is(err, fs.ErrExist):
		return false, nil // another process was quicker; use its keyring
	}
	// A file system without hard links: create exclusively and write.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("seal: create keyring: %w", err)
	}
	if err := writeSync(f, content); err != nil {
		os.Remove(path)
		return false, fmt.Errorf("seal: create keyring: %w", err)
	}
	syncDir(dir)
	return true, nil
}

func writeSync(f *os.File, b []byte) error {
	_, err := f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a new directory entry durable where the platform allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func newFileHeader(now time.Time) string {
	return "# Xinzhi keyring (密钥环), created " + now.UTC().Format(time.RFC3339) + `.
# BACK THIS FILE UP, and keep the copy apart from the database backups:
# without it the sealed personal data (个人信息) cannot be read by anyone.
# One key per line: "ID BASE64KEY". The LAST line seals new values; every
# line opens old ones. The FIRST line also keys the blind index (盲索引):
# never remove or reorder it. See docs/keys.md.
`
}

// Source says where the keyring came from: "XINZHI_KEY", a file path, or ""
// for ParseKeyring.
func (k *Keyring) Source() string { return k.source }

// Created reports whether KeyringFromEnv has just created the keyring file
// in the data directory. The caller should then warn the operator to back
// it up.
func (k *Keyring) Created() bool { return k.created }

// CurrentKeyID returns the id of the current key, the last line, which
// Seal uses.
func (k *Keyring) CurrentKeyID() string { return k.keys[len(k.keys)-1].id }

// IndexKeyID returns the id of the key the blind index is derived from, the
// first line. Store it next to the indexed data and compare at start-up: if
// it changes, every blind index must be recomputed (re-indexed).
func (k *Keyring) IndexKeyID() string { return k.keys[0].id }

// KeyIDs returns the ids of all keys in keyring order (first: index key;
// last: current key).
func (k *Keyring) KeyIDs() []string {
	ids := make([]string, len(k.keys))
	for i, kk := range k.keys {
		ids[i] = kk.id
	}
	return ids
}

// String describes the keyring by key ids only; it never shows key material.
func (k *Keyring) String() string {
	if k == nil || len(k.keys) == 0 {
		return "seal.Keyring(empty)"
	}
	s := fmt.Sprintf("seal.Keyring(keys %s; current %s; index %s", strings.Join(k.KeyIDs(), ","), k.CurrentKeyID(), k.IndexKeyID())
	if k.source != "" {
		s += "; from " + k.source
	}
	return s + ")"
}

// GoString is String, so %#v does not print key material either.
func (k *Keyring) GoString() string { return k.String() }
