package proposal

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Row is a proposal on the deadline board.
type Row struct {
	ID         int64
	Number     string
	Kind       string
	Member     string
	Title      string
	State      State
	Round      int
	LeadID     int64
	Lead       string
	AssignedOn string
	DueOn      string
	RepliedOn  string
	Class      string
	Extended   bool
	Overdue    bool
	DaysLeft   int // days to the deadline on the board's day; negative when overdue
	Handling   string
	Result     string
	PreContact string // the day of the first 办前面商, "" while none
	PreLate    bool   // being handled, no 办前面商 yet, and its working days after 交办 have passed
	RatingLate bool   // replied, not rated, and the member's working days for it have passed
}

// Filter narrows the board.
type Filter struct {
	Year    int    // of 交办 (of registration while not assigned); 0: every year
	UnitID  int64  // lead unit
	Class   string // reply class
	State   State
	Overdue bool
	Day     string // the day overdue is judged on (YYYY-MM-DD)
}

// List lists proposals for the board, soonest deadline first (unassigned
// last), the overdue marked as of f.Day.
func List(ctx context.Context, q store.Querier, f Filter) ([]Row, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.number, p.kind, p.member, p.title, p.state, p.round, COALESCE(u.unit_id, 0), COALESCE(o.name, ''),
		p.assigned_on, p.due_on, p.first_due_on, p.replied_on, p.class, p.received_on, p.rating_handling, p.rating_result,
		(SELECT count(*) FROM proposal_extensions e WHERE e.proposal_id = p.id AND e.status = 'approved'),
		COALESCE((SELECT min(c.day) FROM proposal_contacts c WHERE c.proposal_id = p.id AND c.kind = 'pre'), ''), p.jurisdiction
		FROM proposals p
		LEFT JOIN proposal_units u ON u.proposal_id = p.id AND u.role = 'lead' AND u.status <> 'sent_back'
		LEFT JOIN organisations o ON o.id = u.unit_id
		ORDER BY p.id`)
	if err != nil {
		return nil, fmt.Errorf("proposal board: %w", err)
	}
	defer rows.Close()
	var out []Row
	day, _ := time.Parse(time.DateOnly, f.Day)
	juris := map[int64]string{}
	for rows.Next() {
		var r Row
		var st, firstDue, received, jurisdiction string
		var ext int
		if err := rows.Scan(&r.ID, &r.Number, &r.Kind, &r.Member, &r.Title, &st, &r.Round, &r.LeadID, &r.Lead, &r.AssignedOn, &r.DueOn, &firstDue, &r.RepliedOn,
			&r.Class, &received, &r.Handling, &r.Result, &ext, &r.PreContact, &jurisdiction); err != nil {
			return nil, err
		}
		if r.PreContact == "" && r.AssignedOn != "" && r.Round == 1 && (State(st) == Assigned || State(st) == Drafted) {
			r.PreLate = true // judged below, once the rows are read: against the jurisdiction's calendar
			juris[r.ID] = jurisdiction
		}
		if State(st) == Replied {
			r.RatingLate = true // judged below
			juris[r.ID] = jurisdiction
		}
		r.State, r.Extended = State(st), ext > 0
		r.Overdue = r.State.Open() && r.DueOn != "" && f.Day > r.DueOn
		if due, err := time.Parse(time.DateOnly, r.DueOn); err == nil && r.State.Open() {
			r.DaysLeft = int(due.Sub(day).Hours() / 24)
		}
		year := r.AssignedOn
		if year == "" {
			year = received
		}
		switch {
		case f.Year != 0 && year[:4] != fmt.Sprint(f.Year),
			f.UnitID != 0 && r.LeadID != f.UnitID,
			f.Class != "" && r.Class != f.Class,
			f.State != "" && r.State != f.State,
			f.Overdue && !r.Overdue:
			continue
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rulesOf := map[string]Rules{}
	for i := range out {
		if !out[i].PreLate && !out[i].RatingLate {
			continue
		}
		j := juris[out[i].ID]
		rules, ok := rulesOf[j]
		if !ok {
			var err error
			if rules, err = GetRules(ctx, q, j); err != nil {
				return nil, err
			}
			rulesOf[j] = rules
		}
		out[i].PreLate = out[i].PreLate && f.Day > rules.AddWorkdays(out[i].AssignedOn, rules.ContactDays)
		out[i].RatingLate = out[i].RatingLate && f.Day > rules.AddWorkdays(out[i].RepliedOn, rules.FeedbackDays)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.State.Open() != b.State.Open() {
			return a.State.Open()
		}
		if (a.DueOn == "") != (b.DueOn == "") {
			return a.DueOn != ""
		}
		return a.DueOn < b.DueOn
	})
	return out, nil
}

// Figures are a unit's yearly figures (of proposals assigned in the year,
// led by the unit): the count, the replies by class, the on-time reply
// rate (first replies by the deadline in force, over proposals replied or
// past their deadline) and the satisfaction rates of the first rating
// (满意 and 基本满意 over those rated).
type Figures struct {
	UnitID        int64
	Unit          string
	Count         int
	Replied       int
	ByClass       map[string]int
	OnTime        int
	Due           int // replied, or past the deadline unreplied: the on-time rate's base
	Overdue       int
	Rated         int
	HandlingOK    int
	ResultOK      int
	Dissatisfied  int
	Rehandled     int
	Extended      int
	ClassShare    map[string]float64 // per cent of replies, one decimal
	OnTimeRate    float64            // per cent; -1 without a base
	HandlingRate  float64
	ResultRate    float64
	ClassesInList []Class
}

func pct(n, d int) float64 {
	if d == 0 {
		return -1
	}
	return math.Round(float64(n)*1000/float64(d)) / 10
}

// Yearly computes the figures of year by lead unit, and the total, as of
// day.
func Yearly(ctx context.Context, q store.Querier, year int, day string) ([]Figures, Figures, error) {
	rows, err := List(ctx, q, Filter{Year: year, Day: day})
	if err != nil {
		return nil, Figures{}, err
	}
	first, err := firstRatings(ctx, q)
	if err != nil {
		return nil, Figures{}, err
	}
	rules, err := GetRules(ctx, q, "default")
	if err != nil {
		return nil, Figures{}, err
	}
	byUnit := map[int64]*Figures{}
	total := &Figures{Unit: "合计", ByClass: map[string]int{}}
	var firstDue = map[int64][2]string{}
	fr, err := q.QueryContext(ctx, `SELECT id, first_due_on, first_replied_on FROM proposals`)
	if err != nil {
		return nil, Figures{}, err
	}
	for fr.Next() {
		var id int64
		var d, r string
		if err := fr.Scan(&id, &d, &r); err != nil {
			fr.Close()
			return nil, Figures{}, err
		}
		firstDue[id] = [2]string{d, r}
	}
	fr.Close()
	for _, r := range rows {
		if r.LeadID == 0 {
			continue
		}
		f := byUnit[r.LeadID]
		if f == nil {
			f = &Figures{UnitID: r.LeadID, Unit: r.Lead, ByClass: map[string]int{}}
			byUnit[r.LeadID] = f
		}
		for _, x := range []*Figures{f, total} {
			x.Count++
			if r.Class != "" && (r.State == Replied || r.State == Closed || r.Round > 1) {
				x.Replied++
				x.ByClass[r.Class]++
			}
			fd := firstDue[r.ID]
			switch {
			case fd[1] != "":
				x.Due++
				if fd[1] <= fd[0] {
					x.OnTime++
				}
			case fd[0] != "" && day > fd[0]:
				x.Due++
			}
			if r.Overdue {
				x.Overdue++
			}
			if r.Extended {
				x.Extended++
			}
			if r.Round > 1 {
				x.Rehandled++
			}
			if rt, ok := first[r.ID]; ok {
				x.Rated++
				if rt[0] != "dissatisfied" {
					x.HandlingOK++
				}
				if rt[1] != "dissatisfied" {
					x.ResultOK++
				}
				if rt[0] == "dissatisfied" || rt[1] == "dissatisfied" {
					x.Dissatisfied++
				}
			}
		}
	}
	var out []Figures
	for _, f := range byUnit {
		out = append(out, *f)
	}
	i18n.SortByName(out, func(f Figures) string { return f.Unit })
	for i := range out {
		finish(&out[i], rules)
	}
	finish(total, rules)
	return out, *total, nil
}

func finish(f *Figures, rules Rules) {
	f.ClassesInList = rules.Classes
	f.ClassShare = map[string]float64{}
	for _, c := range rules.Classes {
		f.ClassShare[c.Key] = pct(f.ByClass[c.Key], f.Replied)
	}
	f.OnTimeRate = pct(f.OnTime, f.Due)
	f.HandlingRate = pct(f.HandlingOK, f.Rated)
	f.ResultRate = pct(f.ResultOK, f.Rated)
}

// firstRatings are each proposal's ratings of its first round.
func firstRatings(ctx context.Context, q store.Querier) (map[int64][2]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT proposal_id, handling, result FROM proposal_ratings WHERE round = 1`)
	if err != nil {
		return nil, fmt.Errorf("proposal ratings: %w", err)
	}
	defer rows.Close()
	out := map[int64][2]string{}
	for rows.Next() {
		var id int64
		var h, r string
		if err := rows.Scan(&id, &h, &r); err != nil {
			return nil, err
		}
		out[id] = [2]string{h, r}
	}
	return out, rows.Err()
}

