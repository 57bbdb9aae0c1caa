package web

import "github.com/xinzhi-platform/xinzhi/internal/web/charts"

// The chart builders live in package charts, shared with the area
// packages; these names keep package web's pages as they were.
type (
	chart       = charts.Chart
	chartSeries = charts.Series
	chartRow    = charts.Row
)

var (
	seriesCharts     = charts.BySeries
	comparisonCharts = charts.Comparison
)
