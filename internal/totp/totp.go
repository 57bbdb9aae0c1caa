// Package totp implements time-based one-time passwords (RFC 6238) as a
// second factor: HMAC-SHA1, 6 digits, 30-second steps, the parameters that
// every authenticator app supports. It also renders the otpauth:// key URI
// as an SVG QR code (see QRSVG) so enrolment needs no JavaScript.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

const (
	// Digits is the length of a code.
	Digits = 6
	// Period is the length of a time step.
	Period = 30 * time.Second
	// SecretBytes is the size of a secret made by NewSecret (160 bits, as
	// RFC 4226 recommends for HMAC-SHA1).
	SecretBytes = 20
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// ErrSecret is returned for a secret that is not valid base32.
var ErrSecret = errors.New("totp: invalid secret")

// NewSecret returns a new random secret of SecretBytes bytes, base32
// encoded (RFC 4648, upper case, no padding).
func NewSecret() (string, error) {
	b := make([]byte, SecretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("totp: reading random secret: %w", err)
	}
	return b32.EncodeToString(b), nil
}

// normalize removes spaces and padding and upper-cases a base32 secret, as
// people type or copy it.
func normalize(secret string) string {
	s := strings.ToUpper(strings.Join(strings.Fields(secret), ""))
	return strings.TrimRight(s, "=")
}

// decodeSecret decodes a base32 secret, tolerating spaces, lower case and
// padding.
func decodeSecret(secret string) ([]byte, error) {
	key, err := b32.DecodeString(normalize(secret))
	if err != nil || len(key) == 0 {
		return nil, ErrSecret
	}
	return key, nil
}

// Step returns the RFC 6238 time step of t: whole periods since the Unix
// epoch, rounded down.
func Step(t time.Time) int64 {
	sec, per := t.Unix(), int64(Period/time.Second)
	step := sec / per
	if sec%per < 0 {
		step-- // floor for times before 1970
	}
	return step
}

// Code returns the 6-digit code for secret at time t.
func Code(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	step := Step(t)
	if step < 0 {
		return "", errors.New("totp: time before the Unix epoch")
	}
	return hotp(key, uint64(step), Digits), nil
}

// Validate checks code against secret at time t, accepting the step before,
// at and after t for clock drift. Spaces in code are ignored. Steps at or
// below lastStep are refused, so a code cannot be replayed: on success the
// caller must store the returned step and pass it as lastStep next time
// (pass 0 when none is stored yet). The comparison is constant-time.
func Validate(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	key, err := decodeSecret(secret)
	if err != nil || len(code) != Digits || !allDigits(code) {
		return 0, false
	}
	now := Step(t)
	// The current step first, so a match there is never recorded as the
	// following step, which would refuse the user's next code.
	for _, s := range []int64{now, now - 1, now + 1} {
		if s <= lastStep || s < 0 {
			continue
		}
		want := hotp(key, uint64(s), Digits)
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hotp is RFC 4226 HOTP with HMAC-SHA1 and dynamic truncation.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// URI returns the otpauth:// key URI that authenticator apps import, e.g.
// otpauth://totp/Xinzhi:alice%40example.com?secret=...&issuer=Xinzhi&algorithm=SHA1&digits=6&period=30.
// Issuer and account are percent-encoded (spaces as %20); they should not
// contain colons, which some apps misread even when encoded.
func URI(issuer, account, secret string) string {
	return "otpauth://totp/" + escape(issuer) + ":" + escape(account) +
		"?secret=" + escape(normalize(secret)) +
		"&issuer=" + escape(issuer) +
		fmt.Sprintf("&algorithm=SHA1&digits=%d&period=%d", Digits, int(Period/time.Second))
}

// escape percent-encodes every byte except RFC 3986 unreserved characters.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// FormatSecret returns secret in groups of four characters separated by
// spaces, for typing into an app by hand.
func FormatSecret(secret string) string {
	s := normalize(secret)
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}
