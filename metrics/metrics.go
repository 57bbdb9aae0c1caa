// Package metrics holds the indicators Xinzhi ships: one per figure of the
// letter in seed/facts.yaml that the records can answer so far, each with
// the fact's id. Administrators add their own files beside these.
package metrics

import "embed"

// Files are the shipped indicator definitions, *.yaml.
//
//go:embed *.yaml
var Files embed.FS
