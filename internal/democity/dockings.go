package democity

import (
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// dockings: 华为 docking its AI with 新松 and ten more robot enterprises
// (the letter's 11), and with four enterprises of other clusters; of the
// robot ones, six reached agreement, two declined after meeting. They are
// filed under the standing docking call, as accepted suggestions are.
func (g *gen) dockings() error {
	if g.copy > 0 {
		return nil
	}
	var call program.Call
	if err := g.db.InTx(g.ctx, func(tx *store.Tx) error {
		var err error
		call, err = program.StandingCall(g.ctx, tx, "docking", "docking", "供需对接")
		return err
	}); err != nil {
		return err
	}
	for _, y := range []int{2024, 2025} {
		g.calls[fmt.Sprintf("docking|%d", y)] = call.ID
	}
	robots, err := g.clusterFirms("机器人", 10, g.named["新松"])
	if err != nil {
		return err
	}
	others, err := g.clusterFirms("汽车及零部件", 4, 0)
	if err != nil {
		return err
	}
	huawei := g.named["华为"]
	ends := []string{"agreement", "agreement", "agreement", "agreement", "agreement", "agreement", "declined", "declined", "meeting", "meeting", "contact"}
	for i, org := range append([]int64{g.named["新松"]}, robots...) {
		marks := g.marks("contact", "2024-09-02", "2025-03-28")
		switch ends[i] {
		case "meeting":
			marks = append(marks, g.marks("meeting", "2025-04-01", "2025-05-30")...)
		case "agreement", "declined":
			marks = append(marks, g.marks("meeting", "2025-04-01", "2025-04-30", ends[i], "2025-05-06", "2025-06-27")...)
		}
		if err := g.docking(org, huawei, marks); err != nil {
			return err
		}
	}
	for _, org := range others {
		if err := g.docking(org, huawei, g.marks("contact", "2024-10-08", "2025-06-20")); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) docking(org, counterpart int64, marks []program.Mark) error {
	var name string
	if err := g.db.QueryRowContext(g.ctx, `SELECT name FROM organisations WHERE id = ?`, org).Scan(&name); err != nil {
		return fmt.Errorf("docking of %d: %w", org, err)
	}
	notes := "双方围绕人工智能赋能机器人研发、视觉检测与运动控制开展洽谈。"
	s := rec(org, "华为人工智能赋能对接："+name, data{"topic": "人工智能赋能", "counterpart": float64(counterpart), "meeting_notes": notes}, marks)
	s.Created = marks[0].At // a docking starts in contact
	return g.record("docking", s)
}

// clusterFirms is the first n enterprises of a cluster, by id, but skip.
func (g *gen) clusterFirms(cluster string, n int, skip int64) ([]int64, error) {
	out, err := queryIDs(g.ctx, g.db, `SELECT o.id FROM organisations o
JOIN organisation_clusters oc ON oc.organisation_id = o.id JOIN clusters c ON c.id = oc.cluster_id
WHERE c.name = ? AND o.kind = 'enterprise' AND o.id <> ? ORDER BY o.id LIMIT ?`, cluster, skip, n)
	if err != nil {
		return nil, fmt.Errorf("firms of %s: %w", cluster, err)
	}
	if len(out) < n {
		return nil, fmt.Errorf("the demo city has %d enterprises in %s, needs %d", len(out), cluster, n)
	}
	return out, nil
}
