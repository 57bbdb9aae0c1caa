package backup

import (
	"archive/tar"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// TestRestoreRefusesHostileEntries: names that climb out of the data
// directory, links and unknown names are refused before anything is
// written where they point.
func TestRestoreRefusesHostileEntries(t *testing.T) {
	for _, h := range []tar.Header{
		{Name: "../evil", Typeflag: tar.TypeReg, Size: 4, Mode: 0o600},
		{Name: "attachments/../../evil", Typeflag: tar.TypeReg, Size: 4, Mode: 0o600},
		{Name: "/tmp/evil", Typeflag: tar.TypeReg, Size: 4, Mode: 0o600},
		{Name: "xinzhi.db", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"},
		{Name: "attachments/ab/evil", Typeflag: tar.TypeReg, Size: 4, Mode: 0o600},
		{Name: "notes.txt", Typeflag: tar.TypeReg, Size: 4, Mode: 0o600},
	} {
		root := t.TempDir()
		file := filepath.Join(root, "hostile.tar")
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		tw := tar.NewWriter(f)
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte("evil"))
		}
		tw.Close()
		f.Close()
		data := filepath.Join(root, "a", "data")
		_, err = Restore(context.Background(), file, data, RestoreOptions{})
		var pe *problem.Error
		if !errors.As(err, &pe) || pe.Key != "backup.unexpected_entry" {
			t.Errorf("%s (%c): %v; want unexpected entry", h.Name, h.Typeflag, err)
		}
		filepath.Walk(filepath.Dir(root), func(p string, fi os.FileInfo, err error) error {
			if err == nil && strings.Contains(filepath.Base(p), "evil") {
				t.Errorf("%s: wrote %s", h.Name, p)
			}
			return nil
		})
		if _, err := os.Stat(filepath.Join(root, "a")); err == nil {
			t.Errorf("%s: a refused restore left directories", h.Name)
		}
	}
}

func TestLibpqURLHidesPassword(t *testing.T) {
	u, env := libpqURL("postgres://xinzhi:s3cret@db.example:5432/xinzhi?sslmode=require")
	if strings.Contains(u, "s3cret") || u != "postgres://xinzhi@db.example:5432/xinzhi?sslmode=require" {
		t.Errorf("url %q", u)
	}
	if env[len(env)-1] != "PGPASSWORD=s3cret" {
		t.Errorf("env ends %q", env[len(env)-1])
	}
	if u, _ := libpqURL("postgres://postgres@127.0.0.1/x"); u != "postgres://postgres@127.0.0.1/x" {
		t.Errorf("url without password: %q", u)
	}
}
