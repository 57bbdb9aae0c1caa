package registryweb

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// importJob is an uploaded file between preview and commit, and the commit
// running in the background with its progress.
type importJob struct {
	mu       sync.Mutex
	ID       string
	Owner    int64
	Kind     registry.ImportKind
	File     string
	Plan     *registry.Plan
	Created  time.Time
	State    string // preview, running, done, failed
	Done     int
	Total    int
	Summary  registry.Summary
	Err      string
	finished chan struct{}
}

// jobView is what a page shows of a job, copied under its lock.
type jobView struct {
	ID      string
	Kind    registry.ImportKind
	File    string
	Plan    *registry.Plan
	State   string
	Done    int
	Total   int
	Summary registry.Summary
}

// snapshot copies the fields a page shows.
func (j *importJob) snapshot() jobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	return jobView{ID: j.ID, Kind: j.Kind, File: j.File, Plan: j.Plan, State: j.State, Done: j.Done, Total: j.Total, Summary: j.Summary}
}

// Percent is the commit's progress.
func (j jobView) Percent() int {
	if j.Total == 0 {
		return 0
	}
	return j.Done * 100 / j.Total
}

// importJobs keeps recent jobs in memory for an hour: a preview is not worth
// persisting, and a commit's result is in the audit log.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

func newImportJobs() *importJobs { return &importJobs{jobs: map[string]*importJob{}} }

func (js *importJobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	for id, old := range js.jobs {
		if time.Since(old.Created) > time.Hour {
			delete(js.jobs, id)
		}
	}
	js.jobs[j.ID] = j
}

func (js *importJobs) get(id string, owner int64) (*importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.jobs[id]
	if !ok || j.Owner != owner {
		return nil, fmt.Errorf("import %s: %w", id, problem.ErrNotFound)
	}
	return j, nil
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
	job := &importJob{ID: rand.Text(), Owner: ri.Principal.UserID, Kind: kind, File: hdr.Filename, Plan: plan, Created: time.Now(), State: "preview"}
	s.imports.add(job)
	snap := job.snapshot()
	p.Data = importData{Kinds: registry.ImportKinds, Kind: kind, Job: &snap}
	// The upload worked, so 200 even when the preview lists problems: the
	// problems are the answer, not a failed request.
	return s.pages.Render(w, http.StatusOK, "import_preview", p)
}

func (s *area) registryDeps() registry.Deps {
	return registry.Deps{Keys: s.Keys, Indexer: s.Search, Today: time.Now().In(site.Shanghai)}
}

// importCommit starts writing a previewed plan in the background, all or
// nothing, and sends the browser to the progress page.
func (s *area) importCommit(w http.ResponseWriter, r *http.Request) error {
	ri := site.Info(r)
	job, err := s.imports.get(r.PathValue("job"), ri.Principal.UserID)
	if err != nil {
		return err
	}
	job.mu.Lock()
	if job.State != "preview" || !job.Plan.OK() {
		job.mu.Unlock()
		return problem.New(problem.ErrConflict, "import.not_ready")
	}
	job.State, job.Total, job.finished = "running", job.Plan.Rows, make(chan struct{})
	job.mu.Unlock()
	actor := audit.ActorFrom(r.Context())
	go func() {
		defer close(job.finished)
		ctx := audit.WithActor(context.Background(), actor)
		sum, err := job.Plan.Commit(ctx, s.DB, func(done, total int) {
			job.mu.Lock()
			job.Done, job.Total = done, total
			job.mu.Unlock()
		})
		job.mu.Lock()
		defer job.mu.Unlock()
		if err != nil {
			s.Log.Error("import failed", "job", job.ID, "err", err)
			job.State, job.Err = "failed", err.Error()
			return
		}
		job.State, job.Summary, job.Done = "done", sum, job.Total
	}()
	http.Redirect(w, r, "/registry/import/"+job.ID, http.StatusSeeOther)
	return nil
}

// importStatus shows a job; while it runs the page polls itself (htmx) for
// the progress bar.
func (s *area) importStatus(w http.ResponseWriter, r *http.Request) error {
	job, err := s.imports.get(r.PathValue("job"), site.Info(r).Principal.UserID)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("wait") == "1" && job.finished != nil {
		select { // for scripts and tests: wait for the end, up to a minute
		case <-job.finished:
		case <-time.After(time.Minute):
		case <-r.Context().Done():
		}
	}
	snap := job.snapshot()
	p := s.NewPage(w, r, "import.title", importData{Kinds: registry.ImportKinds, Kind: snap.Kind, Job: &snap})
	name := "import_preview"
	if r.Header.Get("HX-Request") == "true" {
		name = "import_progress"
	}
	return s.pages.Render(w, http.StatusOK, name, p)
}
