// Package chain owns the industrial-chain innovation map (产业链创新发展图谱):
// each chain's links from upstream to downstream, the enterprises,
// universities and institutes working at each link with the chain leaders
// (链主) marked, the key technologies with their bottleneck (卡脖子) flag,
// the "325" model's dimension (关键技术受制于人 / 进口产品国产替代) and choke
// point (整机/部件/附件), and how each technology stands: the records
// (tackling projects, challenges …) that address it, by which of the five
// ways, and the problems they solved. The gap view names links with no
// local organisation and bottleneck technologies with nothing under way.
package chain

import (
	"context"
	"fmt"
	"slices"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// The values the map's fields take (Chinese, as the bureau writes them,
// except the stages, which are keys).
var (
	Stages     = []string{"upstream", "midstream", "downstream"}
	Dimensions = []string{"关键技术受制于人", "进口产品国产替代"}
	Chokes     = []string{"整机", "部件", "附件"}
	Ways       = []string{"龙头企业自主研发", "联合攻关", "揭榜挂帅", "带土移植", "基础研究"}
)

// stalled are the stages in which a record no longer works on anything:
// a technology whose records are all in them has nothing under way.
var stalled = []string{"draft", "returned", "rejected", "withdrawn", "failed", "not_recommended"}

// Chain is a chain with what its map holds, counted.
type Chain struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	NameEN       string `json:"name_en,omitempty"`
	Cluster      string `json:"cluster,omitempty"`
	Links        int    `json:"links"`
	Members      int    `json:"members"`
	Leaders      int    `json:"leaders"`
	Technologies int    `json:"technologies"`
	Bottlenecks  int    `json:"bottlenecks"`
}

// Link is one link (环节) of a chain with the organisations at it.
type Link struct {
	ID      int64    `json:"id"`
	ChainID int64    `json:"chain_id"`
	Name    string   `json:"name"`
	Stage   string   `json:"stage"`
	Sort    int      `json:"sort"`
	Members []Member `json:"members"`
}

// Member is an organisation working at a link.
type Member struct {
	LinkID         int64  `json:"link_id"`
	OrganisationID int64  `json:"organisation_id"`
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	Leader         bool   `json:"leader"`
}

// Technology is a key technology of a chain and how it stands.
type Technology struct {
	ID         int64          `json:"id"`
	ChainID    int64          `json:"chain_id"`
	LinkID     int64          `json:"link_id,omitempty"`
	Link       string         `json:"link,omitempty"`
	Name       string         `json:"name"`
	Field      string         `json:"field,omitempty"`
	Bottleneck bool           `json:"bottleneck"`
	Dimension  string         `json:"dimension,omitempty"`
	Choke      string         `json:"choke,omitempty"`
	Records    []Record       `json:"records"`
	Ways       map[string]int `json:"ways"`   // records under way, by way
	Solved     int            `json:"solved"` // problems the records solved
	Status     string         `json:"status"` // solved, under_way, none
}

// Record is a record addressing a technology.
type Record struct {
	ProjectID      int64  `json:"project_id"`
	Title          string `json:"title"`
	Program        string `json:"program"`
	ProgramName    string `json:"program_name"`
	Stage          string `json:"stage"`
	OrganisationID int64  `json:"organisation_id"`
	Organisation   string `json:"organisation"`
	Way            string `json:"way"`
	Solved         int    `json:"solved"`
	UnderWay       bool   `json:"under_way"`
}

// Map is one chain's map.
type Map struct {
	Chain
	Links        []Link       `json:"links"`
	Technologies []Technology `json:"technologies"`
	Gaps         Gaps         `json:"gaps"`
}

// Gaps are what the chain lacks locally: links no organisation works at,
// bottleneck technologies nothing is under way on.
type Gaps struct {
	EmptyLinks []Link       `json:"empty_links"`
	Idle       []Technology `json:"idle_bottlenecks"`
}

