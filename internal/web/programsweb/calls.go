package programsweb

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// boardData is a call's page: for staff a board of records by stage with
// the review ranking; for an applicant the call and its own records there.
type boardData struct {
	Call      program.Call
	Template  *program.Template
	Open      bool
	Columns   []boardColumn
	Staff     bool
	Stage     string // ?stage=: the one stage shown (its label)
	Manager   bool
	Applicant bool
	Mine      []program.ProjectRow
	Ranking   []rankRow
	Moves     []program.Transition // transitions a manager may take in bulk
	Bulk      *bulkConfirm
	Shown     float64 // records on the board (the newest, up to boardMax)
	Total     float64 // records in the call
}

// boardMax is the most records a board draws; a call with more says so
// (a variable for tests).
var boardMax = 5000

type boardColumn struct {
	Stage   program.Stage
	Label   string
	Records []boardCard
}

type boardCard struct {
	program.ProjectRow
	Score *float64
}

type rankRow struct {
	program.Result
	Title, Organisation string
}

type bulkConfirm struct {
	Transition program.Transition
	Label      string
	Records    []program.ProjectRow
	Note       string
	Results    []bulkResult
}

type bulkResult struct {
	ID      int64
	Title   string
	Message string
	OK      bool
}

func (s *area) loadCall(r *http.Request) (program.Call, *program.Template, error) {
	id, err := site.PathID(r)
	if err != nil {
		return program.Call{}, nil, err
	}
	c, err := program.GetCall(r.Context(), s.DB, id)
	if err != nil {
		return c, nil, err
	}
	t, err := program.LoadTemplate(r.Context(), s.DB, c.TemplateID)
	return c, t, err
}

// StageLabel names the stage key of t in lang (the landing's to-do lines
// name stages too).
func StageLabel(t *program.Template, key, lang string) string {
	if st, ok := t.Stage(key); ok {
		if lang == i18n.EN && st.NameEN != "" {
			return st.NameEN
		}
		return st.Name
	}
	return key
}

func transitionLabel(tr program.Transition, lang string) string {
	if lang == i18n.EN && tr.NameEN != "" {
		return tr.NameEN
	}
	return tr.Name
}

func (s *area) board(r *http.Request) (*boardData, error) { return s.boardOf(r, false) }

// boardOf is a call's board; all draws every record (the export), not the
// newest boardMax.
func (s *area) boardOf(r *http.Request, all bool) (*boardData, error) {
	ctx := r.Context()
	c, t, err := s.loadCall(r)
	if err != nil {
		return nil, err
	}
	pr := site.Info(r).Principal
	lang := site.Info(r).Lang
	d := &boardData{Call: c, Template: t, Open: c.OpenOn(today(r.Context())), Staff: pr.Can(access.ProgramView) && pr.OrgScope() == 0,
		Manager: pr.Can(access.ProgramManage), Applicant: pr.Can(access.ProjectApply)}
	prog := r.URL.Query().Get("program") // ?program=: the call's records of that program only (its own, or a challenge's bids)
	child := prog
	if child == t.Key {
		child = ""
	}
	if child != "" {
		pub, err := program.Latest(ctx, s.DB, child)
		if err != nil {
			return nil, err
		}
		t = pub.Template
		d.Template = t
	}
	stage := r.URL.Query().Get("stage") // ?stage=: one stage's records (the landing's links)
	if stage != "" {
		d.Stage = StageLabel(t, stage, lang)
	}
	if !d.Staff {
		d.Mine, err = program.Projects(ctx, s.DB, program.ProjectFilter{CallID: c.ID, Program: prog, Stage: stage, Scope: pr.OrgScope()})
		return d, err
	}
	rows, err := program.Projects(ctx, s.DB, program.ProjectFilter{CallID: c.ID, Program: prog, Stage: stage, Limit: boardMax, All: all})
	if err != nil {
		return nil, err
	}
	total, err := program.CountInCall(ctx, s.DB, c.ID)
	if err != nil {
		return nil, err
	}
	d.Shown, d.Total = float64(len(rows)), float64(total)
	var scores map[int64]*float64
	if t.Review != nil && child == "" {
		rank, err := program.Ranking(ctx, s.DB, c.ID, t.Review.ReviewStage(), 1)
		if err != nil {
			return nil, err
		}
		scores = map[int64]*float64{}
		byID := map[int64]program.ProjectRow{}
		for _, p := range rows {
			byID[p.ID] = p
		}
		for _, x := range rank {
			scores[x.ProjectID] = x.Score
			d.Ranking = append(d.Ranking, rankRow{Result: x, Title: byID[x.ProjectID].Title, Organisation: byID[x.ProjectID].Organisation})
		}
	}
	for _, st := range t.Stages {
		if stage != "" && st.Key != stage {
			continue
		}
		col := boardColumn{Stage: st, Label: StageLabel(t, st.Key, lang)}
		for _, p := range rows {
			if p.Stage == st.Key {
				col.Records = append(col.Records, boardCard{ProjectRow: p, Score: scores[p.ID]})
			}
		}
		d.Columns = append(d.Columns, col)
	}
	if d.Manager && child == "" { // bulk moves post to the call's own program
		for _, tr := range t.Transitions {
			if tr.Amount != "" || t.Grave(&tr) { // an amount per record, or a reason per record: one by one on its page
				continue
			}
			for _, by := range tr.By {
				if by == "role:manager" {
					d.Moves = append(d.Moves, tr)
					break
				}
			}
		}
	}
	return d, nil
}

