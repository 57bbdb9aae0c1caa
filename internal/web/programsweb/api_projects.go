package programsweb

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// The API's side of the records: what the forms do, as JSON. A body holds
// the form's fields under "data" with the same keys as the template;
// numbers are numbers, dates "YYYY-MM-DD", organisations an id, a credit
// code or an exact name, people an id. A body with files is sent as
// multipart/form-data: the JSON in the part "body", each file in a part
// named for its field.

// projectBody is a record's JSON body.
type projectBody struct {
	Data    map[string]any `json:"data"`
	Version int            `json:"version"`
	// moves
	Transition string   `json:"transition"`
	Note       string   `json:"note"`
	Amount     *float64 `json:"amount"`
}

func readProjectBody(w http.ResponseWriter, r *http.Request) (projectBody, error) {
	var b projectBody
	var raw []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if r.MultipartForm == nil { // a bearer call: the CSRF check did not parse it
			r.Body = http.MaxBytesReader(w, r.Body, site.MaxUploadBytes)
			if err := r.ParseMultipartForm(8 << 20); err != nil {
				return b, problem.Invalid("file", "import.upload_failed")
			}
		}
		raw = []byte(r.FormValue("body"))
	} else {
		var err error
		if raw, err = io.ReadAll(io.LimitReader(r.Body, 1<<20+1)); err != nil {
			return b, err
		}
	}
	if len(raw) > 1<<20 {
		return b, problem.Invalid("body", "program.too_big")
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return b, problem.Invalid("body", "project.bad_body")
	}
	if b.Data == nil {
		b.Data = map[string]any{}
	}
	return b, nil
}

// resolveRefs turns the organisations and people a body names by text (an
// organisation's credit code or full name, a person's ID number or name
// within the caller's scope; several of one name refused) into ids, and
// refuses references to organisations or people that do not exist, field
// by field.
func (s *area) resolveRefs(ctx context.Context, t *program.Template, data map[string]any, scope registry.Scope) problem.List {
	var ps problem.List
	check := func(kind, name string, v any) any {
		switch x := v.(type) {
		case nil:
			return nil
		case float64:
			if ok, err := s.refExists(ctx, kind, int64(x)); err != nil || !ok {
				ps = append(ps, problem.Invalid(name, "form.ref_unknown", strconv.FormatFloat(x, 'f', -1, 64)))
			}
			return x
		case string:
			if strings.TrimSpace(x) == "" {
				return x // the form check names the wrong type
			}
			id, pe := s.resolveRef(ctx, kind, name, x, "", scope)
			if pe != nil {
				ps = append(ps, pe)
				return x
			}
			if ok, err := s.refExists(ctx, kind, id); err != nil || !ok { // a number given as text
				ps = append(ps, problem.Invalid(name, "form.ref_unknown", x))
			}
			return float64(id)
		}
		return v
	}
	for _, f := range t.Form {
		switch f.Type {
		case "organisation", "person":
			if v, ok := data[f.Key]; ok {
				data[f.Key] = check(f.Type, f.Key, v)
			}
		case "table":
			rows, _ := data[f.Key].([]any)
			for i, r := range rows {
				row, _ := r.(map[string]any)
				for _, c := range f.Columns {
					if v, ok := row[c.Key]; ok && (c.Type == "organisation" || c.Type == "person") {
						row[c.Key] = check(c.Type, fmt.Sprintf("%s.%d.%s", f.Key, i, c.Key), v)
					}
				}
			}
		}
	}
	return ps
}

func (s *area) refExists(ctx context.Context, kind string, id int64) (bool, error) {
	table := map[string]string{"organisation": "organisations", "person": "people"}[kind]
	if table == "" || id <= 0 {
		return false, nil
	}
	var n int
	err := s.DB.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

// apiApply starts a draft application in a call (an organisation's user),
// or registers a record the bureau runs itself (a manager).
func (s *area) apiApply(w http.ResponseWriter, r *http.Request) error {
	c, t, err := s.loadCall(r)
	if err != nil {
		return err
	}
	b, err := readProjectBody(w, r)
	if err != nil {
		return err
	}
	uploads, ps, done := s.formUploads(r, t)
	defer done()
	if ps = append(ps, s.resolveRefs(r.Context(), t, b.Data, registry.Scope(site.Info(r).Principal.OrgScope()))...); len(ps) > 0 {
		return ps
	}
	var pr program.Project
	p := site.Info(r).Principal
	if p.OrgID != 0 {
		pr, err = program.Apply(r.Context(), s.DB, s.Files, p, c.ID, b.Data, uploads)
	} else {
		pr, err = program.Register(r.Context(), s.DB, s.Files, p, c.ID, 0, b.Data, uploads)
	}
	if err != nil {
		return err
	}
	return s.writeView(w, r, http.StatusCreated, pr.ID)
}

// apiSaveProject saves a record's form; version is the one read, and a save
// over someone else's is refused.
func (s *area) apiSaveProject(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	p := site.Info(r).Principal
	v, err := program.ViewOf(r.Context(), s.DB, p, id)
	if err != nil {
		return err
	}
	b, err := readProjectBody(w, r)
	if err != nil {
		return err
	}
	uploads, ps, done := s.formUploads(r, v.Template)
	defer done()
	if ps = append(ps, s.resolveRefs(r.Context(), v.Template, b.Data, registry.Scope(site.Info(r).Principal.OrgScope()))...); len(ps) > 0 {
		return ps
	}
	if _, err := program.SaveData(r.Context(), s.DB, s.Files, p, id, b.Data, uploads, b.Version); err != nil {
		return err
	}
	return s.writeView(w, r, http.StatusOK, id)
}

// apiMoveProject takes a transition; who may is in the template.
func (s *area) apiMoveProject(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	p := site.Info(r).Principal
	if _, err := program.ViewOf(r.Context(), s.DB, p, id); err != nil {
		return err
	}
	b, err := readProjectBody(w, r)
	if err != nil {
		return err
	}
	if b.Transition == "" {
		return problem.Invalid("transition", "project.transition_missing")
	}
	if _, err := program.MoveWith(r.Context(), s.DB, p, id, b.Transition, program.MoveInput{Note: b.Note, Amount: b.Amount}); err != nil {
		return err
	}
	s.afterMove(r.Context(), id)
	return s.writeView(w, r, http.StatusOK, id)
}

// apiAddChild adds a child record (a bid on a published challenge).
func (s *area) apiAddChild(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	_, c, pub, err := s.childKind(r, id)
	if err != nil {
		return err
	}
	b, err := readProjectBody(w, r)
	if err != nil {
		return err
	}
	uploads, ps, done := s.formUploads(r, pub.Template)
	defer done()
	if ps = append(ps, s.resolveRefs(r.Context(), pub.Template, b.Data, registry.Scope(site.Info(r).Principal.OrgScope()))...); len(ps) > 0 {
		return ps
	}
	child, err := program.AddChild(r.Context(), s.DB, s.Files, site.Info(r).Principal, id, c.Key, b.Data, uploads)
	if err != nil {
		return err
	}
	return s.writeView(w, r, http.StatusCreated, child.ID)
}

// writeView answers a record as the caller may now see it.
func (s *area) writeView(w http.ResponseWriter, r *http.Request, status int, id int64) error {
	v, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, status, v)
}
