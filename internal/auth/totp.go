package auth

import (
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// The second factor is TOTP (RFC 6238) as every authenticator app reads it:
// HMAC-SHA1, 6 digits, 30-second steps. github.com/pquerna/otp makes the
// secrets, key URIs and codes; what stays here is the step window with
// replay protection, which the library does not keep.
const (
	// TOTPPeriod is the length of a time step.
	TOTPPeriod = 30 * time.Second
	totpDigits = otp.DigitsSix
)

var hotpOpts = hotp.ValidateOpts{Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// newTOTPKey makes a new 160-bit secret with its otpauth:// URI.
func newTOTPKey(issuer, account string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: uint(TOTPPeriod / time.Second),
		SecretSize: 20, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
}

// totpURI is the otpauth:// URI of a stored secret.
func totpURI(issuer, account, secret string) (string, error) {
	raw, err := otpSecret(secret)
	if err != nil {
		return "", err
	}
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: uint(TOTPPeriod / time.Second),
		Secret: raw, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", fmt.Errorf("totp key uri: %w", err)
	}
	return k.URL(), nil
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// otpSecret decodes a stored base32 secret.
func otpSecret(secret string) ([]byte, error) {
	raw, err := b32.DecodeString(strings.TrimRight(strings.ToUpper(strings.Join(strings.Fields(secret), "")), "="))
	if err != nil || len(raw) == 0 {
		return nil, fmt.Errorf("totp: invalid secret")
	}
	return raw, nil
}

// TOTPStep is the RFC 6238 time step of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// validateTOTP checks a 6-digit code against secret at t, accepting the
// step before, at and after t for clock drift, and refusing steps at or
// below lastStep so that a code is never accepted twice. On success the
// caller stores the returned step as the new lastStep.
func validateTOTP(secret, code string, t time.Time, lastStep int64) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != int(totpDigits) {
		return 0, false
	}
	now := TOTPStep(t)
	// The current step first, so a match there is never recorded as the
	// following step, which would refuse the user's next code.
	for _, s := range []int64{now, now - 1, now + 1} {
		if s <= lastStep || s < 0 {
			continue
		}
		if ok, err := hotp.ValidateCustom(code, uint64(s), secret, hotpOpts); err == nil && ok {
			return s, true
		}
	}
	return 0, false
}
