package adminweb

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// auditData is the data of the audit log page.
type auditData struct {
	Events []audit.Event
	Filter audit.Filter
	Next   int64 // id to page back from, 0 when there is no older page
	Report *audit.Report
	// Links that keep the page's filter, built with net/url.
	Export, Older string
}

// auditFilterKeys are the query parameters of the log's filter.
var auditFilterKeys = []string{"actor", "entity", "action", "outcome", "from", "to"}

func auditFilter(r *http.Request) audit.Filter {
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), Entity: q.Get("entity"), Action: q.Get("action"), Outcome: q.Get("outcome"), Limit: 100}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("from"), site.Shanghai); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", q.Get("to"), site.Shanghai); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	if id, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil {
		f.BeforeID = id
	}
	return f
}

func (s *area) auditPage(w http.ResponseWriter, r *http.Request) error {
	f := auditFilter(r)
	evs, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	q := site.Kept(r.URL.Query(), auditFilterKeys...)
	d := auditData{Events: evs, Filter: f, Export: site.Link("/admin/audit/export", q)}
	if len(evs) == f.Limit {
		d.Next = evs[len(evs)-1].ID
		d.Older = site.Link("/admin/audit", q, "before", strconv.FormatInt(d.Next, 10))
	}
	p := s.NewPage(w, r, "audit.title", d)
	for _, k := range auditFilterKeys {
		p.Form[k] = r.URL.Query().Get(k)
	}
	return s.pages.Render(w, http.StatusOK, "audit", p)
}

// auditExport streams the filtered log as CSV (UTF-8 with a byte-order mark,
// so Excel opens the Chinese text correctly). The export itself is audited.
func (s *area) auditExport(w http.ResponseWriter, r *http.Request) error {
	f := auditFilter(r)
	f.Limit = 10000
	evs, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	if err := audit.Record(r.Context(), s.DB, audit.Change{Entity: "audit", Action: "export", After: map[string]any{"rows": len(evs)}}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="xinzhi-audit.csv"`)
	_, _ = w.Write([]byte("\xEF\xBB\xBF"))
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "at", "actor", "address", "entity", "entity_id", "action", "outcome", "before", "after", "hash"})
	for _, e := range evs {
		_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339), csvSafe(e.Actor), e.Address, e.Entity, csvSafe(e.EntityID),
			e.Action, e.Outcome, csvSafe(e.Before), csvSafe(e.After), e.Hash})
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses spreadsheet formulas in user-supplied text (CSV injection).
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

func (s *area) auditVerify(w http.ResponseWriter, r *http.Request) error {
	rep, err := audit.Verify(r.Context(), s.DB)
	if err != nil {
		return err
	}
	f := audit.Filter{Limit: 20}
	evs, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		return err
	}
	return s.pages.Render(w, http.StatusOK, "audit", s.NewPage(w, r, "audit.title", auditData{Events: evs, Filter: f, Report: &rep, Export: "/admin/audit/export"}))
}

func (s *area) apiAudit(w http.ResponseWriter, r *http.Request) error {
	evs, err := audit.List(r.Context(), s.DB, auditFilter(r))
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []audit.Event{}
	}
	return site.WriteJSON(w, http.StatusOK, map[string]any{"items": evs})
}
