package chain

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// Columns of the map's import sheet: one row per fact. A row names a
// chain and a link (added when new, so it then needs its stage), and may
// put an organisation at the link and a key technology on it.
var Columns = []tabular.Column{
	{Key: "chain", Headers: []string{"产业链", "所属产业链"}, Required: true},
	{Key: "link", Headers: []string{"环节", "产业链环节"}, Required: true},
	{Key: "stage", Headers: []string{"环节位置", "上中下游"}},
	{Key: "organisation", Headers: []string{"单位", "单位名称或统一社会信用代码", "企业"}},
	{Key: "leader", Headers: []string{"链主", "是否链主"}},
	{Key: "technology", Headers: []string{"关键技术"}},
	{Key: "bottleneck", Headers: []string{"卡脖子", "是否卡脖子"}},
	{Key: "dimension", Headers: []string{"攻关方向", "维度"}},
	{Key: "choke", Headers: []string{"卡点", "卡点类型"}},
	{Key: "field", Headers: []string{"技术领域"}},
}

// Example is a row of the template.
var Example = []string{"高端装备产业链", "压缩机整机", "中游", "沈鼓集团股份有限公司", "是", "大型离心压缩机干气密封", "是", "关键技术受制于人", "部件", "流体机械"}

// RowProblem is one thing wrong with one cell (Row 1: the header).
type RowProblem struct {
	Row    int
	Column string // A, B, …
	msg    interface{ Message(string) string }
}

// Message says what is wrong and how to fix it, in lang.
func (p RowProblem) Message(lang string) string { return p.msg.Message(lang) }

// Imported counts what an import wrote (or, refused, would have written).
type Imported struct {
	Rows, Links, Members, Technologies int
	Problems                           []RowProblem
}

// errRefused rolls an import with problems back.
var errRefused = errors.New("chain import refused")

var stageWords = map[string]string{"上游": "upstream", "中游": "midstream", "下游": "downstream", "upstream": "upstream", "midstream": "midstream", "downstream": "downstream"}

// yes reads a yes/no cell; ok is false for anything else.
func yes(s string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "是", "y", "yes", "true", "1", "√":
		return true, true
	case "", "否", "n", "no", "false", "0":
		return false, true
	}
	return false, false
}

// Import writes a sheet of links, members and technologies in one
// transaction: every row is checked (against the rows before it too) and,
// if any cell is wrong, nothing is written and every problem is listed.
func Import(ctx context.Context, db *store.DB, t *tabular.Table) (Imported, error) {
	var out Imported
	idx, hps := tabular.MapHeader(t.Header, Columns)
	for _, hp := range hps {
		out.Problems = append(out.Problems, RowProblem{Row: 1, Column: hp.Letter, msg: hp})
	}
	if len(out.Problems) > 0 {
		return out, nil
	}
	if len(t.Rows) == 0 {
		out.Problems = append(out.Problems, RowProblem{Row: 2, Column: "A", msg: problem.Invalid("", "import.empty")})
		return out, nil
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		links, members, techs := map[int64]bool{}, map[string]bool{}, map[int64]bool{}
		for _, row := range t.Rows {
			cell := func(k string) string {
				if i, ok := idx[k]; ok && i < len(row.Cells) {
					return strings.TrimSpace(row.Cells[i])
				}
				return ""
			}
			bad := func(k string, e *problem.Error) {
				col := "A"
				if i, ok := idx[k]; ok {
					col = tabular.ColumnLetter(i)
				}
				out.Problems = append(out.Problems, RowProblem{Row: row.Num, Column: col, msg: e})
			}
			fields := func(ps problem.List, as map[string]string) {
				for _, p := range ps {
					k := as[p.Field]
					if k == "" {
						k = p.Field
					}
					bad(k, p)
				}
			}
			out.Rows++
			chainID, err := chainID(ctx, tx, cell("chain"))
			if err != nil {
				return err
			}
			if chainID == 0 {
				bad("chain", problem.Invalid("chain", "chain.unknown", cell("chain")))
				continue
			}
			link, err := importLink(ctx, tx, chainID, cell("link"), cell("stage"))
			var ps problem.List
			var one *problem.Error
			switch {
			case errors.As(err, &ps):
				fields(ps, map[string]string{"name": "link"})
				continue
			case errors.As(err, &one):
				bad("stage", one)
				continue
			case err != nil:
				return err
			}
			links[link] = true
			if org := cell("organisation"); org != "" {
				leader, ok := yes(cell("leader"))
				if !ok {
					bad("leader", problem.Invalid("leader", "chain.yes_no", cell("leader")))
				} else if id, err := orgID(ctx, tx, org); err != nil {
					return err
				} else if id == 0 {
					bad("organisation", problem.Invalid("organisation", "chain.no_org_named", org))
				} else if err := SaveMember(ctx, tx, Member{LinkID: link, OrganisationID: id, Leader: leader}); errors.As(err, &ps) {
					fields(ps, map[string]string{"organisation_id": "organisation"})
				} else if err != nil {
					return err
				} else {
					members[fmt.Sprint(link, "/", id)] = true
				}
			} else if cell("leader") != "" {
				bad("leader", problem.Invalid("leader", "chain.leader_alone"))
			}
			if name := cell("technology"); name != "" {
				bn, ok := yes(cell("bottleneck"))
				if !ok {
					bad("bottleneck", problem.Invalid("bottleneck", "chain.yes_no", cell("bottleneck")))
					continue
				}
				tech := Technology{ChainID: chainID, LinkID: link, Name: name, Field: cell("field"), Bottleneck: bn, Dimension: cell("dimension"), Choke: cell("choke")}
				var id int64
				err := tx.QueryRowContext(ctx, `SELECT id FROM key_technologies WHERE chain_id = ? AND name = ?`, chainID, name).Scan(&id)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("technology %s: %w", name, err)
				}
				tech.ID = id // a technology named again is updated
				if tech, err = SaveTechnology(ctx, tx, tech); errors.As(err, &ps) {
					fields(ps, map[string]string{"name": "technology", "link_id": "link"})
				} else if err != nil {
					return err
				} else {
					techs[tech.ID] = true
				}
			}
		}
		out.Links, out.Members, out.Technologies = len(links), len(members), len(techs)
		if len(out.Problems) > 0 {
			return errRefused
		}
		return nil
	})
	if errors.Is(err, errRefused) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("chain import: %w", err)
	}
	return out, nil
}

// importLink finds the link of a chain by name, or adds it when the row
// gives its stage.
func importLink(ctx context.Context, tx *store.Tx, chainID int64, name, stage string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM chain_links WHERE chain_id = ? AND name = ?`, chainID, name).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("link %s: %w", name, err)
	}
	st, ok := stageWords[stage]
	if !ok {
		return 0, problem.Invalid("stage", "chain.stage_word", stage)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM chain_links WHERE chain_id = ?`, chainID).Scan(&n); err != nil {
		return 0, fmt.Errorf("links of chain %d: %w", chainID, err)
	}
	l, err := SaveLink(ctx, tx, Link{ChainID: chainID, Name: name, Stage: st, Sort: (n + 1) * 10})
	return l.ID, err
}

// orgID finds an organisation by credit code or exact name; 0: none.
func orgID(ctx context.Context, q store.Querier, s string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM organisations WHERE credit_code = ? OR name = ? ORDER BY id LIMIT 1`, s, s).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("organisation %s: %w", s, err)
	}
	return id, nil
}
