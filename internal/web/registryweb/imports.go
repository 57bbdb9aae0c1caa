package registryweb

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// jobView is what a page shows of an import job.
type jobView struct {
	ID      string
	Kind    registry.ImportKind
	File    string
	Plan    *registry.Plan // in preview: the plan made from the file
	State   string         // preview, running, done, failed, interrupted
	Done    int
	Total   int
	Summary registry.Summary
}

// Percent is the commit's progress.
func (j jobView) Percent() int {
	if j.Total == 0 {
		return 0
	}
	return j.Done * 100 / j.Total
}

// importLease is how long a node's claim on a commit lasts unless renewed
// (every third of it, on PostgreSQL). A node that dies leaves its job
// interrupted once the lease has run out.
const importLease = 15 * time.Second

// importJobs are the commits running on this node: their progress (on
// SQLite the commit's transaction holds the one writer, so progress cannot
// be written to the job's row while it runs) and their end. Everything else
// of a job is in the database (registry.ImportJob), so any node shows and
// commits it.
type importJobs struct {
	holder string
	mu     sync.Mutex
	local  map[string]*localJob
}

// localJob is a commit running here.
type localJob struct {
	done, total int
	finished    chan struct{}
}

func newImportJobs() *importJobs {
	host, _ := os.Hostname()
	return &importJobs{holder: fmt.Sprintf("%s:%d:%s", host, os.Getpid(), rand.Text()[:6]), local: map[string]*localJob{}}
}

// running is the commit of job id running here, if it is.
func (js *importJobs) running(id string) (*localJob, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	l, ok := js.local[id]
	return l, ok
}

// view reads a job for the page: from the database, with this node's
// progress when it runs here, and in preview with its plan made again.
func (s *area) view(r *http.Request, id string) (jobView, *localJob, error) {
	j, err := registry.LoadImportJob(r.Context(), s.DB, id, site.Info(r).Principal.UserID, false)
	if err != nil {
		return jobView{}, nil, err
	}
	v := jobView{ID: j.ID, Kind: j.Kind, File: j.FileName, State: j.State, Done: j.Done, Total: j.Total, Summary: j.Summary}
	l, here := s.imports.running(id)
	if here {
		s.imports.mu.Lock()
		v.State, v.Done, v.Total = registry.JobRunning, l.done, l.total
		s.imports.mu.Unlock()
	}
	if v.State == registry.JobPreview || v.State == registry.JobInterrupted {
		if v.Plan, err = s.plan(r.Context(), id, site.Info(r).Principal.UserID); err != nil {
			return jobView{}, nil, err
		}
	}
	return v, l, nil
}

// plan makes a job's plan again from its file.
func (s *area) plan(ctx context.Context, id string, owner int64) (*registry.Plan, error) {
	j, err := registry.LoadImportJob(ctx, s.DB, id, owner, true)
	if err != nil {
		return nil, err
	}
	t, err := tabular.Read(bytes.NewReader(j.File), int64(len(j.File)), j.FileName, tabular.DefaultLimits)
	if err != nil {
		return nil, err
	}
	return registry.Prepare(ctx, s.DB, s.registryDeps(), j.Kind, t)
}

// importData is the data of the import pages.
type importData struct {
	Kinds []registry.ImportKind
	Kind  registry.ImportKind
	Job   *jobView
}

func (s *area) importPage(w http.ResponseWriter, r *http.Request) error {
	return s.pages.Render(w, http.StatusOK, "import", s.NewPage(w, r, "import.title", importData{Kinds: registry.ImportKinds, Kind: registry.ImportOrgs}))
}

