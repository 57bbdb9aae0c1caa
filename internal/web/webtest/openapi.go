package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/xinzhi-platform/xinzhi/internal/web"
)

// Every response to a request for /api/… that a test's client reads is
// checked against the OpenAPI document the server publishes: the status
// must be documented for the operation, the content type declared for
// that status, and the body valid against its schema (kin-openapi's
// openapi3filter, JSON Schema 2020-12 as OpenAPI 3.1 says). A drift fails
// the test that saw it, on either engine.

type apiSpec struct {
	doc    *openapi3.T
	router routers.Router
}

var loadSpec = sync.OnceValues(func() (*apiSpec, error) {
	var raw any
	if err := json.Unmarshal(web.OpenAPIDocument(), &raw); err != nil {
		return nil, fmt.Errorf("read the OpenAPI document: %w", err)
	}
	closeObjects(raw)
	src, err := json.Marshal(raw)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(src)
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI document: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is not valid: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route the OpenAPI document: %w", err)
	}
	return &apiSpec{doc: doc, router: router}, nil
})

// closeObjects makes every object schema that lists its properties and
// says nothing of others refuse others (additionalProperties: false), so
// that a field a handler writes but the document does not name — a Go
// field without a json tag, say "Day" for "day" — fails the check. Only
// the tests' copy is closed: the published document leaves objects open,
// so that adding a field later does not break a client that validates.
func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"].(map[string]any); ok {
			if _, set := v["additionalProperties"]; !set {
				v["additionalProperties"] = false
			}
		}
		for _, x := range v {
			closeObjects(x)
		}
	case []any:
		for _, x := range v {
			closeObjects(x)
		}
	}
}

// ErrUndocumented is a request to /api/… that no operation of the document
// answers, with a response other than 404 or 405.
var ErrUndocumented = errors.New("no operation in the OpenAPI document")

// CheckAPIResponse checks one response to req against the OpenAPI document:
// nil when it matches, otherwise an error naming the operation, the status
// and what the validator found. Requests outside /api/ are not checked.
func CheckAPIResponse(req *http.Request, status int, header http.Header, body []byte) error {
	if !strings.HasPrefix(req.URL.Path, "/api/") || req.URL.Path == "/api/docs" {
		return nil
	}
	spec, err := loadSpec()
	if err != nil {
		return err
	}
	route, params, err := spec.router.FindRoute(req)
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			return nil // the server refused a path it does not serve either
		}
		return fmt.Errorf("%s %s answered %d: %w (%v)", req.Method, req.URL.Path, status, ErrUndocumented, err)
	}
	at := fmt.Sprintf("%s %s (%s) answered %d", req.Method, route.Path, route.Operation.OperationID, status)
	if r := route.Operation.Responses.Status(status); r != nil && r.Value != nil && len(r.Value.Content) == 0 && len(bytes.TrimSpace(body)) > 0 {
		return fmt.Errorf("%s: a body (%s) the document does not describe", at, header.Get("Content-Type"))
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s: %w", at, briefError{err})
	}
	return nil
}

// briefError is the validator's error without the schema and value dumps
// it appends (pages of JSON that bury the one line saying what differs).
type briefError struct{ err error }

func (b briefError) Unwrap() error { return b.err }

func (b briefError) Error() string {
	var out []string
	dump := false
	for _, line := range strings.Split(b.err.Error(), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "Schema:" || trimmed == "Value:":
			dump = true
		case dump && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
		default:
			dump = false
			if trimmed != "" {
				out = append(out, trimmed)
			}
		}
	}
	return strings.Join(out, " ")
}

// checkedTransport reads every API response to check it, then hands the
// body on unread.
type checkedTransport struct {
	t    *testing.T
	next http.RoundTripper
}

func (c checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/api/") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", req.Method, req.URL.Path, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err := CheckAPIResponse(req, resp.StatusCode, resp.Header, body); err != nil {
		c.t.Helper()
		c.t.Errorf("response differs from the OpenAPI document: %v\nbody: %.500s", err, body)
	}
	return resp, nil
}

// OperationOf names the operation of the OpenAPI document that req calls,
// as "METHOD /path/{template}"; ok is false when none does.
func OperationOf(req *http.Request) (op string, ok bool) {
	spec, err := loadSpec()
	if err != nil {
		return "", false
	}
	route, _, err := spec.router.FindRoute(req)
	if err != nil {
		return "", false
	}
	return req.Method + " " + route.Path, true
}
