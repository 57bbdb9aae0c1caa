package site_test

import (
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

// A district code is named in the reader's language; a code that names
// no division is shown as it is.
func TestDistrictName(t *testing.T) {
	for _, c := range []struct{ code, lang, want string }{
		{"210112", i18n.ZH, "浑南区"},
		{"210112", i18n.EN, "Hunnan"},
		{"999999", i18n.EN, "999999"},
	} {
		if got := site.DistrictName(c.code, c.lang); got != c.want {
			t.Errorf("DistrictName(%s, %s) = %q, want %q", c.code, c.lang, got, c.want)
		}
	}
}
