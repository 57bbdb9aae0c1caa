package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// RestoreOptions say how a restore may proceed.
type RestoreOptions struct {
	// Force restores into a data directory that is not empty: the database
	// is replaced and the attachments are added to those there. A keyring
	// there that differs from the archive's is never replaced.
	Force bool
	// DB is the PostgreSQL database (postgres://…) an archive made on
	// PostgreSQL is restored into with pg_restore; it must hold no tables
	// unless Force. Empty for SQLite archives.
	DB string
}

// maxManifest bounds the manifest read into memory.
const maxManifest = 64 << 20

// Restore checks an archive whole and only then puts its database,
// attachments and (when it holds one) keyring into dataDir. An archive that
// is damaged, does not match its manifest, or a data directory that is not
// empty (without Force) is refused and nothing is changed.
func Restore(ctx context.Context, archive, dataDir string, opt RestoreOptions) (Manifest, error) {
	var m Manifest
	if !opt.Force {
		if empty, err := isEmptyDir(dataDir); err != nil {
			return m, fmt.Errorf("restore: %w", err)
		} else if !empty {
			return m, problem.New(problem.ErrConflict, "backup.target_not_empty", dataDir)
		}
	}
	f, err := os.Open(archive)
	if err != nil {
		return m, problem.New(problem.ErrNotFound, "backup.archive_missing", archive)
	}
	defer f.Close()

	// Stage beside the data directory (one file system: files are renamed
	// into place); directories made for it go again when the restore fails.
	parent := filepath.Dir(filepath.Clean(dataDir))
	made := firstMissing(parent)
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	ok := false
	defer func() {
		if !ok && made != "" {
			os.RemoveAll(made)
		}
	}()
	stage, err := os.MkdirTemp(parent, ".xinzhi-restore-*")
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(stage)

	got, manifest, err := unpack(f, stage)
	if err != nil {
		return m, err
	}
	if manifest == nil {
		return m, problem.New(problem.ErrInvalid, "backup.no_manifest", archive)
	}
	if err := json.Unmarshal(manifest, &m); err != nil || m.Format != format {
		return m, problem.New(problem.ErrInvalid, "backup.bad_manifest", archive)
	}
	if err := check(m, got); err != nil {
		return m, err
	}
	pg := m.Database && m.Engine == string(store.Postgres)
	switch {
	case pg && !strings.HasPrefix(opt.DB, "postgres"):
		return m, problem.New(problem.ErrInvalid, "backup.needs_postgres")
	case !pg && opt.DB != "":
		return m, problem.New(problem.ErrInvalid, "backup.not_postgres")
	case m.Database && !pg:
		if err := checkDatabase(ctx, filepath.Join(stage, filepath.FromSlash(DBName))); err != nil {
			return m, err
		}
	}
	if m.Key {
		if err := keyConflict(stage, dataDir); err != nil {
			return m, err
		}
	}
	if pg {
		// One transaction: a dump that does not load changes nothing.
		if err := pgRestore(ctx, opt.DB, filepath.Join(stage, PgDumpName), opt.Force); err != nil {
			return m, err
		}
	}
	if err := place(m, stage, dataDir, opt); err != nil {
		return m, err
	}
	ok = true
	return m, nil
}

// firstMissing returns the outermost directory of dir that does not exist,
// or "" when dir exists.
func firstMissing(dir string) string {
	missing := ""
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			return missing
		}
		missing = d
		if filepath.Dir(d) == d {
			return missing
		}
	}
}

// unpack reads every entry into stage, hashing as it goes. It refuses
// anything but regular files at the names an archive holds.
func unpack(r io.Reader, stage string) (map[string]Entry, []byte, error) {
	got := map[string]Entry{}
	var manifest []byte
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, problem.New(problem.ErrInvalid, "backup.damaged", err.Error())
		}
		if h.Typeflag != tar.TypeReg || !allowedName(h.Name) {
			return nil, nil, problem.New(problem.ErrInvalid, "backup.unexpected_entry", h.Name)
		}
		if manifest != nil {
			return nil, nil, problem.New(problem.ErrInvalid, "backup.unexpected_entry", h.Name) // nothing after the manifest
		}
		if _, dup := got[h.Name]; dup {
			return nil, nil, problem.New(problem.ErrInvalid, "backup.unexpected_entry", h.Name)
		}
		if h.Name == ManifestName {
			b, err := io.ReadAll(io.LimitReader(tr, maxManifest+1))
			if err != nil {
				return nil, nil, problem.New(problem.ErrInvalid, "backup.damaged", err.Error())
			}
			if len(b) > maxManifest {
				return nil, nil, problem.New(problem.ErrInvalid, "backup.bad_manifest", h.Name)
			}
			manifest = b
			continue
		}
		dst := filepath.Join(stage, filepath.FromSlash(h.Name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return nil, nil, fmt.Errorf("restore: %w", err)
		}
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("restore: %w", err)
		}
		sum := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, sum), tr)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, nil, problem.New(problem.ErrInvalid, "backup.damaged", err.Error())
		}
		got[h.Name] = Entry{Path: h.Name, Size: n, SHA256: hex.EncodeToString(sum.Sum(nil))}
	}
	return got, manifest, nil
}

