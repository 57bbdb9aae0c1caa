package web_test

import (
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

func creditCodeFor(t *testing.T, n int) string { return webtest.CreditCode(t, n) }
