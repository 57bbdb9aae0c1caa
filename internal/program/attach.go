package program

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// MaxAttachment is the largest file a form takes.
const MaxAttachment = 20 << 20

// Attachment is a file of a project. Its content lives under the data
// directory, named by its SHA-256, so a file uploaded twice is stored once.
type Attachment struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Field     string `json:"field"`
	Name      string `json:"name"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MIME      string `json:"mime"`
}

// Ref is how form data points at the attachment.
func (a Attachment) Ref() string { return "sha256:" + a.SHA256 }

// Files stores attachment contents in a directory.
type Files struct{ Dir string }

func (f Files) path(sum string) string { return filepath.Join(f.Dir, sum[:2], sum) }

// Open returns an attachment's content.
func (f Files) Open(a Attachment) (*os.File, error) {
	if len(a.SHA256) != 64 {
		return nil, fmt.Errorf("attachment %d: bad hash", a.ID)
	}
	return os.Open(f.path(a.SHA256))
}

// allowedTypes are the kinds of file a form takes, told by content.
var allowedTypes = map[string]string{
	"application/pdf": ".pdf",
	"image/png":       ".png",
	"image/jpeg":      ".jpg",
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}

// sniff tells a file's type from its content, never from its name. Office
// files are zip archives told apart by the part they hold.
func sniff(content []byte) string {
	t := http.DetectContentType(content)
	if i := strings.IndexByte(t, ';'); i >= 0 {
		t = t[:i]
	}
	if t != "application/zip" {
		return t
	}
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return t
	}
	for _, f := range zr.File {
		switch {
		case strings.HasPrefix(f.Name, "word/"):
			return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		case strings.HasPrefix(f.Name, "xl/"):
			return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		case strings.HasPrefix(f.Name, "ppt/"):
			return "application/vnd.openxmlformats-officedocument.presentationml.presentation"
		}
	}
	return t
}

// cleanName keeps the base of an uploaded file's name, printable and short.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	for utf8.RuneCountInString(name) > 120 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" || name == "." {
		name = "file"
	}
	return name
}

// File is an upload read and checked: its content, type and hash.
type File struct {
	Field, Name string
	Content     []byte
	MIME        string
}

// ReadUpload reads an upload whole (up to MaxAttachment) and tells its type
// by content; a file too big, empty or of a kind not taken is refused beside
// its field.
func ReadUpload(u Upload) (File, *problem.Error) {
	content, err := io.ReadAll(io.LimitReader(u.Body, MaxAttachment+1))
	if err != nil {
		return File{}, problem.Invalid(u.Field, "import.upload_failed")
	}
	if len(content) > MaxAttachment {
		return File{}, problem.Invalid(u.Field, "attachment.too_big", MaxAttachment>>20)
	}
	if len(content) == 0 {
		return File{}, problem.Invalid(u.Field, "attachment.empty")
	}
	mime := sniff(content)
	if _, ok := allowedTypes[mime]; !ok {
		return File{}, problem.Invalid(u.Field, "attachment.type", mime)
	}
	return File{Field: u.Field, Name: cleanName(u.Name), Content: content, MIME: mime}, nil
}

// Attach stores a checked file for a project: written under its hash and
// recorded in the same transaction as the caller's other changes.
func (f Files) Attach(ctx context.Context, tx *store.Tx, projectID int64, file File) (Attachment, error) {
	sum := sha256.Sum256(file.Content)
	a := Attachment{ProjectID: projectID, Field: file.Field, Name: file.Name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(file.Content)), MIME: file.MIME}
	if err := f.write(a.SHA256, file.Content); err != nil {
		return a, err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO attachments (project_id, field, name, sha256, size, mime, uploaded_at, uploaded_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, projectID, a.Field, a.Name, a.SHA256, a.Size, a.MIME, store.Now(), audit.ActorFrom(ctx).Name).Scan(&a.ID); err != nil {
		return a, fmt.Errorf("record attachment: %w", err)
	}
	return a, audit.Append(ctx, tx, audit.Change{Entity: "project", EntityID: projectID, Action: "attach", After: a})
}

// write stores content under its hash, atomically: a temporary file renamed
// into place. A file already there is the same content.
func (f Files) write(sum string, content []byte) error {
	if f.Dir == "" {
		return errors.New("attachments: no data directory configured")
	}
	dst := f.path(sum)
	if _, err := os.Stat(dst); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return fmt.Errorf("attachments directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".upload-*")
	if err != nil {
		return fmt.Errorf("store attachment: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return fmt.Errorf("store attachment: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}

// Attachments lists a project's files.
func Attachments(ctx context.Context, q store.Querier, projectID int64) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, project_id, field, name, sha256, size, mime FROM attachments WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.ProjectID, &a.Field, &a.Name, &a.SHA256, &a.Size, &a.MIME); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GetAttachment reads one attachment's record.
func GetAttachment(ctx context.Context, q store.Querier, id int64) (Attachment, error) {
	var a Attachment
	err := q.QueryRowContext(ctx, `SELECT id, project_id, field, name, sha256, size, mime FROM attachments WHERE id = ?`, id).
		Scan(&a.ID, &a.ProjectID, &a.Field, &a.Name, &a.SHA256, &a.Size, &a.MIME)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("attachment %d: %w", id, problem.ErrNotFound)
	}
	return a, err
}

// Extension is the file extension of the attachment's type.
func (a Attachment) Extension() string { return allowedTypes[a.MIME] }
