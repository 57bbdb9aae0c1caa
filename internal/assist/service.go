package assist

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Service is the assistance the pages use: nil when no endpoint is
// configured (every method of a nil *Service says so, and the pages offer
// nothing).
type Service struct {
	cfg    Config
	db     *store.DB
	client *client
	log    *slog.Logger
	now    func() time.Time
}

// New returns the service for cfg, or nil when on is false.
func New(cfg Config, on bool, db *store.DB, log *slog.Logger) *Service {
	if !on {
		return nil
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, db: db, client: newClient(cfg), log: log, now: time.Now}
}

// On reports whether a model is configured.
func (s *Service) On() bool { return s != nil }

// CanEmbed reports whether an embeddings model is configured (re-ranking).
func (s *Service) CanEmbed() bool { return s != nil && s.cfg.EmbedModel != "" }

// Model names the chat model.
func (s *Service) Model() string {
	if s == nil {
		return ""
	}
	return s.cfg.Model
}

// Who is the user a call is made for.
type Who struct {
	UserID int64
	Name   string
}

var cst = time.FixedZone("CST", 8*3600)

// day is the budget's day: China's calendar day, by the wall clock (the
// pinned business date of a demonstration does not reset the budget).
func (s *Service) day() string { return s.now().In(cst).Format(time.DateOnly) }

// Used is the tokens spent today and the day's budget.
func (s *Service) Used(ctx context.Context) (used, budget int64, err error) {
	if s == nil {
		return 0, 0, nil
	}
	err = s.db.QueryRowContext(ctx, `SELECT tokens FROM assist_usage WHERE day = ?`, s.day()).Scan(&used)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return used, s.cfg.DailyTokens, err
}

// PromptHash is the SHA-256 of the messages as sent (hex).
func PromptHash(msgs []Message) string {
	b, _ := json.Marshal(msgs)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// maxAnswer is the most tokens a chat answer may take.
const maxAnswer = 2000

// chat makes one logged call within the budget. msgs must already be
// scrubbed (the callers build them from Scrub's output only).
func (s *Service) chat(ctx context.Context, who Who, purpose string, msgs []Message) (string, string, error) {
	if s == nil {
		return "", "", problem.New(problem.ErrNotFound, "assist.off")
	}
	hash := PromptHash(msgs)
	used, budget, err := s.Used(ctx)
	if err != nil {
		return "", hash, err
	}
	if used >= budget {
		s.logCall(ctx, who, purpose, s.cfg.Model, hash, Usage{}, errBudget, 0)
		return "", hash, fail(errBudget, nil, budget)
	}
	start := s.now()
	text, u, err := s.client.chat(ctx, msgs, min(maxAnswer, budget-used))
	s.logCall(ctx, who, purpose, s.cfg.Model, hash, u, err, s.now().Sub(start).Milliseconds())
	return text, hash, err
}

// embed makes one logged embeddings call within the budget.
func (s *Service) embed(ctx context.Context, who Who, purpose string, inputs []string) ([][]float64, error) {
	if s == nil || s.cfg.EmbedModel == "" {
		return nil, problem.New(problem.ErrNotFound, "assist.off")
	}
	b, _ := json.Marshal(inputs)
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	used, budget, err := s.Used(ctx)
	if err != nil {
		return nil, err
	}
	if used >= budget {
		s.logCall(ctx, who, purpose, s.cfg.EmbedModel, hash, Usage{}, errBudget, 0)
		return nil, fail(errBudget, nil, budget)
	}
	start := s.now()
	vecs, u, err := s.client.embed(ctx, inputs)
	s.logCall(ctx, who, purpose, s.cfg.EmbedModel, hash, u, err, s.now().Sub(start).Milliseconds())
	return vecs, err
}

// logCall records the call and adds its tokens to the day's usage. The
// log keeps no prompt text, only its hash. A failure to log is logged:
// the user's page does not fail for it.
func (s *Service) logCall(ctx context.Context, who Who, purpose, model, hash string, u Usage, callErr error, ms int64) {
	st := status(callErr)
	ctx = context.WithoutCancel(ctx) // a call that ran out of time is logged all the same
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO assist_calls (at, user_id, user_name, purpose, model, prompt_sha256, tokens_in, tokens_out, status, duration_ms)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, store.Now(), nullID(who.UserID), who.Name, purpose, model, hash, u.In, u.Out, st, ms); err != nil {
			return err
		}
		if u.In+u.Out == 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO assist_usage (day, tokens) VALUES (?, ?)
			ON CONFLICT (day) DO UPDATE SET tokens = assist_usage.tokens + excluded.tokens`, s.day(), u.In+u.Out)
		return err
	})
	level := slog.LevelInfo
	if callErr != nil {
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "assist call", "purpose", purpose, "model", model, "status", st, "tokens_in", u.In, "tokens_out", u.Out, "ms", ms, "err", callErr)
	if err != nil {
		s.log.Error("assist call log", "err", err)
	}
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Call is one line of the call log.
type Call struct {
	At                time.Time
	UserName, Purpose string
	Model, PromptHash string
	In, Out           int64
	Status            string
	Millis            int64
}

// Calls lists the latest calls, newest first.
func Calls(ctx context.Context, q store.Querier, limit int) ([]Call, error) {
	rows, err := q.QueryContext(ctx, `SELECT at, user_name, purpose, model, prompt_sha256, tokens_in, tokens_out, status, duration_ms
		FROM assist_calls ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("assist calls: %w", err)
	}
	defer rows.Close()
	var out []Call
	for rows.Next() {
		var c Call
		if err := rows.Scan(&c.At, &c.UserName, &c.Purpose, &c.Model, &c.PromptHash, &c.In, &c.Out, &c.Status, &c.Millis); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Field is a field of the records a model may be shown.
type Field struct {
	Key      string
	Personal bool // personal data: not shown unless an administrator allows it
}

// Fields are the fields assistance may send, and their defaults: the
// records' text is sent (scrubbed), personal fields are not.
var Fields = []Field{
	{"proposal.title", false}, {"proposal.body", false}, {"proposal.member", true}, {"proposal.cosigners", true},
	{"project.form", false}, {"project.attachment_names", false},
}

// Allowed is the administrator's choice of fields, over the defaults.
func Allowed(ctx context.Context, q store.Querier) (map[string]bool, error) {
	out := map[string]bool{}
	for _, f := range Fields {
		out[f.Key] = !f.Personal
	}
	rows, err := q.QueryContext(ctx, `SELECT field, allowed FROM assist_fields`)
	if err != nil {
		return nil, fmt.Errorf("assist fields: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var a int
		if err := rows.Scan(&k, &a); err != nil {
			return nil, err
		}
		if _, known := out[k]; known {
			out[k] = a == 1
		}
	}
	return out, rows.Err()
}

// SetField allows or forbids a field, audited.
func SetField(ctx context.Context, db *store.DB, by, key string, allowed bool) error {
	known := false
	for _, f := range Fields {
		known = known || f.Key == key
	}
	if !known {
		return problem.Invalid("field", "assist.field_unknown", key)
	}
	before, err := Allowed(ctx, db)
	if err != nil {
		return err
	}
	a := 0
	if allowed {
		a = 1
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO assist_fields (field, allowed, changed_at, changed_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (field) DO UPDATE SET allowed = excluded.allowed, changed_at = excluded.changed_at, changed_by = excluded.changed_by`, key, a, store.Now(), by); err != nil {
			return fmt.Errorf("assist field %s: %w", key, err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "assist_field", EntityID: key, Action: "set",
			Before: map[string]any{"allowed": before[key]}, After: map[string]any{"allowed": allowed}})
	})
}
