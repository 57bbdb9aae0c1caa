package program

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// DiffLine is one line of a line diff: ' ' kept, '-' removed, '+' added.
type DiffLine struct {
	Op   byte   `json:"op"`
	Text string `json:"text"`
}

// Diff compares two texts line by line (longest common subsequence;
// templates are a few hundred lines, so the quadratic table is small).
func Diff(a, b string) []DiffLine {
	x, y := splitLines(a), splitLines(b)
	if len(x)*len(y) > 4_000_000 { // too big to compare line by line: show all as replaced
		out := make([]DiffLine, 0, len(x)+len(y))
		for _, l := range x {
			out = append(out, DiffLine{'-', l})
		}
		for _, l := range y {
			out = append(out, DiffLine{'+', l})
		}
		return out
	}
	n, m := len(x), len(y)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{' ', x[i]})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{'-', x[i]})
			i++
		default:
			out = append(out, DiffLine{'+', y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{'-', x[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{'+', y[j]})
	}
	return out
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Preview is what publishing a template would do: its diff against the
// latest stored version and a dry run over the records of that program.
type Preview struct {
	Template *Template  `json:"-"`
	Key      string     `json:"key"`
	Version  int        `json:"version"`
	Previous int        `json:"previous_version"` // 0 for a new program
	Diff     []DiffLine `json:"diff"`
	Changed  bool       `json:"changed"`
	DryRun   DryRun     `json:"dry_run"`
}

// DryRun checks the records of a program against a new version. Records keep
// the version they were created under; this says what would no longer fit
// were they (or their successors) held to the new one.
type DryRun struct {
	Records     int            `json:"records"`
	ByStage     map[string]int `json:"by_stage"`
	LostStages  map[string]int `json:"lost_stages"`  // stage → records in a stage the new version lacks
	FormInvalid []int64        `json:"form_invalid"` // records whose data the new form refuses
	RuleBlocked map[string]int `json:"rule_blocked"` // transition → records its new rule would stop and its old one let pass
}

// PreviewPublish parses source and compares it with what is stored, without
// writing anything.
func PreviewPublish(ctx context.Context, q store.Querier, source []byte) (Preview, error) {
	t, err := Parse(source)
	if err != nil {
		return Preview{}, err
	}
	pv := Preview{Template: t, Key: t.Key, Version: t.Version}
	var prev string
	err = q.QueryRowContext(ctx, `SELECT version, source FROM program_templates WHERE key = ? ORDER BY version DESC LIMIT 1`, t.Key).Scan(&pv.Previous, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return pv, fmt.Errorf("previous version of %s: %w", t.Key, err)
	}
	pv.Diff = Diff(prev, string(source))
	for _, d := range pv.Diff {
		pv.Changed = pv.Changed || d.Op != ' '
	}
	pv.DryRun, err = dryRun(ctx, q, t)
	return pv, err
}

func dryRun(ctx context.Context, q store.Querier, t *Template) (DryRun, error) {
	d := DryRun{ByStage: map[string]int{}, LostStages: map[string]int{}, RuleBlocked: map[string]int{}, FormInvalid: []int64{}}
	pids, err := ids(ctx, q, `SELECT p.id FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE t.key = ? ORDER BY p.id`, t.Key)
	if err != nil {
		return d, err
	}
	olds := map[int64]*Template{}
	for _, id := range pids {
		pr, err := GetProject(ctx, q, id)
		if err != nil {
			return d, err
		}
		d.Records++
		d.ByStage[pr.Stage]++
		if _, ok := t.Stage(pr.Stage); !ok {
			d.LostStages[pr.Stage]++
			continue
		}
		if len(CheckData(t, pr.Data, false)) > 0 {
			d.FormInvalid = append(d.FormInvalid, pr.ID)
		}
		own, ok := olds[pr.TemplateID]
		if !ok {
			if own, err = LoadTemplate(ctx, q, pr.TemplateID); err != nil {
				return d, err
			}
			olds[pr.TemplateID] = own
		}
		for _, tr := range t.Transitions {
			if tr.Rule == "" || !contains(tr.From, pr.Stage) {
				continue
			}
			newOK, err := holds(ctx, q, t, pr, tr.Rule)
			if err != nil {
				return d, err
			}
			if newOK {
				continue
			}
			// Count only records the new rule stops and the old one let pass.
			oldOK := true
			for _, ot := range own.Transitions {
				if ot.Key == tr.Key && ot.Rule != "" {
					if oldOK, err = holds(ctx, q, own, pr, ot.Rule); err != nil {
						return d, err
					}
				}
			}
			if oldOK {
				d.RuleBlocked[tr.Key]++
			}
		}
	}
	return d, nil
}

// holds evaluates a rule for a record; a rule that fails to evaluate does
// not hold.
func holds(ctx context.Context, q store.Querier, t *Template, pr Project, rule string) (bool, error) {
	env, err := ruleEnv(ctx, q, t, pr)
	if err != nil {
		return false, err
	}
	ok, err := expr.Eval(rule, env)
	b, _ := ok.(bool)
	return err == nil && b, nil
}
