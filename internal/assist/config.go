// Package assist is Xinzhi's optional AI assistance through any endpoint
// speaking the OpenAI-compatible chat completions and embeddings APIs: a
// small client of its own over net/http, the daily token budget and the
// log of every call, the removal of personal data from what is sent, and
// the binding of every number a draft carries to the figures the records
// give (bind.go, numerals.go). With no endpoint configured nothing of it
// runs and no page offers it. (Package ai owns the catalogue of AI
// elements — data sets, models — not this.)
package assist

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is how Xinzhi reaches a model (XINZHI_AI_*).
type Config struct {
	BaseURL     string        // XINZHI_AI_BASE_URL, e.g. https://llm.example.gov.cn/v1; the client posts to BaseURL/chat/completions and BaseURL/embeddings
	Model       string        // XINZHI_AI_MODEL: the chat model
	EmbedModel  string        // XINZHI_AI_EMBED_MODEL: the embeddings model ("" turns re-ranking off)
	Key         string        // XINZHI_AI_KEY, or read from XINZHI_AI_KEY_FILE; sent as a bearer token when not empty
	Timeout     time.Duration // XINZHI_AI_TIMEOUT: the longest a call may take (default 60s)
	DailyTokens int64         // XINZHI_AI_DAILY_TOKENS: tokens in and out per day, all users (default 200000)
}

// Defaults of the optional settings.
const (
	DefaultTimeout     = 60 * time.Second
	DefaultDailyTokens = 200000
)

// FromEnv reads the configuration; on is false when no endpoint is set
// (then nothing else is read). A setting that cannot be used is an error
// naming the variable and what to write.
func FromEnv(getenv func(string) string) (c Config, on bool, err error) {
	c = Config{BaseURL: strings.TrimRight(strings.TrimSpace(getenv("XINZHI_AI_BASE_URL")), "/"), Model: strings.TrimSpace(getenv("XINZHI_AI_MODEL")),
		EmbedModel: strings.TrimSpace(getenv("XINZHI_AI_EMBED_MODEL")), Timeout: DefaultTimeout, DailyTokens: DefaultDailyTokens}
	if c.BaseURL == "" {
		return c, false, nil
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, false, fmt.Errorf("XINZHI_AI_BASE_URL=%q: want http(s)://host/v1, the address the OpenAI-compatible API is served at", c.BaseURL)
	}
	if c.Model == "" {
		return c, false, fmt.Errorf("XINZHI_AI_MODEL is not set: name the chat model the endpoint serves (XINZHI_AI_BASE_URL is set)")
	}
	key, file := getenv("XINZHI_AI_KEY"), getenv("XINZHI_AI_KEY_FILE")
	switch {
	case key != "" && file != "":
		return c, false, fmt.Errorf("XINZHI_AI_KEY and XINZHI_AI_KEY_FILE are both set: keep one (the file is safer)")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return c, false, fmt.Errorf("XINZHI_AI_KEY_FILE: %w", err)
		}
		c.Key = strings.TrimSpace(string(b))
	default:
		c.Key = strings.TrimSpace(key)
	}
	if v := getenv("XINZHI_AI_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, false, fmt.Errorf("XINZHI_AI_TIMEOUT=%q: want a positive duration such as 60s or 2m", v)
		}
		c.Timeout = d
	}
	if v := getenv("XINZHI_AI_DAILY_TOKENS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return c, false, fmt.Errorf("XINZHI_AI_DAILY_TOKENS=%q: want a positive whole number of tokens per day", v)
		}
		c.DailyTokens = n
	}
	return c, true, nil
}
