package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// httpLoad serves the application over real TCP and measures the cockpit
// overview and a JSON list under concurrent clients, each against a bare
// net/http handler returning the same bytes; and the process's peak
// memory while serving.
func httpLoad(ctx context.Context, cfg Config, db *store.DB, set *metric.Set, add func(Row)) error {
	acfg := auth.DefaultConfig()
	acfg.Demo = true // no second factor for the bench's own account
	a := auth.New(db, acfg)
	const pw = "bench-password-2025"
	if _, err := a.CreateUser(ctx, auth.NewUser{Username: "bench-manager", DisplayName: "bench", Password: pw, Roles: []access.Role{access.Manager}}); err != nil {
		return err
	}
	sess, _, err := a.SignIn(ctx, "bench-manager", pw, auth.Client{Address: "127.0.0.1"})
	if err != nil {
		return err
	}
	secret, _, err := a.CreateToken(ctx, auth.NewToken{Name: "bench", Role: access.Manager, Expires: time.Hour})
	if err != nil {
		return err
	}
	files := filepath.Join(cfg.Dir, "attachments")
	srv, err := web.New(web.Config{Keys: cfg.Keys, Demo: true, AsOf: asOf(), Files: program.Files{Dir: files}}, db, a, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return err
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer os.RemoveAll(files)
	resetPeak()
	for _, c := range []struct {
		what, path string
		hdr        http.Header
	}{
		{"cockpit overview page", "/cockpit", http.Header{"Cookie": {"xz_session=" + sess.Token}}},
		{"JSON API list (/api/v1/projects?program=talent_service)", "/api/v1/projects?program=talent_service", http.Header{"Authorization": {"Bearer " + secret}}},
	} {
		body, ctype, err := fetch(ts.URL+c.path, c.hdr)
		if err != nil {
			return fmt.Errorf("%s: %w", c.path, err)
		}
		bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			_, _ = w.Write(body)
		}))
		o50, o99, err := hammer(ts.URL+c.path, c.hdr, cfg.Clients, cfg.Requests, len(body))
		if err != nil {
			bare.Close()
			return fmt.Errorf("%s: %w", c.path, err)
		}
		b50, b99, err := hammer(bare.URL+c.path, nil, cfg.Clients, cfg.Requests, len(body))
		bare.Close()
		if err != nil {
			return err
		}
		add(Row{What: fmt.Sprintf("%s over HTTP, p50 (%d clients)", c.what, cfg.Clients), Value: ms(o50), Baseline: ms(b50), Ratio: ratio(o50, b50), Note: fmt.Sprintf("%d bytes", len(body))})
		add(Row{What: fmt.Sprintf("%s over HTTP, p99 (%d clients)", c.what, cfg.Clients), Value: ms(o99), Baseline: ms(b99), Ratio: ratio(o99, b99)})
	}
	add(Row{What: "peak memory (RSS) while serving", Value: peakRSS(), Note: "the whole bench process: server and its clients"})
	return nil
}

// noRedirect takes a redirect (to sign-in, say) as the answer, so a page
// that refused the bench's session is not measured as the page.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func fetch(url string, hdr http.Header) ([]byte, string, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header = hdr.Clone()
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return nil, "", fmt.Errorf("status %d", resp.StatusCode)
	}
	return body, resp.Header.Get("Content-Type"), err
}

// hammer sends total GETs from n concurrent clients and gives the median
// and 99th-percentile latency; every answer must be 200 and about the
// expected size.
func hammer(url string, hdr http.Header, n, total, size int) (p50, p99 time.Duration, err error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}, CheckRedirect: noRedirect.CheckRedirect}
	defer client.CloseIdleConnections()
	jobs := make(chan struct{}, total)
	for i := 0; i < total; i++ {
		jobs <- struct{}{}
	}
	close(jobs)
	var mu sync.Mutex
	var lat []time.Duration
	var first error
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header = hdr.Clone()
				t := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					var b []byte
					b, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil && (resp.StatusCode != 200 || len(b) < size/2) {
						err = fmt.Errorf("status %d, %d bytes", resp.StatusCode, len(b))
					}
				}
				el := time.Since(t)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				lat = append(lat, el)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return 0, 0, first
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2], lat[len(lat)*99/100], nil
}