// importTemplate serves the template of a kind: Chinese headers (required
// ones starred), an example row, drop-downs for coded columns.
func (s *area) importTemplate(w http.ResponseWriter, r *http.Request) error {
	kind := registry.ImportKind(r.PathValue("kind"))
	spec, ok := registry.Specs()[kind]
	if !ok {
		return problem.ErrNotFound
	}
	cat, err := registry.LoadCatalogue(r.Context(), s.DB)
	if err != nil {
		return err
	}
	sh := tabular.Sheet{Name: "导入模板", Lists: map[int][]string{}, Notes: map[int]string{}}
	for i, c := range spec.Columns {
		sh.Header = append(sh.Header, c.Headers[0])
		sh.Required = append(sh.Required, c.Required)
		sh.Widths = append(sh.Widths, 18)
		sh.Notes[i] = "可用列名 / accepted headers: " + joinHeaders(c.Headers)
		if l := templateList(kind, c.Key, cat); l != nil {
			sh.Lists[i] = l
		}
	}
	row := make([]any, len(spec.Example))
	for i, v := range spec.Example {
		row[i] = v
	}
	sh.Rows = [][]any{row}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="xinzhi-%s-template.xlsx"`, kind))
	return tabular.WriteXLSX(w, sh)
}

func joinHeaders(hs []string) string {
	var b bytes.Buffer
	for i, h := range hs {
		if i > 0 {
			b.WriteString(" / ")
		}
		b.WriteString(h)
	}
	return b.String()
}

func templateList(kind registry.ImportKind, key string, cat *registry.Catalogue) []string {
	switch {
	case kind == registry.ImportOrgs && key == "kind":
		return []string{"企业", "高校", "科研院所", "银行", "投资基金", "担保机构", "保险机构", "服务商", "算力中心", "产业园区", "政府部门", "联盟", "其他"}
	case kind == registry.ImportOrgs && key == "size":
		return []string{"大", "中", "小", "微"}
	case kind == registry.ImportOrgs && key == "district":
		return []string{"和平区", "沈河区", "大东区", "皇姑区", "铁西区", "苏家屯区", "浑南区", "沈北新区", "于洪区", "辽中区", "康平县", "法库县", "新民市"}
	case kind == registry.ImportPeople && key == "gender":
		return []string{"男", "女"}
	case kind == registry.ImportPeople && key == "degree":
		return registry.Degrees
	case kind == registry.ImportPeople && key == "talent_level":
		return []string{"A", "B", "C", "D", "E", "F"}
	case kind == registry.ImportDisciplines && key == "kind":
		return []string{"学科", "专业"}
	case kind == registry.ImportFigures && key == "kind":
		names := make([]string, len(cat.FigureKinds))
		for i, f := range cat.FigureKinds {
			names[i] = f.Name
		}
		return names
	}
	return nil
}

// importUpload reads the file, validates every row and shows the preview.
// Nothing is written.
func (s *area) importUpload(w http.ResponseWriter, r *http.Request) error {
	ri := site.Info(r)
	p := s.NewPage(w, r, "import.title", importData{Kinds: registry.ImportKinds})
	kind := registry.ImportKind(r.FormValue("kind"))
	if _, ok := registry.Specs()[kind]; !ok {
		return s.pages.FormError(w, r, "import", p, problem.Invalid("kind", "import.kind_unknown"))
	}
	p.Data = importData{Kinds: registry.ImportKinds, Kind: kind}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.pages.FormError(w, r, "import", p, problem.Invalid("file", "import.no_file"))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, tabular.DefaultLimits.MaxBytes+1))
	if err != nil {
		return err
	}
	t, err := tabular.Read(bytes.NewReader(data), int64(len(data)), hdr.Filename, tabular.DefaultLimits)
	if err != nil {
		var te *tabular.Error
		if asTabular(err, &te) {
			p.Errors["file"] = te.Message(p.Lang)
			return s.pages.Render(w, http.StatusUnprocessableEntity, "import", p)
		}
		return err
	}
	plan, err := registry.Prepare(r.Context(), s.DB, s.registryDeps(), kind, t)
	if err != nil {
		return err
	}
	job := registry.ImportJob{ID: rand.Text(), OwnerID: ri.Principal.UserID, Kind: kind, FileName: hdr.Filename, File: data, Total: plan.Rows}
	if err := registry.SaveImportJob(r.Context(), s.DB, job); err != nil {
		return err
	}
	p.Data = importData{Kinds: registry.ImportKinds, Kind: kind, Job: &jobView{ID: job.ID, Kind: kind, File: job.FileName, Plan: plan, State: registry.JobPreview, Total: plan.Rows}}
	// The upload worked, so 200 even when the preview lists problems: the
	// problems are the answer, not a failed request.
	return s.pages.Render(w, http.StatusOK, "import_preview", p)
}

func (s *area) registryDeps() registry.Deps {
	return registry.Deps{Keys: s.Keys, Indexer: s.Search, Today: time.Now().In(site.Shanghai)}
}

// importCommit starts writing a previewed plan in the background, all or
// nothing, and sends the browser to the progress page. Any node may commit
// a job: the plan is made again from the stored file, and one UPDATE lets
// one node only take it (or take over one interrupted).
func (s *area) importCommit(w http.ResponseWriter, r *http.Request) error {
	ri := site.Info(r)
	id := r.PathValue("job")
	if _, here := s.imports.running(id); here {
		return problem.New(problem.ErrConflict, "import.not_ready")
	}
	plan, err := s.plan(r.Context(), id, ri.Principal.UserID)
	if err != nil {
		return err
	}
	if !plan.OK() {
		return problem.New(problem.ErrConflict, "import.not_ready")
	}
	if err := registry.ClaimImportJob(r.Context(), s.DB, id, ri.Principal.UserID, s.imports.holder, importLease); err != nil {
		return err
	}
	l := &localJob{total: plan.Rows, finished: make(chan struct{})}
	s.imports.mu.Lock()
	s.imports.local[id] = l
	s.imports.mu.Unlock()
	actor := audit.ActorFrom(r.Context())
	go s.commit(audit.WithActor(context.Background(), actor), id, plan, l)
	http.Redirect(w, r, "/registry/import/"+id, http.StatusSeeOther)
	return nil
}

// commit writes the plan in one transaction, keeping the job's progress
// (and, on PostgreSQL, its row and lease) current, and records its end.
func (s *area) commit(ctx context.Context, id string, plan *registry.Plan, l *localJob) {
	holder := s.imports.holder
	defer func() {
		s.imports.mu.Lock()
		delete(s.imports.local, id)
		s.imports.mu.Unlock()
		close(l.finished)
	}()
	shared := s.DB.Engine() == store.Postgres
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() { // renew the lease while the commit runs, between progress reports
		defer close(renewed)
		tick := time.NewTicker(importLease / 3)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if shared {
				s.imports.mu.Lock()
				done, total := l.done, l.total
				s.imports.mu.Unlock()
				if err := registry.ImportJobProgress(ctx, s.DB, id, holder, done, total, importLease); err != nil {
					s.Log.Warn("import progress", "job", id, "err", err)
				}
			}
		}
	}()
	sum, err := plan.Commit(ctx, s.DB, func(done, total int) {
		s.imports.mu.Lock()
		l.done, l.total = done, total
		s.imports.mu.Unlock()
		if shared {
			if err := registry.ImportJobProgress(ctx, s.DB, id, holder, done, total, importLease); err != nil {
				s.Log.Warn("import progress", "job", id, "err", err)
			}
		}
	})
	close(stop)
	<-renewed
	if err != nil {
		s.Log.Error("import failed", "job", id, "err", err)
	}
	if ferr := registry.FinishImportJob(ctx, s.DB, id, holder, sum, plan.Rows, err); ferr != nil {
		s.Log.Error("import job", "job", id, "err", ferr)
	}
}

// importStatus shows a job; while it runs the page polls itself (htmx) for
// the progress bar. Any node shows any job.
func (s *area) importStatus(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("job")
	if r.URL.Query().Get("wait") == "1" { // for scripts and tests: wait for the end, up to a minute
		if err := s.wait(r, id); err != nil {
			return err
		}
	}
	v, _, err := s.view(r, id)
	if err != nil {
		return err
	}
	p := s.NewPage(w, r, "import.title", importData{Kinds: registry.ImportKinds, Kind: v.Kind, Job: &v})
	name := "import_preview"
	if r.Header.Get("HX-Request") == "true" {
		name = "import_progress"
	}
	return s.pages.Render(w, http.StatusOK, name, p)
}

// wait waits until the job is no longer running: on the commit's end when
// it runs here, otherwise by reading its row every half second.
func (s *area) wait(r *http.Request, id string) error {
	timeout := time.After(time.Minute)
	for {
		if l, here := s.imports.running(id); here {
			select {
			case <-l.finished:
			case <-timeout:
			case <-r.Context().Done():
			}
			return nil
		}
		j, err := registry.LoadImportJob(r.Context(), s.DB, id, site.Info(r).Principal.UserID, false)
		if err != nil || j.State != registry.JobRunning {
			return err
		}
		select {
		case <-time.After(500 * time.Millisecond):
		case <-timeout:
			return nil
		case <-r.Context().Done():
			return nil
		}
	}
}
