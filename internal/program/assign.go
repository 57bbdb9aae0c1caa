package program

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Assignment statuses.
const (
	Assigned  = "assigned"
	Submitted = "submitted"
	Declined  = "declined"
	Withdrawn = "withdrawn"
)

// Exclusion is a reviewer left out of a project, with why.
type Exclusion struct {
	ReviewerID int64      `json:"reviewer_id"`
	Reviewer   string     `json:"reviewer"`      // the username
	Name       string     `json:"reviewer_name"` // how pages name the expert (ExpertName)
	Conflicts  []Conflict `json:"conflicts"`
}

// AssignResult says whom an assignment chose and whom it left out.
type AssignResult struct {
	Assigned   []Reviewer
	Excluded   []Exclusion
	Short      int    // reviewers still missing: the pool had too few without conflicts
	Seed       uint64 // the draw's seed, recorded in the audit event
	Candidates []int64
	Field      string // the record's value of the template's review.field, when it has one
	OffField   int    // experts of the pool left out before the draw: their fields do not include Field
}

// DrawOrder is the order in which a draw takes its candidates: shuffled by
// the seed, then the least loaded this year first (stable, so ties keep the
// shuffle). The same candidates, loads and seed give the same order, so a
// recorded draw can be replayed and checked.
func DrawOrder(candidates []int64, loads map[int64]int, seed uint64) []int64 {
	out := append([]int64(nil), candidates...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] }) // the shuffle starts from one order whatever the input's
	rng := rand.New(rand.NewPCG(seed, seed^0x5eedd4a3))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	sort.SliceStable(out, func(i, j int) bool { return loads[out[i]] < loads[out[j]] })
	return out
}

func loadsOf(ids []int64, loads map[int64]int) map[string]int {
	out := map[string]int{}
	for _, id := range ids {
		out[fmt.Sprint(id)] = loads[id]
	}
	return out
}

// Assign draws reviewers for a project's round from the pool until the
// template's number is reached: reviewers with a conflict of interest
// (computed from the registry, see conflict.go) or at their yearly cap are
// left out, each exclusion logged with its reasons; among the rest the least
// loaded this year come first, ties drawn at random.
func Assign(ctx context.Context, db *store.DB, p access.Principal, projectID int64, round int) (AssignResult, error) {
	var res AssignResult
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = assign(ctx, tx, p, projectID, round)
		return err
	})
	return res, err
}

