// Package backup writes and restores a whole backup of a data directory: the
// database (an online copy of SQLite) and the attachments beside it, in one
// tar archive with a manifest of checksums. The personal-data keyring goes in
// only when asked: an archive without it cannot reveal the sealed personal
// data, so it may be kept where the key may not.
//
// On PostgreSQL the archive holds a pg_dump of the database instead (pg_dump
// must be on PATH, of the server's major version or newer); operators who
// back PostgreSQL up with their own tools (pg_basebackup and WAL archiving)
// take only the attachments with FilesOnly.
//
// Archive layout (all paths relative, slash-separated):
//
//	xinzhi.db                   the SQLite database, or
//	xinzhi.pgdump               the PostgreSQL database (pg_dump -Fc); neither with FilesOnly
//	attachments/ab/abcdef…      attachment contents, named by their SHA-256
//	keys.txt                    the keyring (only with --include-key)
//	MANIFEST.json               last: every other entry with its size and SHA-256
package backup

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Names inside the archive and the data directory.
const (
	ManifestName = "MANIFEST.json"
	DBName       = "xinzhi.db"
	FilesDir     = "attachments"
	KeyName      = "keys.txt"
	format       = 1
)

// Entry is one file of an archive.
type Entry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest describes an archive. It is the archive's last entry.
type Manifest struct {
	Format    int       `json:"format"`
	CreatedAt time.Time `json:"created_at"`
	Engine    string    `json:"engine"`   // the engine backed up: sqlite or postgres
	Database  bool      `json:"database"` // the database (xinzhi.db or xinzhi.pgdump) is in the archive
	Key       bool      `json:"key"`      // keys.txt is in the archive
	Files     []Entry   `json:"files"`
	// Missing lists attachments the database names whose content was not
	// in the data directory when the backup was made (already lost there).
	Missing []string `json:"missing,omitempty"`
}

// Options say what a backup takes.
type Options struct {
	DataDir    string // the data directory: attachments live in DataDir/attachments
	FilesOnly  bool   // attachments (and key) only, no database
	IncludeKey bool   // put the keyring into the archive
	KeyFile    string // the keyring file to include; default DataDir/keys.txt
}

// Write makes a backup archive at path, which must not exist. It writes to
// a temporary file beside it and renames it into place when complete, so a
// failed backup leaves nothing that looks like one.
func Write(ctx context.Context, db *store.DB, path string, opt Options) (Manifest, error) {
	m := Manifest{Format: format, CreatedAt: time.Now().UTC().Truncate(time.Second), Key: opt.IncludeKey}
	if db != nil {
		m.Engine = string(db.Engine())
	}
	if !opt.FilesOnly {
		if db == nil {
			return m, problem.New(problem.ErrInvalid, "backup.no_database")
		}
		m.Database = true
	}
	if _, err := os.Stat(path); err == nil {
		return m, problem.New(problem.ErrConflict, "backup.target_exists", path)
	}
	tmpDir, err := os.MkdirTemp(filepath.Dir(path), ".xinzhi-backup-*")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmpDir)

	type source struct{ name, file string }
	var sources []source
	// The database first: every attachment it names is on disk by then
	// (contents are written before their rows commit).
	switch {
	case !m.Database:
	case db.Engine() == store.SQLite:
		snap := filepath.Join(tmpDir, DBName)
		if err := db.Backup(ctx, snap); err != nil {
			return m, err
		}
		sources = append(sources, source{DBName, snap})
	default:
		dump := filepath.Join(tmpDir, PgDumpName)
		if err := pgDump(ctx, db.URL(), dump); err != nil {
			return m, err
		}
		sources = append(sources, source{PgDumpName, dump})
	}
	files := filepath.Join(opt.DataDir, FilesDir)
	err = filepath.WalkDir(files, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p == files {
			return fs.SkipDir // no attachments yet
		}
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() || !isAttachmentName(d.Name()) || filepath.Base(filepath.Dir(p)) != d.Name()[:2] {
			return nil // temporary uploads and anything else that is not a stored file
		}
		sources = append(sources, source{FilesDir + "/" + d.Name()[:2] + "/" + d.Name(), p})
		return nil
	})
	if err != nil {
		return m, fmt.Errorf("backup: read attachments: %w", err)
	}
	if opt.IncludeKey {
		kf := opt.KeyFile
		if kf == "" {
			kf = filepath.Join(opt.DataDir, KeyName)
		}
		if _, err := os.Stat(kf); err != nil {
			return m, problem.New(problem.ErrInvalid, "backup.no_key", kf)
		}
		sources = append(sources, source{KeyName, kf})
	}
	if m.Database && db.Engine() == store.SQLite {
		have := map[string]bool{}
		for _, s := range sources {
			have[filepath.Base(s.name)] = true
		}
		named, err := referenced(ctx, sources[0].file)
		if err != nil {
			return m, err
		}
		for _, sum := range named {
			if !have[sum] {
				m.Missing = append(m.Missing, sum)
			}
		}
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), ".xinzhi-backup-*.tar")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	tw := tar.NewWriter(tmp)
	for _, s := range sources {
		e, err := addFile(tw, s.name, s.file, m.CreatedAt)
		if err != nil {
			tmp.Close()
			return m, fmt.Errorf("backup %s: %w", s.name, err)
		}
		m.Files = append(m.Files, e)
	}
	body, err := json.MarshalIndent(m, "", " ")
	if err == nil {
		err = tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(body)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg})
	}
	if err == nil {
		_, err = tw.Write(body)
	}
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return m, fmt.Errorf("backup: write archive: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return m, err
	}
	// Link, not rename: a file that appeared meanwhile is never replaced.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return m, problem.New(problem.ErrConflict, "backup.target_exists", path)
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
	}
	return m, nil
}

func addFile(tw *tar.Writer, name, file string, at time.Time) (Entry, error) {
	f, err := os.Open(file)
	if err != nil {
		return Entry{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Entry{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: fi.Size(), ModTime: at, Typeflag: tar.TypeReg}); err != nil {
		return Entry{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), f)
	if err != nil {
		return Entry{}, err
	}
	if n != fi.Size() {
		return Entry{}, fmt.Errorf("%s changed while being copied", file)
	}
	return Entry{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// referenced lists the attachment contents a SQLite copy names.
func referenced(ctx context.Context, dbFile string) ([]string, error) {
	db, err := store.Open(ctx, "sqlite:"+dbFile)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var out []string
	for _, table := range []string{"attachments", "pending_uploads"} {
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT sha256 FROM `+table)
		if err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue
			}
			return nil, fmt.Errorf("backup: list %s: %w", table, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, s)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

func isAttachmentName(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}
