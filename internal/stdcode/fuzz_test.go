package stdcode

import (
	"testing"
	"unicode/utf8"
)

func FuzzCheckCreditCode(f *testing.F) {
	for _, s := range []string{validCredit, "914403001922038217", "９１４４０３００１９２３１７４５８ｆ",
		" 91210112MA0XYK12X0 ", "", "I", "\xff\xfe", "91440300192317458号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normalize(s)
		if normalize(n) != n || !utf8.ValidString(n) {
			t.Fatalf("normalize(%q) = %q is not stable", s, n)
		}
		r, err := CheckCreditCode(s)
		if err != nil {
			checkMessages(t, wantError(t, err, err.(*Error).Code))
			return
		}
		if r.Code != n {
			t.Fatalf("Code %q is not the normalised input %q", r.Code, n)
		}
		c, err := CreditCodeCheckChar(r.Code[:17])
		if err != nil || c != r.Code[17] {
			t.Fatalf("%q passed but its check character is %q (%v)", r.Code, c, err)
		}
		o, err := OrgCodeCheckChar(r.Code[8:16])
		if err != nil || (o == r.Code[16]) != r.InnerCheckOK || (r.Warning == nil) != r.InnerCheckOK {
			t.Fatalf("%q: inner check %+v disagrees with %q (%v)", r.Code, r, o, err)
		}
		if r.Warning != nil {
			checkMessages(t, r.Warning)
		}
		again, err := CheckCreditCode(r.Code)
		if err != nil || again.Code != r.Code || again.InnerCheckOK != r.InnerCheckOK {
			t.Fatalf("re-checking %q gave %+v, %v", r.Code, again, err)
		}
	})
}

func FuzzCheckIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "１１０１０５１９４９１２３１００２ｘ",
		"110105491231002", "", "\xff", "21011219000229001X", "21011220991231001X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := CheckIDNumber(s, testToday)
		if err != nil {
			checkMessages(t, wantError(t, err, err.(*Error).Code))
			return
		}
		if r.Number != normalize(s) {
			t.Fatalf("Number %q is not the normalised input", r.Number)
		}
		c, err := IDCheckChar(r.Number[:17])
		if err != nil || c != r.Number[17] {
			t.Fatalf("%q passed but its check character is %q (%v)", r.Number, c, err)
		}
		if r.Birth.Before(earliestBirth) || r.Birth.After(testToday) || r.Male != ((r.Number[16]-'0')%2 == 1) {
			t.Fatalf("%q: bad result %+v", r.Number, r)
		}
		if r.Birth.Format("20060102") != r.Number[6:14] {
			t.Fatalf("%q: birth %v", r.Number, r.Birth)
		}
		again, err := CheckIDNumber(r.Number, testToday)
		if err != nil || again != r {
			t.Fatalf("re-checking %q gave %+v, %v", r.Number, again, err)
		}
	})
}
