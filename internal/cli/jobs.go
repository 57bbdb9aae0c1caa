package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/jobs"
)

// jobsCmd lists the background jobs: the node holding each now, when it
// runs next, and its last run.
func jobsCmd(ctx context.Context, env Env, args []string) error {
	var d dbFlags
	fs := newFlagSet(env, "jobs", "jobs [--data DIR | --db URL]")
	d.register(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	states, err := jobs.States(ctx, db)
	if err != nil {
		return err
	}
	if len(states) == 0 {
		fmt.Fprintln(env.Stdout, "no background job has run yet (尚无后台任务运行记录)")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "job (任务)\truns\tnext run (下次)\trunning on (执行节点)\tlast run (上次)\tdone\terror")
	for _, st := range states {
		holder := "-"
		if st.Holder != "" {
			holder = st.Holder + " until " + st.LeaseUntil.Local().Format(time.DateTime)
		}
		last, errText := "-", st.Last.Error
		if !st.Last.Started.IsZero() {
			last = st.Last.Holder + " " + st.Last.Started.Local().Format(time.DateTime)
			if st.Last.Finished.IsZero() && st.Holder != st.Last.Holder {
				errText = "unfinished: its node stopped (未完成：节点已停止)"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%d\t%s\n", st.Name, st.Runs, st.NextRun.Local().Format(time.DateTime), holder, last, st.Last.Done, errText)
	}
	return tw.Flush()
}
