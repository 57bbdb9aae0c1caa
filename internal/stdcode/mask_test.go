package stdcode

import "testing"

func TestMasks(t *testing.T) {
	cases := []struct {
		name string
		mask func(string) string
		in   string
		want string
	}{
		{"id", MaskIDNumber, "21010219800101123X", "210*************3X"},
		{"id lower-case", MaskIDNumber, " 21010219800101123x ", "210*************3X"},
		{"id full-width", MaskIDNumber, "２１０１０２１９８００１０１１２３Ｘ", "210*************3X"},
		{"id short", MaskIDNumber, "12345", "*****"},
		{"id six", MaskIDNumber, "123456", "123*56"},
		{"id empty", MaskIDNumber, "", ""},
		{"mobile", MaskPhone, "13812345678", "138****5678"},
		{"mobile spaced", MaskPhone, " 138 1234-5678 ", "138****5678"},
		{"mobile full-width", MaskPhone, "１３８１２３４５６７８", "138****5678"},
		{"landline", MaskPhone, "024-23456789", "024*******89"},
		{"not a mobile", MaskPhone, "23812345678", "238******78"},
		{"short phone", MaskPhone, "110", "***"},
		{"email", MaskEmail, "zhang.san@example.com", "z***@example.com"},
		{"email full-width", MaskEmail, "ｚｈａｎｇ＠example.com", "z***@example.com"},
		{"email one char", MaskEmail, "z@example.com", "***@example.com"},
		{"email chinese", MaskEmail, "张三@example.cn", "张***@example.cn"},
		{"email no at", MaskEmail, "zhangsan", "z***"},
		{"email empty local", MaskEmail, "@example.com", "***@example.com"},
		{"email empty", MaskEmail, "  ", ""},
	}
	for _, c := range cases {
		if got := c.mask(c.in); got != c.want {
			t.Errorf("%s: mask(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}
