package returns

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// ParseValues reads figures as an API or a form sends them: a number per
// field, or (per district) an object of district code → number. Numbers may
// come as text with thousands separators.
func (f *Form) ParseValues(in map[string]any) (Values, problem.List) {
	out := Values{}
	var ps problem.List
	num := func(name string, x any) (float64, bool) {
		switch v := x.(type) {
		case float64:
			return v, true
		case string:
			n, err := strconv.ParseFloat(stripNumber(v), 64)
			if err == nil {
				return n, true
			}
		}
		ps = append(ps, problem.Invalid(name, "form.number", name))
		return 0, false
	}
	for k, x := range in {
		if x == nil || x == "" {
			continue
		}
		if m, ok := x.(map[string]any); ok {
			for d, y := range m {
				if y == nil || y == "" {
					continue
				}
				if n, ok := num(k+"."+d, y); ok {
					if out[k] == nil {
						out[k] = map[string]float64{}
					}
					out[k][d] = n
				}
			}
			continue
		}
		if n, ok := num(k, x); ok {
			out[k] = map[string]float64{"": n}
		}
	}
	return out, ps
}

func stripNumber(s string) string {
	b := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case ',', '，', ' ', '\u00a0':
		default:
			b = append(b, r)
		}
	}
	return string(b)
}

// Due is the day a period's return is due.
func (f *Form) Due(p Period) time.Time { return p.End().AddDate(0, 0, f.DueDays) }

// Cell is one unit's standing for one period.
type Cell struct {
	Unit     Unit   `json:"unit"`
	Period   string `json:"period"`
	FilingID int64  `json:"filing_id,omitempty"`
	Status   string `json:"status"` // missing, draft, submitted, accepted, returned
	Due      string `json:"due"`
	Overdue  bool   `json:"overdue"` // not yet submitted and past its due day
}

// Board is each unit's standing for the last n periods up to today's
// (the current period is left out until it has ended).
func Board(ctx context.Context, q store.Querier, f *Form, today time.Time, n int) ([]string, []Cell, error) {
	units, err := Units(ctx, q, f)
	if err != nil {
		return nil, nil, err
	}
	last := PeriodOf(f.Period, today)
	var periods []Period
	p := last
	for range n + 1 {
		if !p.End().After(today) {
			periods = append(periods, p)
		}
		p = prev(p)
	}
	periods = periods[:min(len(periods), n)]
	codes := make([]string, len(periods))
	for i, x := range periods {
		codes[i] = x.String()
	}
	state := map[string]Filing{}
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.organisation_id, r.period, r.status FROM return_filings r WHERE r.form_id = ?`, f.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("return board: %w", err)
	}
	for rows.Next() {
		var x Filing
		if err := rows.Scan(&x.ID, &x.OrganisationID, &x.Period, &x.Status); err != nil {
			rows.Close()
			return nil, nil, err
		}
		state[fmt.Sprint(x.OrganisationID, "|", x.Period)] = x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	day := today.Format(time.DateOnly)
	var cells []Cell
	for _, u := range units {
		for _, per := range periods {
			c := Cell{Unit: u, Period: per.String(), Status: "missing", Due: f.Due(per).Format(time.DateOnly)}
			if x, ok := state[fmt.Sprint(u.ID, "|", per.String())]; ok {
				c.FilingID, c.Status = x.ID, x.Status
			}
			c.Overdue = (c.Status == "missing" || c.Status == Draft || c.Status == Returned) && day > c.Due
			cells = append(cells, c)
		}
	}
	return codes, cells, nil
}

func prev(p Period) Period {
	x := p
	x.Index--
	if x.Index < 1 {
		x.Index, x.Year = 12/months(p.Kind), p.Year-1
	}
	return x
}

// Remind tells each unit that has not submitted the return of the period
// just ended once its due day is within the form's reminder days, and once
// more when it is overdue: one notice of each kind per unit and period.
// It answers how many notices it wrote.
func Remind(ctx context.Context, db *store.DB, today time.Time) (int, error) {
	forms, err := Forms(ctx, db)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, f := range forms {
		_, cells, err := Board(ctx, db, f, today, 1)
		if err != nil {
			return sent, err
		}
		for _, c := range cells {
			if c.Status == Submitted || c.Status == Accepted {
				continue
			}
			due, _ := time.Parse(time.DateOnly, c.Due)
			kind := ""
			switch {
			case c.Overdue:
				kind = "return_overdue"
			case !today.Before(due.AddDate(0, 0, -f.RemindDays)):
				kind = "return_due"
			default:
				continue
			}
			per, _ := ParsePeriod(f.Period, c.Period)
			err := db.InTx(ctx, func(tx *store.Tx) error {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE organisation_id = ? AND kind = ? AND args = ?`,
					c.Unit.ID, kind, noticeArgs(f, per, c.Due)).Scan(&n); err != nil || n > 0 {
					return err
				}
				args := noticeArgs(f, per, c.Due)
				ok, err := program.NotifyOnce(ctx, tx, program.Notice{OrganisationID: c.Unit.ID, Kind: kind, Args: []any{f.Name, per.Label("zh-CN"), c.Due}},
					fmt.Sprintf("%s:%d:%s", kind, c.Unit.ID, args))
				if ok {
					sent++
				}
				return err
			})
			if err != nil {
				return sent, fmt.Errorf("remind %s: %w", f.Key, err)
			}
		}
	}
	return sent, nil
}

// noticeArgs is how program.Notify stores a reminder's arguments, so a
// reminder already sent is found again.
func noticeArgs(f *Form, per Period, due string) string {
	b, _ := json.Marshal([]any{f.Name, per.Label("zh-CN"), due})
	return string(b)
}
