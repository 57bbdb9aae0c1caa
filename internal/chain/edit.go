package chain

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// NewChain is a chain to add.
type NewChain struct {
	Name    string `json:"name"`
	NameEN  string `json:"name_en"`
	Cluster string `json:"cluster"` // a cluster's name; empty: none
}

// AddChain adds a chain inside tx, audited.
func AddChain(ctx context.Context, tx *store.Tx, c NewChain) (int64, error) {
	c.Name, c.NameEN, c.Cluster = strings.TrimSpace(c.Name), strings.TrimSpace(c.NameEN), strings.TrimSpace(c.Cluster)
	var ps problem.List
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 40 {
		ps = append(ps, problem.Invalid("name", "chain.name_required"))
	} else if id, err := chainID(ctx, tx, c.Name); err != nil {
		return 0, err
	} else if id > 0 {
		ps = append(ps, problem.Invalid("name", "chain.exists", c.Name))
	}
	var cluster any
	if c.Cluster != "" {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM clusters WHERE name = ?`, c.Cluster).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			ps = append(ps, problem.Invalid("cluster", "chain.no_cluster", c.Cluster))
		} else if err != nil {
			return 0, fmt.Errorf("chain cluster: %w", err)
		}
		cluster = id
	}
	if len(ps) > 0 {
		return 0, ps
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO chains (name, name_en, cluster_id) VALUES (?, ?, ?) RETURNING id`, c.Name, c.NameEN, cluster).Scan(&id); err != nil {
		return 0, fmt.Errorf("add chain: %w", err)
	}
	return id, audit.Append(ctx, tx, audit.Change{Entity: "chain", EntityID: id, Action: "create", After: c})
}

// chainID is the id of the chain named name, 0 when there is none.
func chainID(ctx context.Context, q store.Querier, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM chains WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("chain %s: %w", name, err)
	}
	return id, nil
}

// linkChain is the chain of link id, 0 when there is no such link.
func linkChain(ctx context.Context, q store.Querier, id int64) (int64, error) {
	var chain int64
	err := q.QueryRowContext(ctx, `SELECT chain_id FROM chain_links WHERE id = ?`, id).Scan(&chain)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("link %d: %w", id, err)
	}
	return chain, nil
}

// CheckLink names every field of l to fix (not the database's rules).
func CheckLink(l Link) problem.List {
	var ps problem.List
	if n := utf8.RuneCountInString(strings.TrimSpace(l.Name)); n == 0 || n > 40 {
		ps = append(ps, problem.Invalid("name", "chain.link_name"))
	}
	if !slices.Contains(Stages, l.Stage) {
		ps = append(ps, problem.Invalid("stage", "chain.stage", l.Stage))
	}
	if l.Sort < 0 || l.Sort > 10000 {
		ps = append(ps, problem.Invalid("sort", "chain.sort"))
	}
	return ps
}

