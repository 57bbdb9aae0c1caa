package password

import (
	_ "embed"
	"strings"
	"sync"
)

// commonList is the deny list: one lower-case password per line.
// See COMMON.md for its sources and how it was made.
//
//go:embed common.txt
var commonList string

var (
	commonOnce sync.Once
	commonSet  map[string]struct{}
)

// loadCommon builds the lookup set from the embedded list.
func loadCommon() {
	lines := strings.Split(commonList, "\n")
	commonSet = make(map[string]struct{}, len(lines))
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			commonSet[strings.ToLower(l)] = struct{}{}
		}
	}
}

// isCommon reports whether pw, trimmed and lower-cased, is on the list.
func isCommon(pw string) bool {
	commonOnce.Do(loadCommon)
	_, ok := commonSet[strings.ToLower(strings.TrimSpace(pw))]
	return ok
}
