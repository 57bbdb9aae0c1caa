package auth

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// rfcSecret is RFC 6238's SHA-1 test key, "12345678901234567890", in base32.
var rfcSecret = base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString([]byte("12345678901234567890"))

// TestRFC6238Vectors: the SHA-1 vectors of RFC 6238 appendix B (8 digits
// there; the app and validateTOTP use the last 6).
func TestRFC6238Vectors(t *testing.T) {
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		at := time.Unix(v.unix, 0)
		got, err := totp.GenerateCodeCustom(rfcSecret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1})
		if err != nil || got != v.code {
			t.Errorf("T=%d: %s, %v; want %s", v.unix, got, err, v.code)
		}
		step, ok := validateTOTP(rfcSecret, v.code[2:], at, 0)
		if !ok || step != v.unix/30 {
			t.Errorf("T=%d: validate %s = %d, %v; want step %d", v.unix, v.code[2:], step, ok, v.unix/30)
		}
	}
}

// TestValidateWindowAndReplay: one step of drift either way; never a step
// at or before the last one used; never a wrong code.
func TestValidateWindowAndReplay(t *testing.T) {
	now := time.Unix(1_750_000_000, 0)
	code := func(d time.Duration) string {
		c, err := totp.GenerateCode(rfcSecret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cur := TOTPStep(now)
	for _, c := range []struct {
		name string
		code string
		last int64
		ok   bool
		step int64
	}{
		{"now", code(0), 0, true, cur},
		{"a step behind", code(-TOTPPeriod), 0, true, cur - 1},
		{"a step ahead", code(TOTPPeriod), 0, true, cur + 1},
		{"two steps behind", code(-2 * TOTPPeriod), 0, false, 0},
		{"two steps ahead", code(2 * TOTPPeriod), 0, false, 0},
		{"replayed", code(0), cur, false, 0},
		{"older than the last used", code(-TOTPPeriod), cur, false, 0},
		{"the next after the last used", code(TOTPPeriod), cur, true, cur + 1},
		{"with a space", code(0)[:3] + " " + code(0)[3:], 0, true, cur},
		{"too short", code(0)[:5], 0, false, 0},
		{"letters", "abcdef", 0, false, 0},
	} {
		step, ok := validateTOTP(rfcSecret, c.code, now, c.last)
		if ok != c.ok || step != c.step {
			t.Errorf("%s: %d, %v; want %d, %v", c.name, step, ok, c.step, c.ok)
		}
	}
	// A wrong code (the right one's neighbour) fails.
	wrong := []byte(code(0))
	wrong[5] = '0' + (wrong[5]-'0'+1)%10
	if _, ok := validateTOTP(rfcSecret, string(wrong), now, 0); ok {
		t.Error("a wrong code was accepted")
	}
	if _, ok := validateTOTP("not base32!", code(0), now, 0); ok {
		t.Error("a code against a broken secret was accepted")
	}
}

// TestKeyURI: a new key is 160 bits in base32, and its URI (and one made
// again from the stored secret) names the issuer, account and parameters
// the apps need.
func TestKeyURI(t *testing.T) {
	k, err := newTOTPKey("Xinzhi", "zhang.wei")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := otpSecret(k.Secret())
	if err != nil || len(raw) != 20 {
		t.Fatalf("secret %q: %d bytes, %v", k.Secret(), len(raw), err)
	}
	again, err := totpURI("Xinzhi", "zhang.wei", k.Secret())
	if err != nil {
		t.Fatal(err)
	}
	for _, uri := range []string{k.URL(), again} {
		u, err := url.Parse(uri)
		if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || !strings.HasSuffix(u.Path, "Xinzhi:zhang.wei") {
			t.Fatalf("uri %q: %v", uri, err)
		}
		q := u.Query()
		if q.Get("secret") != k.Secret() || q.Get("issuer") != "Xinzhi" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
			t.Errorf("uri %q", uri)
		}
	}
	if _, err := totpURI("Xinzhi", "x", "!!"); err == nil {
		t.Error("a broken secret made a URI")
	}
}

func FuzzValidateTOTP(f *testing.F) {
	f.Add(rfcSecret, "287082", int64(59), int64(0))
	f.Add("", "", int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, secret, code string, unix, last int64) {
		at := time.Unix(unix, 0)
		step, ok := validateTOTP(secret, code, at, last)
		if ok && (step <= last || step < TOTPStep(at)-1 || step > TOTPStep(at)+1) {
			t.Fatalf("accepted step %d (last %d, now %d)", step, last, TOTPStep(at))
		}
	})
}
