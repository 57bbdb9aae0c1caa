// Package returnforms holds the periodic-return forms Xinzhi ships: the
// aggregates the letter's figures need from other departments and units.
// A bureau publishes its own beside them (/returns, or the API).
package returnforms

import "embed"

// Files are the shipped forms, *.yaml.
//
//go:embed *.yaml
var Files embed.FS
