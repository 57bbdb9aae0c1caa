package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name string
		pw   string
		min  int
		code string // "" means accepted
	}{
		{"ok 8", "tr0ub4dor&3x", 8, ""},
		{"ok exactly 8", "vx7#qpLm", 8, ""},
		{"short 7", "vx7#qpL", 8, CodeTooShort},
		{"empty", "", 8, CodeTooShort},
		{"admin needs 12", "vx7#qpLm9", 12, CodeTooShort},
		{"admin ok 12", "vx7#qpLm9zzA", 12, ""},
		{"chinese 8 runes ok", "我的猫叫小白花花", 8, ""},
		{"chinese 7 runes short", "我的猫叫小白花", 8, CodeTooShort},
		{"chinese 12 runes admin", "春眠不觉晓处处闻啼鸟夜来", 12, ""},
		{"emoji counted as runes", "🐱🐶🐭🐹🐰🦊🐻🐼", 8, ""},
		{"128 ok", strings.Repeat("ab", 64), 8, ""},
		{"129 too long", strings.Repeat("ab", 64) + "c", 8, CodeTooLong},
		{"128 chinese ok", strings.Repeat("中文", 64), 8, ""},
		{"129 chinese too long", strings.Repeat("中文", 64) + "字", 12, CodeTooLong},
		{"common", "password", 8, CodeCommon},
		{"common upper", "PassWord", 8, CodeCommon},
		{"common trimmed", "  qwertyuiop\t", 8, CodeCommon},
		{"common chinese fav", "woaini1314", 8, CodeCommon},
		{"common 5201314 padded", "a5201314", 8, CodeCommon},
		{"common digits", "12345678", 8, CodeCommon},
		{"common qq", "qq123456", 8, CodeCommon},
		{"repeated", "aaaaaaaa", 8, CodeRepeated},
		{"repeated digit", "88888888", 8, CodeRepeated},
		{"repeated chinese", "好好好好好好好好", 8, CodeRepeated},
		{"repeated spaces", "            ", 12, CodeRepeated},
		{"almost repeated", "aaaaaaab", 8, ""},
		{"min below 1", "", 0, CodeTooShort},
		{"min below 1 ok", "x", -5, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check(c.pw, c.min)
			if c.code == "" {
				if err != nil {
					t.Fatalf("Check(%q, %d) = %v; want nil", c.pw, c.min, err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("Check(%q, %d) = %v; want *PolicyError %s", c.pw, c.min, err, c.code)
			}
			if pe.Code != c.code {
				t.Errorf("Code = %q; want %q", pe.Code, c.code)
			}
			if want := max(c.min, 1); pe.Min != want {
				t.Errorf("Min = %d; want %d", pe.Min, want)
			}
		})
	}
}

func TestPolicyErrorSentinels(t *testing.T) {
	for code, sentinel := range map[string]error{
		CodeTooShort: ErrTooShort, CodeTooLong: ErrTooLong,
		CodeCommon: ErrCommon, CodeRepeated: ErrRepeated,
	} {
		var err error = &PolicyError{Code: code, Min: 8}
		if !errors.Is(err, sentinel) {
			t.Errorf("%s does not wrap %v", code, sentinel)
		}
		for _, other := range []error{ErrTooShort, ErrTooLong, ErrCommon, ErrRepeated} {
			if other != sentinel && errors.Is(err, other) {
				t.Errorf("%s wrongly matches %v", code, other)
			}
		}
	}
	if !errors.Is(Check("short", 8), ErrTooShort) {
		t.Error("Check(short) is not ErrTooShort")
	}
}

func TestPolicyErrorMessage(t *testing.T) {
	cases := []struct {
		err      PolicyError
		lang     string
		contains string
	}{
		{PolicyError{CodeTooShort, 12}, "zh-CN", "密码至少需要 12 个字符"},
		{PolicyError{CodeTooShort, 12}, "", "密码至少需要 12 个字符"},
		{PolicyError{CodeTooShort, 8}, "fr", "密码至少需要 8 个字符"},
		{PolicyError{CodeTooShort, 12}, "en", "Password must be at least 12 characters"},
		{PolicyError{CodeTooShort, 12}, "en-GB", "Password must be at least 12 characters"},
		{PolicyError{CodeTooLong, 8}, "zh-CN", "不能超过 128 个字符"},
		{PolicyError{CodeTooLong, 8}, "en", "at most 128 characters"},
		{PolicyError{CodeCommon, 8}, "zh-CN", "太常见"},
		{PolicyError{CodeCommon, 8}, "en", "too common"},
		{PolicyError{CodeRepeated, 8}, "zh-CN", "同一个字符重复"},
		{PolicyError{CodeRepeated, 8}, "en", "single character repeated"},
		{PolicyError{"other", 8}, "en", "not acceptable"},
	}
	for _, c := range cases {
		if got := c.err.Message(c.lang); !strings.Contains(got, c.contains) {
			t.Errorf("%+v.Message(%q) = %q; want it to contain %q", c.err, c.lang, got, c.contains)
		}
	}
	e := &PolicyError{Code: CodeTooShort, Min: 8}
	if got := e.Error(); got != "password: Password must be at least 8 characters." {
		t.Errorf("Error() = %q", got)
	}
}

func TestCommonList(t *testing.T) {
	commonOnce.Do(loadCommon)
	if n := len(commonSet); n < 10000 {
		t.Fatalf("common list has %d entries; want at least 10000", n)
	}
	for w := range commonSet {
		if w != strings.ToLower(strings.TrimSpace(w)) {
			t.Fatalf("list entry %q is not trimmed lower-case", w)
		}
	}
	for _, w := range []string{"123456", "5201314", "woaini1314", "qq123456", "a123456", "88888888", "password", "iloveyou"} {
		if !isCommon(w) {
			t.Errorf("%q missing from common list", w)
		}
	}
	lines := strings.Split(strings.TrimSuffix(commonList, "\n"), "\n")
	if len(lines) != len(commonSet) {
		t.Errorf("common.txt has %d lines but %d distinct entries", len(lines), len(commonSet))
	}
}
