package site

import (
	"context"
	"html/template"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/auth"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"github.com/xinzhi-platform/xinzhi/internal/i18n"
)

// Page is what every template receives.
type Page struct {
	Lang      string
	Title     string // message key
	Demo      bool
	Principal access.Principal
	User      *auth.User
	CSRF      string
	Path      string
	Back      string // where the language switch returns: the path and, for a GET, its query
	Nav       []NavItem
	Flash     string
	Bad       bool              // the flash reports a refusal
	Unread    int               // the user's unread notifications
	Errors    map[string]string // field → message
	Form      map[string]string
	Data      any
	Auth      bool   // a sign-in page: no navigation
	AsOf      string // the pinned business date (package clock), shown in the header; empty: none pinned
	// Body is the page's content rendered already (Pages.Content, kept
	// while it cannot change); empty: the layout runs the "content"
	// template.
	Body template.HTML
}

// NavItem is an entry of the side navigation.
type NavItem struct {
	Key  string
	Href string // empty for areas still to come
}

// Today is the business date (the pinned one, else the day in China): the
// default of a form's date fields.
func (p *Page) Today() string {
	if p.AsOf != "" {
		return p.AsOf
	}
	return clock.Today(context.Background())
}

// T translates a message key in the page's language.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Lang, key, args...) }

// TA translates a message key with arguments held in a list (stored
// notifications).
func (p *Page) TA(key string, args []any) string { return i18n.T(p.Lang, key, args...) }

// Err returns the message for a field, if any.
func (p *Page) Err(field string) string { return p.Errors[field] }

// Val returns a submitted form value to fill the form again.
func (p *Page) Val(field string) string { return p.Form[field] }
