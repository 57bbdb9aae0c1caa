package mail_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/mail"
	"github.com/xinzhi-platform/xinzhi/internal/mail/mailtest"
)

func TestSendKeepsHeadersClean(t *testing.T) {
	relay := mailtest.Start(t)
	cfg := mail.Config{Addr: relay.Addr, From: "noreply@example.cn"}
	err := mail.Send(context.Background(), cfg, mail.Message{To: []string{"a@example.cn"}, Subject: "通知\r\nBcc: victim@example.com", Body: "正文"})
	if err != nil {
		t.Fatal(err)
	}
	m := relay.Messages()[0]
	head := strings.SplitN(m.Data, "\r\n\r\n", 2)[0]
	if strings.Contains(head, "Bcc:") || len(m.To) != 1 {
		t.Fatalf("a line break in the subject made a header:\n%s", head)
	}
	for _, bad := range [][]string{{"not an address"}, {}} {
		if err := mail.Send(context.Background(), cfg, mail.Message{To: bad, Subject: "x", Body: "y"}); err == nil {
			t.Errorf("recipients %q accepted", bad)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if _, ok, err := mail.FromEnv(get); ok || err != nil {
		t.Fatalf("no relay: %v %v", ok, err)
	}
	env["XINZHI_SMTP_ADDR"] = "smtp.example.cn"
	if _, _, err := mail.FromEnv(get); err == nil || !strings.Contains(err.Error(), "host:port") {
		t.Fatalf("address without port: %v", err)
	}
	env["XINZHI_SMTP_ADDR"], env["XINZHI_SMTP_FROM"] = "smtp.example.cn:587", "新质 <noreply@example.cn>"
	if c, ok, err := mail.FromEnv(get); !ok || err != nil || c.Addr != "smtp.example.cn:587" {
		t.Fatalf("relay: %+v %v %v", c, ok, err)
	}
}