func (s *area) callPage(w http.ResponseWriter, r *http.Request) error {
	d, err := s.board(r)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "call.title", d)
	if n := r.URL.Query().Get("imported"); n != "" {
		p.Flash = p.T("program.imported", n)
	}
	return s.pages.Render(w, http.StatusOK, "call", p)
}

// bulkMove takes one transition on several records. The first post shows
// what would be done; the confirmed one does it, record by record (each move
// is atomic on its own), and reports each outcome.
func (s *area) bulkMove(w http.ResponseWriter, r *http.Request) error {
	d, err := s.board(r)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	var tr *program.Transition
	for i := range d.Moves {
		if d.Moves[i].Key == r.FormValue("transition") {
			tr = &d.Moves[i]
		}
	}
	if tr == nil {
		return problem.Invalid("transition", "call.bulk_transition")
	}
	var ids []int64
	for _, v := range r.Form["ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return problem.Invalid("ids", "call.bulk_none")
	}
	b := &bulkConfirm{Transition: *tr, Label: transitionLabel(*tr, lang), Note: r.FormValue("note")}
	for _, col := range d.Columns {
		for _, c := range col.Records {
			if slices.Contains(ids, c.ID) {
				b.Records = append(b.Records, c.ProjectRow)
			}
		}
	}
	d.Bulk = b
	if r.FormValue("confirm") == "1" {
		for _, rec := range b.Records {
			res := bulkResult{ID: rec.ID, Title: rec.Title, OK: true}
			if wait, err := s.reviewsWait(r, d.Template, tr, rec.ID, rec.Stage); err != nil {
				return err
			} else if wait != "" { // a decision on a review whose sheets are not all in waits, as on the record's page
				res.OK, res.Message = false, wait
				b.Results = append(b.Results, res)
				continue
			}
			_, err := program.Move(r.Context(), s.DB, site.Info(r).Principal, rec.ID, tr.Key, b.Note)
			if err == nil {
				s.afterMove(r.Context(), rec.ID)
			}
			if err != nil {
				res.OK, res.Message = false, problem.Message(err, lang)
			}
			b.Results = append(b.Results, res)
		}
		if d, err = s.board(r); err != nil {
			return err
		}
		d.Bulk = b
	}
	return s.pages.Render(w, http.StatusOK, "call", s.NewPage(w, r, "call.title", d))
}

// reviewsWait is why tr may not yet be taken on a record in stage: it
// decides on a review whose round lacks the sheets the template asks for.
// Empty: it may.
func (s *area) reviewsWait(r *http.Request, t *program.Template, tr *program.Transition, id int64, stage string) (string, error) {
	if !t.DecidesOnReview(tr) || stage != t.Review.ReviewStage() {
		return "", nil
	}
	res, err := program.Results(r.Context(), s.DB, t, id, 1)
	if err != nil || res.Submitted >= t.Review.Required() {
		return "", err
	}
	return i18n.T(site.Info(r).Lang, "project.awaiting_reviews", res.Submitted, t.Review.Required()), nil
}

// callExport writes a call's records, with scores and ranks, as .xlsx: all
// of them, in the board's order, though the board draws only the newest.
func (s *area) callExport(w http.ResponseWriter, r *http.Request) error {
	d, err := s.boardOf(r, true)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	T := func(k string) string { return i18n.T(lang, k) }
	rank := map[int64]rankRow{}
	for _, x := range d.Ranking {
		rank[x.ProjectID] = x
	}
	sh := tabular.Sheet{Name: T("call.records"), Header: []string{T("project.id"), T("project.title"), T("project.organisation"),
		T("project.stage"), T("project.amount_requested"), T("review.submitted"), T("review.score"), T("review.rank")}}
	for _, col := range d.Columns {
		for _, c := range col.Records {
			x := rank[c.ID]
			var score, rk any
			if x.Score != nil {
				score, rk = *x.Score, x.Rank
			}
			sh.Rows = append(sh.Rows, []any{c.ID, c.Title, c.Organisation, col.Label, c.AmountRequested, x.Submitted, score, rk})
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="call-%d.xlsx"`, d.Call.ID))
	return tabular.WriteXLSX(w, sh)
}

// recordsTemplate sends the sheet for importing records into a call.
func (s *area) recordsTemplate(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="call-%d-import.xlsx"`, c.ID))
	return tabular.WriteXLSX(w, program.ImportSheet(t))
}

// importRecords reads a sheet of records into a call: all rows or none,
// each bad cell named by its row.
func (s *area) importRecords(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	n, err := s.readImport(r, id)
	if err != nil {
		if ok, rerr := s.pages.Refuse(w, r, err, "call.title", "call", func() (any, error) { return s.board(r) }); ok {
			return rerr
		}
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/calls/%d?imported=%d", id, n), http.StatusSeeOther)
	return nil
}

func (s *area) readImport(r *http.Request, callID int64) (int, error) {
	tb, err := site.UploadedSheet(r)
	if err != nil {
		return 0, err
	}
	return program.ImportRecords(r.Context(), s.DB, site.Info(r).Principal, callID, tb)
}

// apiImportRecords is importRecords for the API: a multipart file.
func (s *area) apiImportRecords(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	if r.MultipartForm == nil {
		r.Body = http.MaxBytesReader(w, r.Body, site.MaxUploadBytes)
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return problem.Invalid("file", "returns.file_required")
		}
	}
	n, err := s.readImport(r, id)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, map[string]any{"imported": n})
}
