package i18n

import (
	"sort"
	"strconv"
	"strings"
	"testing"
)

// verbs lists a message's format verbs by the argument each takes (0-based):
// the verb letter per argument, how many arguments the message consumes,
// and how many lone "%" it has that start no verb ("30%的", "（%）"): a
// message without arguments may show those as they are.
func verbs(msg string) (kinds map[int]byte, n, lone int) {
	kinds = map[int]byte{}
	next := 0
	for i := 0; i < len(msg); i++ {
		if msg[i] != '%' {
			continue
		}
		j := i + 1
		if j < len(msg) && msg[j] == '%' {
			i = j
			continue
		}
		for j < len(msg) && strings.IndexByte("+-#0.123456789", msg[j]) >= 0 {
			j++
		}
		if j < len(msg) && msg[j] == '[' {
			end := strings.IndexByte(msg[j:], ']')
			if end < 0 {
				lone++
				continue
			}
			if k, err := strconv.Atoi(msg[j+1 : j+end]); err == nil {
				next = k - 1
			}
			j += end + 1
		}
		if j >= len(msg) || strings.IndexByte("vdsqfgexXtT", msg[j]) < 0 {
			lone++
			continue
		}
		if _, ok := kinds[next]; !ok {
			kinds[next] = msg[j]
		}
		next++
		n = max(n, next)
		i = j
	}
	return kinds, n, lone
}

// sample is an argument that suits verb.
func sample(verb byte) any {
	switch verb {
	case 'd':
		return 7
	case 'f', 'g', 'e':
		return 1.5
	}
	return "参数"
}

// TestEveryMessageFormatsCleanly renders every message in every language
// with the arguments its verbs ask for — as many as the language that uses
// most of them, since callers pass one argument list to both — and checks
// no "%!" (a missing, extra or mistyped argument) appears. A Chinese
// message that takes two arguments where the English one takes three must
// pick them by index (%[1]v … %[2]v), or fmt appends "%!(EXTRA …)".
func TestEveryMessageFormatsCleanly(t *testing.T) {
	once.Do(load)
	keys := make([]string, 0, len(catalogs[ZH]))
	for k := range catalogs[ZH] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kinds, n := map[int]byte{}, 0
		for _, lang := range Supported {
			vs, m, lone := verbs(catalogs[lang][k])
			if lone > 0 && m > 0 {
				t.Errorf("%s %s takes arguments but has a lone %%, write %%%%: %q", lang, k, catalogs[lang][k])
			}
			for i, v := range vs {
				if _, ok := kinds[i]; !ok {
					kinds[i] = v
				}
			}
			n = max(n, m)
		}
		if n == 0 {
			continue
		}
		args := make([]any, n)
		for i := range args {
			args[i] = sample(kinds[i])
		}
		for _, lang := range Supported {
			if got := T(lang, k, args...); strings.Contains(got, "%!") {
				t.Errorf("%s %s with %d arguments reads %q", lang, k, n, got)
			}
		}
	}
}

func TestVerbs(t *testing.T) {
	cases := []struct {
		msg  string
		want int
	}{
		{"“%v”已办理：%v。", 2},
		{"%[1]v: %[3]v.", 3},
		{"100%% 完成 %d 项", 1},
		{"%.1f%%", 1},
		{"无参数", 0},
		{"不超过合同金额的30%且", 0},
		{"at most 30% of the contract", 0},
	}
	for _, c := range cases {
		if _, got, _ := verbs(c.msg); got != c.want {
			t.Errorf("verbs(%q) = %d, want %d", c.msg, got, c.want)
		}
	}
}
