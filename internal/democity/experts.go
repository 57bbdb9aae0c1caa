package democity

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// expertN is the size of the city's expert pool (科研项目评审专家库).
const expertN = 300

// DemoReviewers are the expert accounts a person signs in with in the demo:
// the demo city makes them experts of the pool, with fields, employment
// and work waiting; the demo command sets their passwords.
var DemoReviewers = []string{"demo-reviewer", "demo-expert-1", "demo-expert-2", "demo-expert-3", "demo-expert-4"}

// expert is one of the pool as the generator knows them.
type expert struct {
	user, person int64
	orgs         []int64 // current and former employers
	fields       []string
}

// staffPrincipal is the bureau's manager as the demo city's loader acts.
var staffPrincipal = access.Principal{Name: "演示·项目管理员", Username: "democity", Roles: []access.Role{access.Manager}}

// experts makes expertN senior people of the universities, institutes and
// large firms experts of the pool: accounts (without passwords, but the
// demo ones), fields of the city's clusters, and employment histories in
// which a third moved from a firm in the last five years.
func (g *gen) experts() error {
	r := g.prng
	var hosts []int64
	hosts = append(hosts, g.unis...)
	hosts = append(hosts, g.institutes...)
	hosts = append(hosts, g.large...)
	var accs []auth.BulkAccount
	var emp []registry.Employment
	seen := map[int64]bool{}
	for len(accs) < expertN {
		org := hosts[r.IntN(len(hosts))]
		person := g.staffOf(org)
		if person == 0 || seen[person] {
			continue
		}
		seen[person] = true
		e := expert{person: person, orgs: []int64{org}}
		n := len(accs)
		name := fmt.Sprintf("expert-%03d", n-len(DemoReviewers)+1)
		if n < len(DemoReviewers) {
			name = DemoReviewers[n]
		}
		started := fmt.Sprintf("%d-%02d-01", 2008+r.IntN(14), 1+r.IntN(12))
		if r.IntN(3) == 0 { // came from a firm: a former employer within the conflict window for some
			from := g.large[r.IntN(len(g.large))]
			left := fmt.Sprintf("%d-%02d-01", 2020+r.IntN(5), 1+r.IntN(12))
			emp = append(emp, registry.Employment{PersonID: person, OrganisationID: from, Started: "2005-07-01", Ended: left})
			e.orgs, started = append(e.orgs, from), left
		}
		emp = append(emp, registry.Employment{PersonID: person, OrganisationID: org, Started: started})
		for _, k := range r.Perm(len(clusterNames))[:1+r.IntN(3)] {
			e.fields = append(e.fields, clusterNames[k])
		}
		g.pool = append(g.pool, e)
		accs = append(accs, auth.BulkAccount{Username: name, DisplayName: g.personName[person], Role: access.Reviewer, PersonID: person})
	}
	err := g.db.InTx(g.ctx, func(tx *store.Tx) error {
		if err := auth.InsertAccounts(g.ctx, tx, accs); err != nil {
			return err
		}
		return registry.InsertEmployment(g.ctx, tx, emp)
	})
	if err != nil {
		return fmt.Errorf("experts: %w", err)
	}
	for i := range accs {
		g.pool[i].user = accs[i].ID
		if err := program.SetExpertFields(g.ctx, g.db, staffPrincipal, accs[i].ID, g.pool[i].fields); err != nil {
			return fmt.Errorf("expert fields: %w", err)
		}
	}
	g.step()
	return nil
}

// reviews: every record that passed an expert review was reviewed by the
// template's number of experts of the pool, none with a conflict and, where
// the template matches on a field, all of the record's field; the records
// still in review have their experts drawn by the review engine itself,
// which finds and logs the conflicts, and some of the scores are in.
func (g *gen) reviews() error {
	if err := g.flush(); err != nil {
		return err
	}
	for _, key := range []string{"major_equipment_tackling", "major_special_project", "transplant_team", "joint_lab", "doctoral_startup",
		"provincial_recommendation", "smart_factory_recognition", "industrial_internet_platform", "international_cooperation", "double_first_class_funding"} {
		t, err := g.template(key)
		if err != nil {
			return err
		}
		if t.Review == nil {
			continue
		}
		if err := g.pastReviews(key, t); err != nil {
			return fmt.Errorf("reviews of %s: %w", key, err)
		}
	}
	if err := g.specialInReview(); err != nil {
		return err
	}
	for _, key := range []string{"major_equipment_tackling", "major_special_project"} {
		if err := g.openReviews(key); err != nil {
			return fmt.Errorf("open reviews of %s: %w", key, err)
		}
	}
	g.step()
	return nil
}

type reviewed struct {
	id, org       int64
	field         string
	entered, left time.Time
}

