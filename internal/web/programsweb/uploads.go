package programsweb

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// A file sent with a form that comes back with errors is kept as a pending
// upload of the user who sent it (program.Files.KeepPending) and offered
// again beside its field: "keep" (KEY.keep, ticked) with its id in
// KEY.pending sends it again on the next try, unless a new file replaces
// it. Only the sender can use it; it is checked again like a new upload.

// formUploads opens the files a multipart request sends for t's file
// fields, and the kept files it asks to send again; done closes them.
func (s *area) formUploads(r *http.Request, t *program.Template) ([]program.Upload, problem.List, func()) {
	var uploads []program.Upload
	var open []multipart.File
	var ps problem.List
	done := func() {
		for _, f := range open {
			f.Close()
		}
	}
	for _, f := range t.Form {
		if f.Type != "file" {
			continue
		}
		sent := false
		if r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File[f.Key] {
				if fh.Size == 0 && fh.Filename == "" {
					continue
				}
				body, err := fh.Open()
				if err != nil {
					ps = append(ps, problem.Invalid(f.Key, "import.upload_failed"))
					continue
				}
				open = append(open, body)
				uploads = append(uploads, program.Upload{Field: f.Key, Name: fh.Filename, Body: body})
				sent = true
			}
		}
		if sent || r.FormValue(f.Key+".keep") != "1" {
			continue
		}
		id, err := strconv.ParseInt(r.FormValue(f.Key+".pending"), 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		p, content, err := s.Files.TakePending(r.Context(), s.DB, site.Info(r).Principal.UserID, id, f.Key)
		if err != nil {
			ps = append(ps, problem.Invalid(f.Key, "attachment.pending_gone"))
			continue
		}
		uploads = append(uploads, program.Upload{Field: f.Key, Name: p.Name, Body: bytes.NewReader(content), PendingID: p.ID})
	}
	return uploads, ps, done
}

// keepUploads keeps the files of a refused form for the user to send again:
// each is checked as on saving (size, type by content); one that fails is
// refused beside its field (errs gets the message unless the field has
// one). Files already kept are offered again as they are.
func (s *area) keepUploads(r *http.Request, uploads []program.Upload, errs map[string]string) map[string]*program.Pending {
	out := map[string]*program.Pending{}
	user := site.Info(r).Principal.UserID
	lang := site.Info(r).Lang
	for _, u := range uploads {
		if u.PendingID > 0 {
			p := program.Pending{ID: u.PendingID, Field: u.Field, Name: u.Name}
			if br, ok := u.Body.(*bytes.Reader); ok {
				p.Size = br.Size()
			}
			out[u.Field] = &p
			continue
		}
		if sk, ok := u.Body.(io.Seeker); ok {
			if _, err := sk.Seek(0, io.SeekStart); err != nil {
				continue
			}
		}
		file, pe := program.ReadUpload(u)
		if pe != nil {
			if errs != nil && errs[u.Field] == "" {
				errs[u.Field] = pe.Message(lang)
			}
			continue
		}
		if user <= 0 {
			continue // a token's request: nobody to keep it for
		}
		p, err := s.Files.KeepPending(r.Context(), s.DB, user, file)
		if err != nil {
			s.Log.Warn("keep upload", "err", err)
			continue
		}
		out[u.Field] = &p
	}
	return out
}

// dropPending forgets the kept files a saved form used.
func (s *area) dropPending(r *http.Request, uploads []program.Upload) {
	var ids []int64
	for _, u := range uploads {
		if u.PendingID > 0 {
			ids = append(ids, u.PendingID)
		}
	}
	if len(ids) == 0 {
		return
	}
	if err := s.Files.DropPending(r.Context(), s.DB, site.Info(r).Principal.UserID, ids); err != nil {
		s.Log.Warn("drop pending uploads", "err", err)
	}
}
