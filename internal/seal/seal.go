// Package seal encrypts personal data at rest (ID numbers, phone numbers,
// e-mail addresses) with AES-256-GCM, and supports key rotation and blind
// indexes for look-ups without decryption.
//
// # Tokens
//
// Seal turns a value into a text token
//
//	v1:<keyID>:<base64url(nonce || ciphertext || tag)>
//
// (URL-safe base64 without padding, 12-byte random nonce, 16-byte tag).
// The AES key is derived from the keyring key with HKDF-SHA256, info
// "xinzhi seal v1". The additional authenticated data is
//
//	"v1:" + keyID + ":" + context
//
// where context names the column, e.g. "people.id_number": a token copied to
// another column, or with its key id edited, does not open. An empty value
// seals to the empty token and the empty token opens to the empty value, so
// "no value" stays recognisable without a key. A token reveals the length of
// its value and which key sealed it, nothing else.
//
// # Keyring
//
// See ParseKeyring for the format and KeyringFromEnv for where it comes
// from. The LAST key is current: Seal uses it. Every key opens tokens made
// with it, so keys are added by appending a line, and a key may be removed
// only when no token uses it any more (see NeedsReseal). The FIRST key also
// keys the blind index (see Index).
//
// Errors never contain key material, plaintext or tokens.
package seal

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Version is the token format prefix written by Seal.
const Version = "v1"

var (
	// ErrMalformed is returned (wrapped) by Open for a string that is not a
	// token, for example a plain value never sealed.
	ErrMalformed = errors.New("seal: malformed token")
	// ErrUnknownKey is returned (wrapped) by Open for a token sealed with a
	// key id that the keyring lacks.
	ErrUnknownKey = errors.New("seal: unknown key id")
	// ErrAuth is returned (wrapped) by Open for a token that fails
	// authentication: altered, sealed for another context, or sealed by a
	// different key that has the same id.
	ErrAuth = errors.New("seal: token failed authentication")
	// ErrNoContext is returned by Seal and Open when the context is empty.
	ErrNoContext = errors.New("seal: empty context; name the column, e.g. \"people.id_number\"")
)

var b64 = base64.RawURLEncoding.Strict()

const overhead = 12 + 16 // nonce and tag

// Seal encrypts plain with the current key, binding context (the column,
// e.g. "people.id_number") as additional authenticated data, and returns a
// token. An empty plain gives the empty token. Each call uses a new random
// nonce, so equal values give different tokens: use Index to find or
// deduplicate values.
func (k *Keyring) Seal(plain, context string) (string, error) {
	if context == "" {
		return "", ErrNoContext
	}
	if plain == "" {
		return "", nil
	}
	cur := k.keys[len(k.keys)-1]
	ct := cur.aead.Seal(nil, nil, []byte(plain), aad(cur.id, context))
	return Version + ":" + cur.id + ":" + b64.EncodeToString(ct), nil
}

// Open decrypts a token made by Seal with the same context, using the key
// the token names. The empty token opens to the empty value. Errors wrap
// ErrMalformed, ErrUnknownKey or ErrAuth.
func (k *Keyring) Open(token, context string) (string, error) {
	if context == "" {
		return "", ErrNoContext
	}
	if token == "" {
		return "", nil
	}
	id, body, err := splitToken(token)
	if err != nil {
		return "", err
	}
	kk := k.byID[id]
	if kk == nil {
		return "", fmt.Errorf("%w: the token was sealed with key %q, which the keyring lacks (it has %s); restore that key line from the keyring backup", ErrUnknownKey, id, strings.Join(k.KeyIDs(), ", "))
	}
	ct, err := b64.DecodeString(body)
	if err != nil {
		return "", fmt.Errorf("%w: the sealed part is not base64url", ErrMalformed)
	}
	if len(ct) < overhead {
		return "", fmt.Errorf("%w: the sealed part is %d bytes, shorter than nonce and tag", ErrMalformed, len(ct))
	}
	plain, err := kk.aead.Open(nil, nil, ct, aad(id, context))
	if err != nil {
		return "", fmt.Errorf("%w: the token was altered, sealed for a context other than %q, or sealed by another key named %q", ErrAuth, context, id)
	}
	return string(plain), nil
}

// NeedsReseal reports whether a token should be sealed again with the
// current key: true for every non-empty token that does not name the
// current key, including malformed tokens and tokens of keys the keyring
// lacks (so that re-sealing meets them and reports their Open error),
// false for the empty token and for tokens of the current key. It reads the
// token's header only and authenticates nothing.
//
// After a new key line is appended, a re-seal pass (the planned
// "xinzhi keys rotate") works through each sealed column in batches of rows:
//
//	if ring.NeedsReseal(tok) {
//		plain, err := ring.Open(tok, ctx) // report and skip the row on error
//		nt, err := ring.Seal(plain, ctx)
//		// UPDATE t SET col = nt WHERE id = ? AND col = tok
//	}
//
// The "AND col = tok" guard leaves rows changed meanwhile for a later pass.
// Blind indexes need no change (see Index). When no token needs re-sealing,
// old key lines other than the first may be removed.
func (k *Keyring) NeedsReseal(token string) bool {
	if token == "" {
		return false
	}
	id, _, err := splitToken(token)
	return err != nil || id != k.CurrentKeyID()
}

// Index returns the blind index of value in context: the hex HMAC-SHA256 of
// value under an index key derived with HKDF-SHA256 from the FIRST key of
// the keyring, with info "xinzhi index v1" followed by context (no
// separator) and no salt. The empty value gives "" so that rows without a
// value do not collide in a unique index.
//
// Equal values in the same context give equal indexes, so a column of
// indexes supports look-ups and uniqueness (e.g. upsert people by ID
// number) without decrypting; different contexts give unrelated indexes.
// Index normalises nothing: callers normalise first (trim, upper-case the
// check letter of an ID number, canonical phone format...), the same way
// for storing and for searching.
//
// The index key must stay stable across rotations, which is why it comes
// from the first key and not the current one: appending keys changes
// nothing here. Removing or replacing the first line changes every index
// and means re-indexing all rows; IndexKeyID tells which key is in use.
func (k *Keyring) Index(value, context string) string {
	if value == "" {
		return ""
	}
	ik, err := hkdf.Key(sha256.New, k.keys[0].raw, nil, indexInfo+context, KeySize)
	if err != nil {
		// Cannot happen: the key is 32 bytes and the output fits HKDF.
		panic("seal: deriving index key: " + err.Error())
	}
	m := hmac.New(sha256.New, ik)
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

func aad(id, context string) []byte {
	return []byte(Version + ":" + id + ":" + context)
}

// splitToken checks the header of a token and returns its key id and
// sealed part. Its errors do not quote the token, which may be a plain
// value stored by mistake.
func splitToken(token string) (id, body string, err error) {
	rest, ok := strings.CutPrefix(token, Version+":")
	if !ok {
		return "", "", fmt.Errorf("%w: it does not start with %q", ErrMalformed, Version+":")
	}
	id, body, ok = strings.Cut(rest, ":")
	if !ok {
		return "", "", fmt.Errorf("%w: no ':' after the key id", ErrMalformed)
	}
	if !validID(id) {
		return "", "", fmt.Errorf("%w: invalid key id", ErrMalformed)
	}
	return id, body, nil
}
