package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestBoardSaysWhenCut: a call with more records than a board draws says
// how many it shows of how many.
func TestBoardSaysWhenCut(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
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
		if _, err := program.CreateProject(ctx, db, c.ID, e.orgA.ID, map[string]any{"details": fmt.Sprint("服务", i)}); err != nil {
			t.Fatal(err)
		}
	}
	restore := web.SetBoardMax(2)
	defer restore()
	m := e.client()
	m.signIn("u-manager", pw)
	_, body := m.get(fmt.Sprintf("/calls/%d", c.ID))
	if !strings.Contains(body, "此处显示最新的 2 条记录，本批次共 3 条") {
		t.Errorf("the board does not say it is cut:\n%s", body)
	}
	web.SetBoardMax(5)
	if _, body := m.get(fmt.Sprintf("/calls/%d", c.ID)); strings.Contains(body, "此处显示最新的") {
		t.Error("a whole board says it is cut")
	}
}

// TestUnknownDistrictRefused: a district code that is not the city's is
// refused with a message, not answered with zeros under "the whole city".
func TestUnknownDistrictRefused(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	e := newEnv(t, db, false)
	m := e.client()
	m.signIn("u-manager", pw)
	resp, body := m.get("/cockpit/areas/5?district=999999")
	if resp.StatusCode != 422 || !strings.Contains(body, "不是本市的区县") {
		t.Errorf("unknown district: %d", resp.StatusCode)
	}
	if resp, _ := m.get("/cockpit/areas/5?district=210106"); resp.StatusCode != 200 {
		t.Errorf("铁西区: %d", resp.StatusCode)
	}
}