func assign(ctx context.Context, tx *store.Tx, p access.Principal, projectID int64, round int) (AssignResult, error) {
	var res AssignResult
	if !p.Has(access.Manager) {
		return res, problem.New(problem.ErrForbidden, "review.manager_only")
	}
	pr, t, err := lockProject(ctx, tx, projectID)
	if err != nil {
		return res, err
	}
	if t.Review == nil {
		return res, problem.New(problem.ErrInvalid, "review.none", t.Name)
	}
	if round < 1 || round > t.Review.Rounds {
		return res, problem.Invalid("round", "review.round", t.Review.Rounds)
	}
	if st, _ := t.Stage(pr.Stage); st.Terminal {
		return res, problem.New(problem.ErrConflict, "review.closed")
	}
	taken := map[int64]bool{} // already in this round, whatever the status
	active := 0
	rows, err := tx.QueryContext(ctx, `SELECT reviewer_id, status FROM review_assignments WHERE project_id = ? AND round = ?`, projectID, round)
	if err != nil {
		return res, fmt.Errorf("assignments of %d: %w", projectID, err)
	}
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			rows.Close()
			return res, err
		}
		taken[id] = true
		if st == Assigned || st == Submitted {
			active++
		}
	}
	rows.Close()
	need := t.Review.ReviewersPerRecord - active
	if need <= 0 {
		return res, nil
	}
	pool, err := Pool(ctx, tx)
	if err != nil {
		return res, err
	}
	// A template that matches on a field draws only the experts of the
	// record's field. The others are left out before the draw (not logged
	// as exclusions one by one: in a city's pool they are most experts),
	// so the candidates recorded are the experts of the field and the draw
	// replays from them.
	var fieldValue string
	offField := 0
	if k := t.Review.Field; k != "" {
		if v, ok := pr.Data[k]; ok && v != nil {
			fieldValue = strings.TrimSpace(fmt.Sprint(v))
		}
		fields, err := allExpertFields(ctx, tx)
		if err != nil {
			return res, err
		}
		kept := pool[:0]
		for _, r := range pool {
			if fieldMatches(fields[r.UserID], fieldValue) {
				kept = append(kept, r)
			} else {
				offField++
			}
		}
		pool = kept
	}
	now := store.Now()
	orgs, err := ProjectOrganisations(ctx, tx, projectID)
	if err != nil {
		return res, err
	}
	loads, err := yearLoads(ctx, tx, now)
	if err != nil {
		return res, err
	}
	var eligible []Reviewer
	for _, r := range pool {
		if taken[r.UserID] {
			continue
		}
		prof, err := reviewerProfile(ctx, tx, r, t.Review.Years(), now)
		if err != nil {
			return res, err
		}
		cs, err := conflictsWith(ctx, tx, prof, r, projectID, orgs)
		if err != nil {
			return res, err
		}
		if loads[r.UserID] >= t.Review.Cap() {
			cs = append(cs, Conflict{Reason: ExcludedCap, Detail: fmt.Sprint(loads[r.UserID])})
		}
		var subs []integrity.Subject
		if r.PersonID != 0 {
			subs = append(subs, integrity.Subject{Kind: "person", ID: r.PersonID})
		}
		if r.OrgID != 0 {
			subs = append(subs, integrity.Subject{Kind: "organisation", ID: r.OrgID})
		}
		bars, _, err := integrity.Screen(ctx, tx, subs, "review", now.In(shanghai).Format(time.DateOnly))
		if err != nil {
			return res, err
		}
		for _, b := range bars {
			cs = append(cs, Conflict{Reason: ExcludedSanction, Detail: b.Misconduct + " " + b.Decision})
		}
		if len(cs) > 0 {
			res.Excluded = append(res.Excluded, Exclusion{ReviewerID: r.UserID, Reviewer: r.Username, Name: cmp.Or(r.Name, r.Username), Conflicts: cs})
			continue
		}
		eligible = append(eligible, r)
	}
	// The draw is seeded and the seed recorded with the candidates in the
	// audit event: anyone can replay it (DrawOrder) and get the same experts.
	res.Seed = rand.Uint64()
	var candidates []int64
	for _, r := range eligible {
		candidates = append(candidates, r.UserID)
	}
	order := DrawOrder(candidates, loads, res.Seed)
	byID := map[int64]Reviewer{}
	for _, r := range eligible {
		byID[r.UserID] = r
	}
	for i, id := range order {
		eligible[i] = byID[id]
	}
	res.Candidates = candidates
	if len(eligible) > need {
		eligible = eligible[:need]
	}
	res.Short = need - len(eligible)
	for _, x := range res.Excluded {
		for _, c := range x.Conflicts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO review_exclusions (project_id, round, reviewer_id, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?)`,
				projectID, round, x.ReviewerID, c.Reason, conflictDetail(c), now); err != nil {
				return res, fmt.Errorf("log exclusion: %w", err)
			}
		}
	}
	for _, r := range eligible {
		if err := insertAssignment(ctx, tx, p, projectID, round, r.UserID, ""); err != nil {
			return res, err
		}
	}
	res.Assigned = eligible
	res.Field, res.OffField = fieldValue, offField
	var names []string
	for _, r := range eligible {
		names = append(names, r.Username)
	}
	after := map[string]any{"round": round, "assigned": names, "excluded": res.Excluded, "short": res.Short, "seed": fmt.Sprint(res.Seed), "candidates": res.Candidates, "loads": loadsOf(candidates, loads)}
	if t.Review.Field != "" {
		after["field"], after["field_value"], after["off_field"] = t.Review.Field, fieldValue, offField
	}
	return res, audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: projectID, Action: "assign_reviewers", After: after})
}

func conflictDetail(c Conflict) string {
	if c.OrganisationID == 0 {
		return c.Detail
	}
	return strings.TrimSpace(fmt.Sprintf("organisation %d %s", c.OrganisationID, c.Detail))
}

func insertAssignment(ctx context.Context, tx *store.Tx, p access.Principal, projectID int64, round int, reviewerID int64, reason string) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO review_assignments (project_id, round, reviewer_id, assigned_at, assigned_by, override_reason)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, projectID, round, reviewerID, store.Now(), p.Name, reason).Scan(&id); err != nil {
		if store.IsUniqueViolation(err) {
			return problem.New(problem.ErrConflict, "review.already_assigned")
		}
		return fmt.Errorf("assign reviewer: %w", err)
	}
	return Notify(ctx, tx, Notice{UserID: reviewerID, ProjectID: projectID, Kind: "review_assigned"})
}

// yearLoads counts each reviewer's live assignments of the calendar year.
func yearLoads(ctx context.Context, q store.Querier, now time.Time) (map[int64]int, error) {
	start := time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	rows, err := q.QueryContext(ctx, `SELECT reviewer_id, count(*) FROM review_assignments WHERE assigned_at >= ? AND status IN ('assigned', 'submitted') GROUP BY reviewer_id`, start)
	if err != nil {
		return nil, fmt.Errorf("reviewer loads: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// lockProject reads a project and its template inside tx, holding the
// project's row so that two assignments of one project run one after the
// other.
func lockProject(ctx context.Context, tx *store.Tx, id int64) (Project, *Template, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE projects SET updated_at = updated_at WHERE id = ?`, id); err != nil {
		return Project{}, nil, fmt.Errorf("lock project %d: %w", id, err)
	}
	pr, err := GetProject(ctx, tx, id)
	if err != nil {
		return pr, nil, err
	}
	t, err := LoadTemplate(ctx, tx, pr.TemplateID)
	return pr, t, err
}

