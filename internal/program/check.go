package program

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/xinzhi-platform/xinzhi/internal/access"

	"github.com/xinzhi-platform/xinzhi/internal/integrity"
)

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

func sortStrings(s []string) { sort.Strings(s) }

// Aggregations a review may use.
var Aggregations = []string{"mean", "trimmed_mean", "median"}

// Check reports everything that would stop a template from running: missing
// names, duplicate or malformed keys, unknown field types, stages that do not
// exist or cannot be reached, actors that are not roles, rules that do not
// compile, review weights that do not add up. Each problem names its line.
func Check(t *Template) []Problem {
	var ps []Problem
	add := func(line int, key string, args ...any) { ps = append(ps, Problem{Line: line, Key: key, Args: args}) }
	if !keyRE.MatchString(t.Key) {
		add(1, "program.key_invalid", t.Key)
	}
	if strings.TrimSpace(t.Name) == "" {
		add(1, "program.name_required")
	}
	if t.Version < 1 {
		add(1, "program.version_invalid")
	}
	fieldKeys := map[string]bool{}
	for _, f := range t.Form {
		ps = append(ps, checkField(f, fieldKeys)...)
	}
	env := exprEnv(t)
	checkLedger := func(f Field, siblings []Field) {
		if f.Ledger == "" && f.LedgerTime == "" {
			return
		}
		if f.Type != "person" || !slices.Contains(LedgerRoles, f.Ledger) {
			add(f.Line, "program.ledger_invalid", f.Key, strings.Join(LedgerRoles, ", "))
		}
		if f.LedgerTime != "" && !slices.ContainsFunc(siblings, func(x Field) bool {
			return x.Key == f.LedgerTime && (x.Type == "percentage" || x.Type == "number")
		}) {
			add(f.Line, "program.ledger_time_invalid", f.LedgerTime, f.Key)
		}
	}
	for _, f := range t.Form {
		checkLedger(f, t.Form)
		for _, c := range f.Columns {
			checkLedger(c, f.Columns)
		}
		if !f.Unique && (len(f.UniqueWith) > 0 || len(f.UniqueExcept) > 0) {
			add(f.Line, "program.unique_without", f.Key)
		}
		for _, w := range f.UniqueWith {
			if !fieldKeys[w] {
				add(f.Line, "program.unique_with_unknown", w, f.Key)
			}
		}
		for _, st := range f.UniqueExcept {
			if _, ok := t.Stage(st); !ok {
				add(f.Line, "program.stage_unknown", st, f.Key)
			}
		}
		if f.When != "" {
			if _, err := expr.Compile(f.When, expr.Env(env), expr.AsBool()); err != nil {
				add(f.Line, "program.expr_invalid", f.When, firstLine(err.Error()))
			}
		}
	}
	stages := map[string]Stage{}
	initial := 0
	for _, s := range t.Stages {
		if s.Outcome != "" && !slices.Contains([]string{"passed", "closed", "failed", "terminated", "revoked"}, s.Outcome) {
			add(s.Line, "program.outcome_invalid", s.Outcome)
		}
		switch {
		case !keyRE.MatchString(s.Key):
			add(s.Line, "program.key_invalid", s.Key)
		case stages[s.Key].Key != "":
			add(s.Line, "program.stage_duplicate", s.Key)
		}
		if strings.TrimSpace(s.Name) == "" {
			add(s.Line, "program.stage_name_required", s.Key)
		}
		stages[s.Key] = s
		if s.Initial {
			initial++
		}
	}
	if len(t.Stages) == 0 {
		add(1, "program.no_stages")
	} else if initial != 1 {
		add(t.Stages[0].Line, "program.initial_count", initial)
	}
	next := map[string][]string{}
	transKeys := map[string]bool{}
	for _, tr := range t.Transitions {
		if !keyRE.MatchString(tr.Key) {
			add(tr.Line, "program.key_invalid", tr.Key)
		} else if transKeys[tr.Key] {
			add(tr.Line, "program.transition_duplicate", tr.Key)
		}
		transKeys[tr.Key] = true
		if len(tr.From) == 0 {
			add(tr.Line, "program.from_required", tr.Key)
		}
		for _, f := range tr.From {
			if _, ok := stages[f]; !ok {
				add(tr.Line, "program.stage_unknown", f, tr.Key)
			} else if stages[f].Terminal {
				add(tr.Line, "program.from_terminal", f, tr.Key)
			}
			next[f] = append(next[f], tr.To)
		}
		if _, ok := stages[tr.To]; !ok {
			add(tr.Line, "program.stage_unknown", tr.To, tr.Key)
		}
		if len(tr.By) == 0 {
			add(tr.Line, "program.by_required", tr.Key)
		}
		for _, by := range tr.By {
			if !validActor(by) {
				add(tr.Line, "program.by_invalid", by, tr.Key)
			}
		}
		for _, r := range tr.Requires {
			if !fieldKeys[r] {
				add(tr.Line, "program.requires_unknown", r, tr.Key)
			}
		}
		if tr.Rule != "" {
			if _, err := expr.Compile(tr.Rule, expr.Env(env), expr.AsBool()); err != nil {
				add(tr.Line, "program.expr_invalid", tr.Rule, firstLine(err.Error()))
			}
		}
		if tr.Deadline != "" && tr.Deadline != "call_end" && !regexp.MustCompile(`^\d{1,3}d$`).MatchString(tr.Deadline) {
			add(tr.Line, "program.deadline_invalid", tr.Deadline)
		}
		if tr.Commit && (t.Commitment == nil || t.Commitment.Version == "" || strings.TrimSpace(t.Commitment.Text) == "") {
			add(tr.Line, "program.commit_without_text")
		}
		if b := tr.Bars; b != nil {
			f, ok := t.Field(b.Field)
			ok = ok && f.Type == "person" && b.Years >= 1 && len(b.Scopes) > 0 && strings.TrimSpace(b.Misconduct) != ""
			for _, sc := range b.Scopes {
				ok = ok && slices.Contains(integrity.Scopes, sc)
			}
			if !ok {
				add(tr.Line, "program.bars_invalid", strings.Join(integrity.Scopes, ", "))
			}
		}
		if d := tr.Duplicates; d != nil {
			ok := len(d.Fields) > 0 && d.Review > 0 && d.Review <= d.Refuse && d.Refuse <= 1 && d.Years >= 1
			for _, k := range d.Fields {
				ok = ok && fieldKeys[k]
			}
			if !ok {
				add(tr.Line, "program.duplicates_invalid")
			}
		}
		if tr.Screen != "" && !slices.Contains(integrity.Scopes, tr.Screen) {
			add(tr.Line, "program.screen_invalid", tr.Screen, strings.Join(integrity.Scopes, ", "))
		}
		if tr.Amount != "" && tr.Amount != "approved" && tr.Amount != "disbursed" && tr.Amount != "refunded" {
			add(tr.Line, "program.amount_invalid", tr.Amount)
		}
		if tr.Snapshot != "" && !keyRE.MatchString(tr.Snapshot) {
			add(tr.Line, "program.snapshot_invalid", tr.Snapshot)
		}
		if r := tr.Refund; r != nil {
			f, ok := t.Field(r.Spent)
			if !(r.Of == "all" && r.Spent == "" || r.Of == "leftover" && ok && f.Type == "money") {
				add(tr.Line, "program.refund_invalid")
			}
		}
		if g := tr.Grants; g != nil {
			_, kf := t.Field(g.KindField)
			_, lf := t.Field(g.LevelField)
			switch {
			case g.Kind == "" && (g.KindField == "" || len(g.KindMap) == 0):
				add(tr.Line, "program.grant_kind", tr.Key)
			case g.KindField != "" && !kf, g.LevelField != "" && !lf:
				add(tr.Line, "program.grant_field", tr.Key)
			}
		}
	}
	ps = append(ps, checkProgress(t)...)
	// Every stage must be reachable from the initial one.
	if start := t.Initial(); start != "" {
		seen := map[string]bool{start: true}
		queue := []string{start}
		for len(queue) > 0 {
			s := queue[0]
			queue = queue[1:]
			for _, n := range next[s] {
				if !seen[n] {
					seen[n] = true
					queue = append(queue, n)
				}
			}
		}
		for _, s := range t.Stages {
			if !seen[s.Key] {
				add(s.Line, "program.stage_unreachable", s.Key, start)
			}
		}
	}
	if t.Review != nil {
		ps = append(ps, checkReview(t.Review)...)
		if _, ok := stages[t.Review.ReviewStage()]; !ok {
			add(t.Review.Line, "program.review_stage", t.Review.ReviewStage())
		}
		if k := t.Review.Field; k != "" {
			if f, ok := t.Field(k); !ok || f.Type != "choice" && f.Type != "text" {
				add(t.Review.Line, "program.review_field", k)
			}
		}
	}
	for _, c := range t.Children {
		if !keyRE.MatchString(c.Key) || !keyRE.MatchString(c.Template) {
			add(c.Line, "program.child_invalid", c.Key)
		}
		if len(c.OpenIn) == 0 || len(c.By) == 0 {
			add(c.Line, "program.child_open_by", c.Key)
		}
		for _, st := range c.OpenIn {
			if _, ok := stages[st]; !ok {
				add(c.Line, "program.stage_unknown_child", st, c.Key)
			}
		}
		for _, by := range c.By {
			if by != "other_org" && !validActor(by) || by == "reviewer" {
				add(c.Line, "program.child_actor", by, c.Key)
			}
		}
	}
	return ps
}

