package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// LoginLifetime is how long a sign-in may stay at the provider before its
// return is refused.
const LoginLifetime = 10 * time.Minute

// retryEvery is how often discovery is tried again while the provider
// cannot be reached.
const retryEvery = 30 * time.Second

// Service runs single sign-on against one provider.
type Service struct {
	cfg  Config
	db   *store.DB
	auth *auth.Service
	log  *slog.Logger
	now  func() time.Time
	// HTTP is the client for the provider (discovery, keys, token and
	// userinfo endpoints).
	HTTP *http.Client

	mu         sync.Mutex
	provider   *oidc.Provider // nil until discovery succeeds
	endSession string         // the provider's end_session_endpoint, if it has one
}

// New returns a Service; it does not reach the provider yet (Discover).
func New(cfg Config, db *store.DB, a *auth.Service, log *slog.Logger) *Service {
	return &Service{cfg: cfg, db: db, auth: a, log: log, now: time.Now, HTTP: &http.Client{Timeout: 15 * time.Second}}
}

// Config returns the configuration in force.
func (s *Service) Config() Config { return s.cfg }

// SetClock replaces the clock that login lifetimes and ID-token expiry are
// judged by (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Discover reads the provider's discovery document and keys' address.
func (s *Service) Discover(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, s.HTTP), 15*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, s.cfg.Issuer)
	if err != nil {
		return fmt.Errorf("discover OpenID provider %s: %w", s.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err != nil {
		return fmt.Errorf("discover OpenID provider %s: %w", s.cfg.Issuer, err)
	}
	s.mu.Lock()
	s.provider, s.endSession = p, extra.EndSession
	s.mu.Unlock()
	return nil
}

// KeepDiscovering tries discovery again every half minute until the
// provider answers or ctx ends (serve starts it when discovery at start-up
// failed). Until then the sign-in page shows no single sign-on button.
func (s *Service) KeepDiscovering(ctx context.Context) {
	for !s.Ready() {
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryEvery):
		}
		if err := s.Discover(ctx); err != nil {
			s.log.Warn("single sign-on unavailable: the provider cannot be reached; trying again", "err", err, "every", retryEvery)
			continue
		}
		s.log.Info("single sign-on ready", "issuer", s.cfg.Issuer)
	}
}

// Ready reports whether the provider has been discovered.
func (s *Service) Ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.provider != nil
}

func (s *Service) discovered() (*oidc.Provider, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.provider == nil {
		return nil, "", problem.New(problem.ErrNotFound, "sso.unavailable")
	}
	return s.provider, s.endSession, nil
}

func (s *Service) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, RedirectURL: s.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, s.cfg.Scopes...)}
}

func random() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hash(v string) string {
	h := sha256.Sum256([]byte(v))
	return hex.EncodeToString(h[:])
}

