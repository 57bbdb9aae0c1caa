package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// programCmd: xinzhi program validate FILE… checks templates and names the
// line of every problem; program list shows what is published; program
// publish FILE shows the diff against the stored version and a dry run over
// existing records, then asks before publishing (--yes to skip the
// question, --dry-run to stop after the preview).
func programCmd(ctx context.Context, env Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	fs := newFlagSet(env, "program "+sub, "program validate FILE... | program list | program publish [--yes] [--dry-run] FILE")
	lang := fs.String("lang", "zh-CN", "language of the messages: zh-CN or en")
	var d dbFlags
	yes := fs.Bool("yes", false, "publish without asking (publish)")
	dry := fs.Bool("dry-run", false, "show the diff and the dry run only (publish)")
	if sub == "list" || sub == "publish" {
		d.register(fs, env)
	}
	switch sub {
	case "validate", "list", "publish":
	default:
		fs.Usage()
		if sub == "-h" || sub == "--help" || sub == "help" {
			return nil
		}
		return fmt.Errorf("%w: say validate, list or publish", errUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	switch sub {
	case "list":
		return programList(ctx, env, &d)
	case "publish":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: name one template file", errUsage)
		}
		return programPublish(ctx, env, &d, fs.Arg(0), i18n.Normalize(*lang), *yes, *dry)
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("%w: name one or more template files, e.g. programs/*.yaml", errUsage)
	}
	bad := 0
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		t, err := program.Parse(data)
		var ps program.Problems
		switch {
		case errors.As(err, &ps):
			bad++
			for _, p := range ps {
				fmt.Fprintf(env.Stdout, "%s: %s\n", name, p.Message(*lang))
			}
		case err != nil:
			return err
		default:
			fmt.Fprintf(env.Stdout, "%s: %s v%d, %d fields, %d stages, %d transitions: ok\n", name, t.Key, t.Version, len(t.Form), len(t.Stages), len(t.Transitions))
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d templates refused", bad, fs.NArg())
	}
	return nil
}

func programList(ctx context.Context, env Env, d *dbFlags) error {
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	progs, err := program.Programs(ctx, db)
	if err != nil {
		return err
	}
	calls, err := program.Calls(ctx, db, "")
	if err != nil {
		return err
	}
	ncalls, nrec := map[string]int{}, map[string]int{}
	for _, c := range calls {
		ncalls[c.Program]++
		nrec[c.Program] += c.Records
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "KEY\tVERSION\tCALLS\tRECORDS\tNAME")
	for _, p := range progs {
		fmt.Fprintf(w, "%s\tv%d\t%d\t%d\t%s\n", p.Key, p.Version, ncalls[p.Key], nrec[p.Key], p.Name)
	}
	if len(progs) == 0 {
		fmt.Fprintln(w, "(none published: xinzhi program publish programs/NAME.yaml)")
	}
	return w.Flush()
}

func programPublish(ctx context.Context, env Env, d *dbFlags, name, lang string, yes, dry bool) error {
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	pv, err := program.PreviewPublish(ctx, db, src)
	var ps program.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintf(env.Stdout, "%s: %s\n", name, p.Message(lang))
		}
		return fmt.Errorf("%s refused, nothing published", name)
	}
	if err != nil {
		return err
	}
	out := env.Stdout
	if pv.Previous == 0 {
		fmt.Fprintf(out, "%s v%d: %s\n", pv.Key, pv.Version, i18n.T(lang, "programs.new_program"))
	} else {
		fmt.Fprintf(out, "%s v%d — %s\n", pv.Key, pv.Version, i18n.T(lang, "programs.diff_against", pv.Previous))
		for _, l := range pv.Diff {
			if l.Op != ' ' {
				fmt.Fprintf(out, "%c %s\n", l.Op, l.Text)
			}
		}
		if !pv.Changed {
			fmt.Fprintln(out, i18n.T(lang, "programs.unchanged"))
		}
	}
	dr := pv.DryRun
	fmt.Fprintln(out, i18n.T(lang, "programs.dry_records", dr.Records))
	for _, k := range sortedKeys(dr.LostStages) {
		fmt.Fprintln(out, "  "+i18n.T(lang, "programs.lost_stage", k, dr.LostStages[k]))
	}
	if len(dr.FormInvalid) > 0 {
		fmt.Fprintln(out, "  "+i18n.T(lang, "programs.form_invalid", len(dr.FormInvalid)))
	}
	for _, k := range sortedKeys(dr.RuleBlocked) {
		fmt.Fprintln(out, "  "+i18n.T(lang, "programs.rule_blocked", k, dr.RuleBlocked[k]))
	}
	if pv.Version != pv.Previous+1 {
		return fmt.Errorf("%s: the stored version is %d, so this file must say version: %d (it says %d)", pv.Key, pv.Previous, pv.Previous+1, pv.Version)
	}
	if dry {
		return nil
	}
	if !yes {
		fmt.Fprintf(out, "%s [y/N] ", i18n.T(lang, "programs.confirm_publish", pv.Key, pv.Version))
		line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" && a != "是" {
			fmt.Fprintln(out, "not published")
			return nil
		}
	}
	if _, err := program.Publish(cliActor(ctx), db, src); err != nil {
		return err
	}
	fmt.Fprintf(out, "published %s v%d\n", pv.Key, pv.Version)
	return nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
