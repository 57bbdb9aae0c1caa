package stdcode

import (
	"strings"
	"testing"
)

// validCredit is the example of rules.md (GB 32100-2015).
const validCredit = "91440300192317458F"

// makeCredit builds a fully valid credit code from its first 2 characters,
// a division and an 8-character organisation code body.
func makeCredit(t *testing.T, head, division, org8 string) string {
	t.Helper()
	oc, err := OrgCodeCheckChar(org8)
	if err != nil {
		t.Fatal(err)
	}
	body := head + division + org8 + string(oc)
	c, err := CreditCodeCheckChar(body)
	if err != nil {
		t.Fatal(err)
	}
	return body + string(c)
}

func TestCreditWeights(t *testing.T) {
	w := 1
	for i, got := range creditWeights {
		if got != w {
			t.Errorf("weight %d = %d, want %d", i+1, got, w)
		}
		w = w * 3 % 31
	}
}

func TestCheckCreditCodeValid(t *testing.T) {
	cases := []struct{ in, code, division, org string }{
		{validCredit, validCredit, "440300", "192317458"},
		{"91440300192317458f", validCredit, "440300", "192317458"},
		{"  91440300192317458F\t\n", validCredit, "440300", "192317458"},
		{"\u3000９１４４０３００１９２３１７４５８Ｆ\u3000", validCredit, "440300", "192317458"},
		{"９１４４０３００１９２３１７４５８ｆ", validCredit, "440300", "192317458"},
		{"\ufeff91440300192317458F\u200b", validCredit, "440300", "192317458"},
	}
	for _, c := range cases {
		r, err := CheckCreditCode(c.in)
		if err != nil {
			t.Errorf("CheckCreditCode(%q): %v", c.in, err)
			continue
		}
		if r.Code != c.code || r.Division != c.division || r.OrgCode != c.org || !r.InnerCheckOK || r.Warning != nil {
			t.Errorf("CheckCreditCode(%q) = %+v", c.in, r)
		}
	}
	for _, head := range []string{"91", "92", "93", "11", "12", "51", "Y1"} {
		code := makeCredit(t, head, "210112", "MA0XYK12")
		if r, err := CheckCreditCode(code); err != nil || !r.InnerCheckOK || r.Division != "210112" {
			t.Errorf("CheckCreditCode(%q) = %+v, %v", code, r, err)
		}
	}
}

func TestCheckCreditCodeErrors(t *testing.T) {
	cases := []struct {
		in, code string
		args     []any // Args after the subject
	}{
		{"", CodeLength, []any{18, 0, termNoHint}},
		{"9144030019231745", CodeLength, []any{18, 16, termNoHint}},
		{validCredit + "0", CodeLength, []any{18, 19, termNoHint}},
		{"91440300I92317458F", CodeCharset, []any{9, "I", termAllowedCredit}},
		{"91440300o92317458F", CodeCharset, []any{9, "O", termAllowedCredit}},
		{"914403001923174S8F", CodeCharset, []any{16, "S", termAllowedCredit}},
		{"9144030019231745-F", CodeCharset, []any{17, "-", termAllowedCredit}},
		{"91440300192317458号", CodeCharset, []any{18, "号", termAllowedCredit}},
		{"9144A300192317458F", CodeDivision, []any{5, "A"}},
		{"914403001922038217", CodeCheck, []any{"6", "7"}},
		{"91440300192317458G", CodeCheck, []any{"F", "G"}},
	}
	for _, c := range cases {
		_, err := CheckCreditCode(c.in)
		if err == nil {
			t.Errorf("CheckCreditCode(%q) passed", c.in)
			continue
		}
		e := wantError(t, err, c.code)
		if len(e.Args) != len(c.args)+1 || e.Args[0] != termCreditCode {
			t.Errorf("CheckCreditCode(%q) args = %v", c.in, e.Args)
			continue
		}
		for i, a := range c.args {
			if e.Args[i+1] != a {
				t.Errorf("CheckCreditCode(%q) arg %d = %v, want %v", c.in, i+1, e.Args[i+1], a)
			}
		}
	}
}

