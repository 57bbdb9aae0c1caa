package auth

import (
	"sync"
	"time"
)

// throttle counts sign-in failures per client address in a sliding window,
// in memory: it slows a guesser spraying many accounts from one address.
// (Failures per account are counted in the database, so a lock survives a
// restart and holds across instances.)
type throttle struct {
	mu    sync.Mutex
	fails map[string][]time.Time
}

func newThrottle() *throttle { return &throttle{fails: map[string][]time.Time{}} }

func (t *throttle) prune(addr string, now time.Time, window time.Duration) []time.Time {
	ts := t.fails[addr]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(t.fails, addr)
	} else {
		t.fails[addr] = ts
	}
	return ts
}

// blocked reports whether addr has reached limit failures within window.
func (t *throttle) blocked(addr string, now time.Time, limit int, window time.Duration) bool {
	if limit <= 0 || addr == "" {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.prune(addr, now, window)) >= limit
}

func (t *throttle) fail(addr string, now time.Time, window time.Duration) {
	if addr == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails[addr] = append(t.prune(addr, now, window), now)
	if len(t.fails) > 100000 { // bound memory under a flood of addresses
		for k := range t.fails {
			delete(t.fails, k)
			if len(t.fails) <= 50000 {
				break
			}
		}
	}
}
