package web

import (
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/web/adminweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/aiweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/chainsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/computeweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/cooperationweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/digitalweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/expertsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/financeweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/indicatorsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/infraweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/integrityweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/programsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/proposalsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/rankingsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/registryweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/reportsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/returnsweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/site"
	"github.com/xinzhi-platform/xinzhi/internal/web/talentweb"
	"github.com/xinzhi-platform/xinzhi/internal/web/universitiesweb"
)

// area is what an area package exports: its routes, its templates parsed
// with the shared layout (package site).
type area func(*site.Site) ([]site.Route, error)

// assemble is the whole route table: package web's own routes and every
// area's (areaPackages below), one pattern once.
func (s *Server) assemble(areas []area) ([]route, error) {
	routes := s.routeTable()
	seen := map[string]bool{}
	for _, rt := range routes {
		seen[rt.method+" "+rt.pattern] = true
	}
	for _, a := range areas {
		rs, err := a(s.site)
		if err != nil {
			return nil, err
		}
		for _, rt := range rs {
			key := rt.Method + " " + rt.Pattern
			if seen[key] {
				return nil, fmt.Errorf("route %s declared twice", key)
			}
			seen[key] = true
			routes = append(routes, route{method: rt.Method, pattern: rt.Pattern, perm: rt.Perm, h: handler(rt.H), api: rt.API, stages: rt.Stages, summary: rt.Summary})
		}
	}
	return routes, nil
}

// areaPackages serve areas of the site from their own packages
// (internal/web/<area>web), each with its routes and templates; package
// web adds their routes to its own (routeTable in routes.go). In the
// navigation's order.
var areaPackages = []area{
	registryweb.Routes,
	programsweb.Routes,
	financeweb.Routes,
	digitalweb.Routes,
	computeweb.Routes,
	returnsweb.Routes,
	infraweb.Routes,
	aiweb.Routes,
	rankingsweb.Routes,
	integrityweb.Routes,
	expertsweb.Routes,
	chainsweb.Routes,
	talentweb.Routes,
	universitiesweb.Routes,
	cooperationweb.Routes,
	reportsweb.Routes,
	indicatorsweb.Routes,
	proposalsweb.Routes,
	adminweb.Routes,
}
