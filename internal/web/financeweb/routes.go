// Package financeweb serves science finance (科技金融): financial products
// on the shelf, the green channel against each institution's promises,
// government funds, and funding needs matched to products, sent and decided.
package financeweb

import (
	"embed"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
)

//go:embed templates/*.html
var templates embed.FS

// area serves the pages and API of the area with the site's shared parts.
type area struct {
	*site.Site
	pages *site.Pages
}

// Routes parses the area's templates and returns its routes; package web
// adds them to the route table and checks each route's permission.
func Routes(shared *site.Site) ([]site.Route, error) {
	pages, err := shared.Parse(templates, "templates")
	if err != nil {
		return nil, err
	}
	s := &area{Site: shared, pages: pages}
	return []site.Route{
		{Method: "GET", Pattern: "/projects/{id}/products", Perm: access.ProgramView, H: s.offersPage, Summary: "financial products suggested for a funding need, with the reasons, and where it was sent"},
		{Method: "POST", Pattern: "/projects/{id}/products/{product}/send", Perm: access.ProgramView, H: s.sendNeed, Summary: "send a funding need to a product's institution (the need's owner or a manager)"},
		{Method: "GET", Pattern: "/finance", Perm: access.ProgramView, H: s.financePage, Summary: "science finance: listed products, the green channel, government funds"},
		{Method: "POST", Pattern: "/finance/products", Perm: access.ProductPublish, H: s.publishProduct, Summary: "publish a financial product (a finance user for its institution; a manager for any)"},
		{Method: "GET", Pattern: "/finance/applications", Perm: access.ProgramView, H: s.applicationsPage, Summary: "funding needs sent to institutions: an institution's inbox, an enterprise's sent needs, all for staff"},
		{Method: "POST", Pattern: "/finance/applications/{id}/decide", Perm: access.ProgramView, H: s.decideApplication, Summary: "an institution's decision on a need sent to it"},
		{Method: "GET", Pattern: "/api/v1/finance/products", Perm: access.ProgramView, H: s.apiProducts, API: true, Summary: "financial products listed on a day (?as_of, ?kind)"},
		{Method: "POST", Pattern: "/api/v1/finance/products", Perm: access.ProductPublish, H: s.apiPublishProduct, API: true, Summary: "publish a financial product"},
		{Method: "GET", Pattern: "/api/v1/finance/green-channel", Perm: access.ProgramView, H: s.apiGreenChannel, API: true, Summary: "days from sending to decision per institution, against its promises (?from, ?to)"},
		{Method: "GET", Pattern: "/api/v1/finance/applications", Perm: access.ProgramView, H: s.apiApplications, API: true, Summary: "funding needs sent to institutions, as the caller may see them"},
		{Method: "POST", Pattern: "/api/v1/finance/applications/{id}/decision", Perm: access.ProgramView, H: s.apiDecideApplication, API: true, Summary: "an institution's decision on a need sent to it"},
		{Method: "GET", Pattern: "/api/v1/projects/{id}/products", Perm: access.ProgramView, H: s.apiOffers, API: true, Summary: "products suggested for a funding need, with reasons"},
		{Method: "POST", Pattern: "/api/v1/projects/{id}/products/{product}/send", Perm: access.ProgramView, H: s.apiSend, API: true, Summary: "send a funding need to a product's institution"},
	}, nil
}
