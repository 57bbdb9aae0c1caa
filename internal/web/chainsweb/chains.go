package chainsweb

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/chain"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// chainsData is the list of chains, the clusters a new chain may join,
// and the outcome of an import.
type chainsData struct {
	Chains   []chain.Chain
	Tackling []chain.Tackling // the 325 model across the chains
	Ways     []string
	Clusters []string
	Cat      *registry.Catalogue // names clusters in the page's language
	Import   *chainImport
}

// chainImport is an import's outcome in the reader's language.
type chainImport struct {
	Done     chain.Imported
	Problems []site.CellProblem
}

func (s *area) chainsData(r *http.Request) (*chainsData, error) {
	cs, err := chain.List(r.Context(), s.DB)
	if err != nil {
		return nil, err
	}
	cat, err := registry.LoadCatalogue(r.Context(), s.DB)
	if err != nil {
		return nil, err
	}
	d := &chainsData{Chains: cs, Ways: chain.Ways, Cat: cat}
	if d.Tackling, err = chain.Summary(r.Context(), s.DB); err != nil {
		return nil, err
	}
	d.Clusters = cat.ClusterNames()
	return d, nil
}

// chainsPage lists the chains with what each map holds.
func (s *area) chainsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.chainsData(r)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "chains", s.NewPage(w, r, "chain.title", d))
}

// addChain adds a chain (a manager) and opens its map.
func (s *area) addChain(w http.ResponseWriter, r *http.Request) error {
	var id int64
	err := s.DB.InTx(r.Context(), func(tx *store.Tx) error {
		var err error
		id, err = chain.AddChain(r.Context(), tx, chain.NewChain{Name: r.FormValue("name"), NameEN: r.FormValue("name_en"), Cluster: r.FormValue("cluster")})
		return err
	})
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "chain.title", "chains", func() (any, error) { return s.chainsData(r) }, "name", "name_en", "cluster"); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/chains/"+strconv.FormatInt(id, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// importChains reads an .xlsx of links, members and technologies: all of
// it is written, or nothing and every bad cell is listed.
func (s *area) importChains(w http.ResponseWriter, r *http.Request) error {
	d, err := s.chainsData(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "chain.title", d)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.pages.FormError(w, r, "chains", p, problem.Invalid("file", "import.no_file"))
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, tabular.DefaultLimits.MaxBytes+1))
	if err != nil {
		return err
	}
	t, err := tabular.Read(bytes.NewReader(raw), int64(len(raw)), hdr.Filename, tabular.DefaultLimits)
	if err != nil {
		var te *tabular.Error
		if errors.As(err, &te) {
			p.Errors["file"], p.Flash, p.Bad = te.Message(p.Lang), te.Message(p.Lang), true
			return s.pages.Render(w, http.StatusUnprocessableEntity, "chains", p)
		}
		return err
	}
	res, err := chain.Import(r.Context(), s.DB, t)
	if err != nil {
		return err
	}
	out := &chainImport{Done: res}
	for _, pr := range res.Problems {
		out.Problems = append(out.Problems, site.CellProblem{Row: pr.Row, Column: pr.Column, Message: pr.Message(p.Lang)})
	}
	if d, err = s.chainsData(r); err != nil {
		return err
	}
	d.Import = out
	p.Data = d
	status := http.StatusOK
	if len(res.Problems) > 0 {
		p.Flash, p.Bad, status = p.T("chain.import_refused", len(res.Problems)), true, http.StatusUnprocessableEntity
	} else {
		p.Flash = p.T("chain.imported", res.Rows, res.Links, res.Members, res.Technologies)
	}
	return s.pages.Render(w, status, "chains", p)
}

// chainPage is one chain's map: the graph, the lists beside it, each
// technology's panel of records, the gaps and (for managers) the forms.
func (s *area) chainPage(w http.ResponseWriter, r *http.Request) error {
	m, err := s.chainMap(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "chain.title", m)
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = p.T("chain.saved")
	}
	return s.pages.Render(w, http.StatusOK, "chain", p)
}

func (s *area) chainMap(r *http.Request) (*chain.Map, error) {
	id, err := site.PathID(r)
	if err != nil {
		return nil, err
	}
	return chain.Get(r.Context(), s.DB, id)
}

// formID reads an id field; anything but a positive number is 0, which
// the chain package refuses naming the field.
func formID(r *http.Request, k string) int64 {
	id, err := strconv.ParseInt(strings.TrimSpace(r.FormValue(k)), 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// chainEdit runs one of the map's forms in a transaction and goes back to
// the map, or shows it again with the refusals beside their fields.
func (s *area) chainEdit(w http.ResponseWriter, r *http.Request, write func(tx *store.Tx, chainID int64) error, fields ...string) error {
	m, err := s.chainMap(r)
	if err != nil {
		return err
	}
	err = s.DB.InTx(r.Context(), func(tx *store.Tx) error { return write(tx, m.ID) })
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "chain.title", "chain", func() (any, error) { return s.chainMap(r) }, fields...); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, "/chains/"+strconv.FormatInt(m.ID, 10)+"?saved=1", http.StatusSeeOther)
	return nil
}

