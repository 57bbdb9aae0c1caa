package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

const (
	ctxID    = "people.id_number"
	ctxPhone = "people.phone"
	idNumber = "110101199003071234"
)

// Fixed test vector: key bytes 1..32 under id "g1".
const (
	goldenKey   = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
	goldenToken = "v1:g1:BTQ5DPG1Rhy2a03hDw9URwq52abvp3Qf6-NfMrktTsWgQabzRB0dkbTGJhUcLA"
	goldenIndex = "df3bfd83174ff72bcf2ebfeeb882697df92bb2672def6994ae1d016042e7843f"
)

func ring(t testing.TB, lines ...string) *Keyring {
	t.Helper()
	k, err := ParseKeyring(strings.Join(lines, "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newLine(t testing.TB, id string) string {
	t.Helper()
	l, err := NewKeyLine(id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRoundTrip(t *testing.T) {
	k := ring(t, newLine(t, "k2025a"))
	for _, v := range []string{idNumber, "13800138000", "zhang.san@example.cn", "张三", "a", strings.Repeat("x", 5000), "\x00\xff"} {
		tok, err := k.Seal(v, ctxID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(tok, "v1:k2025a:") {
			t.Fatalf("token %q lacks the header", tok)
		}
		if len(v) >= 8 && strings.Contains(tok, v) {
			t.Fatalf("token contains the plaintext")
		}
		got, err := k.Open(tok, ctxID)
		if err != nil || got != v {
			t.Fatalf("Open = %q, %v; want %q", got, err, v)
		}
	}
	a, _ := k.Seal(idNumber, ctxID)
	b, _ := k.Seal(idNumber, ctxID)
	if a == b {
		t.Fatal("two seals of one value gave the same token (nonce reuse?)")
	}
}

func TestEmpty(t *testing.T) {
	k := ring(t, newLine(t, "k1"))
	if tok, err := k.Seal("", ctxID); tok != "" || err != nil {
		t.Fatalf("Seal(\"\") = %q, %v", tok, err)
	}
	if v, err := k.Open("", ctxID); v != "" || err != nil {
		t.Fatalf("Open(\"\") = %q, %v", v, err)
	}
	if k.NeedsReseal("") {
		t.Fatal("NeedsReseal(\"\") = true")
	}
	if k.Index("", ctxID) != "" {
		t.Fatal("Index(\"\") is not empty")
	}
	if _, err := k.Seal("x", ""); !errors.Is(err, ErrNoContext) {
		t.Fatalf("Seal with no context: %v", err)
	}
	if _, err := k.Open("", ""); !errors.Is(err, ErrNoContext) {
		t.Fatalf("Open with no context: %v", err)
	}
}

func TestWrongContext(t *testing.T) {
	k := ring(t, newLine(t, "k1"))
	tok, _ := k.Seal(idNumber, ctxID)
	_, err := k.Open(tok, ctxPhone)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("Open in another context: %v; want ErrAuth", err)
	}
	if !strings.Contains(err.Error(), ctxPhone) || strings.Contains(err.Error(), idNumber) {
		t.Fatalf("error %q", err)
	}
}

func TestTampered(t *testing.T) {
	k := ring(t, newLine(t, "k1"))
	tok, _ := k.Seal(idNumber, ctxID)
	head := len("v1:k1:")
	raw, err := b64.DecodeString(tok[head:])
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw { // every byte: nonce, ciphertext, tag
		bad := append([]byte(nil), raw...)
		bad[i] ^= 0x01
		if _, err := k.Open(tok[:head]+b64.EncodeToString(bad), ctxID); !errors.Is(err, ErrAuth) {
			t.Fatalf("byte %d flipped: %v; want ErrAuth", i, err)
		}
	}
	// Truncated, extended, re-encoded or re-labelled tokens do not open either.
	for name, bad := range map[string]string{
		"truncated": tok[:len(tok)-1],
		"short":     tok[:head+10],
		"extended":  tok + "AA",
		"padded":    tok + "=",
		"std b64":   tok[:head] + base64.RawStdEncoding.EncodeToString(raw) + "+/",
		"version":   "v2" + tok[2:],
		"no header": tok[head:],
		"plain":     idNumber,
		"no id sep": "v1:k1",
		"bad id":    "v1:k 1:" + tok[head:],
	} {
		if _, err := k.Open(bad, ctxID); err == nil {
			t.Errorf("%s token opened", name)
		} else if strings.Contains(err.Error(), idNumber) {
			t.Errorf("%s: error quotes the value: %v", name, err)
		}
	}
	if _, err := k.Open(idNumber, ctxID); !errors.Is(err, ErrMalformed) {
		t.Fatalf("plain value: %v; want ErrMalformed", err)
	}
}

func TestKeyIDBound(t *testing.T) {
	// Two ids for one key are refused by the parser, but a token whose id is
	// edited to another key must not open even if the attacker picks it.
	k := ring(t, newLine(t, "k1"), newLine(t, "k2"))
	tok, _ := k.Seal(idNumber, ctxID) // k2
	if _, err := k.Open(strings.Replace(tok, ":k2:", ":k1:", 1), ctxID); !errors.Is(err, ErrAuth) {
		t.Fatalf("re-labelled token: %v", err)
	}
}

func TestUnknownKey(t *testing.T) {
	old := ring(t, newLine(t, "k2024a"))
	tok, _ := old.Seal(idNumber, ctxID)
	k := ring(t, newLine(t, "k2025a"), newLine(t, "k2025b"))
	_, err := k.Open(tok, ctxID)
	if !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Open: %v; want ErrUnknownKey", err)
	}
	for _, want := range []string{`"k2024a"`, "lacks", "k2025a, k2025b"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if !k.NeedsReseal(tok) {
		t.Error("NeedsReseal of an unknown key's token = false")
	}
}

func TestRotation(t *testing.T) {
	l1 := newLine(t, "k2025a")
	old := ring(t, l1)
	oldTok, _ := old.Seal(idNumber, ctxID)
	oldIdx := old.Index(idNumber, ctxID)
	if old.NeedsReseal(oldTok) {
		t.Fatal("NeedsReseal of a current token = true")
	}

	k := ring(t, "# rotated", l1, newLine(t, "k2025b"))
	if k.CurrentKeyID() != "k2025b" || k.IndexKeyID() != "k2025a" {
		t.Fatalf("current %s, index %s", k.CurrentKeyID(), k.IndexKeyID())
	}
	if v, err := k.Open(oldTok, ctxID); err != nil || v != idNumber {
		t.Fatalf("old token after rotation: %q, %v", v, err)
	}
	if !k.NeedsReseal(oldTok) {
		t.Fatal("NeedsReseal(old token) = false")
	}
	newTok, err := k.Seal(idNumber, ctxID)
	if err != nil || !strings.HasPrefix(newTok, "v1:k2025b:") {
		t.Fatalf("new seal %q, %v; want key k2025b", newTok, err)
	}
	if k.NeedsReseal(newTok) {
		t.Fatal("NeedsReseal(new token) = true")
	}
	if _, err := old.Open(newTok, ctxID); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("old ring opening a new token: %v", err)
	}
	if k.Index(idNumber, ctxID) != oldIdx {
		t.Fatal("blind index changed across rotation")
	}
	for _, bad := range []string{"garbage", "v2:k2025b:AAAA", "v1:k2025b"} {
		if !k.NeedsReseal(bad) {
			t.Errorf("NeedsReseal(%q) = false", bad)
		}
	}
}

func TestIndex(t *testing.T) {
	k := ring(t, newLine(t, "k1"))
	a := k.Index(idNumber, ctxID)
	if len(a) != 64 || a != k.Index(idNumber, ctxID) {
		t.Fatalf("index %q not stable hex SHA-256", a)
	}
	if a == k.Index(idNumber, ctxPhone) {
		t.Fatal("same index in two contexts")
	}
	if a == k.Index("110101199003071235", ctxID) {
		t.Fatal("same index for two values")
	}
	if a == k.Index(idNumber+" ", ctxID) {
		t.Fatal("Index normalised the value")
	}
	if a == ring(t, newLine(t, "k1")).Index(idNumber, ctxID) {
		t.Fatal("same index under two keys")
	}
}

// TestGolden pins the formats: tokens sealed and indexes stored today must
// open and match in every later version.
func TestGolden(t *testing.T) {
	k := ring(t, "g1 "+goldenKey)
	if v, err := k.Open(goldenToken, ctxID); err != nil || v != idNumber {
		t.Fatalf("golden token: %q, %v", v, err)
	}
	if got := k.Index(idNumber, ctxID); got != goldenIndex {
		t.Fatalf("golden index %s; want %s", got, goldenIndex)
	}

	// The same, by hand from the specification in the package comment.
	raw, _ := base64.StdEncoding.DecodeString(goldenKey)
	hkdf := func(info string) []byte { // RFC 5869, no salt, one block
		m := hmac.New(sha256.New, make([]byte, sha256.Size))
		m.Write(raw)
		m = hmac.New(sha256.New, m.Sum(nil))
		m.Write([]byte(info))
		m.Write([]byte{1})
		return m.Sum(nil)
	}
	m := hmac.New(sha256.New, hkdf("xinzhi index v1"+ctxID))
	m.Write([]byte(idNumber))
	if got := hex.EncodeToString(m.Sum(nil)); got != goldenIndex {
		t.Fatalf("index by hand %s; want %s", got, goldenIndex)
	}
	block, _ := aes.NewCipher(hkdf("xinzhi seal v1"))
	gcm, _ := cipher.NewGCM(block)
	ct, _ := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(goldenToken, "v1:g1:"))
	pt, err := gcm.Open(nil, ct[:12], ct[12:], []byte("v1:g1:"+ctxID))
	if err != nil || string(pt) != idNumber {
		t.Fatalf("token by hand: %q, %v", pt, err)
	}
}

func TestConcurrent(t *testing.T) {
	k := ring(t, newLine(t, "k1"), newLine(t, "k2"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 200 {
				v := fmt.Sprintf("%d-%d", i, j)
				tok, err := k.Seal(v, ctxID)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := k.Open(tok, ctxID); err != nil || got != v {
					t.Errorf("Open = %q, %v", got, err)
					return
				}
				k.Index(v, ctxID)
			}
		})
	}
	wg.Wait()
}

func TestNoKeyMaterialPrinted(t *testing.T) {
	k := ring(t, "g1 "+goldenKey, newLine(t, "k2"))
	raw, _ := base64.StdEncoding.DecodeString(goldenKey)
	for _, s := range []string{
		fmt.Sprintf("%v", k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k), fmt.Sprintf("%s", k),
		fmt.Sprintf("%v", *k), fmt.Sprintf("%+v", *k), fmt.Sprintf("%#v", *k),
	} {
		if strings.Contains(s, goldenKey) || strings.Contains(s, string(raw)) || strings.Contains(s, fmt.Sprint(raw)) || strings.Contains(s, hex.EncodeToString(raw)) {
			t.Fatalf("printed keyring shows the key: %s", s)
		}
	}
	if s := k.String(); !strings.Contains(s, "g1,k2") || !strings.Contains(s, "current k2") {
		t.Fatalf("String() = %q", s)
	}
}

func BenchmarkSeal(b *testing.B) {
	k := ring(b, newLine(b, "k1"))
	for b.Loop() {
		k.Seal(idNumber, ctxID)
	}
}

func BenchmarkOpen(b *testing.B) {
	k := ring(b, newLine(b, "k1"))
	tok, _ := k.Seal(idNumber, ctxID)
	for b.Loop() {
		k.Open(tok, ctxID)
	}
}

func BenchmarkIndex(b *testing.B) {
	k := ring(b, newLine(b, "k1"))
	for b.Loop() {
		k.Index(idNumber, ctxID)
	}
}
