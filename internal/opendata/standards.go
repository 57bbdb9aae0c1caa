package opendata

import "time"

// Standard is a published data standard an export follows, at the version
// whose official schema is vendored under schema/ (see schema/README.md)
// and which the tests validate the export against. The exports and the
// public "Data and API" page both read these, so the version is written
// once.
type Standard struct {
	Name    string // the standard's own name
	Version string // the schema release vendored, e.g. 1.1.5
	Dir     string // its directory under schema/
	Schema  string // the official package schema, where it is published
	Docs    string // the standard's documentation
}

// OCDS is the Open Contracting Data Standard of the release and record
// packages.
var OCDS = Standard{
	Name:    "Open Contracting Data Standard",
	Version: "1.1.5",
	Dir:     "ocds-1.1.5",
	Schema:  "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json",
	Docs:    "https://standard.open-contracting.org/1.1/en/",
}

// OCDSRecordSchema is the official schema of the OCDS record package.
const OCDSRecordSchema = "https://standard.open-contracting.org/schema/1__1__5/record-package-schema.json"

// Giving360 is the 360Giving Data Standard of the grants package.
var Giving360 = Standard{
	Name:    "360Giving Data Standard",
	Version: "1.4.3",
	Dir:     "360giving-1.4.3",
	Schema:  "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-package-schema.json",
	Docs:    "https://standard.threesixtygiving.org/en/1.4.3/",
}

// Minor is the version as major.minor, which an OCDS package's version
// field carries ("1.1").
func (s Standard) Minor() string {
	dots := 0
	for i, c := range s.Version {
		if c == '.' {
			dots++
			if dots == 2 {
				return s.Version[:i]
			}
		}
	}
	return s.Version
}

// License is the default licence of the exports (CC BY 4.0), used when the
// publisher configures none (XINZHI_PUBLISHER_LICENCE).
const License = "https://creativecommons.org/licenses/by/4.0/"

// LicenceURL is the licence the publisher's exports are published under:
// the configured one, else License.
func (pub Publisher) LicenceURL() string {
	if pub.Licence != "" {
		return pub.Licence
	}
	return License
}

// knownLicences names the common open licences by their canonical URIs.
var knownLicences = map[string]string{
	"https://creativecommons.org/licenses/by/4.0/":                              "CC BY 4.0",
	"https://creativecommons.org/licenses/by-sa/4.0/":                           "CC BY-SA 4.0",
	"https://creativecommons.org/publicdomain/zero/1.0/":                        "CC0 1.0",
	"https://opendatacommons.org/licenses/pddl/1-0/":                            "ODC PDDL 1.0",
	"https://opendatacommons.org/licenses/by/1-0/":                              "ODC-By 1.0",
	"http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/": "OGL 3.0",
}

// LicenceName is the licence's short name when it is a known one, else its
// URI.
func (pub Publisher) LicenceName() string {
	u := pub.LicenceURL()
	if n, ok := knownLicences[u]; ok {
		return n
	}
	return u
}

// LastChange is the latest change the package reflects: the latest
// dateModified of its grants (RFC 3339), "" when it holds none.
func (p Package) LastChange() string {
	last := ""
	for _, g := range p.Grants {
		last = later(last, g.DateModified)
	}
	return last
}

// LastChange is the latest change the package reflects: the latest date of
// its releases, "" when it holds none.
func (p ReleasePackage) LastChange() string {
	last := ""
	for _, r := range p.Releases {
		last = later(last, r.Date)
	}
	return last
}

// LastChange is the latest change the package reflects: the latest date of
// its records' compiled releases, "" when it holds none.
func (p RecordPackage) LastChange() string {
	last := ""
	for _, r := range p.Records {
		last = later(last, r.CompiledRelease.Date)
	}
	return last
}

// later is the later of two RFC 3339 times ("" is the earliest).
func later(a, b string) string {
	if b == "" {
		return a
	}
	ta, errA := time.Parse(time.RFC3339, a)
	tb, errB := time.Parse(time.RFC3339, b)
	if errA != nil || (errB == nil && tb.After(ta)) {
		return b
	}
	return a
}
