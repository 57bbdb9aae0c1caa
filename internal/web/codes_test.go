package web_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/stdcode"
)

func mustRE(p string) *regexp.Regexp { return regexp.MustCompile(p) }

func creditCodeFor(t *testing.T, n int) string {
	org8 := fmt.Sprintf("MC%06d", n)
	c9, _ := stdcode.OrgCodeCheckChar(org8)
	first17 := "91210100" + org8 + string(c9)
	c18, err := stdcode.CreditCodeCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c18)
}

func idNumberFor(t *testing.T, n int) string {
	first17 := fmt.Sprintf("21010219880808%03d", n)
	c, err := stdcode.IDCheckChar(first17)
	if err != nil {
		t.Fatal(err)
	}
	return first17 + string(c)
}

func authNewToken(role string) auth.NewToken {
	return auth.NewToken{Role: access.Role(role), Name: role}
}
