package site

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// KeptJSON keeps the encoded answers of a read-only JSON list for one
// audit generation. Every write is audited and moves the generation, so
// nothing kept outlives a write: the next request after one builds afresh.
// The zero value is ready to use.
type KeptJSON struct {
	mu    sync.Mutex
	gen   int64
	bytes int
	m     map[string][]byte
}

// keptJSONMax bounds what one KeptJSON holds for a generation; past it, a
// new answer is served but not kept.
const keptJSONMax = 32 << 20

// Serve answers r with the JSON kept under key for the current generation,
// else with what build returns (given a read-only context), keeping it.
// The key must hold everything the answer depends on besides the records:
// the query and the caller's scope.
func (k *KeptJSON) Serve(w http.ResponseWriter, r *http.Request, db store.Querier, key string, build func(ctx context.Context) (any, error)) error {
	ctx := audit.ReadOnly(r.Context())
	gen, err := audit.Generation(ctx, db)
	if err != nil {
		return err
	}
	k.mu.Lock()
	var b []byte
	if gen != 0 && gen == k.gen { // gen 0: nothing audited yet, nothing to key on
		b = k.m[key]
	}
	k.mu.Unlock()
	if b == nil {
		v, err := build(ctx)
		if err != nil {
			return err
		}
		if b, err = json.Marshal(v); err != nil {
			return fmt.Errorf("encode JSON: %w", err)
		}
		b = append(b, '\n')
		k.keep(gen, key, b)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}

// keep stores b under key for gen; the store moves only forward: an answer
// of an older generation than the one kept is not stored.
func (k *KeptJSON) keep(gen int64, key string, b []byte) {
	if gen == 0 {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if gen < k.gen {
		return
	}
	if gen > k.gen || k.m == nil {
		k.gen, k.m, k.bytes = gen, map[string][]byte{}, 0
	}
	if k.bytes+len(b) > keptJSONMax {
		return
	}
	if old, ok := k.m[key]; ok {
		k.bytes -= len(old)
	}
	k.m[key], k.bytes = b, k.bytes+len(b)
}
