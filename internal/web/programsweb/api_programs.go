package programsweb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

func (s *area) apiPrograms(w http.ResponseWriter, r *http.Request) error {
	ps, err := program.Programs(r.Context(), s.DB)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": ps})
}

// apiProjects lists projects; an organisation user sees only their own
// organisation's (the scope is applied in the query). The answer is kept
// for the audit generation, per filter and scope: until the next write,
// the same question is answered with the same bytes.
func (s *area) apiProjects(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := program.ProjectFilter{Program: q.Get("program"), Stage: q.Get("stage"), Scope: site.Info(r).Principal.OrgScope()}
	key := fmt.Sprintf("%q|%q|%d", f.Program, f.Stage, f.Scope)
	return s.projects.Serve(w, r, s.DB, key, func(ctx context.Context) (any, error) {
		rows, err := program.Projects(ctx, s.DB, f)
		if err != nil {
			return nil, err
		}
		return map[string]any{"items": rows}, nil
	})
}

// apiProject returns one project as the caller may see it: program.ViewOf
// decides, and a blind reviewer gets no applicant identity.
func (s *area) apiProject(w http.ResponseWriter, r *http.Request) error {
	id, err := site.PathID(r)
	if err != nil {
		return err
	}
	v, err := program.ViewOf(r.Context(), s.DB, site.Info(r).Principal, id)
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, v)
}

// apiCalls lists calls, optionally of one program.
func (s *area) apiCalls(w http.ResponseWriter, r *http.Request) error {
	cs, err := program.Calls(r.Context(), s.DB, r.URL.Query().Get("program"))
	if err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": cs})
}

// apiPublish takes a template as YAML. With ?dry_run=true it only answers
// the diff against the stored version and the dry run over existing
// records; otherwise it publishes and answers the same with 201.
func (s *area) apiPublish(w http.ResponseWriter, r *http.Request) error {
	src, err := io.ReadAll(io.LimitReader(r.Body, 1<<20+1))
	if err != nil || len(src) > 1<<20 {
		return problem.Invalid("body", "program.too_big")
	}
	pv, err := program.PreviewPublish(r.Context(), s.DB, src)
	var probs program.Problems
	if errors.As(err, &probs) {
		lang := site.Info(r).Lang
		out := make([]map[string]any, len(probs))
		for i, p := range probs {
			out[i] = map[string]any{"line": p.Line, "message": p.Message(lang)}
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnprocessableEntity)
		return json.NewEncoder(w).Encode(map[string]any{"type": "https://xinzhi.invalid/problems/program-invalid", "title": "Unprocessable Entity",
			"status": http.StatusUnprocessableEntity, "detail": i18n.T(lang, "program.invalid"), "problems": out})
	}
	if err != nil {
		return err
	}
	if dry, _ := strconv.ParseBool(r.URL.Query().Get("dry_run")); dry {
		return site.WriteJSON(w, http.StatusOK, pv)
	}
	if _, err := program.Publish(r.Context(), s.DB, src); err != nil {
		return err
	}
	return site.WriteJSON(w, http.StatusCreated, pv)
}