func TestCreditCheckMessage(t *testing.T) {
	_, err := CheckCreditCode("914403001922038217")
	e := wantError(t, err, CodeCheck)
	if got, want := e.Message("zh-CN"), "统一社会信用代码校验位应为 6，而不是 7"; got != want {
		t.Errorf("zh = %q, want %q", got, want)
	}
	if got := e.Message("en"); !strings.Contains(got, "check character should be 6, not 7") {
		t.Errorf("en = %q", got)
	}
	_, err = CheckCreditCode("123")
	if got := wantError(t, err, CodeLength).Message("en"); !strings.Contains(got, "18") || !strings.Contains(got, "3") {
		t.Errorf("length message = %q", got)
	}
}

// TestCreditSingleChangesFail replaces each character of valid codes with
// every other character (in and out of the charset): all must fail.
func TestCreditSingleChangesFail(t *testing.T) {
	codes := []string{validCredit, makeCredit(t, "91", "210112", "MA0XYK12"), makeCredit(t, "12", "210000", "00000000")}
	replacements := creditCharset + "IOSVZ-* 号"
	for _, code := range codes {
		for pos := 0; pos < 18; pos++ {
			for _, r := range replacements {
				if string(r) == code[pos:pos+1] {
					continue
				}
				changed := code[:pos] + string(r) + code[pos+1:]
				_, err := CheckCreditCode(changed)
				if err == nil {
					t.Errorf("%q (position %d changed) passed", changed, pos+1)
					continue
				}
				want := CodeCheck
				switch {
				case !strings.ContainsRune(creditCharset, r):
					want = CodeCharset
					if r == ' ' && (pos == 0 || pos == 17) {
						want = CodeLength // trimmed away
					}
				case pos >= 2 && pos < 8 && !isDigit(byte(r)):
					want = CodeDivision
				}
				wantError(t, err, want)
			}
		}
	}
}

func TestInnerCheckWarning(t *testing.T) {
	body := "91210112" + "MA0XYK12"
	good, _ := OrgCodeCheckChar("MA0XYK12")
	bad := byte('0')
	if good == '0' {
		bad = '1'
	}
	c, err := CreditCodeCheckChar(body + string(bad))
	if err != nil {
		t.Fatal(err)
	}
	code := body + string(bad) + string(c)
	r, err := CheckCreditCode(code)
	if err != nil {
		t.Fatalf("CheckCreditCode(%q): %v", code, err)
	}
	if r.InnerCheckOK || r.Warning == nil {
		t.Fatalf("no warning for %q: %+v", code, r)
	}
	w := wantError(t, r.Warning, CodeInnerCheck)
	if w.Args[2] != string(good) || w.Args[3] != string(bad) {
		t.Errorf("warning args = %v", w.Args)
	}
}

func TestCreditCodeCheckChar(t *testing.T) {
	cases := []struct {
		in   string
		want byte
	}{
		{"00000000000000000", '0'}, // sum 0
		{"10000000000000000", 'Y'}, // sum 1 → 30
		{"01000000000000000", 'W'}, // sum 3 → 28
		{"00000000000000001", '3'}, // sum 28 → 3
		{"9144030019231745８", 'F'},
	}
	for _, c := range cases {
		if got, err := CreditCodeCheckChar(c.in); err != nil || got != c.want {
			t.Errorf("CreditCodeCheckChar(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	_, err := CreditCodeCheckChar(validCredit)
	wantError(t, err, CodeLength)
	_, err = CreditCodeCheckChar("9144030019231745I")
	wantError(t, err, CodeCharset)
}

func TestOrgCodeCheckChar(t *testing.T) {
	cases := []struct {
		in   string
		want byte
	}{
		{"19231745", '8'}, // inside the rules.md example
		{"00000000", '0'}, // 11 − 0 = 11 → 0
		{"00000006", 'X'}, // 12 mod 11 = 1 → 10 → X
		{"00000001", '9'}, // 11 − 2
		{"A0000000", '3'}, // A = 10: 30 mod 11 = 8 → 3
		{"z0000000", '5'}, // Z = 35: 105 mod 11 = 6 → 5
	}
	for _, c := range cases {
		if got, err := OrgCodeCheckChar(c.in); err != nil || got != c.want {
			t.Errorf("OrgCodeCheckChar(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	_, err := OrgCodeCheckChar("1234567")
	wantError(t, err, CodeLength)
	_, err = OrgCodeCheckChar("1234567-")
	wantError(t, err, CodeCharset)
}
