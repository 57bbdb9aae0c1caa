package program

import (
	"strconv"
	"strings"
	"time"
)

// Deadline is when a transition out of a record's current stage is due.
type Deadline struct {
	Transition string    `json:"transition"`
	Due        time.Time `json:"due"`
	Overdue    bool      `json:"overdue"`
	Closes     bool      `json:"closes"` // the call's end: the transition is refused after it
}

// due is when tr is due for a record that entered its stage at entered, in
// call c: "call_end" is the end of the call's last day in China Standard
// Time; "Nd" is N days after entering the stage.
func due(tr Transition, c Call, entered time.Time) (Deadline, bool) {
	d := Deadline{Transition: tr.Key}
	switch {
	case tr.Deadline == "call_end":
		day, err := time.ParseInLocation(time.DateOnly, c.Closes, shanghai)
		if err != nil {
			return d, false
		}
		d.Due, d.Closes = day.AddDate(0, 0, 1), true
	case strings.HasSuffix(tr.Deadline, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(tr.Deadline, "d"))
		if err != nil || entered.IsZero() {
			return d, false
		}
		d.Due = entered.AddDate(0, 0, n)
	default:
		return d, false
	}
	return d, true
}

// Deadlines lists the deadlines of the transitions out of the record's
// current stage, as of now.
func Deadlines(t *Template, c Call, stage string, entered, now time.Time) []Deadline {
	var out []Deadline
	for _, tr := range t.Transitions {
		if !contains(tr.From, stage) || tr.Deadline == "" {
			continue
		}
		if d, ok := due(tr, c, entered); ok {
			d.Overdue = now.After(d.Due)
			out = append(out, d)
		}
	}
	return out
}
