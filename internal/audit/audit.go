// Package audit keeps the append-only audit log: every write, every sign-in
// attempt and every refused access. Each event carries the hash of the one
// before it, so Verify finds an edited or deleted row. Nobody edits the log;
// triggers refuse UPDATE and DELETE on both engines.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Outcomes of an audited action.
const (
	OK      = "ok"
	Failed  = "failed"
	Refused = "refused"
)

// Event is one audit record.
type Event struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	ActorID  int64     `json:"actor_id,omitempty"`
	Actor    string    `json:"actor"`
	Address  string    `json:"address,omitempty"`
	Entity   string    `json:"entity"`
	EntityID string    `json:"entity_id,omitempty"`
	Action   string    `json:"action"`
	Outcome  string    `json:"outcome"`
	Before   string    `json:"before,omitempty"` // JSON
	After    string    `json:"after,omitempty"`  // JSON
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// Actor is who acts, carried in the request context.
type Actor struct {
	ID      int64
	Name    string
	Address string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor that audit events are charged to.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or "system" when there is none.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Name: "system"}
}

// Change describes one audited action; Before and After are marshalled to
// JSON (callers pass only what may be kept: never secrets).
type Change struct {
	Entity   string
	EntityID any
	Action   string
	Outcome  string // OK when empty
	Before   any
	After    any
}

// Append writes an event for c inside tx, charged to the actor in ctx. Call it
// in the same transaction as the write it records.
func Append(ctx context.Context, tx *store.Tx, c Change) error {
	return AppendBatch(ctx, tx, []Change{c})
}

var eventColumns = []string{"id", "at", "actor_id", "actor", "address", "entity", "entity_id", "action", "outcome", "before_json", "after_json", "prev_hash", "hash"}

// AppendBatch writes one event per change inside tx, in order, taking the
// chain head once and writing the rows in bulk (COPY on PostgreSQL): for
// imports of many rows.
func AppendBatch(ctx context.Context, tx *store.Tx, cs []Change) error {
	if len(cs) == 0 {
		return nil
	}
	a := ActorFrom(ctx)
	now := store.Now()
	evs := make([]Event, len(cs))
	for i, c := range cs {
		e := Event{At: now, ActorID: a.ID, Actor: a.Name, Address: a.Address, Entity: c.Entity, Action: c.Action, Outcome: c.Outcome}
		if e.Outcome == "" {
			e.Outcome = OK
		}
		if c.EntityID != nil {
			e.EntityID = fmt.Sprint(c.EntityID)
		}
		var err error
		if e.Before, err = marshal(c.Before); err != nil {
			return err
		}
		if e.After, err = marshal(c.After); err != nil {
			return err
		}
		evs[i] = e
	}
	var last int64
	var prev string
	if err := tx.QueryRowContext(ctx, `UPDATE audit_head SET last_id = last_id + ? WHERE id = 1 RETURNING last_id, last_hash`, len(evs)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("audit: lock chain head: %w", err)
	}
	first := last - int64(len(evs)) + 1
	for i := range evs {
		evs[i].ID, evs[i].PrevHash = first+int64(i), prev
		evs[i].Hash = evs[i].computeHash()
		prev = evs[i].Hash
	}
	rows := make([][]any, len(evs))
	for i, e := range evs {
		rows[i] = []any{e.ID, e.At, nullID(e.ActorID), e.Actor, e.Address, e.Entity, e.EntityID, e.Action, e.Outcome, e.Before, e.After, e.PrevHash, e.Hash}
	}
	if err := tx.CopyFrom(ctx, "audit_events", eventColumns, rows); err != nil {
		return fmt.Errorf("audit: append batch: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET last_hash = ? WHERE id = 1`, prev); err != nil {
		return fmt.Errorf("audit: move chain head: %w", err)
	}
	return nil
}

// Record writes an event in a transaction of its own: for sign-in attempts,
// refused access and other events with no write beside them.
func Record(ctx context.Context, db *store.DB, c Change) error {
	return db.InTx(ctx, func(tx *store.Tx) error { return Append(ctx, tx, c) })
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit: marshal: %w", err)
	}
	return string(b), nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// computeHash is SHA-256 over the previous hash and every field, each
// length-prefixed so no two events can share an encoding.
func (e Event) computeHash() string {
	fs := [...]string{
		e.PrevHash, strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.ActorID, 10), e.Actor, e.Address, e.Entity, e.EntityID,
		e.Action, e.Outcome, e.Before, e.After,
	}
	n := 0
	for _, f := range fs {
		n += len(f) + 24
	}
	b := make([]byte, 0, n) // "len:field;" for each field, as fmt's "%d:%s;" wrote it
	for _, f := range fs {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
		b = append(b, ';')
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
