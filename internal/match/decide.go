package match

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Need is how a record of a program asks for candidates: the query it
// makes and the docking topic an accepted suggestion starts.
type Need struct {
	Topic string
	// Pool names the pool of candidates ("" for every organisation as a
	// solver; compute.Centres for compute centres). Candidates are
	// organisations either way.
	Pool  string
	Query func(pr program.Project) Query
	// Announce names the stage on reaching which the best-suited
	// candidates are told of the record ("" tells no one): a published
	// challenge reaches its likely solvers without their searching.
	Announce string
}

// Needs are the programs whose records ask for solvers, by template key.
var Needs = map[string]Need{
	// A challenge asks for universities, institutes and enterprises whose
	// names, descriptions and past work speak to its problem and
	// indicators; those who solved problems and won challenges before rank
	// higher. The challenge sets no other limit by default (bidder_limits is
	// read by people, not by the engine).
	"challenge": {Topic: "揭榜挂帅", Announce: "published", Query: func(pr program.Project) Query {
		return Query{
			Text:     needText(pr.Data, "title", "need", "indicators"),
			Must:     []Constraint{In("kind", "university", "institute", "enterprise")},
			Features: []Feature{{Name: "problems_solved", Weight: 0.3}, {Name: "challenges_won", Weight: 0.2}, {Name: "recognitions", Weight: 0.1}},
		}
	}},
}

