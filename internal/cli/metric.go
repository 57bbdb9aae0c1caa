package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/metrics"
)

// metricCmd: xinzhi metric list shows the indicators; xinzhi metric eval ID
// [--as-of DATE] [--from DATE] [--by DIM] [--json] evaluates one.
func metricCmd(ctx context.Context, env Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	fs := newFlagSet(env, "metric "+sub, "metric list | metric eval ID [--as-of 2025-06-30] [--from DATE] [--by district] [--json]")
	asOf := fs.String("as-of", "", "the day the figure is as of, YYYY-MM-DD (default today)")
	from := fs.String("from", "", "start of a custom period for new-in-period indicators, YYYY-MM-DD")
	by := fs.String("by", "", "break the figure down by district, cluster, program, level, kind or field")
	asJSON := fs.Bool("json", false, "print JSON: id, value (unrounded), unit, as_of, records and the breakdown")
	var d dbFlags
	switch sub {
	case "list":
	case "eval":
		d.register(fs, env)
	default:
		fs.Usage()
		if sub == "-h" || sub == "--help" || sub == "help" {
			return nil
		}
		return fmt.Errorf("%w: say list or eval", errUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	set, err := metric.Load(metrics.Files)
	if err != nil {
		return fmt.Errorf("shipped indicators: %w", err)
	}
	if sub == "list" {
		w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tKIND\tMODEL\tWINDOW\tNAME")
		for _, m := range set.All() {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Kind, m.Model, m.Window, m.Name)
		}
		return w.Flush()
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name one indicator (xinzhi metric list shows them)", errUsage)
	}
	var p metric.Params
	p.By = *by
	for _, x := range []struct {
		flag, v string
		t       *time.Time
	}{{"--as-of", *asOf, &p.AsOf}, {"--from", *from, &p.From}} {
		if x.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, x.v)
		if err != nil {
			return fmt.Errorf("%w: %s %q is not a date like 2025-06-30", errUsage, x.flag, x.v)
		}
		*x.t = t
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := metric.Eval(ctx, db, set, fs.Arg(0), p)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintf(env.Stdout, "%s %s: %s %s (as of %s", r.ID, r.Name, formatValue(r.Value), r.Unit, r.AsOf)
	if r.From != "" {
		fmt.Fprintf(env.Stdout, ", counting %s to %s", r.From, r.To)
	}
	fmt.Fprintf(env.Stdout, "; %d records)\n", r.Records)
	keys := make([]string, 0, len(r.Groups))
	for k := range r.Groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		label := k
		if label == "" {
			label = "(none)"
		}
		fmt.Fprintf(env.Stdout, "  %s\t%s\n", label, formatValue(r.Groups[k]))
	}
	return nil
}

func formatValue(x float64) string {
	if x == float64(int64(x)) {
		return fmt.Sprintf("%d", int64(x))
	}
	return fmt.Sprintf("%.1f", metric.Round1(x))
}