// List lists the chains with their counts, by cluster order then name.
func List(ctx context.Context, q store.Querier) ([]Chain, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.name, c.name_en, COALESCE(cl.name, ''),
		(SELECT count(*) FROM chain_links l WHERE l.chain_id = c.id),
		(SELECT count(DISTINCT m.organisation_id) FROM chain_members m JOIN chain_links l ON l.id = m.link_id WHERE l.chain_id = c.id),
		(SELECT count(DISTINCT m.organisation_id) FROM chain_members m JOIN chain_links l ON l.id = m.link_id WHERE l.chain_id = c.id AND m.leader),
		(SELECT count(*) FROM key_technologies k WHERE k.chain_id = c.id),
		(SELECT count(*) FROM key_technologies k WHERE k.chain_id = c.id AND k.bottleneck)
		FROM chains c LEFT JOIN clusters cl ON cl.id = c.cluster_id ORDER BY COALESCE(cl.sort, 1000000), c.name`)
	if err != nil {
		return nil, fmt.Errorf("chains: %w", err)
	}
	defer rows.Close()
	var out []Chain
	for rows.Next() {
		var c Chain
		if err := rows.Scan(&c.ID, &c.Name, &c.NameEN, &c.Cluster, &c.Links, &c.Members, &c.Leaders, &c.Technologies, &c.Bottlenecks); err != nil {
			return nil, fmt.Errorf("chains: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Get reads one chain's map: links upstream to downstream with their
// members (leaders first), technologies with the records addressing them,
// and the gaps.
func Get(ctx context.Context, q store.Querier, id int64) (*Map, error) {
	all, err := List(ctx, q)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(all, func(c Chain) bool { return c.ID == id })
	if i < 0 {
		return nil, problem.New(problem.ErrNotFound, "chain.not_found", id)
	}
	m := &Map{Chain: all[i], Links: []Link{}, Technologies: []Technology{}, Gaps: Gaps{EmptyLinks: []Link{}, Idle: []Technology{}}}
	if err := m.readLinks(ctx, q); err != nil {
		return nil, err
	}
	if err := m.readTechnologies(ctx, q); err != nil {
		return nil, err
	}
	for _, l := range m.Links {
		if len(l.Members) == 0 {
			m.Gaps.EmptyLinks = append(m.Gaps.EmptyLinks, l)
		}
	}
	for _, t := range m.Technologies {
		if t.Bottleneck && t.Status == "none" {
			m.Gaps.Idle = append(m.Gaps.Idle, t)
		}
	}
	return m, nil
}

// stageOrder sorts links upstream → midstream → downstream.
const stageOrder = `CASE l.stage WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 ELSE 2 END`

func (m *Map) readLinks(ctx context.Context, q store.Querier) error {
	rows, err := q.QueryContext(ctx, `SELECT l.id, l.chain_id, l.name, l.stage, l.sort FROM chain_links l WHERE l.chain_id = ? ORDER BY `+stageOrder+`, l.sort, l.id`, m.ID)
	if err != nil {
		return fmt.Errorf("chain %d links: %w", m.ID, err)
	}
	at := map[int64]int{}
	for rows.Next() {
		l := Link{Members: []Member{}}
		if err := rows.Scan(&l.ID, &l.ChainID, &l.Name, &l.Stage, &l.Sort); err != nil {
			rows.Close()
			return fmt.Errorf("chain %d links: %w", m.ID, err)
		}
		at[l.ID] = len(m.Links)
		m.Links = append(m.Links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT x.link_id, x.organisation_id, o.name, o.kind, x.leader FROM chain_members x
		JOIN chain_links l ON l.id = x.link_id JOIN organisations o ON o.id = x.organisation_id
		WHERE l.chain_id = ? ORDER BY x.leader DESC, o.name`, m.ID)
	if err != nil {
		return fmt.Errorf("chain %d members: %w", m.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var x Member
		if err := rows.Scan(&x.LinkID, &x.OrganisationID, &x.Name, &x.Kind, &x.Leader); err != nil {
			return fmt.Errorf("chain %d members: %w", m.ID, err)
		}
		l := &m.Links[at[x.LinkID]]
		l.Members = append(l.Members, x)
	}
	return rows.Err()
}

