package democity

import (
	"fmt"
	"slices"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// matchPlan is what a challenge's owner decided on the solvers the
// matching engine suggested: whom to contact (a docking each) and whom
// not.
type matchPlan struct {
	challenge, owner int64
	title, field     string
	published        time.Time
	contacted        []int64     // accepted suggestions, in order
	ends             []string    // how each docking ended: agreement, declined, meeting (still talking)
	endAt            []time.Time // when it ended
}

// challengeMatches writes the owners' decisions on suggested solvers:
// accepted ones start a docking (contact, meeting, agreement or not), one
// fitting solver the owner did not want is rejected with a reason.
func (g *gen) challengeMatches(plans []matchPlan) error {
	if g.copy > 0 {
		return nil
	}
	type decision struct {
		need, candidate, docking int64
		what, reason             string
		at                       time.Time
	}
	var ds []decision
	for _, p := range plans {
		r := g.sub("match|" + p.title)
		at := after(r, p.published, 2, 6)
		for i, c := range p.contacted {
			name, err := g.orgName(c)
			if err != nil {
				return err
			}
			marks := []program.Mark{{Stage: "meeting", At: after(r, at, 7, 7)}}
			if p.ends[i] != "meeting" {
				marks = append(marks, program.Mark{Stage: p.ends[i], At: p.endAt[i]})
			}
			s := rec(p.owner, "对接："+p.title+" — "+name, data{"topic": "揭榜挂帅", "counterpart": float64(c), "need_record": float64(p.challenge),
				"meeting_notes": "双方就榜单技术指标、攻关路线和验证条件进行洽谈。"}, marks)
			s.Created = at
			id, err := g.recordNow("docking", s)
			if err != nil {
				return err
			}
			ds = append(ds, decision{p.challenge, c, id, "accepted", "研究方向与榜单需求契合，已有相关成果", at})
		}
		for _, cand := range solverNames[p.field] {
			id, ok := g.named[cand]
			if ok && !slices.Contains(p.contacted, id) && id != p.owner {
				ds = append(ds, decision{p.challenge, id, 0, "rejected", "团队近期任务饱和，暂不对接", at.Add(20 * time.Minute)})
				break
			}
		}
	}
	return g.db.InTx(g.ctx, func(tx *store.Tx) error {
		for _, d := range ds {
			var docking any
			if d.docking != 0 {
				docking = d.docking
			}
			if _, err := tx.ExecContext(g.ctx, `INSERT INTO match_decisions (need_id, candidate_id, decision, reason, docking_id, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				d.need, d.candidate, d.what, d.reason, docking, "演示数据", d.at.UTC()); err != nil {
				return fmt.Errorf("demo match decision: %w", err)
			}
		}
		return nil
	})
}

// orgName is an organisation's name.
func (g *gen) orgName(id int64) (string, error) {
	var name string
	if err := g.db.QueryRowContext(g.ctx, `SELECT name FROM organisations WHERE id = ?`, id).Scan(&name); err != nil {
		return "", fmt.Errorf("name of organisation %d: %w", id, err)
	}
	return name, nil
}
