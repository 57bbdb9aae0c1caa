package site

import "net/url"

// Link is path with q as its query string, built by net/url so that every
// value is escaped exactly once. Templates put it whole at the start of an
// href, where html/template leaves a URL's "=" and "&" alone; a query string
// spliced in after a "?" in the template would be escaped a second time.
// Pairs in set ("key", "value", …) replace or add values; an empty value
// drops the key.
func Link(path string, q url.Values, set ...string) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(set); i += 2 {
		if set[i+1] == "" {
			v.Del(set[i])
		} else {
			v.Set(set[i], set[i+1])
		}
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// Kept is the values of keys in q that are not empty, in a new url.Values.
func Kept(q url.Values, keys ...string) url.Values {
	out := url.Values{}
	for _, k := range keys {
		if s := q.Get(k); s != "" {
			out.Set(k, s)
		}
	}
	return out
}
