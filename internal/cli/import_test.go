package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

func TestImportCommand(t *testing.T) {
	data := t.TempDir()
	d := "--data=" + data
	first17 := "91210100MA0ABCDE"
	c9, _ := stdcode.OrgCodeCheckChar("MA0ABCDE")
	first17 += string(c9)
	c18, _ := stdcode.CreditCodeCheckChar(first17)
	code := first17 + string(c18)
	good := "credit_code,name,district\n" + code + ",沈阳拓荆科技股份有限公司,浑南区\n"
	bad := "credit_code,name,district\n" + code[:17] + "0,沈阳拓荆科技股份有限公司,火星区\n"
	goodPath, badPath := filepath.Join(data, "good.csv"), filepath.Join(data, "bad.csv")
	os.WriteFile(goodPath, []byte(good), 0o600)
	os.WriteFile(badPath, []byte(bad), 0o600)

	code1, out, errOut := runCLI(t, "", "import", "orgs", d, badPath)
	if code1 != 1 || !strings.Contains(out, "row 2") || !strings.Contains(out, "火星区") || !strings.Contains(errOut, "nothing was written") {
		t.Fatalf("bad file: exit %d\n%s\n%s", code1, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "import", "orgs", d, "--dry-run", goodPath); code != 0 || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "import", "orgs", d, goodPath); code != 0 || !strings.Contains(out, "1 created") {
		t.Fatalf("import: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "import", "orgs", d, goodPath); code != 0 || !strings.Contains(out, "1 unchanged") {
		t.Fatalf("re-import: %d %s", code, out)
	}
	if code, _, _ := runCLI(t, "", "import", "spaceships", d, goodPath); code != 2 {
		t.Fatalf("unknown kind: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(data, "keys.txt")); err != nil {
		t.Fatalf("the personal-data keyring was not created: %v", err)
	}
}

func TestProgramValidate(t *testing.T) {
	if code, out, _ := runCLI(t, "", "program", "validate", "../../programs/major_special_project.yaml"); code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("valid template: %d %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("key: x\nname: X\nversion: 1\nstages:\n  - {key: a, name: A, initial: true}\ntransitions:\n  - {key: t, name: T, from: a, to: b, by: [owner]}\n"), 0o600)
	code, out, _ := runCLI(t, "", "program", "validate", "--lang", "en", bad)
	if code != 1 || !strings.Contains(out, "line 7") || !strings.Contains(out, "Stage \"b\" does not exist") {
		t.Fatalf("bad template: %d %s", code, out)
	}
}
