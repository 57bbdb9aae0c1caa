package site

import (
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

// DistrictName names a GB/T 2260 code in lang (the code itself when it
// names no division).
func DistrictName(code, lang string) string {
	if d, ok := stdcode.LookupDivision(code); ok {
		if lang == i18n.EN {
			return d.NameEN
		}
		return d.Name
	}
	return code
}