// SaveLink adds a link to its chain (ID 0) or changes one, audited. A
// chain holds one link of a name.
func SaveLink(ctx context.Context, tx *store.Tx, l Link) (Link, error) {
	l.Name = strings.TrimSpace(l.Name)
	ps := CheckLink(l)
	var before Link
	if l.ID > 0 {
		err := tx.QueryRowContext(ctx, `SELECT id, chain_id, name, stage, sort FROM chain_links WHERE id = ?`, l.ID).Scan(&before.ID, &before.ChainID, &before.Name, &before.Stage, &before.Sort)
		if errors.Is(err, sql.ErrNoRows) {
			return l, problem.New(problem.ErrNotFound, "chain.link_not_found", l.ID)
		}
		if err != nil {
			return l, fmt.Errorf("link %d: %w", l.ID, err)
		}
		l.ChainID = before.ChainID
	}
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM chain_links WHERE chain_id = ? AND name = ?`, l.ChainID, l.Name).Scan(&other)
	if err == nil && other != l.ID {
		ps = append(ps, problem.Invalid("name", "chain.link_exists", l.Name))
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return l, fmt.Errorf("link %s: %w", l.Name, err)
	}
	if len(ps) > 0 {
		return l, ps
	}
	if l.ID > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE chain_links SET name = ?, stage = ?, sort = ? WHERE id = ?`, l.Name, l.Stage, l.Sort, l.ID); err != nil {
			return l, fmt.Errorf("save link %d: %w", l.ID, err)
		}
		return l, audit.Append(ctx, tx, audit.Change{Entity: "chain_link", EntityID: l.ID, Action: "update", Before: before, After: l})
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO chain_links (chain_id, name, stage, sort) VALUES (?, ?, ?, ?) RETURNING id`, l.ChainID, l.Name, l.Stage, l.Sort).Scan(&l.ID); err != nil {
		return l, fmt.Errorf("add link %s: %w", l.Name, err)
	}
	return l, audit.Append(ctx, tx, audit.Change{Entity: "chain_link", EntityID: l.ID, Action: "create", After: l})
}

// memberKinds are the organisations that work at a link.
var memberKinds = []string{"enterprise", "university", "institute"}

// SaveMember puts an organisation at a link, or changes whether it leads
// the chain there; audited. Only enterprises lead a chain.
func SaveMember(ctx context.Context, tx *store.Tx, m Member) error {
	var ps problem.List
	if chain, err := linkChain(ctx, tx, m.LinkID); err != nil {
		return err
	} else if chain == 0 {
		ps = append(ps, problem.Invalid("link_id", "chain.link_not_found", m.LinkID))
	}
	var kind string
	err := tx.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = ?`, m.OrganisationID).Scan(&kind)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		ps = append(ps, problem.Invalid("organisation_id", "chain.no_org", m.OrganisationID))
	case err != nil:
		return fmt.Errorf("member %d: %w", m.OrganisationID, err)
	case !slices.Contains(memberKinds, kind):
		ps = append(ps, problem.Invalid("organisation_id", "chain.member_kind"))
	case m.Leader && kind != "enterprise":
		ps = append(ps, problem.Invalid("leader", "chain.leader_kind"))
	}
	if len(ps) > 0 {
		return ps
	}
	res, err := tx.ExecContext(ctx, `UPDATE chain_members SET leader = ? WHERE link_id = ? AND organisation_id = ?`, m.Leader, m.LinkID, m.OrganisationID)
	if err != nil {
		return fmt.Errorf("save member: %w", err)
	}
	action := "update"
	if n, _ := res.RowsAffected(); n == 0 {
		action = "create"
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_members (link_id, organisation_id, leader) VALUES (?, ?, ?)`, m.LinkID, m.OrganisationID, m.Leader); err != nil {
			return fmt.Errorf("add member: %w", err)
		}
	}
	return audit.Append(ctx, tx, audit.Change{Entity: "chain_member", EntityID: fmt.Sprintf("%d/%d", m.LinkID, m.OrganisationID), Action: action, After: m})
}

// RemoveMember takes an organisation off a link, audited.
func RemoveMember(ctx context.Context, tx *store.Tx, linkID, orgID int64) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM chain_members WHERE link_id = ? AND organisation_id = ?`, linkID, orgID)
	if err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return problem.New(problem.ErrNotFound, "chain.member_not_found")
	}
	return audit.Append(ctx, tx, audit.Change{Entity: "chain_member", EntityID: fmt.Sprintf("%d/%d", linkID, orgID), Action: "delete"})
}

// CheckTechnology names every field of t to fix (not the database's rules).
func CheckTechnology(t Technology) problem.List {
	var ps problem.List
	if n := utf8.RuneCountInString(strings.TrimSpace(t.Name)); n == 0 || n > 60 {
		ps = append(ps, problem.Invalid("name", "chain.tech_name"))
	}
	if t.Dimension != "" && !slices.Contains(Dimensions, t.Dimension) {
		ps = append(ps, problem.Invalid("dimension", "chain.dimension", t.Dimension))
	}
	if t.Choke != "" && !slices.Contains(Chokes, t.Choke) {
		ps = append(ps, problem.Invalid("choke", "chain.choke", t.Choke))
	}
	if t.Bottleneck && (t.Dimension == "" || t.Choke == "") {
		// a bottleneck is tackled along a dimension at a choke point: the
		// gap view and the 325 model's reports need both
		if t.Dimension == "" {
			ps = append(ps, problem.Invalid("dimension", "chain.bottleneck_needs"))
		}
		if t.Choke == "" {
			ps = append(ps, problem.Invalid("choke", "chain.bottleneck_needs"))
		}
	}
	if utf8.RuneCountInString(t.Field) > 40 {
		ps = append(ps, problem.Invalid("field", "chain.field"))
	}
	return ps
}

