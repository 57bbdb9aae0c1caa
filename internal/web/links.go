package web

import "github.com/xinzhi-platform/xinzhi/internal/web/site"

// link and kept build the links of filtered lists (package site).
var (
	link = site.Link
	kept = site.Kept
)
