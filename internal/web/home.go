package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web/programsweb"
)

// The first page: a visitor who has not signed in reads the public front
// page (open calls, open challenges, open data); a signed-in user lands on
// their own work — a to-do list whose every line is a count and the link to
// the list it counts. Viewers and leaders land on the cockpit, the
// administrators on their pages.

// todo is one line of a landing: what waits, how many, where the list is.
type todo struct {
	ID    string // stable, for tests and links
	Label string // already in the page's language
	Count int
	Href  string
}

// landingData is a signed-in user's landing.
type landingData struct {
	Kind  string // manager, reviewer, finance, org
	Items []todo
	More  int  // lines left off (the longest lists are cut)
	All   bool // ?all=1: no line left off
}

// frontData is the public front page.
type frontData struct {
	Calls      []frontCall
	Challenges []challengeRow
}

type frontCall struct {
	Program, Name, Opens, Closes string
}

// landingMax is how many lines of stage counts a landing shows.
var landingMax = 40

func (s *Server) landing(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	if ri.session != nil && ri.session.Stage != auth.StageOK {
		return errStage
	}
	if ri.principal.Anon {
		return s.frontPage(w, r)
	}
	p := ri.principal
	var d *landingData
	var err error
	switch {
	case p.Can(access.ProgramManage):
		d, err = s.managerLanding(r)
	case p.Has(access.Reviewer):
		d, err = s.reviewerLanding(r)
	case p.Has(access.Finance) && p.OrgID != 0:
		d, err = s.financeLanding(r)
	case p.Has(access.Org) && p.OrgID != 0:
		d, err = s.orgLanding(r)
	default:
		return s.home(w, r) // the cockpit, or the administrators' pages
	}
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "home", s.newPage(w, r, "home.title."+d.Kind, d))
}

// frontPage shows what is public: calls open on the business date (their
// names and dates), challenges open to bids (only the template's public
// fields, as /challenges), and the open-data downloads.
func (s *Server) frontPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := info(r).lang
	d := &frontData{}
	calls, err := s.landingCalls(ctx)
	if err != nil {
		return err
	}
	open, err := programsweb.CallsToApply(ctx, s.db, calls)
	if err != nil {
		return err
	}
	for _, c := range open {
		d.Calls = append(d.Calls, frontCall{Program: programsweb.ProgramLabel(c.Template, lang), Name: i18n.Pick(lang, c.Name, c.NameEN), Opens: c.Opens, Closes: c.Closes})
	}
	pkg, err := opendata.Challenges(ctx, s.db, s.publisher(), "challenge", s.cfg.BaseURL)
	if err != nil {
		return err
	}
	field := s.challengeField(ctx)
	for _, rel := range pkg.Releases {
		if rel.Bidding {
			d.Challenges = append(d.Challenges, challengeOf(rel, field, lang))
		}
	}
	return s.render(w, http.StatusOK, "front", s.newPage(w, r, "front.title", d))
}