// allowedName: the database, the keyring, the manifest, or an attachment
// under its two-character directory.
func allowedName(name string) bool {
	switch name {
	case DBName, PgDumpName, KeyName, ManifestName:
		return true
	}
	parts := strings.Split(name, "/")
	return len(parts) == 3 && parts[0] == FilesDir && isAttachmentName(parts[2]) && parts[1] == parts[2][:2] && path.Clean(name) == name
}

// check compares what the archive held with its manifest: every file
// listed, of its size and checksum, and nothing else; attachments are
// named by their own checksum.
func check(m Manifest, got map[string]Entry) error {
	listed := map[string]bool{}
	for _, e := range m.Files {
		listed[e.Path] = true
		g, ok := got[e.Path]
		if !ok {
			return problem.New(problem.ErrInvalid, "backup.file_missing", e.Path)
		}
		if g.Size != e.Size || g.SHA256 != e.SHA256 {
			return problem.New(problem.ErrInvalid, "backup.checksum", e.Path)
		}
		if strings.HasPrefix(e.Path, FilesDir+"/") && path.Base(e.Path) != g.SHA256 {
			return problem.New(problem.ErrInvalid, "backup.checksum", e.Path)
		}
	}
	for name := range got {
		if !listed[name] {
			return problem.New(problem.ErrInvalid, "backup.unexpected_entry", name)
		}
	}
	if m.Database != (listed[DBName] != listed[PgDumpName]) || m.Key != listed[KeyName] {
		return problem.New(problem.ErrInvalid, "backup.bad_manifest", ManifestName)
	}
	return nil
}

// checkDatabase opens the restored SQLite file and runs its own check.
func checkDatabase(ctx context.Context, file string) error {
	db, err := store.Open(ctx, "sqlite:"+file)
	if err != nil {
		return problem.New(problem.ErrInvalid, "backup.bad_database", err.Error())
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil || res != "ok" {
		if err != nil {
			res = err.Error()
		}
		return problem.New(problem.ErrInvalid, "backup.bad_database", res)
	}
	return nil
}

// place moves the checked files from stage into dataDir.
func place(m Manifest, stage, dataDir string, opt RestoreOptions) error {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for _, e := range m.Files {
		src := filepath.Join(stage, filepath.FromSlash(e.Path))
		dst := filepath.Join(dataDir, filepath.FromSlash(e.Path))
		switch {
		case e.Path == PgDumpName:
			continue // loaded into PostgreSQL already
		case e.Path == DBName:
			for _, side := range []string{"-wal", "-shm", "-journal"} {
				if err := os.Remove(dst + side); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("restore: %w", err)
				}
			}
		case e.Path == KeyName || strings.HasPrefix(e.Path, FilesDir+"/"):
			if _, err := os.Stat(dst); err == nil {
				continue // the same content (attachments are named by it; the key was compared)
			}
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if err := os.Rename(src, dst); err != nil {
			return fmt.Errorf("restore %s: %w", e.Path, err)
		}
	}
	return nil
}

// keyConflict refuses a keyring in dataDir that differs from the archive's:
// it is never replaced, since values sealed under it would be lost.
func keyConflict(stage, dataDir string) error {
	have, err := os.ReadFile(filepath.Join(dataDir, KeyName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	want, err := os.ReadFile(filepath.Join(stage, KeyName))
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if !bytes.Equal(have, want) {
		return problem.New(problem.ErrConflict, "backup.key_differs", filepath.Join(dataDir, KeyName))
	}
	return nil
}

func isEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}
