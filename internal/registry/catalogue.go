package registry

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Kinds of organisation, in display order. Their names are in the message
// catalogue under org.kind.KEY.
var Kinds = []string{"enterprise", "university", "institute", "bank", "fund", "guarantor", "insurer",
	"service", "compute", "park", "government", "alliance", "other"}

// kindAliases maps what people type in a spreadsheet to a kind.
var kindAliases = map[string]string{
	"企业": "enterprise", "公司": "enterprise", "高校": "university", "大学": "university", "高等学校": "university",
	"科研院所": "institute", "研究院": "institute", "研究所": "institute", "银行": "bank", "投资基金": "fund", "基金": "fund",
	"担保机构": "guarantor", "担保": "guarantor", "保险机构": "insurer", "保险": "insurer", "服务商": "service", "服务机构": "service",
	"算力中心": "compute", "产业园区": "park", "园区": "park", "政府部门": "government", "政府": "government",
	"联盟": "alliance", "其他": "other",
}

// ParseKind reads a kind key, a Chinese name or an alias.
func ParseKind(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, k := range Kinds {
		if strings.EqualFold(s, k) {
			return k, true
		}
	}
	k, ok := kindAliases[s]
	return k, ok
}

// Sizes are the size classes of GB/T enterprise classification (大/中/小/微).
var Sizes = []string{"large", "medium", "small", "micro"}

var sizeAliases = map[string]string{"大": "large", "大型": "large", "中": "medium", "中型": "medium",
	"小": "small", "小型": "small", "微": "micro", "微型": "micro"}

// ParseSize reads a size class key or its Chinese name; "" is allowed.
func ParseSize(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	for _, k := range Sizes {
		if strings.EqualFold(s, k) {
			return k, true
		}
	}
	k, ok := sizeAliases[s]
	return k, ok
}

