package web

import (
	"context"
	"github.com/xinzhi-platform/xinzhi/internal/audit"
	"github.com/xinzhi-platform/xinzhi/internal/clock"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/proposal"
	"github.com/xinzhi-platform/xinzhi/internal/web/indicatorsweb"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// cockpitData is the cockpit: key figures as of a date, and a trend.
type cockpitData struct {
	Orgs    float64
	AsOf    string
	Figures []indicatorsweb.Row
	Trends  []chart // the trend, no axis mixing units
	Overdue []overdueRow
}

// overdueRow is a proposal past its reply date and not yet replied to.
type overdueRow struct {
	ID    int64
	Title string
	Lead  string
	State i18n.Text
	Due   string
}

// overdueProposals lists proposals (package proposal) whose deadline has
// passed while they await their reply: they stand out on the cockpit.
func (s *Server) overdueProposals(r *http.Request) ([]overdueRow, error) {
	rows, err := proposal.Overdue(r.Context(), s.db, today(r.Context()))
	if err != nil {
		return nil, err
	}
	var out []overdueRow
	for _, x := range rows {
		out = append(out, overdueRow{ID: x.ID, Title: x.Title, Lead: x.Lead, State: x.State.Name(), Due: x.DueOn})
	}
	return out, nil
}

// cockpitFigures are the key figures on the cockpit's front page, in the
// order of the letter.
var cockpitFigures = []string{"major_special_projects_deployed", "challenge_lists_published", "smart_factory_total", "digital_workshop_total",
	"sme_pilot_total", "sme_pilot_level2_share", "iiot_platforms_total", "phd_startup_projects", "investment_projects_signed"}

// cockpitTrend are drawn at the end of each of the last five years.
var cockpitTrend = []string{"smart_factory_total", "digital_workshop_total", "iiot_platforms_total"}

func (s *Server) cockpit(w http.ResponseWriter, r *http.Request) error {
	p, err := indicatorsweb.Params(s.site, r)
	if err != nil {
		return err
	}
	return s.serveKept(w, r, "cockpit", "cockpit.title", func(r *http.Request, pg *page) (bool, error) {
		d, err := s.cockpitData(r, p)
		pg.Data = d
		for _, f := range d.Figures {
			if f.Err != "" { // a figure that failed is not kept: the next reader tries again
				return false, err
			}
		}
		return true, err
	})
}

// cockpitData are the cockpit's figures as of p, its overdue proposals and
// its trend.
func (s *Server) cockpitData(r *http.Request, p metric.Params) (cockpitData, error) {
	n, err := s.orgCount(r.Context())
	if err != nil {
		return cockpitData{}, err
	}
	d := cockpitData{Orgs: float64(n), AsOf: indicatorsweb.AsOfText(p), Figures: indicatorsweb.Figures(s.site, r, cockpitFigures, p)}
	if d.Overdue, err = s.overdueProposals(r); err != nil {
		return d, err
	}
	end := p.AsOf
	if end.IsZero() {
		end = clock.Now(r.Context()).In(shanghai)
	}
	var years []string
	var series []chartSeries
	for i := 4; i >= 0; i-- {
		years = append(years, strconv.Itoa(end.Year()-i))
	}
	for _, id := range cockpitTrend {
		def, ok := s.indicators.Get(id)
		if !ok {
			continue
		}
		name, unit := indicatorsweb.Label(def, info(r).lang)
		var vals []float64
		for i := 4; i >= 0; i-- {
			asOf := time.Date(end.Year()-i, 12, 31, 0, 0, 0, 0, shanghai)
			if i == 0 {
				asOf = end
			}
			res, err := s.evals.Eval(r.Context(), s.db, s.indicators, id, metric.Params{AsOf: asOf})
			if err != nil {
				return d, err
			}
			vals = append(vals, res.Value)
		}
		series = append(series, chartSeries{Type: "line", Name: name, Unit: unit, Data: vals})
	}
	d.Trends, err = seriesCharts(years, series)
	return d, err
}

// orgCount is the number of organisations, counted again only after a
// write (a count over a million rows is not free).
func (s *Server) orgCount(ctx context.Context) (int64, error) {
	gen, err := audit.Generation(ctx, s.db)
	if err != nil {
		return 0, err
	}
	s.orgs.Lock()
	defer s.orgs.Unlock()
	if s.orgs.gen != gen || gen == 0 {
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM organisations`).Scan(&s.orgs.n); err != nil {
			return 0, err
		}
		s.orgs.gen = gen
	}
	return s.orgs.n, nil
}

// systemData is the data of the system page.
type systemData struct {
	SSO        bool // single sign-on configured: link to its role mapping
	Version    string
	Engine     store.Engine
	GoVersion  string
	Migrations []store.AppliedMigration
	Users      int
	Orgs       int
	Events     int
}

func (s *Server) systemPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := systemData{Version: s.cfg.Version, Engine: s.db.Engine(), GoVersion: runtime.Version(), SSO: s.cfg.SSO != nil}
	var err error
	if d.Migrations, err = s.db.Status(ctx); err != nil {
		return err
	}
	for _, c := range []struct {
		q string
		n *int
	}{{`SELECT count(*) FROM users`, &d.Users}, {`SELECT count(*) FROM organisations`, &d.Orgs}, {`SELECT count(*) FROM audit_events`, &d.Events}} {
		if err := s.db.QueryRowContext(ctx, c.q).Scan(c.n); err != nil {
			return err
		}
	}
	return s.render(w, http.StatusOK, "system", s.newPage(w, r, "system.title", d))
}
