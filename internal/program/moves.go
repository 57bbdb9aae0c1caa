package program

import "strings"

// negativeStages are the stage keys (or, with a trailing "_", prefixes and,
// with a leading "_", suffixes) that end or set back what was applied for:
// a move into one is the negative answer, shown apart from the positive one.
var negativeStages = []string{"not_", "_rejected", "rejected", "declined", "withdrawn", "removed", "dropped", "failed", "revoked",
	"terminated", "cancelled", "abandoned", "defaulted", "expired", "returned"}

// Negative reports whether tr gives the negative answer: it leads to a
// stage that refuses, ends early or sends the record back, or to one whose
// outcome counts as a failure.
func (t *Template) Negative(tr *Transition) bool {
	if t.Grave(tr) {
		return true
	}
	for _, k := range negativeStages {
		switch {
		case strings.HasSuffix(k, "_") && strings.HasPrefix(tr.To, k),
			strings.HasPrefix(k, "_") && strings.HasSuffix(tr.To, k),
			tr.To == k:
			return true
		}
	}
	return false
}

// DecidesOnReview reports whether tr, taken in the review stage by a role,
// decides on the review's results (it leaves the stage): such moves wait
// until the round holds the score sheets the template requires.
func (t *Template) DecidesOnReview(tr *Transition) bool {
	if t.Review == nil || tr.To == t.Review.ReviewStage() || !contains(tr.From, t.Review.ReviewStage()) {
		return false
	}
	for _, by := range tr.By {
		if _, ok := RoleOf(by); ok {
			return true
		}
	}
	return false
}
