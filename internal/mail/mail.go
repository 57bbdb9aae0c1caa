// Package mail sends plain-text e-mail through an SMTP relay, for
// notifications when one is configured (XINZHI_SMTP_*). It speaks SMTP with
// STARTTLS when the relay offers it and PLAIN authentication when a user is
// set; it never puts a line break a caller supplied into a header.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	netmail "net/mail"
	"net/smtp"
	"strings"
	"time"
)

// Config is the relay and the sender.
type Config struct {
	Addr     string // host:port of the relay
	From     string // sender address, e.g. 新质平台 <noreply@kjj.example.gov.cn>
	Username string // for PLAIN authentication; empty for none
	Password string
	Insecure bool // skip STARTTLS even when offered (a relay on localhost)
}

// FromEnv reads XINZHI_SMTP_ADDR, XINZHI_SMTP_FROM, XINZHI_SMTP_USER and
// XINZHI_SMTP_PASSWORD; ok is false when no relay is configured.
func FromEnv(getenv func(string) string) (Config, bool, error) {
	c := Config{Addr: getenv("XINZHI_SMTP_ADDR"), From: getenv("XINZHI_SMTP_FROM"), Username: getenv("XINZHI_SMTP_USER"), Password: getenv("XINZHI_SMTP_PASSWORD")}
	if c.Addr == "" {
		return c, false, nil
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return c, false, fmt.Errorf("XINZHI_SMTP_ADDR=%q: want host:port, e.g. smtp.example.gov.cn:587", c.Addr)
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return c, false, fmt.Errorf("XINZHI_SMTP_FROM=%q is not an address: %w", c.From, err)
	}
	return c, true, nil
}

// Message is one e-mail.
type Message struct {
	To      []string
	Subject string
	Body    string
	// ID, when set, makes the Message-ID (ID@sender's domain): a message
	// sent again after a crash carries the same one, so it can be known for
	// a copy. Random when empty.
	ID string
}

// Send delivers m through the relay.
func Send(ctx context.Context, c Config, m Message) error {
	from, err := netmail.ParseAddress(c.From)
	if err != nil {
		return fmt.Errorf("sender %q: %w", c.From, err)
	}
	var to []string
	for _, a := range m.To {
		addr, err := netmail.ParseAddress(a)
		if err != nil {
			return fmt.Errorf("recipient %q: %w", a, err)
		}
		to = append(to, addr.Address)
	}
	if len(to) == 0 {
		return errors.New("no recipients")
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("relay %q: %w", c.Addr, err)
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", c.Addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", c.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(time.Minute))
	}
	cl, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp %s: %w", c.Addr, err)
	}
	defer cl.Close()
	if ok, _ := cl.Extension("STARTTLS"); ok && !c.Insecure {
		if err := cl.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("starttls %s: %w", c.Addr, err)
		}
	}
	if c.Username != "" {
		if err := cl.Auth(smtp.PlainAuth("", c.Username, c.Password, host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	for _, a := range to {
		if err := cl.Rcpt(a); err != nil {
			return fmt.Errorf("smtp RCPT TO %s: %w", a, err)
		}
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(compose(from, to, m)); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp end of data: %w", err)
	}
	return cl.Quit()
}

// compose writes the message: UTF-8 text in base64, the subject encoded per
// RFC 2047 with any line breaks removed.
func compose(from *netmail.Address, to []string, m Message) []byte {
	subject := strings.Join(strings.Fields(m.Subject), " ")
	id := m.ID
	if id == "" {
		raw := make([]byte, 12)
		rand.Read(raw)
		id = hex.EncodeToString(raw)
	}
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", id, domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}
