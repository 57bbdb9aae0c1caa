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

// TestProgramPublishAndList: publish asks first and shows the diff against
// the stored version; "no" writes nothing; list shows what is published.
func TestProgramPublishAndList(t *testing.T) {
	data := t.TempDir()
	d := "--data=" + data
	src, err := os.ReadFile("../../programs/joint_lab.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v1 := filepath.Join(data, "v1.yaml")
	os.WriteFile(v1, src, 0o600)
	if code, out, _ := runCLI(t, "n\n", "program", "publish", d, v1); code != 0 || !strings.Contains(out, "not published") {
		t.Fatalf("declined publish: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "program", "list", d); code != 0 || strings.Contains(out, "joint_lab") {
		t.Fatalf("list after a declined publish: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "y\n", "program", "publish", d, v1); code != 0 || !strings.Contains(out, "published joint_lab v1") {
		t.Fatalf("publish: %d %s", code, out)
	}
	v2 := filepath.Join(data, "v2.yaml")
	changed := strings.Replace(strings.Replace(string(src), "version: 1", "version: 2", 1), "name: 校企联合实验室", "name: 校企联合实验室（2026）", 1)
	os.WriteFile(v2, []byte(changed), 0o600)
	code, out, _ := runCLI(t, "", "program", "publish", d, "--dry-run", "--lang", "en", v2)
	if code != 0 || !strings.Contains(out, "Changes against version 1") || !strings.Contains(out, "+ name: 校企联合实验室（2026）") || !strings.Contains(out, "Dry run of the new version over 0 existing records") {
		t.Fatalf("dry run of v2: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "program", "publish", d, "--yes", v2); code != 0 || !strings.Contains(out, "published joint_lab v2") {
		t.Fatalf("publish v2: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "", "program", "list", d); code != 0 || !strings.Contains(out, "joint_lab") || !strings.Contains(out, "v2") {
		t.Fatalf("list: %d %s", code, out)
	}
	if code, _, errOut := runCLI(t, "", "program", "publish", d, "--yes", v1); code != 1 || !strings.Contains(errOut, "must say version: 3") {
		t.Fatalf("publishing an old version: %d %s", code, errOut)
	}
}

// TestUserLinkPerson: an expert's account is tied to a person of the
// registry by ID number on standard input.
func TestUserLinkPerson(t *testing.T) {
	data := t.TempDir()
	d := "--data=" + data
	id := "110101199003070513"
	people := filepath.Join(data, "people.csv")
	os.WriteFile(people, []byte("姓名,身份证号\n李专家,"+id+"\n"), 0o600)
	if code, out, errOut := runCLI(t, "", "import", "people", d, people); code != 0 {
		t.Fatalf("import people: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "review-pass-2025!\n", "user", "add", d, "--username", "expert1", "--role", "reviewer", "--password-stdin"); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	if code, out, errOut := runCLI(t, id+"\n", "user", "link-person", d, "expert1"); code != 0 || !strings.Contains(out, "李专家") {
		t.Fatalf("link: %d %s %s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "110101199003077578\n", "user", "link-person", d, "expert1"); code == 0 {
		t.Fatal("an unknown ID number was linked")
	}
}