func checkField(f Field, seen map[string]bool) []Problem {
	var ps []Problem
	add := func(key string, args ...any) { ps = append(ps, Problem{Line: f.Line, Key: key, Args: args}) }
	switch {
	case !keyRE.MatchString(f.Key):
		add("program.key_invalid", f.Key)
	case seen[f.Key]:
		add("program.field_duplicate", f.Key)
	}
	seen[f.Key] = true
	if strings.TrimSpace(f.Label) == "" {
		add("program.label_required", f.Key)
	}
	known := false
	for _, t := range FieldTypes {
		known = known || t == f.Type
	}
	if !known {
		add("program.type_unknown", f.Type, f.Key, strings.Join(FieldTypes, ", "))
	}
	if len(f.OptionsEN) > 0 && len(f.OptionsEN) != len(f.Options) {
		add("program.options_en_count", f.Key, len(f.Options), len(f.OptionsEN))
	}
	if (f.Type == "choice" || f.Type == "multichoice") && len(f.Options) == 0 {
		add("program.options_required", f.Key)
	}
	if f.Type == "table" {
		if len(f.Columns) == 0 {
			add("program.columns_required", f.Key)
		}
		cols := map[string]bool{}
		for _, c := range f.Columns {
			if c.Type == "table" {
				ps = append(ps, Problem{Line: c.Line, Key: "program.table_nested", Args: []any{c.Key}})
				continue
			}
			ps = append(ps, checkField(c, cols)...)
		}
	}
	if f.Min != nil && f.Max != nil && *f.Min > *f.Max {
		add("program.min_max", f.Key)
	}
	return ps
}

