package auth_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/problem"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// TestThrottleBehindProxy: without --trust-proxy every client has the
// proxy's address. One person guessing there locks only the account they
// guess at from there; a colleague behind the same proxy still signs in.
func TestThrottleBehindProxy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, _ := newService(t, db, false)
		mustUser(t, s, "victim", access.Reviewer)
		mustUser(t, s, "colleague", access.Reviewer)
		proxy := auth.Client{Address: "192.0.2.1"}
		for i := 0; i < 3*s.Config().LockAfter; i++ {
			s.SignIn(ctx, "victim", fmt.Sprintf("guess %d", i), proxy)
		}
		// The pair is locked: even the right password, with the generic message.
		if _, _, err := s.SignIn(ctx, "victim", "correct horse battery", proxy); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("victim from the proxy: %v; want refused", err)
		}
		// A security administrator's unlock lifts the pair lock too.
		v, _ := s.UserByName(ctx, "victim")
		if err := s.Unlock(ctx, v.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SignIn(ctx, "victim", "correct horse battery", proxy); err != nil {
			t.Fatalf("victim after unlock: %v", err)
		}
		for i := 0; i < s.Config().PairFailures; i++ {
			s.SignIn(ctx, "victim", fmt.Sprintf("guess %d", i), proxy)
		}
		// The colleague behind the same proxy is not stopped.
		if _, _, err := s.SignIn(ctx, "colleague", "correct horse battery", proxy); err != nil {
			t.Fatalf("colleague behind the proxy: %v", err)
		}
		// One address alone cannot lock the account for everyone: only the
		// first PairFailures guesses counted against it.
		if _, _, err := s.SignIn(ctx, "victim", "correct horse battery", auth.Client{Address: "198.51.100.7"}); err != nil {
			t.Fatalf("victim from elsewhere: %v", err)
		}
		u, err := s.UserByName(ctx, "victim")
		if err != nil || !u.LockedUntil.IsZero() {
			t.Fatalf("victim's account: locked until %v, %v", u.LockedUntil, err)
		}

		// A spraying address (many accounts, a few guesses each) is
		// throttled; the colleagues there with a right password are not.
		for i := 0; i < s.Config().AddrFailures; i++ {
			s.SignIn(ctx, fmt.Sprintf("staff%03d", i), "Spring2025!", proxy)
		}
		if _, _, err := s.SignIn(ctx, "staff001", "Summer2025!", proxy); !errors.Is(err, problem.ErrTooMany) {
			t.Fatalf("spraying address: %v; want throttled", err)
		}
		if _, _, err := s.SignIn(ctx, "newname", "Summer2025!", proxy); !errors.Is(err, problem.ErrTooMany) {
			t.Fatalf("spraying address, a new name: %v; want throttled", err)
		}
		if _, _, err := s.SignIn(ctx, "colleague", "correct horse battery", proxy); err != nil {
			t.Fatalf("colleague behind a throttled proxy: %v", err)
		}
	})
}

// TestThrottleSharedAcrossNodes: a second Service on the same database (a
// second app node) sees the first one's lock.
func TestThrottleSharedAcrossNodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		node1, clk := newService(t, db, false)
		mustUser(t, node1, "li", access.Reviewer)
		cl := auth.Client{Address: "203.0.113.5"}
		for i := 0; i < node1.Config().PairFailures; i++ {
			node1.SignIn(ctx, "li", "wrong", cl)
		}
		node2, _ := newService(t, db, false)
		node2.SetClock(clk.now)
		if _, _, err := node2.SignIn(ctx, "li", "correct horse battery", cl); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("node 2 let the locked pair in: %v", err)
		}
		// The spraying count is shared as well.
		spray := auth.Client{Address: "203.0.113.99"}
		for i := 0; i < node1.Config().AddrFailures; i++ {
			node1.SignIn(ctx, fmt.Sprintf("x%d", i), "guess", spray)
		}
		if _, _, err := node2.SignIn(ctx, "x1", "guess", spray); !errors.Is(err, problem.ErrTooMany) {
			t.Fatalf("node 2 did not see the spraying address: %v", err)
		}
		// And the account lock (many addresses) holds on both.
		for i := 0; i < node1.Config().LockAfter; i++ {
			n := node1
			if i%2 == 1 {
				n = node2
			}
			n.SignIn(ctx, "li", "wrong", auth.Client{Address: fmt.Sprintf("10.2.0.%d", i)})
		}
		if _, _, err := node2.SignIn(ctx, "li", "correct horse battery", auth.Client{Address: "10.3.0.1"}); !errors.Is(err, problem.ErrUnauthorized) {
			t.Fatalf("account lock not shared: %v", err)
		}
	})
}

// TestCodeGuessingIsBounded: whoever knows the password cannot guess
// second-factor codes without end by signing in again after each wrong
// code: the pair limit stops it at one address, the account lock across
// addresses.
func TestCodeGuessingIsBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s, clk := newService(t, db, false)
		u := mustUser(t, s, "zhao", access.Reviewer)
		secret, _, err := s.BeginEnrolment(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(secret, clk.now())
		if _, err := s.ConfirmEnrolment(ctx, u.ID, code); err != nil {
			t.Fatal(err)
		}
		guesses := func(addr string, tries int) int {
			checked := 0
			for i := 0; i < tries; i++ {
				cl := auth.Client{Address: addr}
				sess, _, err := s.SignIn(ctx, "zhao", "correct horse battery", cl)
				if err != nil {
					continue
				}
				var pe *problem.Error
				if _, err := s.VerifySecondFactor(ctx, sess, "000000", cl); errors.As(err, &pe) && pe.Key == "auth.code_wrong" {
					checked++
				}
			}
			return checked
		}
		if n := guesses("198.51.100.1", 20); n != s.Config().PairFailures {
			t.Fatalf("codes checked from one address: %d; want %d", n, s.Config().PairFailures)
		}
		total := s.Config().PairFailures
		for i := 2; i < 10; i++ {
			total += guesses(fmt.Sprintf("198.51.100.%d", i), 20)
		}
		if total > s.Config().LockAfter {
			t.Fatalf("codes checked from ten addresses: %d; want at most %d (the account lock)", total, s.Config().LockAfter)
		}
		// The owner, once the lock has run out, signs in with a right code.
		clk.add(s.Config().LockFor + s.Config().AddrWindow)
		cl := auth.Client{Address: "203.0.113.50"}
		sess, _, err := s.SignIn(ctx, "zhao", "correct horse battery", cl)
		if err != nil {
			t.Fatal(err)
		}
		code, _ = totp.GenerateCode(secret, clk.now())
		if _, err := s.VerifySecondFactor(ctx, sess, code, cl); err != nil {
			t.Fatalf("owner after the lock: %v", err)
		}
	})
}
