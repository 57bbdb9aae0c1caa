package web_test

import (
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestIndicatorsProposalsByUnit: the proposal indicators' pages open their
// proposals and break a count and a rate down by lead unit.
func TestIndicatorsProposalsByUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		unit, err := registry.Create(ctx, db, registry.Organisation{Name: "沈阳市科学技术局", Kind: "government"})
		if err != nil {
			t.Fatal(err)
		}
		office := proposal.Actor{Name: "office"}
		id, err := proposal.Register(ctx, db, nil, office, proposal.New{Number: "2025-W01", Kind: "cppcc", Member: "王志坚", Title: "关于推动新质生产力发展的提案", ReceivedOn: "2025-02-20"})
		if err != nil {
			t.Fatal(err)
		}
		if err := proposal.Assign(ctx, db, office, id, 0, "2025-03-03", unit.ID, nil); err != nil {
			t.Fatal(err)
		}
		c := e.client()
		c.signIn("u-manager", pw)
		resp, body := c.get("/indicators/proposals_assigned?as_of=2025-12-31&by=unit")
		if resp.StatusCode != 200 || !strings.Contains(body, "2025-W01") || !strings.Contains(body, "主办单位") || strings.Count(body, "沈阳市科学技术局") < 2 {
			t.Fatalf("proposals assigned by unit: %d", resp.StatusCode)
		}
		if _, body := c.get("/indicators/proposals_assigned?as_of=2025-03-02"); strings.Contains(body, "2025-W01") {
			t.Error("as of the day before its 交办 the proposal is listed")
		}
		// Past its deadline (2025-06-03) unreplied: due, not on time — 0 %
		// for the unit.
		resp, body = c.get("/indicators/proposals_on_time_rate?as_of=2025-12-31&by=unit")
		if resp.StatusCode != 200 || !strings.Contains(body, `&#34;data&#34;:[0],&#34;name&#34;:&#34;按时答复率&#34;`) || !strings.Contains(body, `&#34;data&#34;:[&#34;沈阳市科学技术局&#34;]`) {
			t.Fatalf("on-time rate by unit: %d", resp.StatusCode)
		}
	})
}
