package mailer_test

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/affcore/affcore/core/identity"
	"github.com/affcore/affcore/core/mailer"
)

// smtpServer is a minimal SMTP server that enforces the command order of
// RFC 5321 (EHLO, MAIL FROM, RCPT TO, DATA, QUIT) and records one message.
type smtpServer struct {
	ln   net.Listener
	mu   sync.Mutex
	from string
	to   string
	data string
	errs []string
}

func newSMTPServer(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	go s.serve()
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *smtpServer) serve() {
	c, err := s.ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	say := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	say("220 test ESMTP")
	state := "start"
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		s.mu.Lock()
		switch {
		case strings.HasPrefix(cmd, "EHLO") || strings.HasPrefix(cmd, "HELO"):
			state = "greeted"
			say("250 test")
		case strings.HasPrefix(cmd, "MAIL FROM:") && state == "greeted":
			s.from, state = strings.TrimSpace(line[10:]), "mail"
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:") && state == "mail":
			s.to, state = strings.TrimSpace(line[8:]), "rcpt"
			say("250 ok")
		case cmd == "DATA" && state == "rcpt":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.data, state = b.String(), "done"
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			s.mu.Unlock()
			return
		default:
			s.errs = append(s.errs, "out of order: "+cmd+" in state "+state)
			say("503 bad sequence")
		}
		s.mu.Unlock()
	}
}

func TestSMTP_Send(t *testing.T) {
	srv := newSMTPServer(t)
	m, err := mailer.NewSMTP("smtp://"+srv.ln.Addr().String(), "noreply@brand.test")
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), identity.Mail{To: "pat@p.test", FromName: "Acme Partners", Subject: "Reset your password", Body: "line one\nline two"})
	if err != nil {
		t.Fatal(err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.errs) > 0 {
		t.Fatalf("protocol errors: %v", srv.errs)
	}
	if srv.from != "<noreply@brand.test>" || srv.to != "<pat@p.test>" {
		t.Errorf("envelope from %s to %s", srv.from, srv.to)
	}
	for _, want := range []string{"From: Acme Partners <noreply@brand.test>", "Subject: Reset your password", "line one\r\nline two"} {
		if !strings.Contains(srv.data, want) {
			t.Errorf("message lacks %q:\n%s", want, srv.data)
		}
	}
}

func TestNewSMTP_BadConfig(t *testing.T) {
	for _, u := range []string{"http://x", "smtp://", "::"} {
		if _, err := mailer.NewSMTP(u, "a@b.test"); err == nil {
			t.Errorf("NewSMTP(%q) accepted", u)
		}
	}
	if _, err := mailer.NewSMTP("smtp://h:25", "no-at-sign"); err == nil {
		t.Error("bad from address accepted")
	}
	if _, err := mailer.NewSMTP("smtp://h:25", "a@b.test"); err != nil {
		t.Errorf("valid config refused: %v", err)
	}
}
