// Package password hashes passwords with Argon2id and checks new passwords
// against a policy modelled on OWASP ASVS level 2 (length only, no
// composition rules, a deny list of the commonest passwords).
//
// Hashes are stored as PHC strings:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// where salt and hash are standard base64 without padding. Verify reads the
// cost parameters from the string itself, so hashes made with older or
// cheaper parameters keep verifying; NeedsRehash tells the caller when to
// re-hash after a successful login.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are the Argon2id cost parameters and output sizes.
type Params struct {
	Memory  uint32 // memory in KiB
	Time    uint32 // number of passes
	Threads uint8  // degree of parallelism
	SaltLen uint32 // salt length in bytes
	KeyLen  uint32 // derived key (hash) length in bytes
}

// Default is the OWASP-recommended Argon2id minimum (19 MiB, 2 passes,
// 1 thread) with a 16-byte salt and a 32-byte hash. Use it in production.
var Default = Params{Memory: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Fast is a deliberately weak setting (64 KiB, 1 pass) that hashes in well
// under a millisecond. It exists only to keep tests fast; never use it to
// store real passwords. Hashes made with it still verify, and NeedsRehash
// reports them as needing a rehash under Default.
var Fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits accepted for parameters, both when hashing and when parsing a
// stored hash, so a corrupted or hostile hash cannot make Verify allocate
// or compute without bound.
const (
	maxMemory = 1 << 20 // KiB, i.e. 1 GiB
	maxTime   = 64
	minSalt   = 8
	minKey    = 16
	maxLen    = 1024 // maximum salt and key length in bytes
)

// ErrMalformed is returned (wrapped) by Verify for a string that is not a
// valid argon2id PHC hash.
var ErrMalformed = errors.New("password: malformed hash")

var b64 = base64.RawStdEncoding.Strict()

func (p Params) validate() error {
	switch {
	case p.Threads < 1:
		return errors.New("threads must be at least 1")
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("memory %d KiB out of range", p.Memory)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d out of range", p.Time)
	case p.SaltLen < minSalt || p.SaltLen > maxLen:
		return fmt.Errorf("salt length %d out of range", p.SaltLen)
	case p.KeyLen < minKey || p.KeyLen > maxLen:
		return fmt.Errorf("key length %d out of range", p.KeyLen)
	}
	return nil
}

// Hash derives an Argon2id hash of pw with a fresh random salt and returns
// it as a PHC string.
func Hash(pw string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("password: invalid params: %w", err)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: reading salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether pw matches the PHC hash encoded. The comparison is
// constant-time. A wrong password gives (false, nil); err is non-nil only
// when encoded is malformed or unsupported.
func Verify(pw, encoded string) (ok bool, err error) {
	p, salt, key, err := parse(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded should be replaced by a fresh hash
// made with p: it is malformed, or any of its parameters differ from p.
func NeedsRehash(encoded string, p Params) bool {
	got, _, _, err := parse(encoded)
	return err != nil || got != p
}

// parse splits a PHC argon2id string into its parameters, salt and key.
func parse(encoded string) (p Params, salt, key []byte, err error) {
	bad := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformed, why)
	}
	f := strings.Split(encoded, "$")
	if len(f) != 6 || f[0] != "" {
		return bad("want 5 fields separated by $")
	}
	if f[1] != "argon2id" {
		return bad("algorithm is not argon2id")
	}
	if f[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version")
	}
	if p, err = parseParams(f[3]); err != nil {
		return bad(err.Error())
	}
	if salt, err = b64.DecodeString(f[4]); err != nil {
		return bad("salt is not base64")
	}
	if key, err = b64.DecodeString(f[5]); err != nil {
		return bad("hash is not base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	if err := p.validate(); err != nil {
		return bad(err.Error())
	}
	return p, salt, key, nil
}

// parseParams parses "m=<n>,t=<n>,p=<n>" in exactly that order.
func parseParams(s string) (Params, error) {
	var p Params
	kv := strings.Split(s, ",")
	if len(kv) != 3 {
		return p, errors.New("want m=,t=,p=")
	}
	vals := [3]uint64{}
	for i, name := range []string{"m=", "t=", "p="} {
		digits, found := strings.CutPrefix(kv[i], name)
		// Reject signs, leading zeros and empty numbers: one canonical form.
		if !found || digits == "" || digits[0] < '1' || digits[0] > '9' {
			return p, fmt.Errorf("bad %s parameter", name[:1])
		}
		v, err := strconv.ParseUint(digits, 10, 32)
		if err != nil {
			return p, fmt.Errorf("bad %s parameter", name[:1])
		}
		vals[i] = v
	}
	if vals[2] > 255 {
		return p, errors.New("too many threads")
	}
	p.Memory, p.Time, p.Threads = uint32(vals[0]), uint32(vals[1]), uint8(vals[2])
	return p, nil
}
