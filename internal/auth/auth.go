// Package auth owns accounts, passwords, the second factor, sessions, sign-in
// throttling and API tokens. It answers "who is this?" with an
// access.Principal; what that principal may do is decided by package access.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Config sets the account and session policy.
type Config struct {
	IdleTimeout      time.Duration   // a session unused this long ends
	AbsoluteLifetime time.Duration   // a session ends this long after sign-in, used or not
	LockAfter        int             // failures of an account, from any address, that lock it (attempts refused by the pair lock do not count)
	LockFor          time.Duration   // how long a lock lasts
	PairFailures     int             // failures of one account from one address within PairWindow that lock that pair
	PairWindow       time.Duration   // 0: AddrWindow
	AddrFailures     int             // failures from one address, over all accounts, within AddrWindow before it is throttled (spraying)
	AddrWindow       time.Duration   //
	Password         password.Params // hashing cost
	Demo             bool            // demo mode: no forced password change or second factor
	Issuer           string          // shown in authenticator apps
}

// DefaultConfig is the policy `serve` uses unless flags say otherwise.
func DefaultConfig() Config {
	return Config{
		IdleTimeout:      30 * time.Minute,
		AbsoluteLifetime: 12 * time.Hour,
		LockAfter:        5,
		LockFor:          15 * time.Minute,
		PairFailures:     3,
		PairWindow:       15 * time.Minute,
		AddrFailures:     50,
		AddrWindow:       15 * time.Minute,
		Password:         password.Default,
		Issuer:           "Xinzhi",
	}
}

// Service is the account and session store.
type Service struct {
	db  *store.DB
	cfg Config
	now func() time.Time
}

// New returns a Service on db.
func New(db *store.DB, cfg Config) *Service {
	return &Service{db: db, cfg: cfg, now: store.Now}
}

// Config returns the policy in force.
func (s *Service) Config() Config { return s.cfg }

// SetClock replaces the clock (tests move time forward with it).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}
