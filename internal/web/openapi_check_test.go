package web_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

// TestOpenAPICheckCatchesDrift: the check every test's API response goes
// through (webtest.CheckAPIResponse) refuses what the document does not
// say — a body that does not match the schema, a field it does not name,
// null for a list, a status the operation does not list, a content type
// not declared for it, a path no operation has — and accepts what it does
// say, so a handler drifting from the
// document fails the suite.
func TestOpenAPICheckCatchesDrift(t *testing.T) {
	json := http.Header{"Content-Type": {"application/json"}}
	prob := http.Header{"Content-Type": {"application/problem+json"}}
	cases := []struct {
		name, method, path string
		status             int
		header             http.Header
		body               string
		want               string // in the error; "" for none
	}{
		{"me as documented", "GET", "/api/v1/me", 200, json, `{"kind":"user","id":1,"name":"u","roles":["viewer"],"language":"zh-CN"}`, ""},
		{"me with a field of the wrong type", "GET", "/api/v1/me", 200, json, `{"kind":"user","id":"1","name":"u","roles":["viewer"],"language":"zh-CN"}`, "doesn't match schema"},
		{"me without a required field", "GET", "/api/v1/me", 200, json, `{"id":1,"name":"u","roles":[],"language":"zh-CN"}`, "kind"},
		{"capitalised field names", "GET", "/api/v1/me", 200, json, `{"Kind":"user","ID":1,"Name":"u","Roles":[],"Language":"zh-CN"}`, "doesn't match schema"},
		{"a field the document does not name", "GET", "/api/v1/me", 200, json, `{"kind":"user","id":1,"name":"u","roles":["viewer"],"language":"zh-CN","Accesses":[]}`, "Accesses"},
		{"null where the document says a list", "GET", "/api/v1/me", 200, json, `{"kind":"user","id":1,"name":"u","roles":null,"language":"zh-CN"}`, "roles"},
		{"an undocumented status", "GET", "/api/v1/me", 418, prob, `{"type":"about:blank","title":"I'm a teapot","status":418}`, "status is not supported"},
		{"an error not as a problem document", "GET", "/api/v1/me", 401, json, `{"error":"sign in"}`, "content-type"},
		{"a problem document without its status", "GET", "/api/v1/me", 401, prob, `{"type":"about:blank","title":"Unauthorized"}`, "status"},
		{"a problem document", "GET", "/api/v1/me", 401, prob, `{"type":"about:blank","title":"Unauthorized","status":401,"detail":"请先登录。"}`, ""},
		{"a path no operation has", "GET", "/api/v1/nowhere", 200, json, `{}`, "no operation"},
		{"not found where nothing is", "GET", "/api/v1/nowhere", 404, prob, `{"type":"about:blank","title":"Not Found","status":404}`, ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, "http://127.0.0.1:1"+c.path, nil)
		err := webtest.CheckAPIResponse(req, c.status, c.header, []byte(c.body))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && err == nil:
			t.Errorf("%s: no error, want one about %q", c.name, c.want)
		case c.want != "" && !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.want)):
			t.Errorf("%s: %v, want one about %q", c.name, err, c.want)
		}
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:1/api/v1/nowhere", nil)
	if err := webtest.CheckAPIResponse(req, 200, json, nil); !errors.Is(err, webtest.ErrUndocumented) {
		t.Errorf("an undocumented path: %v", err)
	}
}
