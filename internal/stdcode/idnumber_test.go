package stdcode

import (
	"strings"
	"testing"
	"time"
)

var testToday = time.Date(2025, 6, 15, 23, 30, 0, 0, time.FixedZone("CST", 8*3600))

// makeID builds a valid ID number from a division, a birth date and a
// 3-digit sequence.
func makeID(t *testing.T, division, birth, seq string) string {
	t.Helper()
	c, err := IDCheckChar(division + birth + seq)
	if err != nil {
		t.Fatal(err)
	}
	return division + birth + seq + string(c)
}

func TestIDWeights(t *testing.T) {
	for i, got := range idWeights {
		w := 1
		for j := 0; j < 17-i; j++ {
			w = w * 2 % 11
		}
		if got != w {
			t.Errorf("weight %d = %d, want %d", i+1, got, w)
		}
	}
}

func TestCheckIDNumberValid(t *testing.T) {
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		in, number string
		birth      time.Time
		male       bool
	}{
		{"11010519491231002X", "11010519491231002X", date(1949, 12, 31), false},
		{"11010519491231002x", "11010519491231002X", date(1949, 12, 31), false},
		{" 11010519491231002X ", "11010519491231002X", date(1949, 12, 31), false},
		{"１１０１０５１９４９１２３１００２ｘ", "11010519491231002X", date(1949, 12, 31), false},
		{makeID(t, "210112", "20000229", "011"), "", date(2000, 2, 29), true},
		{makeID(t, "210122", "19000101", "008"), "", date(1900, 1, 1), false},
		{makeID(t, "210115", "20250615", "123"), "", date(2025, 6, 15), true}, // born today
	}
	for _, c := range cases {
		r, err := CheckIDNumber(c.in, testToday)
		if err != nil {
			t.Errorf("CheckIDNumber(%q): %v", c.in, err)
			continue
		}
		want := c.number
		if want == "" {
			want = c.in
		}
		if r.Number != want || r.Division != want[:6] || !r.Birth.Equal(c.birth) || r.Male != c.male {
			t.Errorf("CheckIDNumber(%q) = %+v", c.in, r)
		}
	}
}

func TestCheckIDNumberErrors(t *testing.T) {
	cases := []struct {
		in, code string
		args     []any // Args after the subject
	}{
		{"110105194912310021", CodeCheck, []any{"X", "1"}},
		{"110105491231002", CodeLength, []any{18, 15, termHintID15}},
		{"11010519491231002", CodeLength, []any{18, 17, termHintID15}},
		{"", CodeLength, []any{18, 0, termHintID15}},
		{"11010519491231002A", CodeCharset, []any{18, "A", termAllowedIDCheck}},
		{"1101051949123100X2", CodeCharset, []any{17, "X", termAllowedIDDigit}},
		{"11010519491231 02X", CodeCharset, []any{15, " ", termAllowedIDDigit}},
		{makeID(t, "210102", "20250616", "001"), CodeBirthDate, []any{"20250616", termBirthFuture}},
		{makeID(t, "210102", "20300101", "001"), CodeBirthDate, []any{"20300101", termBirthFuture}},
		{makeID(t, "210102", "18991231", "001"), CodeBirthDate, []any{"18991231", termBirthTooEarly}},
		{makeID(t, "210102", "19000229", "001"), CodeBirthDate, []any{"19000229", termBirthNotReal}},
		{makeID(t, "210102", "20230230", "001"), CodeBirthDate, []any{"20230230", termBirthNotReal}},
		{makeID(t, "210102", "20241301", "001"), CodeBirthDate, []any{"20241301", termBirthNotReal}},
		{makeID(t, "210102", "20240400", "001"), CodeBirthDate, []any{"20240400", termBirthNotReal}},
		{makeID(t, "210102", "20240431", "001"), CodeBirthDate, []any{"20240431", termBirthNotReal}},
		{makeID(t, "210102", "00000000", "001"), CodeBirthDate, []any{"00000000", termBirthNotReal}},
	}
	for _, c := range cases {
		_, err := CheckIDNumber(c.in, testToday)
		if err == nil {
			t.Errorf("CheckIDNumber(%q) passed", c.in)
			continue
		}
		e := wantError(t, err, c.code)
		if len(e.Args) != len(c.args)+1 || e.Args[0] != termIDNumber {
			t.Errorf("CheckIDNumber(%q) args = %v", c.in, e.Args)
			continue
		}
		for i, a := range c.args {
			if e.Args[i+1] != a {
				t.Errorf("CheckIDNumber(%q) arg %d = %v, want %v", c.in, i+1, e.Args[i+1], a)
			}
		}
	}
}

func TestIDMessages(t *testing.T) {
	_, err := CheckIDNumber("110105491231002", testToday)
	e := wantError(t, err, CodeLength)
	for _, lang := range []string{"zh-CN", "en"} {
		if m := e.Message(lang); !strings.Contains(m, "15") || !strings.Contains(m, "18") {
			t.Errorf("%s length message lacks the 15-digit hint: %q", lang, m)
		}
	}
	_, err = CheckIDNumber("110105194912310021", testToday)
	if m := wantError(t, err, CodeCheck).Message("zh-CN"); m != "公民身份号码校验位应为 X，而不是 1" {
		t.Errorf("check message = %q", m)
	}
}

// TestIDSingleChangesFail replaces each character of valid numbers with
// every other digit, X and a letter: all must fail.
func TestIDSingleChangesFail(t *testing.T) {
	numbers := []string{"11010519491231002X", makeID(t, "210112", "19851107", "035"), makeID(t, "210181", "20010911", "640")}
	for _, n := range numbers {
		for pos := 0; pos < 18; pos++ {
			for _, r := range "0123456789XA" {
				if string(r) == n[pos:pos+1] {
					continue
				}
				changed := n[:pos] + string(r) + n[pos+1:]
				_, err := CheckIDNumber(changed, testToday)
				if err == nil {
					t.Errorf("%q (position %d changed) passed", changed, pos+1)
					continue
				}
				want := CodeCheck
				switch {
				case r == 'A' || r == 'X' && pos < 17:
					want = CodeCharset
				case pos >= 6 && pos < 14:
					if _, e := idBirth(changed[6:14], testToday); e != nil {
						want = CodeBirthDate
					}
				}
				wantError(t, err, want)
			}
		}
	}
}

func TestIDCheckChar(t *testing.T) {
	cases := []struct {
		in   string
		want byte
	}{
		{"11010519491231002", 'X'},
		{"00000000000000000", '1'}, // sum 0
		{"00000000000000001", 'X'}, // sum 2
		{"10000000000000000", '5'}, // sum 7
		{"１１０１０５１９４９１２３１００２", 'X'},
	}
	for _, c := range cases {
		if got, err := IDCheckChar(c.in); err != nil || got != c.want {
			t.Errorf("IDCheckChar(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	_, err := IDCheckChar("11010519491231002X")
	wantError(t, err, CodeLength)
	_, err = IDCheckChar("1101051949123100X")
	wantError(t, err, CodeCharset)
}
