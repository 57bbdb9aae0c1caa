package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryVariableDocumented: every XINZHI_* variable the code names is a
// row of the README's one table of environment variables, so an operator
// finds them all in one place.
func TestEveryVariableDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "### Environment variables")
	if start < 0 {
		t.Fatal("README has no Environment variables section")
	}
	table := text[start:]
	if end := strings.Index(table[1:], "\n#"); end >= 0 {
		table = table[:end+1]
	}
	var rows []string
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, "| `XINZHI_") {
			rows = append(rows, strings.SplitN(l[1:], "|", 2)[0]) // the variable column
		}
	}
	name := regexp.MustCompile(`XINZHI_[A-Z_]*[A-Z]`)
	seen := map[string]string{}
	err = filepath.WalkDir("../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != "../.." {
			return fs.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range regexp.MustCompile(`"XINZHI_[A-Z_]+"`).FindAllString(string(b), -1) {
			if v := strings.Trim(m, `"`); !strings.HasSuffix(v, "_") { // a prefix, e.g. "XINZHI_SMTP_"
				seen[name.FindString(v)] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 20 {
		t.Fatalf("found only %d variables in the code: %v", len(seen), seen)
	}
	for v, file := range seen {
		found := false
		for _, r := range rows {
			if strings.Contains(r, "`"+v+"`") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s (read in %s) is not in the README's table of environment variables", v, file)
		}
	}
}
