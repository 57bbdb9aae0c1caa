// Package i18n holds Xinzhi's message catalogues — Simplified Chinese first,
// English second — and looks messages up by key.
//
// Catalogues are flat JSON files in catalog/, one per language, embedded in
// the binary. A key missing from a language falls back to Chinese; a key
// missing everywhere shows itself, so gaps are visible (and a test fails).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Languages, Chinese first.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Supported lists the languages in the order the UI offers them.
var Supported = []string{ZH, EN}

//go:embed catalog/*.json
var files embed.FS

var (
	once      sync.Once
	catalogs  map[string]map[string]string
	loadError error
)

func load() {
	catalogs = map[string]map[string]string{}
	for _, lang := range Supported {
		b, err := files.ReadFile("catalog/" + lang + ".json")
		if err != nil {
			loadError = fmt.Errorf("read catalogue %s: %w", lang, err)
			return
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			loadError = fmt.Errorf("parse catalogue %s: %w", lang, err)
			return
		}
		catalogs[lang] = m
	}
}

// Check loads the catalogues and reports any that fail to parse or keys that
// one language has and another lacks. The server calls it at start-up.
func Check() error {
	once.Do(load)
	if loadError != nil {
		return loadError
	}
	var missing []string
	for _, a := range Supported {
		for k := range catalogs[a] {
			for _, b := range Supported {
				if _, ok := catalogs[b][k]; !ok {
					missing = append(missing, b+":"+k)
				}
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("message keys missing from a catalogue: %s", strings.Join(missing, ", "))
	}
	return nil
}

// Normalize maps a requested language to a supported one ("en-US" → "en";
// anything unknown → Chinese).
func Normalize(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	switch {
	case strings.HasPrefix(l, "en"):
		return EN
	default:
		return ZH
	}
}

// FromAcceptLanguage picks the first supported language in an
// Accept-Language header, Chinese when none is.
func FromAcceptLanguage(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag := strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		l := strings.ToLower(tag)
		if strings.HasPrefix(l, "zh") {
			return ZH
		}
		if strings.HasPrefix(l, "en") {
			return EN
		}
	}
	return ZH
}

// T returns the message for key in lang, formatted with args (fmt verbs).
func T(lang, key string, args ...any) string {
	once.Do(load)
	msg, ok := catalogs[Normalize(lang)][key]
	if !ok {
		msg, ok = catalogs[ZH][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	for i, a := range args {
		if t, ok := a.(Text); ok {
			args = append([]any(nil), args...) // the caller's slice stays as it was
			args[i] = t.In(lang)
		}
	}
	return fmt.Sprintf(msg, args...)
}

// Text is a message argument given in both languages (a template's rule
// message): it reads in the message's language, Chinese when English is
// missing.
type Text struct{ ZH, EN string }

// In is the text in lang.
func (t Text) In(lang string) string {
	if Normalize(lang) == EN && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// String is the Chinese text (logs and errors).
func (t Text) String() string { return t.ZH }

// Pick is a catalogue entry's name in lang: the English name on English
// pages when there is one, the Chinese otherwise.
func Pick(lang, zh, en string) string {
	return Text{ZH: zh, EN: en}.In(lang)
}

// Has reports whether key exists in the Chinese catalogue.
func Has(key string) bool {
	once.Do(load)
	_, ok := catalogs[ZH][key]
	return ok
}
