package program_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/mail"
	"github.com/xinzhi-platform/xinzhi/internal/mail/mailtest"
	"github.com/xinzhi-platform/xinzhi/internal/password"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestNoticesByEmail: a notice to an organisation goes to each of its users
// with an address, in their language, with a link to the record; once sent
// it is not sent again.
func TestNoticesByEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		relay := mailtest.Start(t)
		svc := auth.New(db, auth.Config{Password: password.Fast})
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "通知企业", Kind: "enterprise"})
		for _, u := range []auth.NewUser{
			{Username: "zh-user", Email: "zh@example.cn", Password: "long-enough-pw-2025", Roles: []access.Role{access.Org}, OrgID: org.ID},
			{Username: "no-mail", Password: "long-enough-pw-2025", Roles: []access.Role{access.Org}, OrgID: org.ID},
		} {
			if _, err := svc.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		pub, err := program.Publish(ctx, db, []byte(parentTemplate))
		if err != nil {
			t.Fatal(err)
		}
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "m-1", Name: "邮件批次", Opens: "2020-01-01", Closes: "2099-01-01"})
		p, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "邮件测试榜单"})
		if _, err := program.Move(ctx, db, access.Principal{UserID: 9, Name: "m", Roles: []access.Role{access.Manager}}, p.ID, "publish", ""); err != nil {
			t.Fatal(err)
		}
		cfg := mail.Config{Addr: relay.Addr, From: "新质平台 <noreply@kjj.example.cn>"}
		n, err := program.DeliverEmail(ctx, db, cfg, "https://xinzhi.example.cn")
		if err != nil || n != 1 {
			t.Fatalf("delivered %d: %v", n, err)
		}
		msgs := relay.Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "zh@example.cn" {
			t.Fatalf("messages: %+v", msgs)
		}
		parts := strings.SplitN(msgs[0].Data, "\r\n\r\n", 2)
		body, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(parts[1], "\r\n", ""))
		if !strings.Contains(string(body), "邮件测试榜单") || !strings.Contains(string(body), "https://xinzhi.example.cn/projects/") || !strings.Contains(parts[0], "=?utf-8?b?") {
			t.Fatalf("message:\n%s\n%s", parts[0], body)
		}
		if n, err := program.DeliverEmail(ctx, db, cfg, ""); err != nil || n != 0 {
			t.Fatalf("second round sent %d: %v", n, err)
		}
	})
}
