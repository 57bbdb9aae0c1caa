package cli

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/seal"
	"github.com/xinzhi-platform/xinzhi/internal/search"
	"github.com/xinzhi-platform/xinzhi/internal/tabular"
)

// registryDeps loads the personal-data keyring (XINZHI_KEY, XINZHI_KEY_FILE
// or DATA/keys.txt, created on first use) and the Chinese segmenter.
func registryDeps(env Env, dataDir string, log *slog.Logger) (*seal.Keyring, *search.Segmenter, error) {
	keys, err := seal.KeyringFromEnv(env.Getenv, dataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("personal-data key: %w", err)
	}
	if keys.Created() && log != nil {
		log.Warn("created a new personal-data key; back it up apart from the database (docs/keys.md)", "file", keys.Source())
	}
	seg, err := search.Default()
	if err != nil {
		return nil, nil, fmt.Errorf("load the Chinese segmenter: %w", err)
	}
	return keys, seg, nil
}

// importCmd: xinzhi import KIND FILE [--dry-run]. Exits non-zero when any row
// is refused; writes nothing unless every row is good.
func importCmd(ctx context.Context, env Env, args []string) error {
	kind := ""
	if len(args) > 0 {
		kind, args = args[0], args[1:]
	}
	var d dbFlags
	fs := newFlagSet(env, "import "+kind, "import orgs|people|disciplines|recognitions|figures FILE [--dry-run] [--lang en]")
	d.register(fs, env)
	dry := fs.Bool("dry-run", false, "check every row and report, write nothing")
	lang := fs.String("lang", "zh-CN", "language of the messages: zh-CN or en")
	if kind == "-h" || kind == "--help" || kind == "help" {
		fs.Usage()
		return nil
	}
	if _, ok := registry.Specs()[registry.ImportKind(kind)]; !ok {
		fs.Usage()
		return fmt.Errorf("%w: say what the file holds: orgs, people, disciplines, recognitions or figures", errUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name the file, e.g. xinzhi import %s 单位.xlsx", errUsage, kind)
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	t, err := tabular.Read(bytes.NewReader(data), int64(len(data)), fs.Arg(0), tabular.DefaultLimits)
	if err != nil {
		return explainAny(err, *lang)
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, seg, err := registryDeps(env, d.data, nil)
	if err != nil {
		return err
	}
	ctx = cliActor(ctx)
	plan, err := registry.Prepare(ctx, db, registry.Deps{Keys: keys, Indexer: seg, Today: time.Now()}, registry.ImportKind(kind), t)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	for _, p := range plan.Problems {
		fmt.Fprintf(tw, "row %d\t%s\t%s\t%s\n", p.Row, p.Column, p.Header, p.Message(*lang))
	}
	for _, p := range plan.Warnings {
		fmt.Fprintf(tw, "row %d\t%s\t%s\twarning: %s\n", p.Row, p.Column, p.Header, p.Message(*lang))
	}
	tw.Flush()
	if !plan.OK() {
		return fmt.Errorf("%d problems in %s; nothing was written", len(plan.Problems), fs.Arg(0))
	}
	if *dry {
		fmt.Fprintf(env.Stdout, "%d rows checked, no problems (dry run: nothing written)\n", plan.Rows)
		return nil
	}
	sum, err := plan.Commit(ctx, db, func(done, total int) {
		fmt.Fprintf(env.Stderr, "\r%d / %d", done, total)
	})
	fmt.Fprintln(env.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d created, %d updated, %d unchanged\n", sum.Created, sum.Updated, sum.Unchanged)
	return nil
}

// explainAny renders a user-facing error in lang.
func explainAny(err error, lang string) error {
	if m, ok := err.(interface{ Message(string) string }); ok {
		return fmt.Errorf("%s", m.Message(i18n.Normalize(lang)))
	}
	return err
}
