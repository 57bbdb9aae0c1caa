package i18n

import (
	"bytes"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Names sort the way a Chinese reader expects: by pinyin (阿 < 北 < 长 <
// 张), not by code point. The collator is not safe for concurrent use, so
// it is shared under a lock.
//
// CLDR's pinyin order files a polyphonic character under one reading;
// names tailors the few whose reading in names differs: 长 is zhǎng to
// CLDR but cháng in 长春, 长沙, 长城, 长江, 长安 — so it sorts as 常.
var names = strings.NewReplacer("长", "常")

var (
	collMu sync.Mutex
	coll   = collate.New(language.Chinese)
	buf    collate.Buffer
)

// SortKey is name's collation key: comparing keys byte by byte orders the
// names by pinyin. A database stores it beside the name so that a list
// sorted by name pages in SQL (ORDER BY the key).
func SortKey(name string) []byte {
	collMu.Lock()
	defer collMu.Unlock()
	k := coll.KeyFromString(&buf, names.Replace(name))
	out := make([]byte, len(k)) // never nil: an empty name has an empty key, not NULL
	copy(out, k)
	buf.Reset()
	return out
}

// CompareNames orders two names by pinyin; -1, 0 or +1.
func CompareNames(a, b string) int {
	collMu.Lock()
	defer collMu.Unlock()
	return coll.CompareString(names.Replace(a), names.Replace(b))
}

// SortByName sorts items by the name name gives, by pinyin, keeping the
// order of equal names.
func SortByName[T any](items []T, name func(T) string) {
	keys := make(map[string][]byte, len(items))
	for _, it := range items {
		n := name(it)
		if _, ok := keys[n]; !ok {
			keys[n] = SortKey(n)
		}
	}
	slices.SortStableFunc(items, func(a, b T) int { return bytes.Compare(keys[name(a)], keys[name(b)]) })
}
