package web

import (
	"embed"
	"encoding/json"
	"net/http"

	"github.com/xinzhi-platform/xinzhi/internal/access"
)

//go:embed templates
var templateFiles embed.FS

//go:embed openapi.json
var openAPIDoc []byte

// OpenAPIDocument is the API's OpenAPI document as served at
// /api/openapi.json (tests check every API response against it).
func OpenAPIDocument() []byte { return append([]byte(nil), openAPIDoc...) }

// openAPISchema is the official JSON Schema of OpenAPI 3.1 documents.
const openAPISchema = "https://spec.openapis.org/oas/3.1/schema/2022-10-07"

// openAPIVersion is the OpenAPI version the document declares.
func openAPIVersion() string {
	var d struct {
		OpenAPI string `json:"openapi"`
	}
	_ = json.Unmarshal(openAPIDoc, &d)
	return d.OpenAPI
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDoc)
	return err
}

// me is the API's view of the caller.
type me struct {
	Kind     string        `json:"kind"` // "user" or "token"
	ID       int64         `json:"id"`
	Name     string        `json:"name"`
	Roles    []access.Role `json:"roles"`
	OrgID    int64         `json:"org_id,omitempty"`
	Language string        `json:"language"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	ri := info(r)
	p := ri.principal
	m := me{Kind: "user", ID: p.UserID, Name: p.Name, Roles: p.Roles, OrgID: p.OrgID, Language: ri.lang}
	if p.TokenID != 0 {
		m.Kind, m.ID = "token", p.TokenID
	}
	return writeJSON(w, http.StatusOK, m)
}
