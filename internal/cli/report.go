package cli

import (
	"context"
	"fmt"
	"html/template"
	"io"
	"os"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// reportCmd: xinzhi report render TEMPLATE --as-of DATE --format
// html|docx|xlsx -o FILE renders a report; --issue also freezes it.
func reportCmd(ctx context.Context, env Env, args []string) error {
	sub := ""
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	fs := newFlagSet(env, "report "+sub, "report render TEMPLATE [--as-of 2025-06-30] [--format html|docx|xlsx] [-o FILE] [--issue]")
	asOf := fs.String("as-of", "", "the day the figures are as of, YYYY-MM-DD (default today)")
	format := fs.String("format", "html", "html, docx or xlsx")
	outName := fs.String("o", "", "write to FILE (default standard output)")
	issue := fs.Bool("issue", false, "freeze the report: store its figures and the records behind them")
	var d dbFlags
	if sub != "render" {
		fs.Usage()
		if sub == "-h" || sub == "--help" || sub == "help" {
			return nil
		}
		return fmt.Errorf("%w: say render", errUsage)
	}
	d.register(fs, env)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: name one report template, e.g. seed-reply", errUsage)
	}
	day := time.Now()
	if *asOf != "" {
		t, err := time.Parse(time.DateOnly, *asOf)
		if err != nil {
			return fmt.Errorf("%w: --as-of %q is not a date like 2025-06-30", errUsage, *asOf)
		}
		day = t
	}
	if *format != "html" && *format != "docx" && *format != "xlsx" {
		return fmt.Errorf("%w: --format is html, docx or xlsx", errUsage)
	}
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		return err
	}
	tpl, ok := tpls[fs.Arg(0)]
	if !ok {
		return fmt.Errorf("%w: no report template %q", errUsage, fs.Arg(0))
	}
	set, err := metric.Load(metrics.Files)
	if err != nil {
		return err
	}
	db, err := d.open(ctx, env)
	if err != nil {
		return err
	}
	defer db.Close()
	var rep report.Issued
	if *issue {
		rep, err = report.Issue(cliActor(ctx), db, set, tpl, day)
	} else {
		rep, err = report.Render(ctx, db, set, tpl, day)
	}
	if err != nil {
		return err
	}
	var w io.Writer = env.Stdout
	if *outName != "" {
		f, err := os.Create(*outName)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	switch *format {
	case "docx":
		err = report.DOCX(w, rep)
	case "xlsx":
		err = report.XLSX(w, rep, set)
	default:
		err = htmlPage.Execute(w, rep)
	}
	if err == nil && *issue {
		fmt.Fprintf(env.Stderr, "issued report %s (%d figures as of %s)\n", rep.ID, len(rep.Figures), rep.AsOf)
	}
	return err
}

// htmlPage is a print-ready page: the text, then each figure with its
// value, period and the number of records behind it.
var htmlPage = template.Must(template.New("report").Funcs(template.FuncMap{"body": report.HTML, "num": report.Number}).Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:"FangSong","仿宋_GB2312","仿宋",serif;font-size:16pt;line-height:1.75;max-width:42em;margin:2em auto}
h1{font-family:"方正小标宋简体","SimSun",serif;text-align:center;font-size:22pt}p{text-indent:2em;margin:0}
table{border-collapse:collapse;font-size:11pt;margin-top:2em}td,th{border:1px solid #999;padding:2px 6px}@media print{table{page-break-before:always}}</style></head>
<body><h1>{{.Title}}</h1>{{body .}}
<table><caption>截至 {{.AsOf}} 的数据来源 · Figures as of {{.AsOf}}</caption><tr><th>指标</th><th>数值</th><th>统计期</th><th>记录数</th></tr>
{{range .Figures}}<tr><td>{{.Name}}（{{.ID}}）</td><td>{{num .Value}} {{.Unit}}</td><td>{{.From}}{{if .From}} — {{.To}}{{end}}</td><td>{{len .Records}}</td></tr>{{end}}</table>
</body></html>
`))
