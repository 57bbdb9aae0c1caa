package opendata_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/opendata"
)

// The standards' versions the exports and the public page name are the
// ones vendored and validated against: their directories exist and the
// schema note names them.
func TestStandardsAreVendored(t *testing.T) {
	note, err := os.ReadFile(filepath.Join("schema", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []opendata.Standard{opendata.OCDS, opendata.Giving360} {
		if fi, err := os.Stat(filepath.Join("schema", s.Dir)); err != nil || !fi.IsDir() {
			t.Errorf("%s %s: schema/%s not vendored: %v", s.Name, s.Version, s.Dir, err)
		}
		if !strings.Contains(string(note), s.Version) || !strings.HasSuffix(s.Dir, s.Version) {
			t.Errorf("%s %s: schema/README.md or directory %q does not name the version", s.Name, s.Version, s.Dir)
		}
	}
	if got := opendata.OCDS.Minor(); got != "1.1" {
		t.Errorf("OCDS minor version = %q, want 1.1", got)
	}
	if got := (opendata.Publisher{}).LicenceName(); got != "CC BY 4.0" {
		t.Errorf("default licence = %q, want CC BY 4.0", got)
	}
	if got := (opendata.Publisher{Licence: "https://example.org/l"}).LicenceURL(); got != "https://example.org/l" {
		t.Errorf("configured licence = %q", got)
	}
}
