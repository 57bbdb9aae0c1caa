package password

import (
	"errors"
	"testing"
	"unicode/utf8"
)

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "password", "aaaaaaaa", "我的猫叫小白花花", "\xff\xff\xff", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8", " Woaini1314 "} {
		f.Add(s, 8)
		f.Add(s, 12)
	}
	f.Fuzz(func(t *testing.T, pw string, min int) {
		err := Check(pw, min)
		if err == nil {
			if n := utf8.RuneCountInString(pw); n < max(min, 1) || n > MaxLen {
				t.Fatalf("Check(%q, %d) accepted a length of %d", pw, min, n)
			}
			return
		}
		var pe *PolicyError
		if !errors.As(err, &pe) {
			t.Fatalf("Check returned %T, want *PolicyError", err)
		}
		if pe.Message("zh-CN") == "" || pe.Message("en") == "" || errors.Unwrap(err) == nil {
			t.Fatalf("incomplete error %+v", pe)
		}
	})
}

func FuzzVerify(f *testing.F) {
	good, err := Hash("pw", Fast)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("pw", good)
	f.Add("pw", "")
	f.Add("", "$argon2id$v=19$m=64,t=1,p=1$$")
	f.Add("x", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$Wb9DOLKUgwlL5fjad9tfCPU0SBAo0PEY/evJRhwtUR0")
	f.Add("x", "$argon2id$v=19$m=8,t=1,p=255$c2FsdHNhbHRzYWx0c2FsdA$Wb9DOLKUgwlL5fjad9tfCPU0SBAo0PEY/evJRhwtUR0")
	f.Fuzz(func(t *testing.T, pw, enc string) {
		ok, err := Verify(pw, enc)
		if err != nil && ok {
			t.Fatal("Verify returned ok with an error")
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Fatalf("error %v does not wrap ErrMalformed", err)
		}
		_ = NeedsRehash(enc, Default)
	})
}
