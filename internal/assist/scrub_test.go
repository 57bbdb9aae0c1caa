package assist

import "testing"

func TestScrub(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"身份证210102199003071234，请核对", "身份证[身份证号]，请核对"},
		{"证号21010219900307123X。", "证号[身份证号]。"},
		{"手机13800138000或+86 139-0013-9000", "手机[电话]或[电话]"},
		{"电话024-22851234转123，传真（024）22851235", "电话[电话]，传真[电话]"},
		{"邮箱li.ming@shenyang.gov.cn", "邮箱[邮箱]"},
		{"全角１３８００１３８０００＠", "全角[电话]@"},
		{"卡号6222021234567890123", "卡号[号码]"},
		{"tel13800138000 or ID210102199003071234x", "tel[电话] or ID[身份证号]x"},
		{"认定61家，投入4.5亿元，2025年6月30日", "认定61家，投入4.5亿元，2025年6月30日"},
		{"统一社会信用代码91210100MA0Y123456", "统一社会信用代码91210100MA0Y123456"},
	} {
		if got, _ := Scrub(c.in); got != c.want {
			t.Errorf("Scrub(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzScrub: scrubbing never panics and leaves nothing more to scrub (a
// second pass finds no ID number, phone number or e-mail address).
func FuzzScrub(f *testing.F) {
	for _, s := range []string{"身份证210102199003071234", "13800138000,13900139000", "024-22851234转123", "a@b.cn", "１３８００１３８０００", "6222021234567890123", "+86 138 0013 8000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once, _ := Scrub(s)
		if twice, n := Scrub(once); n != 0 {
			t.Fatalf("Scrub(%q) = %q, and again %q: %d left", s, once, twice, n)
		}
	})
}
