package assist

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/problem"
)

// The client is our own, over net/http: the wire format is two POSTs
// (chat/completions and embeddings) with small JSON bodies. A vendor SDK
// would bring retries of its own (each retry spends the daily budget
// again and stretches the timeout), many generated types we do not use,
// and a dependency to keep up with, for what is a hundred lines here.

// Message is one chat message.
type Message struct {
	Role    string `json:"role"` // system, user, assistant
	Content string `json:"content"`
}

// Usage is what a call spent, as the endpoint reports it.
type Usage struct {
	In  int64 `json:"prompt_tokens"`
	Out int64 `json:"completion_tokens"`
}

// client speaks the wire protocol.
type client struct {
	cfg  Config
	http *http.Client
}

func newClient(cfg Config) *client {
	return &client{cfg: cfg, http: &http.Client{Timeout: cfg.Timeout}}
}

type chatRequest struct {
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	MaxTokens   int64     `json:"max_tokens,omitempty"`
	Temperature float64   `json:"temperature"`
}

type chatResponse struct {
	Model   string `json:"model"`
	Choices []struct {
		Message      Message `json:"message"`
		FinishReason string  `json:"finish_reason"`
	} `json:"choices"`
	Usage Usage `json:"usage"`
}

type embedRequest struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

type embedResponse struct {
	Data []struct {
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
	Usage Usage `json:"usage"`
}

// The ways a call fails, each with a message saying what happened and
// that the page works without it.
var (
	errTimeout     = problem.New(problem.ErrConflict, "assist.timeout", DefaultTimeout)
	errDown        = problem.New(problem.ErrConflict, "assist.down", "—")
	errRateLimited = problem.New(problem.ErrTooMany, "assist.rate_limited")
	errBadAnswer   = problem.New(problem.ErrConflict, "assist.bad_answer")
	errBudget      = problem.New(problem.ErrTooMany, "assist.budget", DefaultDailyTokens)
)

// status names a failure for the call log.
func status(err error) string {
	var pe *problem.Error
	if err == nil {
		return "ok"
	}
	if errors.As(err, &pe) {
		for _, k := range []*problem.Error{errTimeout, errRateLimited, errBadAnswer, errBudget, errDown} {
			if pe.Key == k.Key {
				return strings.TrimPrefix(k.Key, "assist.")
			}
		}
	}
	return "error"
}

// fail wraps a cause in one of the failures, keeping the cause for logs.
func fail(kind *problem.Error, cause error, args ...any) error {
	e := *kind
	e.Err, e.Args = cause, args
	return &e
}

// post sends body to path and decodes the answer into out.
func (c *client) post(ctx context.Context, path string, body, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("assist request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.Key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return fail(errTimeout, err, c.cfg.Timeout.String())
		}
		return fail(errDown, err, "—")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return fail(errTimeout, err, c.cfg.Timeout.String())
		}
		return fail(errDown, err, "—")
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return fail(errRateLimited, fmt.Errorf("429: %s", errorMessage(raw)))
	case resp.StatusCode >= 300:
		return fail(errDown, fmt.Errorf("%s: %s", resp.Status, errorMessage(raw)), resp.StatusCode)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fail(errBadAnswer, err)
	}
	return nil
}

// errorMessage reads the protocol's error document {"error":{"message":…}}.
func errorMessage(raw []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Code    any    `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error.Message != "" {
		return e.Error.Message
	}
	if len(raw) > 200 {
		raw = raw[:200]
	}
	return string(raw)
}

// chat asks the chat model; the answer is the first choice's text.
func (c *client) chat(ctx context.Context, msgs []Message, maxTokens int64) (string, Usage, error) {
	var out chatResponse
	if err := c.post(ctx, "/chat/completions", chatRequest{Model: c.cfg.Model, Messages: msgs, MaxTokens: maxTokens, Temperature: 0.2}, &out); err != nil {
		return "", Usage{}, err
	}
	if len(out.Choices) == 0 || out.Choices[0].Message.Content == "" {
		return "", out.Usage, fail(errBadAnswer, errors.New("no choice with content"))
	}
	return out.Choices[0].Message.Content, out.Usage, nil
}

// embed asks the embeddings model for one vector per input, in order.
func (c *client) embed(ctx context.Context, inputs []string) ([][]float64, Usage, error) {
	var out embedResponse
	if err := c.post(ctx, "/embeddings", embedRequest{Model: c.cfg.EmbedModel, Input: inputs}, &out); err != nil {
		return nil, Usage{}, err
	}
	vecs := make([][]float64, len(inputs))
	for _, d := range out.Data {
		if d.Index < 0 || d.Index >= len(vecs) {
			return nil, out.Usage, fail(errBadAnswer, fmt.Errorf("embedding index %d of %d", d.Index, len(inputs)))
		}
		vecs[d.Index] = d.Embedding
	}
	for i, v := range vecs {
		if len(v) == 0 {
			return nil, out.Usage, fail(errBadAnswer, fmt.Errorf("no embedding for input %d", i))
		}
	}
	return vecs, out.Usage, nil
}

// since is a call's duration in whole milliseconds, for the log.
func since(t time.Time) int64 { return time.Since(t).Milliseconds() }