// saveChainLink adds or changes a link of the chain.
func (s *area) saveChainLink(w http.ResponseWriter, r *http.Request) error {
	return s.chainEdit(w, r, func(tx *store.Tx, chainID int64) error {
		sort, err := strconv.Atoi(strings.TrimSpace(r.FormValue("sort")))
		if err != nil && r.FormValue("sort") != "" {
			sort = -1 // refused, naming the field
		}
		l := chain.Link{ID: formID(r, "link_id"), ChainID: chainID, Name: r.FormValue("name"), Stage: r.FormValue("stage"), Sort: sort}
		if l.ID > 0 && !s.linkOf(r, tx, l.ID, chainID) {
			return problem.Invalid("link_id", "chain.link_not_found", l.ID)
		}
		_, err = chain.SaveLink(r.Context(), tx, l)
		return err
	}, "link_id", "name", "stage", "sort")
}

// linkOf reports whether link id belongs to the chain (a form may only
// change its own chain's links).
func (s *area) linkOf(r *http.Request, tx *store.Tx, id, chainID int64) bool {
	var n int
	err := tx.QueryRowContext(r.Context(), `SELECT count(*) FROM chain_links WHERE id = ? AND chain_id = ?`, id, chainID).Scan(&n)
	return err == nil && n > 0
}

// saveChainMember puts an organisation at a link of the chain, or
// changes whether it leads; remove=1 takes it off.
func (s *area) saveChainMember(w http.ResponseWriter, r *http.Request) error {
	return s.chainEdit(w, r, func(tx *store.Tx, chainID int64) error {
		link := formID(r, "link_id")
		if !s.linkOf(r, tx, link, chainID) {
			return problem.Invalid("link_id", "chain.link_not_found", r.FormValue("link_id"))
		}
		if r.FormValue("remove") == "1" {
			return chain.RemoveMember(r.Context(), tx, link, formID(r, "organisation_id"))
		}
		leader := r.FormValue("leader") == "on" || r.FormValue("leader") == "true"
		return chain.SaveMember(r.Context(), tx, chain.Member{LinkID: link, OrganisationID: formID(r, "organisation_id"), Leader: leader})
	}, "link_id", "organisation_id")
}

// saveChainTechnology adds or changes a key technology of the chain.
func (s *area) saveChainTechnology(w http.ResponseWriter, r *http.Request) error {
	return s.chainEdit(w, r, func(tx *store.Tx, chainID int64) error {
		t := chain.Technology{ID: formID(r, "technology_id"), ChainID: chainID, LinkID: formID(r, "link_id"), Name: r.FormValue("name"), Field: r.FormValue("field"),
			Bottleneck: r.FormValue("bottleneck") == "on" || r.FormValue("bottleneck") == "true", Dimension: r.FormValue("dimension"), Choke: r.FormValue("choke")}
		if t.ID > 0 {
			var n int
			if err := tx.QueryRowContext(r.Context(), `SELECT count(*) FROM key_technologies WHERE id = ? AND chain_id = ?`, t.ID, chainID).Scan(&n); err != nil || n == 0 {
				return problem.Invalid("technology_id", "chain.tech_not_found", t.ID)
			}
		}
		_, err := chain.SaveTechnology(r.Context(), tx, t)
		return err
	}, "technology_id", "name", "link_id", "field", "dimension", "choke")
}

// linkChainRecord says a record addresses a technology of the chain.
func (s *area) linkChainRecord(w http.ResponseWriter, r *http.Request) error {
	return s.chainEdit(w, r, func(tx *store.Tx, chainID int64) error {
		tech := formID(r, "technology_id")
		var n int
		if err := tx.QueryRowContext(r.Context(), `SELECT count(*) FROM key_technologies WHERE id = ? AND chain_id = ?`, tech, chainID).Scan(&n); err != nil || n == 0 {
			return problem.Invalid("technology_id", "chain.tech_not_found", r.FormValue("technology_id"))
		}
		_, err := chain.LinkRecord(r.Context(), tx, tech, formID(r, "project_id"), r.FormValue("way"))
		return err
	}, "technology_id", "project_id", "way")
}

func (s *area) apiChains(w http.ResponseWriter, r *http.Request) error {
	cs, err := chain.List(r.Context(), s.DB)
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []chain.Chain{}
	}
	sum, err := chain.Summary(r.Context(), s.DB)
	if err != nil {
		return err
	}
	if sum == nil {
		sum = []chain.Tackling{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"chains": cs, "tackling": sum})
}

func (s *area) apiChain(w http.ResponseWriter, r *http.Request) error {
	m, err := s.chainMap(r)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, m)
}

// chainTemplate is the import sheet with the example row and drop-downs
// for the cells that take fixed words (the chains the map has, 上中下游,
// 是/否, the 325 model's dimensions and choke points).
func (s *area) chainTemplate(w http.ResponseWriter, r *http.Request) error {
	cs, err := chain.List(r.Context(), s.DB)
	if err != nil {
		return err
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	lists := map[string][]string{"chain": names, "stage": {"上游", "中游", "下游"}, "leader": {"是", "否"}, "bottleneck": {"是", "否"}, "dimension": chain.Dimensions, "choke": chain.Chokes}
	sh := tabular.Sheet{Name: "产业链图谱", Lists: map[int][]string{}, Notes: map[int]string{}}
	row := make([]any, len(chain.Example))
	for i, c := range chain.Columns {
		sh.Header = append(sh.Header, c.Headers[0])
		sh.Required = append(sh.Required, c.Required)
		sh.Widths = append(sh.Widths, 18)
		sh.Notes[i] = "可用列名 / accepted headers: " + strings.Join(append(c.Headers, c.Key), "、")
		if l := lists[c.Key]; len(l) > 0 {
			sh.Lists[i] = l
		}
		row[i] = chain.Example[i]
	}
	sh.Rows = [][]any{row}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="xinzhi-chain-template.xlsx"`)
	return tabular.WriteXLSX(w, sh)
}
