package i18n

import "testing"

func TestCataloguesAgree(t *testing.T) {
	if err := Check(); err != nil {
		t.Fatal(err)
	}
}

func TestLookup(t *testing.T) {
	cases := []struct{ lang, key, want string }{
		{ZH, "app.name", "新质"},
		{EN, "app.name", "Xinzhi"},
		{"en-GB", "app.name", "Xinzhi"},
		{"fr", "app.name", "新质"},
		{EN, "no.such.key", "no.such.key"},
	}
	for _, c := range cases {
		if got := T(c.lang, c.key); got != c.want {
			t.Errorf("T(%q, %q) = %q, want %q", c.lang, c.key, got, c.want)
		}
	}
}

func TestAcceptLanguage(t *testing.T) {
	cases := map[string]string{
		"":                        ZH,
		"en-US,en;q=0.9":          EN,
		"zh-CN,zh;q=0.9,en;q=0.8": ZH,
		"de-DE, en;q=0.5":         EN,
		"ja":                      ZH,
	}
	for h, want := range cases {
		if got := FromAcceptLanguage(h); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestPick(t *testing.T) {
	cases := []struct{ lang, zh, en, want string }{
		{ZH, "高新技术企业", "High-tech enterprise", "高新技术企业"},
		{EN, "高新技术企业", "High-tech enterprise", "High-tech enterprise"},
		{"en-US", "高新技术企业", "High-tech enterprise", "High-tech enterprise"},
		{EN, "2025年第一批", "", "2025年第一批"}, // no English given: the Chinese stays
	}
	for _, c := range cases {
		if got := Pick(c.lang, c.zh, c.en); got != c.want {
			t.Errorf("Pick(%q, %q, %q) = %q, want %q", c.lang, c.zh, c.en, got, c.want)
		}
	}
}