// landingCalls lists every call with its program, newest first — without
// program.Calls' count of each call's records, which reads every record's
// index entry: the landings count only what they show, by index ranges.
func (s *Server) landingCalls(ctx context.Context) ([]program.CallRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.template_id, c.key, c.name, c.opens, c.closes, t.key, t.name
		FROM calls c JOIN program_templates t ON t.id = c.template_id ORDER BY c.opens DESC, c.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("landing: calls: %w", err)
	}
	defer rows.Close()
	var out []program.CallRow
	for rows.Next() {
		var c program.CallRow
		if err := rows.Scan(&c.ID, &c.TemplateID, &c.Key, &c.Name, &c.Opens, &c.Closes, &c.Program, &c.ProgramName); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// movableStages are the stages of t out of which one of who's transitions
// leads ("owner" for the applicant, "role:X" for a role p holds).
func movableStages(t *program.Template, who func(by string) bool) []string {
	var out []string
	for _, tr := range t.Transitions {
		if !slicesAny(tr.By, who) {
			continue
		}
		for _, f := range tr.From {
			if _, ok := t.Stage(f); ok && !contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

func slicesAny(xs []string, f func(string) bool) bool {
	for _, x := range xs {
		if f(x) {
			return true
		}
	}
	return false
}

// stageCount is how many of a call's records of one template version
// stand in one stage.
type stageCount struct {
	TemplateID int64
	Stage      string
	N          int
}

// stageCounts counts a call's records in the given stages, by template
// version (a challenge's bids share its call): the index
// projects(call_id, stage). orgID > 0 narrows to one organisation's.
func stageCounts(ctx context.Context, q store.Querier, callID, orgID int64, stages []string) ([]stageCount, error) {
	if len(stages) == 0 {
		return nil, nil
	}
	args := []any{callID}
	for _, st := range stages {
		args = append(args, st)
	}
	query := `SELECT template_id, stage, count(*) FROM projects WHERE call_id = ? AND stage IN (?` + strings.Repeat(", ?", len(stages)-1) + `)`
	if orgID > 0 {
		query += ` AND organisation_id = ?`
		args = append(args, orgID)
	}
	rows, err := q.QueryContext(ctx, query+` GROUP BY template_id, stage`, args...)
	if err != nil {
		return nil, fmt.Errorf("landing: count records: %w", err)
	}
	defer rows.Close()
	var out []stageCount
	for rows.Next() {
		var c stageCount
		if err := rows.Scan(&c.TemplateID, &c.Stage, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// callTemplates are the templates whose records a call holds: its own
// program's and its children's (a challenge's bids), newest versions.
func (s *Server) callTemplates(ctx context.Context, tpls *programsweb.TemplateCache, c program.CallRow) ([]*program.Template, error) {
	t, err := tpls.Get(ctx, s.db, c.TemplateID)
	if err != nil {
		return nil, err
	}
	out := []*program.Template{t}
	for _, ch := range t.Children {
		ct, err := tpls.Latest(ctx, s.db, ch.Template)
		if err != nil {
			return nil, err
		}
		out = append(out, ct)
	}
	return out, nil
}

// stageItems are the lines "call · stage: n" for the records waiting in
// the stages who may move them out of, each opening the call's board at
// that stage (a child program's records named by their program). orgID >
// 0: the organisation's own records only.
func (s *Server) stageItems(r *http.Request, calls []program.CallRow, orgID int64, who func(string) bool) ([]todo, error) {
	ctx, lang := r.Context(), info(r).lang
	tpls := programsweb.NewTemplateCache()
	var out []todo
	for _, c := range calls {
		ts, err := s.callTemplates(ctx, tpls, c)
		if err != nil {
			return nil, err
		}
		var stages []string
		for _, t := range ts {
			for _, st := range movableStages(t, who) {
				if !contains(stages, st) {
					stages = append(stages, st)
				}
			}
		}
		counts, err := stageCounts(ctx, s.db, c.ID, orgID, stages)
		if err != nil {
			return nil, err
		}
		// Versions of one program add up; lines keep the programs' stage order.
		sum := map[string]int{}
		for _, sc := range counts {
			t, err := tpls.Get(ctx, s.db, sc.TemplateID)
			if err != nil {
				return nil, err
			}
			if contains(movableStages(t, who), sc.Stage) {
				sum[t.Key+"\x00"+sc.Stage] += sc.N
			}
		}
		for i, t := range ts {
			for _, st := range t.Stages {
				n := sum[t.Key+"\x00"+st.Key]
				if n == 0 {
					continue
				}
				id, label := fmt.Sprintf("call-%d-%s", c.ID, st.Key), c.Name+" · "+programsweb.StageLabel(t, st.Key, lang)
				if i > 0 {
					id, label = fmt.Sprintf("call-%d-%s-%s", c.ID, t.Key, st.Key), c.Name+" · "+programsweb.ProgramLabel(t, lang)+" · "+programsweb.StageLabel(t, st.Key, lang)
				}
				out = append(out, todo{ID: id, Label: label, Count: n,
					Href: fmt.Sprintf("/calls/%d?program=%s&stage=%s", c.ID, url.QueryEscape(t.Key), url.QueryEscape(st.Key))})
			}
		}
	}
	return out, nil
}

// managerLanding: what waits for a manager's decision — records in the
// stages a manager moves them out of, records whose reviews are all in,
// duplicate pairs flagged and not decided, returns submitted and not yet
// accepted.
func (s *Server) managerLanding(r *http.Request) (*landingData, error) {
	ctx, lang := r.Context(), info(r).lang
	p := info(r).principal
	d := &landingData{Kind: "manager"}
	// Reviews complete: records in a review stage whose first round holds
	// the sheets the template asks for.
	calls, err := s.landingCalls(ctx)
	if err != nil {
		return nil, err
	}
	tpls := programsweb.NewTemplateCache()
	for _, c := range calls {
		ts, err := s.callTemplates(ctx, tpls, c)
		if err != nil {
			return nil, err
		}
		for i, t := range ts {
			if t.Review == nil {
				continue
			}
			n, err := program.ReviewedInCall(ctx, s.db, c.ID, t)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				continue
			}
			id, name := fmt.Sprintf("reviewed-%d", c.ID), c.Name
			if i > 0 {
				id, name = fmt.Sprintf("reviewed-%d-%s", c.ID, t.Key), c.Name+" · "+programsweb.ProgramLabel(t, lang)
			}
			d.Items = append(d.Items, todo{ID: id, Label: i18n.T(lang, "home.reviewed", name), Count: n,
				Href: fmt.Sprintf("/calls/%d?program=%s&stage=%s", c.ID, url.QueryEscape(t.Key), url.QueryEscape(t.Review.ReviewStage()))})
		}
	}
	var dups int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duplicate_decisions WHERE decision IN ('blocked', 'flagged')`).Scan(&dups); err != nil {
		return nil, fmt.Errorf("landing: duplicates: %w", err)
	}
	if dups > 0 {
		d.Items = append(d.Items, todo{ID: "duplicates", Label: i18n.T(lang, "home.duplicates"), Count: dups, Href: "/integrity#pending-duplicates"})
	}
	forms, err := returns.Forms(ctx, s.db)
	if err != nil {
		return nil, err
	}
	for _, f := range forms {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM return_filings WHERE form_id = ? AND status = ?`, f.ID, returns.Submitted).Scan(&n); err != nil {
			return nil, fmt.Errorf("landing: returns: %w", err)
		}
		if n > 0 {
			name := f.Name
			if lang == i18n.EN && f.NameEN != "" {
				name = f.NameEN
			}
			d.Items = append(d.Items, todo{ID: "returns-" + f.Key, Label: i18n.T(lang, "home.returns_submitted", name), Count: n, Href: "/returns/" + url.PathEscape(f.Key)})
		}
	}
	stages, err := s.stageItems(r, calls, 0, func(by string) bool {
		role, ok := strings.CutPrefix(by, "role:")
		return ok && p.Has(access.Role(role))
	})
	if err != nil {
		return nil, err
	}
	d.Items = append(d.Items, cut(stages, d, r)...)
	return d, nil
}

// cut keeps the landingMax largest counts, in their order, and counts the
// rest in d.More.
func cut(items []todo, d *landingData, r *http.Request) []todo {
	if d.All = r.URL.Query().Get("all") == "1"; d.All || len(items) <= landingMax {
		return items
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return items[idx[a]].Count > items[idx[b]].Count })
	keep := map[int]bool{}
	for _, i := range idx[:landingMax] {
		keep[i] = true
	}
	var out []todo
	for i, it := range items {
		if keep[i] {
			out = append(out, it)
		}
	}
	d.More += len(items) - landingMax
	return out
}

// reviewerLanding: the reviews assigned and not yet scored, and those
// scored.
func (s *Server) reviewerLanding(r *http.Request) (*landingData, error) {
	ctx, lang := r.Context(), info(r).lang
	d := &landingData{Kind: "reviewer"}
	for _, st := range []string{"assigned", "submitted"} {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM review_assignments WHERE reviewer_id = ? AND status = ?`, info(r).principal.UserID, st).Scan(&n); err != nil {
			return nil, fmt.Errorf("landing: reviews: %w", err)
		}
		d.Items = append(d.Items, todo{ID: "reviews-" + st, Label: i18n.T(lang, "home.reviews_"+st), Count: n, Href: "/reviews?status=" + st})
	}
	return d, nil
}

// financeLanding: the bank's inbox — funding needs sent to it awaiting its
// decision — and its products on the shelf.
func (s *Server) financeLanding(r *http.Request) (*landingData, error) {
	ctx, lang := r.Context(), info(r).lang
	inst := info(r).principal.OrgID
	d := &landingData{Kind: "finance"}
	var pending, products int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM finance_applications WHERE institution_id = ? AND decision = 'pending'`, inst).Scan(&pending); err != nil {
		return nil, fmt.Errorf("landing: inbox: %w", err)
	}
	day := today(ctx)
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM finance_products WHERE institution_id = ? AND listed <= ? AND (delisted = '' OR delisted > ?)`, inst, day, day).Scan(&products); err != nil {
		return nil, fmt.Errorf("landing: products: %w", err)
	}
	d.Items = append(d.Items,
		todo{ID: "inbox", Label: i18n.T(lang, "home.inbox"), Count: pending, Href: "/finance/applications?decision=pending"},
		todo{ID: "products", Label: i18n.T(lang, "home.products"), Count: products, Href: "/finance"})
	return d, nil
}

// orgLanding: the enterprise's records waiting for it (drafts to submit,
// records returned to it), all its records, and the calls open to it on
// the business date.
func (s *Server) orgLanding(r *http.Request) (*landingData, error) {
	ctx, lang := r.Context(), info(r).lang
	org := info(r).principal.OrgID
	d := &landingData{Kind: "org"}
	var mine int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE organisation_id = ?`, org).Scan(&mine); err != nil {
		return nil, fmt.Errorf("landing: records: %w", err)
	}
	calls, err := s.landingCalls(ctx)
	if err != nil {
		return nil, err
	}
	open, err := programsweb.CallsToApply(ctx, s.db, calls)
	if err != nil {
		return nil, err
	}
	d.Items = append(d.Items,
		todo{ID: "open-calls", Label: i18n.T(lang, "home.open_calls"), Count: len(open), Href: "/programs"},
		todo{ID: "records", Label: i18n.T(lang, "home.records"), Count: mine, Href: "/programs#my-projects"})
	if mine > 0 {
		var withMine []program.CallRow
		if err := s.orgCalls(ctx, org, calls, &withMine); err != nil {
			return nil, err
		}
		waiting, err := s.stageItems(r, withMine, org, func(by string) bool { return by == "owner" })
		if err != nil {
			return nil, err
		}
		d.Items = append(d.Items, cut(waiting, d, r)...)
	}
	return d, nil
}

// orgCalls narrows calls to those holding a record of org (the index
// projects(organisation_id)).
func (s *Server) orgCalls(ctx context.Context, org int64, calls []program.CallRow, out *[]program.CallRow) error {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT call_id FROM projects WHERE organisation_id = ?`, org)
	if err != nil {
		return fmt.Errorf("landing: calls of the organisation: %w", err)
	}
	defer rows.Close()
	has := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		has[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range calls {
		if has[c.ID] {
			*out = append(*out, c)
		}
	}
	return nil
}
