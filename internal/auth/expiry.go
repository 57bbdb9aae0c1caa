package auth

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseExpiry reads a token lifetime such as "30d", "12h", "90m" or "" (no
// expiry). Days are accepted because administrators think in days.
func ParseExpiry(s string) (time.Duration, error) {
	if s == "" || s == "0" || s == "never" {
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n <= 0 || n > 3650 {
			return 0, fmt.Errorf("expiry %q: days must be 1 to 3650", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("expiry %q: use e.g. 30d, 12h or 90m", s)
	}
	return d, nil
}
