package programsweb_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestAgreementParties: the bureau registers a cooperation agreement over
// the API naming its parties by name; signing with one party is refused by
// the template's rule, with two it goes through, and the record's page
// names the parties of its table, not their ids.
func TestAgreementParties(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"哈尔滨市科学技术局", "长春市科学技术局"} {
			if _, err := registry.Create(ctx, db, registry.Organisation{Name: n, Kind: "government"}); err != nil {
				t.Fatal(err)
			}
		}
		pub, err := program.Latest(ctx, db, "cooperation_agreement")
		if err != nil {
			t.Fatal(err)
		}
		call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "agreements-2024", Name: "2024年科技合作协议", Opens: "2024-01-01", Closes: "2099-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		mgr := e.Client()
		mgr.SignIn("u-manager", webtest.Password)
		data := func(parties ...string) string {
			rows := []string{}
			for _, p := range parties {
				rows = append(rows, fmt.Sprintf(`{"organisation": %q, "role": "签约方"}`, p))
			}
			return `{"title": "哈长科技创新合作框架协议", "kind": "框架协议", "reach": "区域合作", "scope": "联合攻关、平台共享、成果转化",
				"signed_date": "2024-09-20", "parties": [` + strings.Join(rows, ", ") + `]}`
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("body", `{"data": `+data("哈尔滨市科学技术局")+`}`)
		fw, _ := mw.CreateFormFile("text", "协议文本.pdf")
		_, _ = fw.Write([]byte("%PDF-1.4 协议"))
		_ = mw.Close()
		resp, body := mgr.Raw("POST", fmt.Sprintf("/api/v1/calls/%d/projects", call.ID), mw.FormDataContentType(), buf.Bytes())
		if resp.StatusCode != 201 {
			t.Fatalf("register: %d %s", resp.StatusCode, body)
		}
		var v struct {
			ID      int64
			Version int
		}
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		base := fmt.Sprintf("/api/v1/projects/%d", v.ID)
		if resp, body := mgr.Raw("POST", base+"/move", "application/json", []byte(`{"transition": "sign"}`)); resp.StatusCode != 422 || !strings.Contains(body, "两个签约方") {
			t.Fatalf("signed by one party: %d %s", resp.StatusCode, body)
		}
		if resp, body := mgr.Raw("PUT", base, "application/json", []byte(fmt.Sprintf(`{"data": %s, "version": %d}`, data("哈尔滨市科学技术局", "长春市科学技术局"), v.Version))); resp.StatusCode != 200 {
			t.Fatalf("save: %d %s", resp.StatusCode, body)
		}
		if resp, body := mgr.Raw("POST", base+"/move", "application/json", []byte(`{"transition": "sign"}`)); resp.StatusCode != 200 {
			t.Fatalf("sign: %d %s", resp.StatusCode, body)
		}
		_, page := mgr.Get(fmt.Sprintf("/projects/%d", v.ID))
		for _, want := range []string{"哈尔滨市科学技术局", "长春市科学技术局", "已签署"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page does not name %s", want)
			}
		}
	})
}