func (m *Map) readTechnologies(ctx context.Context, q store.Querier) error {
	rows, err := q.QueryContext(ctx, `SELECT k.id, k.chain_id, COALESCE(k.link_id, 0), COALESCE(l.name, ''), k.name, k.field, k.bottleneck, k.dimension, k.choke
		FROM key_technologies k LEFT JOIN chain_links l ON l.id = k.link_id WHERE k.chain_id = ? ORDER BY k.bottleneck DESC, k.name`, m.ID)
	if err != nil {
		return fmt.Errorf("chain %d technologies: %w", m.ID, err)
	}
	at := map[int64]int{}
	for rows.Next() {
		t := Technology{Records: []Record{}, Ways: map[string]int{}}
		if err := rows.Scan(&t.ID, &t.ChainID, &t.LinkID, &t.Link, &t.Name, &t.Field, &t.Bottleneck, &t.Dimension, &t.Choke); err != nil {
			rows.Close()
			return fmt.Errorf("chain %d technologies: %w", m.ID, err)
		}
		at[t.ID] = len(m.Technologies)
		m.Technologies = append(m.Technologies, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT r.technology_id, p.id, p.title, t.key, t.name, p.stage, o.id, o.name, r.way,
		(SELECT count(*) FROM project_outcomes x WHERE x.project_id = p.id AND x.kind = 'problem' AND x.status = 'solved')
		FROM key_technology_records r JOIN key_technologies k ON k.id = r.technology_id JOIN projects p ON p.id = r.project_id
		JOIN program_templates t ON t.id = p.template_id JOIN organisations o ON o.id = p.organisation_id
		WHERE k.chain_id = ? ORDER BY p.id`, m.ID)
	if err != nil {
		return fmt.Errorf("chain %d records: %w", m.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid int64
		var r Record
		if err := rows.Scan(&tid, &r.ProjectID, &r.Title, &r.Program, &r.ProgramName, &r.Stage, &r.OrganisationID, &r.Organisation, &r.Way, &r.Solved); err != nil {
			return fmt.Errorf("chain %d records: %w", m.ID, err)
		}
		r.UnderWay = !slices.Contains(stalled, r.Stage)
		t := &m.Technologies[at[tid]]
		t.Records = append(t.Records, r)
		t.Solved += r.Solved
		if r.UnderWay {
			t.Ways[r.Way]++
		}
	}
	for i := range m.Technologies {
		m.Technologies[i].Status = status(m.Technologies[i])
	}
	return rows.Err()
}

// status: solved once a record solved a problem of it; under way while a
// record works on it; none otherwise (a gap when it is a bottleneck).
func status(t Technology) string {
	switch {
	case t.Solved > 0:
		return "solved"
	case len(t.Ways) > 0:
		return "under_way"
	}
	return "none"
}

// Place is where an organisation stands on the map: a link of a chain.
type Place struct {
	ChainID int64  `json:"chain_id"`
	Chain   string `json:"chain"`
	LinkID  int64  `json:"link_id"`
	Link    string `json:"link"`
	Stage   string `json:"stage"`
	Leader  bool   `json:"leader"`
}

// Places lists the links an organisation works at (for its profile), the
// chains it leads first.
func Places(ctx context.Context, q store.Querier, orgID int64) ([]Place, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.name, l.id, l.name, l.stage, m.leader FROM chain_members m
		JOIN chain_links l ON l.id = m.link_id JOIN chains c ON c.id = l.chain_id WHERE m.organisation_id = ? ORDER BY m.leader DESC, c.name, l.sort, l.id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("chain places of %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		var p Place
		if err := rows.Scan(&p.ChainID, &p.Chain, &p.LinkID, &p.Link, &p.Stage, &p.Leader); err != nil {
			return nil, fmt.Errorf("chain places of %d: %w", orgID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