func checkReview(r *Review) []Problem {
	var ps []Problem
	add := func(line int, key string, args ...any) { ps = append(ps, Problem{Line: line, Key: key, Args: args}) }
	if r.Rounds < 1 {
		add(r.Line, "program.review_rounds")
	}
	if r.ReviewersPerRecord < 1 {
		add(r.Line, "program.review_reviewers")
	}
	ok := false
	for _, a := range Aggregations {
		ok = ok || a == r.Aggregate
	}
	if !ok {
		add(r.Line, "program.review_aggregate", r.Aggregate, strings.Join(Aggregations, ", "))
	}
	if len(r.Criteria) == 0 {
		add(r.Line, "program.review_criteria")
	}
	sum := 0.0
	for _, c := range r.Criteria {
		sum += c.Weight
		if c.Weight <= 0 {
			add(c.Line, "program.criterion_weight", c.Key)
		}
		if c.Max <= c.Min {
			add(c.Line, "program.criterion_scale", c.Key)
		}
	}
	if len(r.Criteria) > 0 && math.Abs(sum-1) > 1e-6 {
		add(r.Line, "program.weights_sum", sum)
	}
	return ps
}

// validActor accepts "owner", "reviewer" and "role:ROLE" with a role of the
// catalogue.
func validActor(by string) bool {
	switch by {
	case "owner", "reviewer":
		return true
	}
	role, ok := strings.CutPrefix(by, "role:")
	return ok && access.Role(role).Valid()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// exprEnv is what rules and conditions see: the form's fields by key with a
// value of their type, the applicant organisation, the record's amounts and
// the call.
func exprEnv(t *Template) map[string]any {
	env := map[string]any{}
	for _, f := range t.Form {
		env[f.Key] = zeroOf(f)
	}
	env["applicant"] = map[string]any{
		"name": "", "credit_code": "", "kind": "", "district": "", "size": "", "founded": "",
		"tags": []string{}, "clusters": []string{}, "figures": map[string]float64{},
		"recognitions": []string{}, // kind names of recognitions held, and "name:level"
		// approved_this_year: what the applicant's other records of this
		// program created this year (China time) were approved, summed (a
		// yearly cap per enterprise)
		"approved_this_year": 0.0,
		// has_valid(kind, day): holds a qualification (a recognition's kind
		// key or name) valid on day: granted, not past its validity, not
		// revoked — applicant.has_valid("高新技术企业", call.deadline)
		"has_valid": func(string, string) bool { return false },
	}
	env["record"] = map[string]any{"amount_requested": 0.0, "amount_approved": 0.0, "amount_disbursed": 0.0, "amount_refund_due": 0.0, "amount_refunded": 0.0, "stage": ""}
	env["review"] = map[string]any{"assigned": 0, "submitted": 0, "score": 0.0}                                   // the first round's sheets and aggregated score
	env["parent"] = map[string]any{"stage": "", "amount_requested": 0.0}                                          // the parent record of a child (a bid's challenge)
	env["call"] = map[string]any{"key": "", "quota": 0, "budget": 0.0, "opens": "", "closes": "", "deadline": ""} // deadline: closes
	env["move"] = map[string]any{"amount": 0.0, "note": ""}                                                       // the amount and note given with the move being checked
	children := map[string]any{}                                                                                  // child records past their first stage, by kind (a challenge's bids)
	for _, c := range t.Children {
		children[c.Key] = 0
	}
	env["children"] = children
	// the ledger across programs (see ledger.go); placeholders for the check
	env["active_led"] = func(any) int { return 0 }
	env["new_and_active"] = func(any) int { return 0 }
	env["time_committed"] = func(any) float64 { return 0 }
	env["applications_in_call"] = func() int { return 0 }
	env["failures"] = func(any) int { return 0 }
	// progress since the contract (see progress.go)
	for k, f := range map[string]any{
		"overdue_months": func() int { return 0 },
		"changes_since":  func(string) int { return 0 },
		"share_done":     func(string, string) float64 { return 0 },
		"taken":          func(string) int { return 0 },
	} {
		if _, ok := env[k]; !ok { // a form field of that name wins
			env[k] = f
		}
	}
	return env
}

func zeroOf(f Field) any {
	switch f.Type {
	case "number", "money", "percentage":
		return 0.0
	case "boolean":
		return false
	case "multichoice":
		return []string{}
	case "table":
		return []map[string]any{}
	case "organisation", "person":
		return map[string]any{"id": 0, "name": ""}
	default:
		return ""
	}
}