// SaveTechnology adds a key technology to a chain (ID 0) or changes one,
// audited. Its link, if any, is a link of the same chain.
func SaveTechnology(ctx context.Context, tx *store.Tx, t Technology) (Technology, error) {
	t.Name, t.Field = strings.TrimSpace(t.Name), strings.TrimSpace(t.Field)
	ps := CheckTechnology(t)
	if t.ID > 0 {
		err := tx.QueryRowContext(ctx, `SELECT chain_id FROM key_technologies WHERE id = ?`, t.ID).Scan(&t.ChainID)
		if errors.Is(err, sql.ErrNoRows) {
			return t, problem.New(problem.ErrNotFound, "chain.tech_not_found", t.ID)
		}
		if err != nil {
			return t, fmt.Errorf("technology %d: %w", t.ID, err)
		}
	}
	if t.LinkID > 0 {
		if chain, err := linkChain(ctx, tx, t.LinkID); err != nil {
			return t, err
		} else if chain != t.ChainID {
			ps = append(ps, problem.Invalid("link_id", "chain.link_not_found", t.LinkID))
		}
	}
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM key_technologies WHERE chain_id = ? AND name = ?`, t.ChainID, t.Name).Scan(&other)
	if err == nil && other != t.ID {
		ps = append(ps, problem.Invalid("name", "chain.tech_exists", t.Name))
	} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("technology %s: %w", t.Name, err)
	}
	if len(ps) > 0 {
		return t, ps
	}
	var link any
	if t.LinkID > 0 {
		link = t.LinkID
	}
	after := Technology{ID: t.ID, ChainID: t.ChainID, LinkID: t.LinkID, Name: t.Name, Field: t.Field, Bottleneck: t.Bottleneck, Dimension: t.Dimension, Choke: t.Choke}
	if t.ID > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE key_technologies SET link_id = ?, name = ?, field = ?, bottleneck = ?, dimension = ?, choke = ? WHERE id = ?`,
			link, t.Name, t.Field, t.Bottleneck, t.Dimension, t.Choke, t.ID); err != nil {
			return t, fmt.Errorf("save technology %d: %w", t.ID, err)
		}
		return t, audit.Append(ctx, tx, audit.Change{Entity: "key_technology", EntityID: t.ID, Action: "update", After: after})
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO key_technologies (chain_id, link_id, name, field, bottleneck, dimension, choke) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		t.ChainID, link, t.Name, t.Field, t.Bottleneck, t.Dimension, t.Choke).Scan(&t.ID); err != nil {
		return t, fmt.Errorf("add technology %s: %w", t.Name, err)
	}
	after.ID = t.ID
	return t, audit.Append(ctx, tx, audit.Change{Entity: "key_technology", EntityID: t.ID, Action: "create", After: after})
}

// wayOf is the way a program works by when its record does not say:
// a challenge is 揭榜挂帅, a transplanted team 带土移植.
var wayOf = map[string]string{"challenge": "揭榜挂帅", "transplant_team": "带土移植"}

// LinkRecord says that a record addresses a technology, by a way of the
// 325 model; audited. An empty way is taken from the record: its form
// field mode, else what its program is.
func LinkRecord(ctx context.Context, tx *store.Tx, techID, projectID int64, way string) (string, error) {
	var ps problem.List
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM key_technologies WHERE id = ?`, techID).Scan(&n); err != nil {
		return "", fmt.Errorf("technology %d: %w", techID, err)
	}
	if n == 0 {
		ps = append(ps, problem.Invalid("technology_id", "chain.tech_not_found", techID))
	}
	var key, data string
	err := tx.QueryRowContext(ctx, `SELECT t.key, p.data FROM projects p JOIN program_templates t ON t.id = p.template_id WHERE p.id = ?`, projectID).Scan(&key, &data)
	if errors.Is(err, sql.ErrNoRows) {
		ps = append(ps, problem.Invalid("project_id", "chain.no_project", projectID))
	} else if err != nil {
		return "", fmt.Errorf("record %d: %w", projectID, err)
	}
	if way == "" && err == nil {
		way = wayFrom(key, data)
	}
	if !slices.Contains(Ways, way) && (way != "" || err == nil) { // no record: no way to read off it either
		ps = append(ps, problem.Invalid("way", "chain.way", way))
	}
	if len(ps) > 0 {
		return "", ps
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM key_technology_records WHERE technology_id = ? AND project_id = ?`, techID, projectID).Scan(&n); err != nil {
		return "", fmt.Errorf("technology record: %w", err)
	}
	if n > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE key_technology_records SET way = ? WHERE technology_id = ? AND project_id = ?`, way, techID, projectID); err != nil {
			return "", fmt.Errorf("technology record: %w", err)
		}
	} else if _, err := tx.ExecContext(ctx, `INSERT INTO key_technology_records (technology_id, project_id, way) VALUES (?, ?, ?)`, techID, projectID, way); err != nil {
		return "", fmt.Errorf("technology record: %w", err)
	}
	return way, audit.Append(ctx, tx, audit.Change{Entity: "key_technology_record", EntityID: fmt.Sprintf("%d/%d", techID, projectID), Action: "link", After: map[string]any{"way": way}})
}

// wayFrom reads the way off a record: its mode field (tackling projects
// name one of the five), else its program's way; "" when neither says.
func wayFrom(program, data string) string {
	var d struct {
		Mode string `json:"mode"`
	}
	if json.Unmarshal([]byte(data), &d) == nil && slices.Contains(Ways, d.Mode) {
		return d.Mode
	}
	return wayOf[program]
}