// pastReviews writes the reviews of the records of key that left the
// review stage.
func (g *gen) pastReviews(key string, t *program.Template) error {
	stage := t.Review.ReviewStage()
	rows, err := g.db.QueryContext(g.ctx, `SELECT p.id, p.organisation_id, p.data, e.from_stage, e.to_stage, e.at
		FROM project_events e JOIN projects p ON p.id = e.project_id
		WHERE e.template_id = ? AND p.stage <> ? AND (e.to_stage = ? OR e.from_stage = ?) ORDER BY p.id, e.id`, g.tmplID[key], stage, stage, stage)
	if err != nil {
		return err
	}
	var recs []reviewed
	for rows.Next() {
		var rv reviewed
		var raw, from, to string
		var at time.Time
		if err := rows.Scan(&rv.id, &rv.org, &raw, &from, &to, &at); err != nil {
			rows.Close()
			return err
		}
		n := len(recs)
		switch {
		case to == stage && (n == 0 || recs[n-1].id != rv.id):
			rv.entered = at
			if f := t.Review.Field; f != "" {
				rv.field = jsonField(raw, f)
			}
			recs = append(recs, rv)
		case from == stage && n > 0 && recs[n-1].id == rv.id && recs[n-1].left.IsZero():
			recs[n-1].left = at
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	recs = slices.DeleteFunc(recs, func(rv reviewed) bool { return rv.left.IsZero() })
	r := g.prng
	var out []program.SeededReview
	for _, rv := range recs {
		var picked []int64
		for _, k := range r.Perm(len(g.pool)) {
			e := g.pool[k]
			if slices.Contains(e.orgs, rv.org) || (rv.field != "" && !slices.Contains(e.fields, rv.field)) {
				continue // a conflict, or not of the record's field
			}
			picked = append(picked, e.user)
			if len(picked) == t.Review.ReviewersPerRecord {
				break
			}
		}
		span := rv.left.Sub(rv.entered)
		for _, u := range picked {
			sc := map[string]float64{}
			base := 60 + r.Float64()*30
			for _, c := range t.Review.Criteria {
				v := c.Min + (c.Max-c.Min)*min(1, max(0, (base+r.Float64()*16-8)/100))
				sc[c.Key] = float64(int(v*10)) / 10
			}
			out = append(out, program.SeededReview{ProjectID: rv.id, ReviewerID: u, Assigned: rv.entered.Add(span / 10),
				Submitted: rv.entered.Add(span/2 + time.Duration(r.IntN(int(span/4)+1))), Scores: sc, Comment: "同意推荐（演示）"})
		}
	}
	return g.db.InTx(g.ctx, func(tx *store.Tx) error { return program.SeedReviews(g.ctx, tx, t, out) })
}

// openReviews draws the experts of the records of key still in review
// through the engine, gives each demo reviewer work waiting, and submits
// the scores of part of the panels: none in, some in, all in.
func (g *gen) openReviews(key string) error {
	t, err := g.template(key)
	if err != nil {
		return err
	}
	var ids, orgs []int64
	var fields []string
	rows, err := g.db.QueryContext(g.ctx, `SELECT id, organisation_id, data FROM projects WHERE template_id = ? AND stage = ? ORDER BY id`, g.tmplID[key], t.Review.ReviewStage())
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, org int64
		var raw string
		if err := rows.Scan(&id, &org, &raw); err != nil {
			rows.Close()
			return err
		}
		ids, orgs, fields = append(ids, id), append(orgs, org), append(fields, jsonField(raw, t.Review.Field))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// An expert of the record's field who once worked for its applicant:
	// the engine must find the conflict and keep them away.
	var moved []registry.Employment
	for i, org := range orgs {
		for _, k := range g.prng.Perm(len(g.pool)) {
			e := &g.pool[k]
			if k < len(DemoReviewers) || (fields[i] != "" && !slices.Contains(e.fields, fields[i])) || slices.Contains(e.orgs, org) {
				continue
			}
			e.orgs = append(e.orgs, org)
			moved = append(moved, registry.Employment{PersonID: e.person, OrganisationID: org, Started: "2016-03-01", Ended: "2024-02-29"})
			break
		}
	}
	if err := g.db.InTx(g.ctx, func(tx *store.Tx) error { return registry.InsertEmployment(g.ctx, tx, moved) }); err != nil {
		return err
	}
	waiting := map[int]bool{}
	for i, id := range ids {
		if _, err := program.Assign(g.ctx, g.db, staffPrincipal, id, 1); err != nil {
			return fmt.Errorf("assign %d: %w", id, err)
		}
		// Panels are left with none, three or all of their sheets in; a
		// whole panel (the template's number of sheets) lets a manager decide.
		whole := i%3 == 2
		// Each demo expert has a review waiting: the first record they
		// have no conflict with, from their own place in the list on, on a
		// panel that is not to be whole.
		for k := range DemoReviewers {
			if !whole && k <= i && !waiting[k] {
				ok, err := g.assignDemo(id, g.pool[k].user)
				if err != nil {
					return err
				}
				waiting[k] = ok
			}
		}
		as, err := program.Assignments(g.ctx, g.db, id)
		if err != nil {
			return err
		}
		want := map[int]int{0: 0, 1: 3, 2: len(as)}[i%3]
		for _, a := range as {
			if want == 0 || a.Status != program.Assigned || (!whole && g.isDemoReviewer(a.ReviewerID)) {
				continue // a demo expert drawn onto a panel to be whole scores too; elsewhere their review waits
			}
			sc := map[string]float64{}
			sr := rand.New(rand.NewPCG(g.opt.Seed, uint64(a.ID))) // the engine's draw is random: the people's stream must not depend on it
			for _, c := range t.Review.Criteria {
				sc[c.Key] = c.Min + float64(int((c.Max-c.Min)*(0.6+sr.Float64()*0.35)))
			}
			p := access.Principal{UserID: a.ReviewerID, Name: a.Reviewer, Username: a.Reviewer, Roles: []access.Role{access.Reviewer}}
			if _, err := program.SubmitScores(g.ctx, g.db, p, a.ID, program.Score{Scores: sc, Comment: "技术路线清晰，建议支持（演示）", Version: a.Version}); err != nil {
				return fmt.Errorf("scores of %d: %w", a.ID, err)
			}
			want--
		}
	}
	return nil
}

// assignDemo puts a demo expert on a record's panel unless the draw did,
// and unless they have a conflict with it; it says whether they are on it.
func (g *gen) assignDemo(projectID, user int64) (bool, error) {
	as, err := program.Assignments(g.ctx, g.db, projectID)
	if err != nil {
		return false, err
	}
	for _, a := range as {
		if a.ReviewerID == user {
			return true, nil
		}
	}
	cs, err := program.Conflicts(g.ctx, g.db, user, projectID, 3)
	if err != nil || len(cs) > 0 {
		return false, err
	}
	return true, program.Override(g.ctx, g.db, staffPrincipal, projectID, 1, user, "演示：指定该专家评审（经核无利益冲突）")
}

func (g *gen) isDemoReviewer(user int64) bool {
	for i := range DemoReviewers {
		if i < len(g.pool) && g.pool[i].user == user {
			return true
		}
	}
	return false
}

// specialInReview: six special projects of 2025 under expert review on 30
// June, with the applicant's summary, own funding and milestones, as a
// manager finds them when the panel's scores come in.
func (g *gen) specialInReview() error {
	topics := []struct{ title, field, deliverable string }{
		{"大尺寸碳化硅衬底切磨抛一体化装备", "集成电路", "样机切割良率≥95%"}, {"兆瓦级固态储能变流器", "新能源", "通过型式试验"},
		{"五轴联动数控系统国产化", "高端装备", "定位精度≤3μm"}, {"协作机器人力控关节模组", "机器人", "关节模组批量试制200套"},
		{"航空发动机机匣精密铸造", "航空航天", "一次合格率≥85%"}, {"工业大模型质检平台", "人工智能", "在10家企业上线应用"},
	}
	for i, tp := range topics {
		org := g.large[(i*37)%len(g.large)]
		if firms, err := g.largeIn(tp.field); err != nil {
			return err
		} else if len(firms) > 0 {
			org = firms[i%len(firms)]
		}
		ms := []any{
			map[string]any{"due": "2026-06-30", "deliverable": "完成关键技术攻关方案与原理样机"},
			map[string]any{"due": "2027-06-30", "deliverable": tp.deliverable},
			map[string]any{"due": "2027-12-31", "deliverable": "完成用户验证并形成知识产权不少于5项"},
		}
		s := rec(org, tp.title, data{"field": tp.field, "summary": "面向" + tp.field + "产业链关键环节，开展" + tp.title + "研制与示范应用（演示）",
			"amount_requested": 8000000.0, "self_funding": 24000000.0, "milestones": ms, "planned_end": "2027-12-31"}, g.marks("submitted", "2025-03-03", "2025-03-31", "review", "2025-05-12", "2025-06-13"))
		if err := g.record("major_special_project", s); err != nil {
			return err
		}
	}
	return g.flush()
}

// largeIn are the large firms of the city in a cluster.
func (g *gen) largeIn(cluster string) ([]int64, error) {
	ids, err := queryIDs(g.ctx, g.db, `SELECT o.id FROM organisations o JOIN organisation_clusters oc ON oc.organisation_id = o.id
		JOIN clusters c ON c.id = oc.cluster_id WHERE c.name = ? AND o.kind = 'enterprise' AND o.size = 'large' AND o.id >= ? ORDER BY o.id`, cluster, g.firstOrg)
	if err != nil {
		return nil, fmt.Errorf("large firms of %s: %w", cluster, err)
	}
	return ids, nil
}
