// Package programs holds the templates Xinzhi ships, one for each program
// the letter names (see DESIGN.md). The demo publishes them; a bureau
// publishes its own with xinzhi program publish.
package programs

import "embed"

// Files are the shipped templates, *.yaml.
//
//go:embed *.yaml
var Files embed.FS