// Named is an entry of an editable catalogue (a tag, a cluster, a figure kind).
type Named struct {
	ID     int64  `json:"id,omitempty"`
	Key    string `json:"key,omitempty"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Unit   string `json:"unit,omitempty"`
}

// Catalogue holds the registry's editable lists, loaded once per request or
// import.
type Catalogue struct {
	Tags        []Named
	Clusters    []Named
	FigureKinds []Named
	tagByName   map[string]int64
	clusterByNm map[string]int64
	figureByKey map[string]bool
}

// LoadCatalogue reads the tags, clusters and figure kinds.
func LoadCatalogue(ctx context.Context, q store.Querier) (*Catalogue, error) {
	c := &Catalogue{tagByName: map[string]int64{}, clusterByNm: map[string]int64{}, figureByKey: map[string]bool{}}
	load := func(query string, dst *[]Named, withKey bool) error {
		rows, err := q.QueryContext(ctx, query)
		if err != nil {
			return fmt.Errorf("load catalogue: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var n Named
			if withKey {
				err = rows.Scan(&n.Key, &n.Name, &n.NameEN, &n.Unit)
			} else {
				err = rows.Scan(&n.ID, &n.Name, &n.NameEN)
			}
			if err != nil {
				return fmt.Errorf("scan catalogue: %w", err)
			}
			*dst = append(*dst, n)
		}
		return rows.Err()
	}
	if err := load(`SELECT id, name, name_en FROM tags ORDER BY sort, name`, &c.Tags, false); err != nil {
		return nil, err
	}
	if err := load(`SELECT id, name, name_en FROM clusters ORDER BY sort, name`, &c.Clusters, false); err != nil {
		return nil, err
	}
	if err := load(`SELECT key, name, name_en, unit FROM figure_kinds ORDER BY sort, key`, &c.FigureKinds, true); err != nil {
		return nil, err
	}
	for _, t := range c.Tags {
		c.tagByName[t.Name] = t.ID
		c.tagByName[strings.ToLower(t.NameEN)] = t.ID
	}
	for _, t := range c.Clusters {
		c.clusterByNm[t.Name] = t.ID
		c.clusterByNm[strings.ToLower(t.NameEN)] = t.ID
	}
	for _, f := range c.FigureKinds {
		c.figureByKey[f.Key] = true
		c.figureByKey[f.Name] = true
	}
	return c, nil
}

// TagID finds a tag by its Chinese or English name.
func (c *Catalogue) TagID(name string) (int64, bool) {
	id, ok := c.tagByName[name]
	if !ok {
		id, ok = c.tagByName[strings.ToLower(name)]
	}
	return id, ok
}

// ClusterID finds a cluster by its Chinese or English name.
func (c *Catalogue) ClusterID(name string) (int64, bool) {
	id, ok := c.clusterByNm[name]
	if !ok {
		id, ok = c.clusterByNm[strings.ToLower(name)]
	}
	return id, ok
}

// FigureKey finds a figure kind by key or Chinese name.
func (c *Catalogue) FigureKey(s string) (string, bool) {
	for _, f := range c.FigureKinds {
		if f.Key == s || f.Name == s {
			return f.Key, true
		}
	}
	return "", false
}

// ByTable gives the tags or clusters by their table's name, for templates.
func (c *Catalogue) ByTable() map[string][]Named {
	return map[string][]Named{"tags": c.Tags, "clusters": c.Clusters}
}

// Label shows a tag's or cluster's stored (Chinese) name in lang: the
// English name on English pages when the catalogue has one.
func (c *Catalogue) Label(name, lang string) string {
	if !strings.HasPrefix(lang, "en") {
		return name
	}
	for _, list := range [][]Named{c.Tags, c.Clusters} {
		for _, n := range list {
			if n.Name == name && n.NameEN != "" {
				return n.NameEN
			}
		}
	}
	return name
}

// TagNames lists the tag names, for drop-downs and messages.
func (c *Catalogue) TagNames() []string { return names(c.Tags) }

// ClusterNames lists the cluster names.
func (c *Catalogue) ClusterNames() []string { return names(c.Clusters) }

func names(ns []Named) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Name
	}
	return out
}

// SplitList splits a cell listing several values: separated by Chinese or
// ASCII commas, semicolons, the enumeration comma 、 or new lines.
func SplitList(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == ';' || r == '；' || r == '、' || r == '\n' || r == '|'
	})
	var out []string
	seen := map[string]bool{}
	for _, v := range f {
		v = strings.TrimSpace(v)
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// CatalogueTables are the editable lists: tags and clusters.
var CatalogueTables = map[string]bool{"tags": true, "clusters": true}

// SaveNamed adds an entry to tags or clusters (id 0) or renames one. Names
// are unique; a rename carries over to every organisation, since they hold
// the entry by id.
func SaveNamed(ctx context.Context, db *store.DB, table string, n Named) (Named, error) {
	if !CatalogueTables[table] {
		return n, fmt.Errorf("catalogue %q: %w", table, problem.ErrNotFound)
	}
	n.Name, n.NameEN = strings.TrimSpace(n.Name), strings.TrimSpace(n.NameEN)
	if n.Name == "" || len([]rune(n.Name)) > 40 {
		return n, problem.Invalid("name", "catalogue.name_invalid")
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		action := "create"
		if n.ID == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO `+table+` (name, name_en, sort) VALUES (?, ?, (SELECT COALESCE(max(sort), 0) + 10 FROM `+table+`)) RETURNING id`,
				n.Name, n.NameEN).Scan(&n.ID)
		} else {
			action = "rename"
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE `+table+` SET name = ?, name_en = ? WHERE id = ?`, n.Name, n.NameEN, n.ID)
			if err == nil {
				if k, _ := res.RowsAffected(); k != 1 {
					return fmt.Errorf("%s %d: %w", table, n.ID, problem.ErrNotFound)
				}
			}
		}
		if store.IsUniqueViolation(err) {
			return problem.Invalid("name", "catalogue.name_taken", n.Name)
		}
		if err != nil {
			return fmt.Errorf("save %s: %w", table, err)
		}
		return audit.Append(ctx, tx, audit.Change{Entity: strings.TrimSuffix(table, "s"), EntityID: n.ID, Action: action, After: n})
	})
	return n, err
}