// Override assigns one reviewer by hand, with a reason that is recorded. A
// reviewer of the applicant's own organisation is never assigned; other
// conflicts are shown in the audit record beside the reason.
func Override(ctx context.Context, db *store.DB, p access.Principal, projectID int64, round int, reviewerID int64, reason string) error {
	if !p.Has(access.Manager) {
		return problem.New(problem.ErrForbidden, "review.manager_only")
	}
	if strings.TrimSpace(reason) == "" {
		return problem.Invalid("reason", "review.reason_required")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		_, t, err := lockProject(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if t.Review == nil {
			return problem.New(problem.ErrInvalid, "review.none", t.Name)
		}
		var isReviewer int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM user_roles WHERE user_id = ? AND role = 'reviewer'`, reviewerID).Scan(&isReviewer); err != nil {
			return err
		}
		if isReviewer == 0 {
			return problem.Invalid("reviewer", "review.not_reviewer")
		}
		if out, err := isRemoved(ctx, tx, reviewerID); err != nil {
			return err
		} else if out {
			return problem.Invalid("reviewer", "expert.removed")
		}
		r, err := loadReviewer(ctx, tx, reviewerID)
		if err != nil {
			return err
		}
		prof, err := reviewerProfile(ctx, tx, r, t.Review.Years(), store.Now())
		if err != nil {
			return err
		}
		orgs, err := ProjectOrganisations(ctx, tx, projectID)
		if err != nil {
			return err
		}
		cs, err := conflictsWith(ctx, tx, prof, r, projectID, orgs)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Reason == ConflictOwnOrg {
				return problem.Invalid("reviewer", "review.own_org_never")
			}
		}
		if err := insertAssignment(ctx, tx, p, projectID, round, reviewerID, reason); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: projectID, Action: "assign_override",
			After: map[string]any{"round": round, "reviewer": r.Username, "reason": reason, "conflicts": cs}})
	})
}

// Withdraw takes an assignment back (a manager's override), with a reason.
func Withdraw(ctx context.Context, db *store.DB, p access.Principal, assignmentID int64, reason string) error {
	if !p.Has(access.Manager) {
		return problem.New(problem.ErrForbidden, "review.manager_only")
	}
	if strings.TrimSpace(reason) == "" {
		return problem.Invalid("reason", "review.reason_required")
	}
	return db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE review_assignments SET status = ?, declined_reason = ?, version = version + 1 WHERE id = ? AND status = ?`,
			Withdrawn, reason, assignmentID, Assigned)
		if err != nil {
			return fmt.Errorf("withdraw assignment: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return problem.New(problem.ErrConflict, "review.not_open")
		}
		return audit.Append(ctx, tx, audit.Change{Entity: "review_assignment", EntityID: assignmentID, Action: "withdraw", After: map[string]any{"reason": reason}})
	})
}

// Exclusions lists, per reviewer, the reasons logged when assignments of a
// project left them out (the latest run's reasons for each reviewer).
func Exclusions(ctx context.Context, q store.Querier, projectID int64) ([]Exclusion, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.reviewer_id, u.username, `+ExpertName+`, e.reason, e.detail, e.at FROM review_exclusions e JOIN users u ON u.id = e.reviewer_id
		WHERE e.project_id = ? ORDER BY e.reviewer_id, e.id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("exclusions of %d: %w", projectID, err)
	}
	defer rows.Close()
	var out []Exclusion
	seen := map[int64]map[string]bool{}
	for rows.Next() {
		var id int64
		var name, label, reason, detail string
		var at any
		if err := rows.Scan(&id, &name, &label, &reason, &detail, &at); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ReviewerID != id {
			out = append(out, Exclusion{ReviewerID: id, Reviewer: name, Name: label})
			seen[id] = map[string]bool{}
		}
		if key := reason + "\x00" + detail; !seen[id][key] {
			seen[id][key] = true
			x := &out[len(out)-1]
			x.Conflicts = append(x.Conflicts, parseDetail(reason, detail))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Pages name the organisation of a conflict, never its number.
	for i := range out {
		for j := range out[i].Conflicts {
			c := &out[i].Conflicts[j]
			if c.OrganisationID == 0 {
				continue
			}
			if err := q.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = ?`, c.OrganisationID).Scan(&c.Organisation); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("organisation of a conflict: %w", err)
			}
		}
	}
	return out, nil
}

// parseDetail reads a logged exclusion's detail back (conflictDetail wrote
// it): "organisation N rest" gives the organisation and the rest.
func parseDetail(reason, detail string) Conflict {
	c := Conflict{Reason: reason, Detail: detail}
	rest, ok := strings.CutPrefix(detail, "organisation ")
	if !ok {
		return c
	}
	num, tail, _ := strings.Cut(rest, " ")
	if id, err := strconv.ParseInt(num, 10, 64); err == nil && id > 0 {
		c.OrganisationID, c.Detail = id, strings.TrimSpace(tail)
	}
	return c
}