// RemindDays is how many days before its deadline a lead unit is reminded.
const RemindDays = 10

// Remind tells each lead unit of its proposals coming due (within
// RemindDays) and of those overdue, through the notices of its
// organisation: one notice of each kind per proposal and deadline. It
// answers how many it wrote.
func Remind(ctx context.Context, db *store.DB, day string) (int, error) {
	rows, err := List(ctx, db, Filter{Day: day})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range rows {
		if !r.State.Open() || r.LeadID == 0 {
			continue
		}
		kind := ""
		switch {
		case r.Overdue:
			kind = "proposal_overdue"
		case r.DaysLeft <= RemindDays:
			kind = "proposal_due"
		default:
			continue
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			n := program.Notice{OrganisationID: r.LeadID, Kind: kind, Args: []any{r.Title, r.DueOn, r.ID}}
			var seen int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE organisation_id = ? AND kind = ? AND args = ?`,
				r.LeadID, kind, noticeArgs(n.Args)).Scan(&seen); err != nil || seen > 0 {
				return err
			}
			ok, err := program.NotifyOnce(ctx, tx, n, fmt.Sprintf("%s:%d:%s", kind, r.LeadID, noticeArgs(n.Args)))
			if ok {
				sent++
			}
			return err
		})
		if err != nil {
			return sent, fmt.Errorf("remind proposal %d: %w", r.ID, err)
		}
	}
	return sent, nil
}

func noticeArgs(args []any) string {
	b, _ := json.Marshal(args)
	return string(b)
}
