package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// programCmd: xinzhi program validate FILE… checks program templates and
// names the line of every problem. (Publishing and listing come with the
// program store.)
func programCmd(ctx context.Context, env Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	fs := newFlagSet(env, "program "+sub, "program validate FILE...")
	lang := fs.String("lang", "zh-CN", "language of the messages: zh-CN or en")
	if sub != "validate" {
		fs.Usage()
		if sub == "-h" || sub == "--help" || sub == "help" {
			return nil
		}
		return fmt.Errorf("%w: say validate", errUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
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
