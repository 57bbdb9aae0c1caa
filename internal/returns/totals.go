package returns

import (
	"context"
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// Totals sums a form's figures in force on day by period and field (all
// units and districts): the series a form's page draws.
func Totals(ctx context.Context, q store.Querier, f *Form, day time.Time) (map[string]map[string]float64, error) {
	end := day.AddDate(0, 0, 1).Format(time.DateOnly)
	rows, err := q.QueryContext(ctx, `SELECT r.period, a.field, sum(a.value) FROM return_accepted a JOIN return_filings r ON r.id = a.filing_id
		WHERE r.form_id = ? AND a.accepted_on < ? AND a.version = (SELECT max(b.version) FROM return_accepted b WHERE b.filing_id = a.filing_id AND b.accepted_on < ?)
		GROUP BY r.period, a.field`, f.ID, end, end)
	if err != nil {
		return nil, fmt.Errorf("return totals: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]float64{}
	for rows.Next() {
		var per, field string
		var v float64
		if err := rows.Scan(&per, &field, &v); err != nil {
			return nil, err
		}
		if out[per] == nil {
			out[per] = map[string]float64{}
		}
		out[per][field] = v
	}
	return out, rows.Err()
}

// DistrictValue is a figure of one district.
type DistrictValue struct {
	Code  string  `json:"code"`
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// ByDistrict is a per-district form's field in its latest period with
// figures in force on day, summed over the units, by district in code
// order; and that period.
func ByDistrict(ctx context.Context, q store.Querier, f *Form, field string, day time.Time) ([]DistrictValue, string, error) {
	end := day.AddDate(0, 0, 1).Format(time.DateOnly)
	var period string
	err := q.QueryRowContext(ctx, `SELECT COALESCE(max(r.period), '') FROM return_filings r JOIN return_accepted a ON a.filing_id = r.id WHERE r.form_id = ? AND a.accepted_on < ?`, f.ID, end).Scan(&period)
	if err != nil || period == "" {
		return nil, "", err
	}
	rows, err := q.QueryContext(ctx, `SELECT a.district, sum(a.value) FROM return_accepted a JOIN return_filings r ON r.id = a.filing_id
		WHERE r.form_id = ? AND r.period = ? AND a.field = ? AND a.accepted_on < ? AND a.version = (SELECT max(b.version) FROM return_accepted b WHERE b.filing_id = a.filing_id AND b.accepted_on < ?)
		GROUP BY a.district`, f.ID, period, field, end, end)
	if err != nil {
		return nil, "", fmt.Errorf("return by district: %w", err)
	}
	defer rows.Close()
	got := map[string]float64{}
	for rows.Next() {
		var d string
		var v float64
		if err := rows.Scan(&d, &v); err != nil {
			return nil, "", err
		}
		got[d] = v
	}
	var out []DistrictValue
	for _, d := range CityDistricts() {
		out = append(out, DistrictValue{Code: d.Code, Name: d.Name, Value: got[d.Code]})
	}
	return out, period, rows.Err()
}