// Begin starts a sign-in: it keeps a new state, nonce and PKCE verifier in
// the database (any app node may take the provider's return) and returns
// the provider's authorization URL and the state, which the browser keeps
// in a cookie so that only it can finish this sign-in. next is where to go
// afterwards (already checked to stay on this site).
func (s *Service) Begin(ctx context.Context, next string) (authURL, state string, err error) {
	p, _, err := s.discovered()
	if err != nil {
		return "", "", err
	}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	now := s.now()
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sso_logins WHERE expires_at < ?`, now); err != nil {
		return "", "", fmt.Errorf("clear old sign-ins: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO sso_logins (state_hash, nonce, verifier, next, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hash(state), nonce, verifier, next, now.Add(LoginLifetime)); err != nil {
		return "", "", fmt.Errorf("keep sign-in: %w", err)
	}
	return s.oauth(p).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), state, nil
}

// Finish completes a sign-in on the provider's return: the state must be
// the one this browser was given (cookieState) and still waiting (it is
// used up either way); the code is exchanged with the PKCE verifier; the ID
// token must be signed by the provider, issued by it to this client, not
// expired and carry this sign-in's nonce. The user is then matched,
// provisioned or refused by package auth, with the roles the mapping
// grants. next is where the browser goes.
func (s *Service) Finish(ctx context.Context, cookieState string, q url.Values, c auth.Client) (auth.Session, auth.User, string, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Address: c.Address})
	p, _, err := s.discovered()
	if err != nil {
		return auth.Session{}, auth.User{}, "", err
	}
	state := q.Get("state")
	if state == "" || len(state) > 100 || subtle.ConstantTimeCompare([]byte(state), []byte(cookieState)) != 1 {
		return s.refused(ctx, "state does not match this browser", "sso.state_invalid")
	}
	var nonce, verifier, next string
	var expires time.Time
	err = s.db.InTx(ctx, func(tx *store.Tx) error { // used up whatever follows
		return tx.QueryRowContext(ctx, `DELETE FROM sso_logins WHERE state_hash = ? RETURNING nonce, verifier, next, expires_at`, hash(state)).
			Scan(&nonce, &verifier, &next, &expires)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return s.refused(ctx, "state unknown or used", "sso.state_invalid")
	}
	if err != nil {
		return auth.Session{}, auth.User{}, "", fmt.Errorf("take sign-in: %w", err)
	}
	if s.now().After(expires) {
		return s.refused(ctx, "sign-in took too long", "sso.state_expired")
	}
	if e := q.Get("error"); e != "" {
		return s.refused(ctx, "provider: "+e+" "+q.Get("error_description"), "sso.provider_refused")
	}
	hctx := oidc.ClientContext(ctx, s.HTTP)
	oc := s.oauth(p)
	tok, err := oc.Exchange(hctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return s.refused(ctx, "code exchange: "+err.Error(), "sso.exchange_failed")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return s.refused(ctx, "no ID token", "sso.token_invalid")
	}
	idt, err := p.VerifierContext(hctx, &oidc.Config{ClientID: s.cfg.ClientID, Now: s.now}).Verify(hctx, raw)
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &expired):
		return s.refused(ctx, "ID token expired", "sso.token_expired")
	case err != nil:
		return s.refused(ctx, "ID token: "+err.Error(), "sso.token_invalid")
	case subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1:
		return s.refused(ctx, "ID token nonce does not match", "sso.nonce_invalid")
	}
	claims, err := s.claims(hctx, p, oc, tok, idt)
	if err != nil {
		return auth.Session{}, auth.User{}, "", err
	}
	x := auth.External{Issuer: idt.Issuer, Subject: idt.Subject, Username: claimString(claims[s.cfg.Claim]),
		DisplayName: claimString(claims["name"]), Email: claimString(claims["email"]), Provision: s.cfg.Provision, IDToken: raw}
	if x.Username == "" {
		return s.refused(ctx, "claim "+s.cfg.Claim+" missing", "sso.claim_missing", s.cfg.Claim)
	}
	if x.Managed, x.Granted, err = s.rolesFor(ctx, claimStrings(claims[s.cfg.RolesClaim])); err != nil {
		return auth.Session{}, auth.User{}, "", err
	}
	sess, u, err := s.auth.SignInExternal(ctx, x, c)
	return sess, u, next, err
}

// claims are the ID token's claims, completed from the userinfo endpoint
// when the matching or the roles claim is not in the ID token (providers
// differ in what they put there). Userinfo of another subject is ignored.
func (s *Service) claims(ctx context.Context, p *oidc.Provider, oc *oauth2.Config, tok *oauth2.Token, idt *oidc.IDToken) (map[string]any, error) {
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return nil, fmt.Errorf("read ID token claims: %w", err)
	}
	_, hasName := claims[s.cfg.Claim]
	_, hasRoles := claims[s.cfg.RolesClaim]
	if (hasName || s.cfg.Claim == "sub") && (hasRoles || s.cfg.RolesClaim == "") || p.UserInfoEndpoint() == "" {
		return claims, nil
	}
	ui, err := p.UserInfo(ctx, oc.TokenSource(ctx, tok))
	if err != nil {
		s.log.Warn("single sign-on: userinfo", "err", err)
		return claims, nil
	}
	if ui.Subject != idt.Subject {
		return claims, nil
	}
	more := map[string]any{}
	if err := ui.Claims(&more); err != nil {
		return nil, fmt.Errorf("read userinfo claims: %w", err)
	}
	for k, v := range more {
		if _, ok := claims[k]; !ok {
			claims[k] = v
		}
	}
	return claims, nil
}

func (s *Service) refused(ctx context.Context, reason, key string, args ...any) (auth.Session, auth.User, string, error) {
	_ = audit.Record(ctx, s.db, audit.Change{Entity: "user", Action: "sign_in", Outcome: audit.Refused,
		After: map[string]any{"method": "sso", "issuer": s.cfg.Issuer, "reason": reason}})
	return auth.Session{}, auth.User{}, "", problem.New(problem.ErrUnauthorized, key, args...)
}

// EndSessionURL is where to send the browser after its Xinzhi session has
// ended, so that the provider ends its session too: the provider's
// end_session_endpoint with the ID token as hint and the way back. Empty
// when the provider has none (or the session did not come from it).
func (s *Service) EndSessionURL(idToken string) string {
	_, end, err := s.discovered()
	if err != nil || end == "" || idToken == "" {
		return ""
	}
	u, err := url.Parse(end)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("post_logout_redirect_uri", s.cfg.PostLogoutURL)
	q.Set("client_id", s.cfg.ClientID)
	u.RawQuery = q.Encode()
	return u.String()
}

func claimString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	}
	return ""
}

// claimStrings reads a groups-like claim: a list of strings, or one string.
func claimStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Origin is the scheme and host of the provider's end-session endpoint
// (else of the issuer), for the sign-in pages' Content-Security-Policy.
func (s *Service) Origin() string {
	u, err := url.Parse(s.cfg.Issuer)
	if err != nil {
		return ""
	}
	if _, end, err := s.discovered(); err == nil && end != "" {
		if e, err := url.Parse(end); err == nil && e.Host != "" {
			u = e
		}
	}
	return u.Scheme + "://" + u.Host
}
