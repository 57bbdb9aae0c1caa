package program_test

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestOutboxOnceAcrossNodes: two nodes deliver at once and every message
// goes out once; a notice whose node died after sending to one of its
// recipients (the claim ran out, the message recorded) goes only to the
// others when taken over.
func TestOutboxOnceAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		relay := mailtest.Start(t)
		svc := auth.New(db, auth.Config{Password: password.Fast})
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "多节点企业", Kind: "enterprise"})
		var users []auth.User
		for _, name := range []string{"one", "two", "three"} {
			u, err := svc.CreateUser(ctx, auth.NewUser{Username: "mail-" + name, Email: name + "@example.cn", Password: "long-enough-pw-2025", Roles: []access.Role{access.Org}, OrgID: org.ID})
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		notify := func(kind string) int64 {
			var id int64
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if err := program.Notify(ctx, tx, program.Notice{OrganisationID: org.ID, Kind: kind, Args: []any{"标题", "2025-06-30"}}); err != nil {
					return err
				}
				return tx.QueryRowContext(ctx, `SELECT max(id) FROM notifications`).Scan(&id)
			})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		for range 10 {
			notify("return_due")
		}
		cfg := mail.Config{Addr: relay.Addr, From: "新质平台 <noreply@kjj.example.cn>"}
		var wg sync.WaitGroup
		sent := make([]int, 2)
		for i := range sent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := program.DeliverEmail(ctx, db, cfg, "")
				if err != nil {
					t.Error(err)
				}
				sent[i] = n
			}()
		}
		wg.Wait()
		if got := len(relay.Messages()); got != 30 || sent[0]+sent[1] != 30 {
			t.Fatalf("relay got %d messages, nodes sent %v: want 30, each once", got, sent)
		}
		// A node claimed this notice, sent it to the first user and died.
		id := notify("return_overdue")
		past := store.Now().Add(-time.Second)
		if _, err := db.ExecContext(ctx, `UPDATE notifications SET email_claim = 'dead', email_claim_until = ? WHERE id = ?`, past, id); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO notification_emails (notification_id, user_id, sent_at, holder) VALUES (?, ?, ?, 'dead')`, id, users[0].ID, past); err != nil {
			t.Fatal(err)
		}
		if n, err := program.DeliverEmail(ctx, db, cfg, ""); err != nil || n != 2 {
			t.Fatalf("taken over: sent %d, %v; want the two who had not had it", n, err)
		}
		msgs := relay.Messages()
		for _, m := range msgs[30:] {
			if m.To[0] == "one@example.cn" {
				t.Fatalf("sent again to the user who had it: %+v", m)
			}
		}
		if n, err := program.DeliverEmail(ctx, db, cfg, ""); err != nil || n != 0 {
			t.Fatalf("third round sent %d: %v", n, err)
		}
	})
}
