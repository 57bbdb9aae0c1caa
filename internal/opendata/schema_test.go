package opendata_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/xinzhi-platform/xinzhi/internal/opendata"
)

// The official schemas, vendored under schema/ (see schema/README.md),
// each registered at its own id so their references resolve offline.
var schemaFiles = map[string]string{
	"https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json":                        "ocds-1.1.5/release-package-schema.json",
	"https://standard.open-contracting.org/schema/1__1__5/release-schema.json":                                "ocds-1.1.5/release-schema.json",
	"https://standard.open-contracting.org/schema/1__1__5/record-package-schema.json":                         "ocds-1.1.5/record-package-schema.json",
	"https://standard.open-contracting.org/schema/1__1__5/versioned-release-validation-schema.json":           "ocds-1.1.5/versioned-release-validation-schema.json",
	"https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-package-schema.json": "360giving-1.4.3/360-giving-package-schema.json",
	"https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json":         "360giving-1.4.3/360-giving-schema.json",
}

var schemaRoots = map[string]string{
	"release-package":   opendata.OCDS.Schema, // the schemas the public page links to are the ones validated against
	"record-package":    opendata.OCDSRecordSchema,
	"360giving-package": "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-package-schema.json",
}

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

func compileSchemas() {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for url, file := range schemaFiles {
		f, err := os.Open(filepath.Join("schema", file))
		if err != nil {
			compileErr = err
			return
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			compileErr = err
			return
		}
		if err := c.AddResource(url, doc); err != nil {
			compileErr = err
			return
		}
	}
	compiled = map[string]*jsonschema.Schema{}
	for name, url := range schemaRoots {
		s, err := c.Compile(url)
		if err != nil {
			compileErr = err
			return
		}
		compiled[name] = s
	}
}

// validate checks raw against one of the official schemas.
func validate(t *testing.T, schema string, raw []byte) {
	t.Helper()
	compileOnce.Do(compileSchemas)
	if compileErr != nil {
		t.Fatalf("schemas: %v", compileErr)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := compiled[schema].Validate(doc); err != nil {
		t.Errorf("not a valid %s:\n%v", schema, err)
	}
}

// TestValidatorRejects: the validator does catch what the schemas forbid
// (a release without its ocid, a grant with a malformed award date).
func TestValidatorRejects(t *testing.T) {
	compileOnce.Do(compileSchemas)
	if compileErr != nil {
		t.Fatal(compileErr)
	}
	for schema, raw := range map[string]string{
		"release-package":   `{"uri":"https://x.cn/p","publishedDate":"2025-01-01T00:00:00Z","version":"1.1","publisher":{"name":"p"},"releases":[{"id":"1","date":"2025-01-01T00:00:00Z","tag":["tender"],"initiationType":"tender"}]}`,
		"360giving-package": `{"grants":[{"id":"g","title":"t","description":"d","currency":"CNY","amountAwarded":1,"awardDate":"2025-13-01","recipientOrganization":[{"id":"a","name":"a"}],"fundingOrganization":[{"id":"b","name":"b"}]}]}`,
	} {
		doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(raw)))
		if compiled[schema].Validate(doc) == nil {
			t.Errorf("%s accepted an invalid document: %s", schema, raw)
		}
	}
}
