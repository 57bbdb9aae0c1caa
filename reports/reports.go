// Package reports holds the report templates Xinzhi ships (*.txt: the
// title on the first line, then the text with {{fig "ID"}} placeholders).
// seed-reply is the letter this project grew from.
package reports

import "embed"

// Files are the shipped report templates.
//
//go:embed *.txt
var Files embed.FS
