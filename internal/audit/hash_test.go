package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"
	"time"
)

// TestHashEncodingUnchanged: computeHash must give the hashes stored by
// earlier versions, which wrote each field with fmt's "%d:%s;", or Verify
// would call every existing chain broken.
func TestHashEncodingUnchanged(t *testing.T) {
	old := func(e Event) string {
		h := sha256.New()
		for _, f := range []string{
			e.PrevHash, strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339Nano),
			strconv.FormatInt(e.ActorID, 10), e.Actor, e.Address, e.Entity, e.EntityID,
			e.Action, e.Outcome, e.Before, e.After,
		} {
			fmt.Fprintf(h, "%d:%s;", len(f), f)
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	at := time.Date(2026, 12, 6, 13, 0, 0, 123456000, time.FixedZone("CST", 8*3600))
	for _, e := range []Event{
		{},
		{ID: 1, At: at, Actor: "system", Entity: "organisation", EntityID: "42", Action: "create", Outcome: OK, After: `{"name":"沈阳示例科技有限公司"}`},
		{ID: 99999, At: at, ActorID: 7, Actor: "张三", Address: "10.0.0.1", Entity: "x;y:z", Action: "update", Outcome: Refused,
			Before: "1:2;", After: "", PrevHash: "ab12"},
	} {
		if got, want := e.computeHash(), old(e); got != want {
			t.Errorf("event %d: hash %s, earlier versions wrote %s", e.ID, got, want)
		}
	}
}
