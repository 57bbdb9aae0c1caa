package web

import (
	"bytes"
	"io"
	"net/http"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// apiProblem is one refused cell in the API's answer.
type apiProblem = site.CellProblem

// apiImportResult is the API's answer to an import.
type apiImportResult struct {
	Kind      registry.ImportKind `json:"kind"`
	Rows      int                 `json:"rows"`
	Committed bool                `json:"committed"`
	Created   int                 `json:"created"`
	Updated   int                 `json:"updated"`
	Unchanged int                 `json:"unchanged"`
	Problems  []apiProblem        `json:"problems"`
	Warnings  []apiProblem        `json:"warnings"`
}

// apiImport takes a spreadsheet as the request body (Content-Type says
// which: text/csv or the .xlsx type; or ?filename=…) and imports it at once,
// all or nothing; ?dry_run=1 only checks. Refused rows answer 422 with every
// problem.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) error {
	kind := registry.ImportKind(r.URL.Query().Get("kind"))
	if _, ok := registry.Specs()[kind]; !ok {
		return problem.Invalid("kind", "import.kind_unknown")
	}
	name := r.URL.Query().Get("filename")
	if name == "" {
		switch r.Header.Get("Content-Type") {
		case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
			name = "upload.xlsx"
		default:
			name = "upload.csv"
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, tabular.DefaultLimits.MaxBytes))
	if err != nil {
		return problem.Invalid("file", "import.upload_failed")
	}
	t, err := tabular.Read(bytes.NewReader(data), int64(len(data)), name, tabular.DefaultLimits)
	if err != nil {
		return err
	}
	plan, err := registry.Prepare(r.Context(), s.db, s.registryDeps(), kind, t)
	if err != nil {
		return err
	}
	lang := info(r).lang
	res := apiImportResult{Kind: kind, Rows: plan.Rows, Problems: []apiProblem{}, Warnings: []apiProblem{}}
	for _, p := range plan.Problems {
		res.Problems = append(res.Problems, apiProblem{Row: p.Row, Column: p.Column, Header: p.Header, Field: p.Field, Message: p.Message(lang)})
	}
	for _, p := range plan.Warnings {
		res.Warnings = append(res.Warnings, apiProblem{Row: p.Row, Column: p.Column, Header: p.Header, Field: p.Field, Message: p.Message(lang)})
	}
	if !plan.OK() {
		return writeJSON(w, http.StatusUnprocessableEntity, res)
	}
	if r.URL.Query().Get("dry_run") == "1" {
		return writeJSON(w, http.StatusOK, res)
	}
	start := time.Now()
	sum, err := plan.Commit(r.Context(), s.db, nil)
	if err != nil {
		return err
	}
	s.log.Info("api import", "kind", kind, "rows", plan.Rows, "seconds", time.Since(start).Seconds())
	res.Committed, res.Created, res.Updated, res.Unchanged = true, sum.Created, sum.Updated, sum.Unchanged
	return writeJSON(w, http.StatusOK, res)
}
