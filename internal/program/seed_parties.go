package program

// seedParties are the project_parties rows of a seeded record: the
// organisations and people its form names, in fields and table columns,
// with the roles syncParties gives them, so that a seeded record counts in
// the conflict check and the ledger as one saved through the form does.
func seedParties(t *Template, pid int64, data map[string]any) [][]any {
	var out [][]any
	add := func(f Field, v any) {
		ref, ok := v.(float64)
		if !ok || ref <= 0 {
			return
		}
		var org, person any
		if f.Type == "person" {
			person = int64(ref)
		} else {
			org = int64(ref)
		}
		out = append(out, []any{pid, org, person, "field:" + f.Key})
	}
	for _, f := range t.Form {
		switch f.Type {
		case "organisation", "person":
			add(f, data[f.Key])
		case "table":
			rows, _ := data[f.Key].([]any)
			for _, r := range rows {
				row, _ := r.(map[string]any)
				for _, c := range f.Columns {
					if c.Type == "organisation" || c.Type == "person" {
						add(c, row[c.Key])
					}
				}
			}
		}
	}
	return out
}
