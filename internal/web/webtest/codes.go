package webtest

import (
	"fmt"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

// CreditCode is the n-th valid unified social credit code of a Shenyang
// enterprise (both check characters right), for forms and imports.
func CreditCode(t *testing.T, n int) string {
	t.Helper()
	org8 := fmt.Sprintf("MC%06d", n)
	c9, _ := stdcode.OrgCodeCheckChar(org8)
	first17 := "91210100" + org8 + string(c9)
	c18, err := stdcode.CreditCodeCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c18)
}

// IDNumber is the n-th valid resident ID number (check character right) of
// a person born 1988-08-08 in Shenyang.
func IDNumber(t *testing.T, n int) string {
	t.Helper()
	first17 := fmt.Sprintf("21010219880808%03d", n)
	c, err := stdcode.IDCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}
