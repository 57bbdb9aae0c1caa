package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// scaleOut starts two `xinzhi serve` processes (Config.Binary) on the
// bench's PostgreSQL database and measures requests per second for the
// cockpit and a JSON list with the same clients sent to one node, then
// spread over both. PostgreSQL only (SQLite is one node's), and only when
// the bench runs from the binary.
func scaleOut(ctx context.Context, cfg Config, db *store.DB, _ *metric.Set, add func(Row)) error {
	if db.Engine() != store.Postgres || cfg.Binary == "" {
		return nil
	}
	acfg := auth.DefaultConfig()
	acfg.Demo = true // the bench's account signs in without a second factor; the nodes accept its session
	a := auth.New(db, acfg)
	const pw = "bench-password-2025"
	if _, err := a.CreateUser(ctx, auth.NewUser{Username: "bench-nodes", DisplayName: "bench", Password: pw, Roles: []access.Role{access.Manager}}); err != nil {
		return err
	}
	sess, _, err := a.SignIn(ctx, "bench-nodes", pw, auth.Client{Address: "127.0.0.1"})
	if err != nil {
		return err
	}
	secret, _, err := a.CreateToken(ctx, auth.NewToken{Name: "bench-nodes", Role: access.Manager, Expires: time.Hour})
	if err != nil {
		return err
	}
	data := filepath.Join(cfg.Dir, "nodes")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return err
	}
	defer os.RemoveAll(data)
	var nodes []*benchNode
	defer func() {
		for _, n := range nodes {
			n.stop()
		}
	}()
	for i := range 2 {
		n, err := startBenchNode(ctx, cfg.Binary, db.URL(), data, i)
		if err != nil {
			return err
		}
		nodes = append(nodes, n)
	}
	for _, c := range []struct {
		what, path string
		hdr        http.Header
	}{
		{"cockpit overview page", "/cockpit", http.Header{"Cookie": {"xz_session=" + sess.Token}}},
		{"JSON API list (/api/v1/projects?program=talent_service)", "/api/v1/projects?program=talent_service", http.Header{"Authorization": {"Bearer " + secret}}},
	} {
		var size int
		for _, n := range nodes { // warm both nodes (caches, connections) before measuring
			body, _, err := fetch(n.url+c.path, c.hdr)
			if err != nil {
				return fmt.Errorf("node %s%s: %w", n.url, c.path, err)
			}
			size = len(body)
			if _, err := throughput([]string{n.url + c.path}, c.hdr, cfg.Clients, cfg.Clients*4, size); err != nil {
				return err
			}
		}
		one, err := throughput([]string{nodes[0].url + c.path}, c.hdr, cfg.Clients, cfg.Requests, size)
		if err != nil {
			return err
		}
		two, err := throughput([]string{nodes[0].url + c.path, nodes[1].url + c.path}, c.hdr, cfg.Clients, cfg.Requests, size)
		if err != nil {
			return err
		}
		add(Row{What: fmt.Sprintf("%s, req/s on two nodes (baseline: one node; %d clients)", c.what, cfg.Clients),
			Value: fmt.Sprintf("%.0f req/s", two), Baseline: fmt.Sprintf("%.0f req/s", one), Ratio: two / one,
			Note: "two `xinzhi serve` processes on one PostgreSQL; nodes, PostgreSQL and clients share the machine's cores"})
	}
	return nil
}

// throughput sends total GETs from n clients, client i to urls[i % len],
// and gives the requests answered per second; every answer must be 200
// and about the expected size.
func throughput(urls []string, hdr http.Header, n, total, size int) (float64, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}, CheckRedirect: noRedirect.CheckRedirect}
	defer client.CloseIdleConnections()
	jobs := make(chan struct{}, total)
	for range total {
		jobs <- struct{}{}
	}
	close(jobs)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	start := time.Now()
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := urls[w%len(urls)]
			for range jobs {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header = hdr.Clone()
				resp, err := client.Do(req)
				if err == nil {
					var b []byte
					b, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil && (resp.StatusCode != 200 || len(b) < size/2) {
						err = fmt.Errorf("%s: status %d, %d bytes", url, resp.StatusCode, len(b))
					}
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return float64(total) / time.Since(start).Seconds(), first
}

// benchNode is a `xinzhi serve` process.
type benchNode struct {
	url string
	cmd *exec.Cmd
}

func startBenchNode(ctx context.Context, bin, dbURL, data string, i int) (*benchNode, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, bin, "serve", "--db", dbURL, "--data", data, "--addr", addr, "--as-of", democity.AsOf, "--log-level", "warn")
	cmd.Env = append(os.Environ(), "XINZHI_SMTP_ADDR=") // no mail from the bench's nodes
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start node %d: %w", i, err)
	}
	n := &benchNode{url: "http://" + addr, cmd: cmd}
	for range 600 {
		if resp, err := http.Get(n.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return n, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	n.stop()
	return nil, fmt.Errorf("node %d at %s never became ready", i, addr)
}

func (n *benchNode) stop() {
	if n.cmd.ProcessState != nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	_ = n.cmd.Wait()
}