// needText joins a record's text fields (and the cells of table fields).
func needText(data map[string]any, keys ...string) string {
	var b strings.Builder
	for _, k := range keys {
		switch v := data[k].(type) {
		case string:
			b.WriteString(v)
		case []any:
			for _, row := range v {
				if m, ok := row.(map[string]any); ok {
					for _, c := range m {
						if s, ok := c.(string); ok {
							b.WriteString(s + " ")
						}
					}
				}
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// need loads a record and its spec, and p's reach over it.
func need(ctx context.Context, db *store.DB, p access.Principal, id int64) (program.Project, Need, program.Reach, error) {
	pr, err := program.GetProject(ctx, db, id)
	if err != nil {
		return pr, Need{}, program.Reach{}, err
	}
	t, err := program.LoadTemplate(ctx, db, pr.TemplateID)
	if err != nil {
		return pr, Need{}, program.Reach{}, err
	}
	r, err := program.ReachOf(ctx, db, p, pr, t)
	if err != nil {
		return pr, Need{}, r, err
	}
	if !r.Staff && !r.Owner {
		return pr, Need{}, r, fmt.Errorf("project %d: %w", id, problem.ErrNotFound)
	}
	n, ok := Needs[t.Key]
	if !ok {
		return pr, n, r, problem.New(problem.ErrConflict, "match.not_a_need", t.Name)
	}
	return pr, n, r, nil
}

// Suggest ranks candidates for record needID, leaving out its owner, those
// already decided on and those who already bid on it.
func Suggest(ctx context.Context, db *store.DB, pools map[string]*Pool, p access.Principal, needID int64, limit int) ([]Candidate, error) {
	pr, n, _, err := need(ctx, db, p, needID)
	if err != nil {
		return nil, err
	}
	return suggest(ctx, db, pools, pr, n, limit)
}

func suggest(ctx context.Context, q store.Querier, pools map[string]*Pool, pr program.Project, n Need, limit int) ([]Candidate, error) {
	mq := n.Query(pr)
	mq.Limit = limit
	mq.Exclude = []int64{pr.OrganisationID}
	rows, err := q.QueryContext(ctx, `SELECT candidate_id FROM match_decisions WHERE need_id = ?
UNION SELECT organisation_id FROM projects WHERE parent_id = ?`, pr.ID, pr.ID)
	if err != nil {
		return nil, fmt.Errorf("match: decided candidates: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		mq.Exclude = append(mq.Exclude, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pool := pools[n.Pool]
	if pool == nil {
		return nil, problem.New(problem.ErrConflict, "match.unavailable")
	}
	ix, err := pool.Index(ctx)
	if err != nil {
		return nil, err
	}
	got, err := ix.Match(mq)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, len(got))
	for i, g := range got {
		out[i].Suggestion = g
		if err := q.QueryRowContext(ctx, `SELECT name, kind FROM organisations WHERE id = ?`, g.ID).Scan(&out[i].Name, &out[i].Kind); err != nil {
			return nil, fmt.Errorf("match: candidate %d: %w", g.ID, err)
		}
	}
	return out, nil
}

// Candidate is a suggestion with the organisation's name and kind.
type Candidate struct {
	Suggestion
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// Decision is what a need's owner (or a manager) decided on a candidate.
type Decision struct {
	ID          int64  `json:"id"`
	NeedID      int64  `json:"need_id"`
	CandidateID int64  `json:"candidate_id"`
	Candidate   string `json:"candidate"`
	Decision    string `json:"decision"` // accepted or rejected
	Reason      string `json:"reason,omitempty"`
	DockingID   int64  `json:"docking_id,omitempty"`
	DecidedBy   string `json:"decided_by"`
	DecidedAt   string `json:"decided_at"`
}

// Accept starts a docking between need needID's owner and the candidate,
// recording the decision; both or neither are written.
func Accept(ctx context.Context, db *store.DB, p access.Principal, needID, candidateID int64, reason string) (Decision, error) {
	return decide(ctx, db, p, needID, candidateID, "accepted", reason)
}

// Reject records that the candidate is not wanted for need needID; it is
// not suggested for it again.
func Reject(ctx context.Context, db *store.DB, p access.Principal, needID, candidateID int64, reason string) (Decision, error) {
	return decide(ctx, db, p, needID, candidateID, "rejected", reason)
}

func decide(ctx context.Context, db *store.DB, p access.Principal, needID, candidateID int64, decision, reason string) (Decision, error) {
	d := Decision{NeedID: needID, CandidateID: candidateID, Decision: decision, Reason: strings.TrimSpace(reason)}
	pr, n, r, err := need(ctx, db, p, needID)
	if err != nil {
		return d, err
	}
	if !r.Manager && !r.Owner {
		return d, problem.New(problem.ErrForbidden, "match.owner_only")
	}
	if len([]rune(d.Reason)) > 2000 {
		return d, problem.Invalid("reason", "match.reason_long", 2000)
	}
	if err := db.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, candidateID).Scan(&d.Candidate); err != nil {
		return d, problem.Invalid("candidate", "match.no_candidate", candidateID)
	}
	if candidateID == pr.OrganisationID {
		return d, problem.Invalid("candidate", "match.self")
	}
	now := store.Now()
	d.DecidedBy, d.DecidedAt = audit.ActorFrom(ctx).Name, now.Format(time.RFC3339)
	if d.DecidedBy == "" {
		d.DecidedBy = fmt.Sprintf("user:%d", p.UserID)
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO match_decisions (need_id, candidate_id, decision, reason, decided_by, decided_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, needID, candidateID, decision, d.Reason, d.DecidedBy, now).Scan(&d.ID); err != nil {
			if store.IsUniqueViolation(err) {
				return problem.New(problem.ErrConflict, "match.decided", d.Candidate)
			}
			return fmt.Errorf("match: record decision: %w", err)
		}
		if decision == "accepted" {
			c, err := program.StandingCall(ctx, tx, "docking", "docking", "供需对接")
			if err != nil {
				return err
			}
			title := "对接：" + pr.Title + " — " + d.Candidate
			if rs := []rune(title); len(rs) > 120 {
				title = string(rs[:120])
			}
			data := map[string]any{"title": title, "topic": n.Topic, "counterpart": float64(candidateID), "need_record": float64(needID)}
			if d.Reason != "" {
				data["reason"] = d.Reason
			}
			dk, err := program.CreateInTx(ctx, tx, c.ID, pr.OrganisationID, data)
			if err != nil {
				return err
			}
			d.DockingID = dk.ID
			if err := program.Notify(ctx, tx, program.Notice{OrganisationID: candidateID, ProjectID: dk.ID, Kind: "docking_started", Args: []any{pr.Title}}); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE match_decisions SET docking_id = ? WHERE id = ?`, dk.ID, d.ID); err != nil {
				return fmt.Errorf("match: link docking: %w", err)
			}
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "match_decision", EntityID: d.ID, Action: decision, After: d})
	})
	return d, err
}

// Decisions lists the decisions taken on need needID, newest first.
func Decisions(ctx context.Context, db *store.DB, p access.Principal, needID int64) ([]Decision, error) {
	if _, _, _, err := need(ctx, db, p, needID); err != nil {
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key != "match.not_a_need" {
			return nil, err
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT d.id, d.need_id, d.candidate_id, o.name, d.decision, d.reason, COALESCE(d.docking_id, 0), d.decided_by, d.decided_at
FROM match_decisions d JOIN organisations o ON o.id = d.candidate_id WHERE d.need_id = ? ORDER BY d.id DESC`, needID)
	if err != nil {
		return nil, fmt.Errorf("match: decisions: %w", err)
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		var at time.Time
		if err := rows.Scan(&d.ID, &d.NeedID, &d.CandidateID, &d.Candidate, &d.Decision, &d.Reason, &d.DockingID, &d.DecidedBy, &at); err != nil {
			return nil, err
		}
		d.DecidedAt = at.UTC().Format(time.RFC3339)
		out = append(out, d)
	}
	return out, rows.Err()
}
