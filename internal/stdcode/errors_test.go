package stdcode

import "testing"

func TestMessageExample(t *testing.T) {
	e := &Error{Code: CodeCheck, Args: []any{termCreditCode, "6", "7"}}
	cases := []struct{ lang, want string }{
		{"zh-CN", "统一社会信用代码校验位应为 6，而不是 7"},
		{"", "统一社会信用代码校验位应为 6，而不是 7"},
		{"fr", "统一社会信用代码校验位应为 6，而不是 7"},
		{"en", "Unified social credit code: check character should be 6, not 7"},
		{"en-GB", "Unified social credit code: check character should be 6, not 7"},
	}
	for _, c := range cases {
		if got := e.Message(c.lang); got != c.want {
			t.Errorf("Message(%q) = %q, want %q", c.lang, got, c.want)
		}
	}
	if got, want := e.Error(), "unified social credit code: check character should be 6, not 7"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestMessagesTableComplete(t *testing.T) {
	for key, m := range messages {
		if m.zh == "" || m.en == "" {
			t.Errorf("message %q lacks a language", key)
		}
	}
	terms := []term{termCreditCode, termCreditBody, termOrgBody, termIDNumber, termIDBody,
		termDivision, termHintID15, termAllowedCredit, termAllowedOrg, termAllowedIDDigit,
		termAllowedIDCheck, termBirthNotReal, termBirthTooEarly, termBirthFuture}
	for _, tm := range terms {
		if _, ok := messages[string(tm)]; !ok {
			t.Errorf("term %q has no text", tm)
		}
	}
	codes := []string{CodeLength, CodeCharset, CodeDivision, CodeCheck, CodeInnerCheck,
		CodeBirthDate, CodeDivisionUnknown, CodeDivisionHistorical}
	for _, c := range codes {
		if _, ok := messages[c]; !ok {
			t.Errorf("code %q has no message", c)
		}
	}
}

func TestUnknownCodeAndNil(t *testing.T) {
	e := &Error{Code: "other", Args: []any{1}}
	if got := e.Error(); got != "other [1]" {
		t.Errorf("unknown code message = %q", got)
	}
	var n *Error
	if n.Error() != "<nil>" || n.Message("en") != "" {
		t.Error("nil *Error misbehaves")
	}
}
