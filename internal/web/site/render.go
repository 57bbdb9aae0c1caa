package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// Pages are an area's templates, each parsed with the shared layout and
// functions.
type Pages struct {
	site   *Site
	byName map[string]*template.Template
}

// Parse parses every dir/*.html of files (an area's embedded templates)
// into the shared layout: a broken template fails at start-up, not on a
// page. A template's name is its file name without .html; a file whose
// name starts with "_" holds partials the area's pages share, parsed into
// each of them.
func (s *Site) Parse(files fs.FS, dir string) (*Pages, error) {
	entries, err := fs.Glob(files, path.Join(dir, "*.html"))
	if err != nil {
		return nil, err
	}
	var partials []string
	for _, e := range entries {
		if strings.HasPrefix(path.Base(e), "_") {
			body, err := fs.ReadFile(files, e)
			if err != nil {
				return nil, err
			}
			partials = append(partials, string(body))
		}
	}
	p := &Pages{site: s, byName: map[string]*template.Template{}}
	for _, e := range entries {
		name := strings.TrimSuffix(path.Base(e), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		body, err := fs.ReadFile(files, e)
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Funcs(s.Funcs).Parse(s.Layout)
		for _, part := range partials {
			if err == nil {
				_, err = t.Parse(part)
			}
		}
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// Names lists the templates' names.
func (p *Pages) Names() []string {
	out := make([]string, 0, len(p.byName))
	for n := range p.byName {
		out = append(out, n)
	}
	return out
}

// Render executes the template name inside the layout with status.
func (p *Pages) Render(w http.ResponseWriter, status int, name string, pg *Page) error {
	b, err := p.Bytes(name, pg)
	if err != nil {
		return err
	}
	return Write(w, status, b)
}

// Bytes is the page name inside the layout, as Render would send it.
func (p *Pages) Bytes(name string, pg *Page) ([]byte, error) {
	t, ok := p.byName[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Write sends a rendered page (Bytes) with status.
func Write(w http.ResponseWriter, status int, page []byte) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := w.Write(page)
	return err
}

// Content renders only the content of template name (without the
// layout), for a page to keep and hand back as Page.Body: it reads pg's
// language and data, nothing of its reader.
func (p *Pages) Content(name string, pg *Page) (template.HTML, error) {
	t, ok := p.byName[name]
	if !ok {
		return "", fmt.Errorf("no template %q", name)
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, "content", pg); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return template.HTML(buf.String()), nil // html/template's output, escaped already
}

// FormError re-renders a form page with the field messages of err, or
// fails the request when err is not about the input.
func (p *Pages) FormError(w http.ResponseWriter, r *http.Request, name string, pg *Page, err error) error {
	var pe *problem.Error
	if !errors.As(err, &pe) || (problem.Status(err) != http.StatusUnprocessableEntity && problem.Status(err) != http.StatusConflict) {
		return err
	}
	if pe.Field != "" {
		pg.Errors[pe.Field] = pe.Message(pg.Lang)
	} else {
		pg.Flash = pe.Message(pg.Lang)
	}
	for k, v := range r.PostForm {
		if k != "csrf" && !strings.Contains(k, "password") && k != "current" && len(v) > 0 {
			pg.Form[k] = v[0]
		}
	}
	return p.Render(w, problem.Status(err), name, pg)
}

// Refuse re-renders page name with a refused form's message (the first
// problem in the flash, every problem by field) and what was typed in
// fields; it returns false when err is not a problem of the form (not
// found, or a failure), for the caller to return.
func (p *Pages) Refuse(w http.ResponseWriter, r *http.Request, err error, title, name string, data func() (any, error), fields ...string) (bool, error) {
	var list problem.List
	var one *problem.Error
	if !(errors.As(err, &list) || errors.As(err, &one)) || errors.Is(err, problem.ErrNotFound) {
		return false, nil
	}
	if list == nil {
		list = problem.List{one}
	}
	d, derr := data()
	if derr != nil {
		return true, derr
	}
	pg := p.site.NewPage(w, r, title, d)
	pg.Errors = list.ByField(pg.Lang)
	msgs := make([]string, len(list))
	for i, e := range list {
		msgs[i] = e.Message(pg.Lang)
	}
	pg.Flash, pg.Bad = strings.Join(msgs, " "), true
	for _, k := range fields {
		pg.Form[k] = r.FormValue(k)
	}
	return true, p.Render(w, problem.Status(err), name, pg)
}

// WriteJSON writes v as indented JSON with status. It is encoded before
// anything is written, so an encoding failure is still a clean 500, and
// sent in one write with its length. The long lists (KeptJSON) are
// compact instead: indenting 200 rows cost a quarter of a list's CPU.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// PathID parses the {id} path value; a bad one is not found.
func PathID(r *http.Request) (int64, error) {
	return PathInt(r, "id")
}

// PathInt parses a positive integer path value; a bad one is not found.
func PathInt(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%s %q: %w", name, r.PathValue(name), problem.ErrNotFound)
	}
	return id, nil
}
