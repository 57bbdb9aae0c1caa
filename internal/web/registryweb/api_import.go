package registryweb

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// apiImportResult is the API's answer to an import.
type apiImportResult struct {
	Kind      registry.ImportKind `json:"kind"`
	Rows      int                 `json:"rows"`
	Committed bool                `json:"committed"`
	Created   int                 `json:"created"`
	Updated   int                 `json:"updated"`
	Unchanged int                 `json:"unchanged"`
	Problems  []site.CellProblem  `json:"problems"`
	Warnings  []site.CellProblem  `json:"warnings"`
}

// importProblem is a refused import: a problem document whose extension
// members are the result, every row's problem listed.
type importProblem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	apiImportResult
}

// apiImport takes a spreadsheet as the request body (Content-Type says
// which: text/csv or the .xlsx type; or ?filename=…) and imports it at once,
// all or nothing; ?dry_run=1 only checks. Refused rows answer 422, a
// problem document with every row's problem.
func (s *area) apiImport(w http.ResponseWriter, r *http.Request) error {
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
	plan, err := registry.Prepare(r.Context(), s.DB, s.registryDeps(), kind, t)
	if err != nil {
		return err
	}
	lang := site.Info(r).Lang
	res := apiImportResult{Kind: kind, Rows: plan.Rows, Problems: []site.CellProblem{}, Warnings: []site.CellProblem{}}
	for _, p := range plan.Problems {
		res.Problems = append(res.Problems, site.CellProblem{Row: p.Row, Column: p.Column, Header: p.Header, Field: p.Field, Message: p.Message(lang)})
	}
	for _, p := range plan.Warnings {
		res.Warnings = append(res.Warnings, site.CellProblem{Row: p.Row, Column: p.Column, Header: p.Header, Field: p.Field, Message: p.Message(lang)})
	}
	if !plan.OK() {
		// An error like any other of the API: a problem document (RFC 9457),
		// its extension members the result with every row's problem.
		w.Header().Set("Content-Type", "application/problem+json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnprocessableEntity)
		return json.NewEncoder(w).Encode(importProblem{Type: "https://xinzhi.invalid/problems/import-has_problems", Title: http.StatusText(http.StatusUnprocessableEntity),
			Status: http.StatusUnprocessableEntity, Detail: i18n.T(lang, "import.has_problems", len(res.Problems)), apiImportResult: res})
	}
	if r.URL.Query().Get("dry_run") == "1" {
		return site.WriteJSON(w, http.StatusOK, res)
	}
	start := time.Now()
	sum, err := plan.Commit(r.Context(), s.DB, nil)
	if err != nil {
		return err
	}
	s.Log.Info("api import", "kind", kind, "rows", plan.Rows, "seconds", time.Since(start).Seconds())
	res.Committed, res.Created, res.Updated, res.Unchanged = true, sum.Created, sum.Updated, sum.Unchanged
	return site.WriteJSON(w, http.StatusOK, res)
}
