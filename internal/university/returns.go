package university

import (
	"context"
	"fmt"

	"github.com/xinzhi-platform/xinzhi/internal/store"
)

// ServiceForm is the periodic return in which the universities file what
// they did for the city each year (national teaching awards, national
// talents, talent teams).
const ServiceForm = "university_service"

// Filed is a figure a university filed, as accepted on or before a day:
// the version in force then.
type Filed struct {
	FilingID int64   `json:"filing_id"`
	Period   string  `json:"period"`
	Field    string  `json:"field"`
	Value    float64 `json:"value"`
}

// Returned is what university id filed in the service return, accepted by
// day, by period (latest first) and field.
func Returned(ctx context.Context, q store.Querier, id int64, day string) ([]Filed, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.period, a.field, a.value FROM return_filings f
		JOIN return_forms rf ON rf.id = f.form_id
		JOIN return_accepted a ON a.filing_id = f.id AND a.district = ''
		WHERE rf.key = ? AND f.organisation_id = ? AND a.accepted_on <= ?
		AND a.version = (SELECT max(b.version) FROM return_accepted b WHERE b.filing_id = f.id AND b.accepted_on <= ?)
		ORDER BY f.period DESC, a.field`, ServiceForm, id, day, day)
	if err != nil {
		return nil, fmt.Errorf("university %d returns: %w", id, err)
	}
	defer rows.Close()
	var out []Filed
	for rows.Next() {
		var x Filed
		if err := rows.Scan(&x.FilingID, &x.Period, &x.Field, &x.Value); err != nil {
			return nil, fmt.Errorf("university %d returns: %w", id, err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
