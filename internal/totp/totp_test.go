package totp

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the RFC 6238 appendix B SHA1 key "12345678901234567890".
var rfcSecret = base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))

func TestRFC6238Vectors(t *testing.T) {
	cases := []struct {
		unix int64
		step int64
		code string // 8 digits, as in the RFC
	}{
		{59, 0x1, "94287082"},
		{1111111109, 0x23523EC, "07081804"},
		{1111111111, 0x23523ED, "14050471"},
		{1234567890, 0x273EF07, "89005924"},
		{2000000000, 0x3F940AA, "69279037"},
		{20000000000, 0x27BC86AA, "65353130"},
	}
	key, err := decodeSecret(rfcSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		tm := time.Unix(c.unix, 0)
		if got := Step(tm); got != c.step {
			t.Errorf("Step(%d) = %#x; want %#x", c.unix, got, c.step)
		}
		if got := hotp(key, uint64(c.step), 8); got != c.code {
			t.Errorf("8-digit code at %d = %s; want %s", c.unix, got, c.code)
		}
		got, err := Code(rfcSecret, tm)
		if want := c.code[2:]; err != nil || got != want {
			t.Errorf("Code at %d = %q, %v; want %q", c.unix, got, err, want)
		}
	}
}

// RFC 4226 appendix D: HOTP values for counters 0–9 with the same key.
func TestRFC4226Vectors(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489"}
	key := []byte("12345678901234567890")
	for i, w := range want {
		if got := hotp(key, uint64(i), 6); got != w {
			t.Errorf("HOTP(%d) = %s; want %s", i, got, w)
		}
	}
}

func TestStep(t *testing.T) {
	for unix, want := range map[int64]int64{0: 0, 29: 0, 30: 1, 59: 1, 60: 2, -1: -1, -30: -1, -31: -2} {
		if got := Step(time.Unix(unix, 0)); got != want {
			t.Errorf("Step(%d) = %d; want %d", unix, got, want)
		}
	}
	if _, err := Code(rfcSecret, time.Unix(-1, 0)); err == nil {
		t.Error("Code before the epoch: want error")
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if len(a) != 32 || a == b || a != strings.ToUpper(a) || strings.Contains(a, "=") {
		t.Fatalf("NewSecret = %q, %q; want two different 32-char upper-case unpadded strings", a, b)
	}
	key, err := decodeSecret(a)
	if err != nil || len(key) != SecretBytes {
		t.Fatalf("decoded %d bytes, %v", len(key), err)
	}
}

func TestSecretLeniency(t *testing.T) {
	tm := time.Unix(1234567890, 0)
	want, _ := Code(rfcSecret, tm)
	for _, s := range []string{strings.ToLower(rfcSecret), FormatSecret(rfcSecret), rfcSecret + "===="} {
		if got, err := Code(s, tm); err != nil || got != want {
			t.Errorf("Code(%q) = %q, %v; want %q", s, got, err, want)
		}
	}
	for _, s := range []string{"", "   ", "not base32!", "A"} {
		if _, err := Code(s, tm); err == nil {
			t.Errorf("Code(%q): want error", s)
		}
	}
}

func TestValidate(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := Step(now)
	codeAt := func(step int64) string {
		c, _ := Code(rfcSecret, time.Unix(step*30, 0))
		return c
	}
	cases := []struct {
		name     string
		code     string
		lastStep int64
		wantStep int64
		wantOK   bool
	}{
		{"current", codeAt(s), 0, s, true},
		{"previous (drift)", codeAt(s - 1), 0, s - 1, true},
		{"next (drift)", codeAt(s + 1), 0, s + 1, true},
		{"two behind", codeAt(s - 2), 0, 0, false},
		{"two ahead", codeAt(s + 2), 0, 0, false},
		{"spaces", codeAt(s)[:3] + " " + codeAt(s)[3:] + " ", 0, s, true},
		{"replay same step", codeAt(s), s, 0, false},
		{"replay older step", codeAt(s - 1), s - 1, 0, false},
		{"next after last", codeAt(s + 1), s, s + 1, true},
		{"wrong code", wrong(codeAt(s)), 0, 0, false},
		{"empty", "", 0, 0, false},
		{"too short", codeAt(s)[:5], 0, 0, false},
		{"too long", codeAt(s) + "0", 0, 0, false},
		{"not digits", "12a456", 0, 0, false},
		{"fullwidth digits", "１２３４５６", 0, 0, false},
	}
	for _, c := range cases {
		step, ok := Validate(rfcSecret, c.code, now, c.lastStep)
		if ok != c.wantOK || step != c.wantStep {
			t.Errorf("%s: Validate(%q, last %d) = %d, %v; want %d, %v", c.name, c.code, c.lastStep, step, ok, c.wantStep, c.wantOK)
		}
	}
	if _, ok := Validate("!!", codeAt(s), now, 0); ok {
		t.Error("Validate accepted a bad secret")
	}
}

// wrong returns a different 6-digit code.
func wrong(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func TestValidateReplayFlow(t *testing.T) {
	secret, _ := NewSecret()
	now := time.Now()
	code, _ := Code(secret, now)
	step, ok := Validate(secret, code, now, 0)
	if !ok || step != Step(now) {
		t.Fatalf("first use: %d, %v", step, ok)
	}
	if _, ok := Validate(secret, code, now.Add(10*time.Second), step); ok {
		t.Fatal("the same code was accepted twice")
	}
	next, _ := Code(secret, now.Add(Period))
	if s2, ok := Validate(secret, next, now.Add(Period), step); !ok || s2 != step+1 {
		t.Fatalf("next step's code refused: %d, %v", s2, ok)
	}
}

func TestURI(t *testing.T) {
	got := URI("Xinzhi 心智", "alice@example.com", "jbsw y3dp")
	want := "otpauth://totp/Xinzhi%20%E5%BF%83%E6%99%BA:alice%40example.com?secret=JBSWY3DP&issuer=Xinzhi%20%E5%BF%83%E6%99%BA&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Fatalf("URI =\n %s\nwant\n %s", got, want)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Xinzhi 心智:alice@example.com" ||
		q.Get("issuer") != "Xinzhi 心智" || q.Get("secret") != "JBSWY3DP" {
		t.Errorf("parsed back as %#v, %v", u, q)
	}
	// Separators in names must not break the URI apart.
	u2, err := url.Parse(URI("a&b?c#d", "x/y:z", "JBSWY3DP"))
	if err != nil || u2.Query().Get("issuer") != "a&b?c#d" || u2.Path != "/a&b?c#d:x/y:z" || u2.Fragment != "" {
		t.Errorf("escaping broken: %v %v", u2, err)
	}
}

func TestFormatSecret(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"ABC":                              "ABC",
		"ABCD":                             "ABCD",
		"abcdefgh":                         "ABCD EFGH",
		"ABCDEFGHIJ":                       "ABCD EFGH IJ",
		"JBSW Y3DP EHPK 3PXP":              "JBSW Y3DP EHPK 3PXP",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ": "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
	} {
		if got := FormatSecret(in); got != want {
			t.Errorf("FormatSecret(%q) = %q; want %q", in, got, want)
		}
	}
}
