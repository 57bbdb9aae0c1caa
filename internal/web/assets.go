package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFiles embed.FS

// assets serves the embedded static files at URLs that carry a checksum of
// their content, so they can be cached forever and a new release is never
// served a stale file.
type assets struct {
	fs     fs.FS
	byName map[string]string // "app.css" → "/static/1a2b3c4d5e/app.css"
}

func loadAssets() (*assets, error) {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	a := &assets{fs: sub, byName: map[string]string{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.byName[p] = "/static/" + hex.EncodeToString(sum[:5]) + "/" + p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return a, nil
}

// url returns the checksummed URL of a static file; an unknown name panics at
// template execution, which the start-up template check catches.
func (a *assets) url(name string) (string, error) {
	u, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

// serve answers /static/{sum}/{path...}; a checksum that does not match the
// file is 404, so old URLs never get new content under a long cache.
func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	want, ok := a.byName[p]
	if !ok || want != path.Clean(r.URL.Path) {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(a.fs, p)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(p, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(p, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	case strings.HasSuffix(p, ".svg"):
		w.Header().Set("Content-Type", "image/svg+xml")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(b)
}
