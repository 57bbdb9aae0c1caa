package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// BeginEnrolment gives the user a new TOTP secret, kept pending until
// ConfirmEnrolment sees a code made from it. Calling it again replaces the
// pending secret; it refuses when a factor is already enrolled.
func (s *Service) BeginEnrolment(ctx context.Context, uid int64) (secret, uri string, err error) {
	u, err := s.User(ctx, uid)
	if err != nil {
		return "", "", err
	}
	if u.TOTPEnabled {
		return "", "", problem.New(problem.ErrConflict, "mfa.already_enrolled")
	}
	key, err := newTOTPKey(s.cfg.Issuer, u.Username)
	if err != nil {
		return "", "", fmt.Errorf("new totp secret: %w", err)
	}
	secret = key.Secret()
	if _, err := s.db.ExecContext(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ? AND totp_enabled = ?`, secret, uid, false); err != nil {
		return "", "", fmt.Errorf("store pending totp secret: %w", err)
	}
	return secret, key.URL(), nil
}

// PendingSecret returns the secret BeginEnrolment stored, for re-showing the
// enrolment page after a wrong code.
func (s *Service) PendingSecret(ctx context.Context, uid int64) (secret, uri string, err error) {
	u, err := s.User(ctx, uid)
	if err != nil {
		return "", "", err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE id = ?`, uid).Scan(&secret); err != nil {
		return "", "", fmt.Errorf("load pending secret: %w", err)
	}
	if secret == "" || u.TOTPEnabled {
		return "", "", problem.ErrNotFound
	}
	uri, err = totpURI(s.cfg.Issuer, u.Username, secret)
	return secret, uri, err
}

// ConfirmEnrolment turns the pending secret on when code matches it, and
// returns ten one-time recovery codes (shown once; stored hashed).
func (s *Service) ConfirmEnrolment(ctx context.Context, uid int64, code string) ([]string, error) {
	var secret string
	var enabled bool
	if err := s.db.QueryRowContext(ctx, `SELECT totp_secret, totp_enabled FROM users WHERE id = ?`, uid).Scan(&secret, &enabled); err != nil {
		return nil, fmt.Errorf("load pending secret: %w", err)
	}
	if enabled {
		return nil, problem.New(problem.ErrConflict, "mfa.already_enrolled")
	}
	if secret == "" {
		return nil, problem.Invalid("code", "mfa.no_pending")
	}
	step, ok := validateTOTP(secret, code, s.now(), 0)
	if !ok {
		return nil, problem.Invalid("code", "auth.code_wrong")
	}
	codes := make([]string, 10)
	_, err := s.update(ctx, uid, 0, "enrol_mfa", func(tx *store.Tx, u *User) error {
		u.TOTPEnabled = true
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled = ?, totp_last_step = ? WHERE id = ?`, true, step, uid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, uid); err != nil {
			return err
		}
		for i := range codes {
			codes[i] = newRecoveryCode()
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, uid, hashToken(codes[i])); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// FinishEnrolment moves a StageEnrol session on after enrolment, with a new
// session id.
func (s *Service) FinishEnrolment(ctx context.Context, old Session, c Client) (Session, error) {
	u, err := s.User(ctx, old.UserID)
	if err != nil {
		return Session{}, err
	}
	if !u.TOTPEnabled {
		return Session{}, problem.Invalid("code", "mfa.no_pending")
	}
	var sess Session
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		sess, err = s.advance(ctx, tx, old, u, c)
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "session", EntityID: u.ID, Action: "enrolled"})
	})
	return sess, err
}

const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCode makes a code like "k7m2-p9qx-4trw" (12 characters of 31: about 59 bits; the modulo bias is under 1%).
func newRecoveryCode() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	var out strings.Builder
	for i := 0; i < 12; i++ {
		if i > 0 && i%4 == 0 {
			out.WriteByte('-')
		}
		out.WriteByte(recoveryAlphabet[int(b[i])%len(recoveryAlphabet)])
	}
	return out.String()
}

func normalizeRecovery(code string) string {
	c := strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(code, "-", ""), " ", ""))
	if len(c) != 12 {
		return code
	}
	return c[0:4] + "-" + c[4:8] + "-" + c[8:12]
}
