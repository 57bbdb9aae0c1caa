package finance

import (
	"context"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Channel is one institution's green-channel record: how quickly it
// answers the needs sent to it, against the days its products promise.
type Channel struct {
	InstitutionID int64   `json:"institution_id"`
	Institution   string  `json:"institution"`
	Sent          int     `json:"sent"`
	Approved      int     `json:"approved"`
	Declined      int     `json:"declined"`
	Pending       int     `json:"pending"`
	MedianDays    float64 `json:"median_days"` // of the decided ones
	MaxDays       int     `json:"max_days"`    // pending ones count to today
	Breaches      int     `json:"breaches"`    // decided late, or pending past the promise
	Lent          float64 `json:"amount_approved"`
}

// GreenChannel sums the applications sent from one day to another
// (inclusive; "" for no bound) per institution, days counted to today for
// those still pending; the slowest institutions (most breaches) first.
func GreenChannel(ctx context.Context, q store.Querier, from, to, today string) ([]Channel, error) {
	apps, err := Applications(ctx, q, 0, 0, today)
	if err != nil {
		return nil, err
	}
	by := map[int64]*Channel{}
	days := map[int64][]int{}
	for _, a := range apps {
		if (from != "" && a.SentOn < from) || (to != "" && a.SentOn > to) {
			continue
		}
		c := by[a.InstitutionID]
		if c == nil {
			c = &Channel{InstitutionID: a.InstitutionID, Institution: a.Institution}
			by[a.InstitutionID] = c
		}
		c.Sent++
		if a.DecidedOn > today { // not decided yet on the day asked about
			a.Decision, a.Approved, a.Days = "pending", 0, Days(a.SentOn, today)
			a.Breach = a.PromisedDays > 0 && a.Days > a.PromisedDays
		}
		switch a.Decision {
		case "approved":
			c.Approved++
			c.Lent += a.Approved
		case "declined":
			c.Declined++
		default:
			c.Pending++
		}
		if a.Decision != "pending" {
			days[a.InstitutionID] = append(days[a.InstitutionID], a.Days)
		}
		c.MaxDays = max(c.MaxDays, a.Days)
		if a.Breach {
			c.Breaches++
		}
	}
	out := make([]Channel, 0, len(by))
	for id, c := range by {
		c.MedianDays = median(days[id])
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Channel) int {
		if a.Breaches != b.Breaches {
			return b.Breaches - a.Breaches
		}
		if a.InstitutionID < b.InstitutionID {
			return -1
		}
		return 1
	})
	return out, nil
}

func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return float64(s[len(s)/2])
	}
	return float64(s[len(s)/2-1]+s[len(s)/2]) / 2
}
