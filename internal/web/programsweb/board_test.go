package programsweb_test

import (
	"context"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/programsweb"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestBoardSaysWhenCut: a call with more records than a board draws says
// how many it shows of how many.
func TestBoardSaysWhenCut(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := webtest.New(t, db, false)
	ctx := context.Background()
	if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
		t.Fatal(err)
	}
	pub, err := program.Latest(ctx, db, "talent_service")
	if err != nil {
		t.Fatal(err)
	}
	c, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ts-2025", Name: "人才服务", Opens: "2025-01-01", Closes: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := program.CreateProject(ctx, db, c.ID, e.OrgA.ID, map[string]any{"details": fmt.Sprint("服务", i)}); err != nil {
			t.Fatal(err)
		}
	}
	restore := programsweb.SetBoardMax(2)
	defer restore()
	m := e.Client()
	m.SignIn("u-manager", webtest.Password)
	_, body := m.Get(fmt.Sprintf("/calls/%d", c.ID))
	if !strings.Contains(body, "此处显示最新的 2 条记录，本批次共 3 条") {
		t.Errorf("the board does not say it is cut:\n%s", body)
	}
	// The export gives every record of the call, not only those drawn.
	resp, data := m.Get(fmt.Sprintf("/calls/%d/export", c.ID))
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d", resp.StatusCode)
	}
	if got := webtest.SheetColumn(t, []byte(data), "x.xlsx", "", 0); len(got) != 3 {
		t.Errorf("the export of a cut board has records %q, want all 3", got)
	}
	programsweb.SetBoardMax(5)
	if _, body := m.Get(fmt.Sprintf("/calls/%d", c.ID)); strings.Contains(body, "此处显示最新的") {
		t.Error("a whole board says it is cut")
	}
}
