package i18n

import (
	"bytes"
	"slices"
	"testing"
)

// TestNamesSortByPinyin: 阿 < 北 < 长 < 张 (by code point 北 < 张 < 长 < 阿),
// the same by keys, by comparison and by SortByName.
func TestNamesSortByPinyin(t *testing.T) {
	want := []string{"阿尔特", "北方重工", "长安汽车", "张氏科技"}
	got := []string{"张氏科技", "长安汽车", "阿尔特", "北方重工"}
	SortByName(got, func(s string) string { return s })
	if !slices.Equal(got, want) {
		t.Errorf("SortByName: %q, want %q", got, want)
	}
	for i := 1; i < len(want); i++ {
		if CompareNames(want[i-1], want[i]) >= 0 {
			t.Errorf("CompareNames(%q, %q) >= 0", want[i-1], want[i])
		}
		if bytes.Compare(SortKey(want[i-1]), SortKey(want[i])) >= 0 {
			t.Errorf("SortKey(%q) >= SortKey(%q)", want[i-1], want[i])
		}
	}
}
