package audit

import (
	"encoding/json"
	"fmt"
	"sort"
)

// FieldChange is one field that differs between an event's before and after.
type FieldChange struct {
	Field  string
	Before string
	After  string
}

// Changes lists the fields whose values differ between Before and After
// (both JSON objects), sorted by field; for a creation every field of After.
// Values that are not JSON objects yield one change for the whole value.
func (e Event) Changes() []FieldChange {
	var before, after map[string]any
	errB := json.Unmarshal([]byte(e.Before), &before)
	errA := json.Unmarshal([]byte(e.After), &after)
	if (e.Before != "" && errB != nil) || (e.After != "" && errA != nil) {
		if e.Before == e.After {
			return nil
		}
		return []FieldChange{{Field: "", Before: e.Before, After: e.After}}
	}
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		b, a := show(before, k), show(after, k)
		if b != a {
			out = append(out, FieldChange{Field: k, Before: b, After: a})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func show(m map[string]any, k string) string {
	v, ok := m[k]
	if !ok || v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
