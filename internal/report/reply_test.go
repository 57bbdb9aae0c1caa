package report_test

import (
	"context"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/template/parse"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/programs"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// fixedWords are the words with numerals that the reply keeps as text,
// each with why: names, titles of documents, fixed history and words
// bound to an indicator's definition. Anything else numeric in the
// template must be a placeholder. Review this list when it grows.
var fixedWords = []struct{ words, why string }{
	{"一是", "section numbers"}, {"二是", "section numbers"}, {"三是", "section numbers"}, {"四是", "section numbers"},
	{"五是", "section numbers"}, {"六是", "section numbers (the letter numbers two sections 六)"}, {"七是", "section numbers"}, {"八是", "section numbers"},
	{"“325”模式", "name of the city's core-technology model"},
	{"“2+3+N”产业体系", "name of the industry system"},
	{"(2025-2027年)", "title of the AI action plan"},
	{"(2025-2027)", "title of the 5G + industrial internet action plan"},
	{"2024年,我市成功入选", "history: the year of the pilot-city designation (the clause prints only while the designation is on record; the demo test checks it is dated 2024)"},
	{"5G", "technology name (5G, 5G-A, 5G-RedCap)"},
	{"两位数增长", "the indicator's definition: growth of at least 10% (clusters_double_digit, where.growth: 10)"},
	{"近三年", "the indicator's definition: majors opened in the last 3 years (new_majors_3y, last_years: 3)"},
	{"三大基础要素", "names the three elements listed before it (算力、数据、模型)"},
	{"五大方面", "names the five areas listed before it"},
	{"“双一百培育工程”", "programme name"},
	{"三期项目", "name of the compute centre's third phase"},
	{"四市科技创新合作框架协议", "title of the agreement of the four cities named (哈长沈大)"},
	{"华泵一号", "product name"},
	{"“沈阳·太一”", "model name"},
	{"四十七所", "name of an institute (CETC 47)"},
	{"百度", "company name"},
	{"亿方联创", "company name"},
	{"一流", "name of a level (双一流, 世界一流, 国内一流 …)"},
	{"新一代", "name of a cluster (新一代信息技术)"},
	{"一体化", "word (integrated)"},
	{"一批", "word (a number of)"},
	{"进一步", "word (further)"},
	{"唯一", "word (the only)"},
	{"}}万元", "unit after a {{wan}} figure"},
	{"}}亿元", "unit after a {{yi}} figure"},
}

// numeral is a digit or a Chinese numeral.
var numeral = regexp.MustCompile(`[0-9０-９〇零一二三四五六七八九十百千万亿两]+`)

// replyFuncs are the template's functions, for parsing it.
var replyFuncs = map[string]any{"fig": true, "wan": true, "yi": true, "pct": true, "approx": true, "over": true, "zh": true, "recorded": true,
	"period": true, "periodName": true, "lastYear": true, "table": true, "chart": true}

// figureFuncs print a figure; recorded tests one.
var figureFuncs = []string{"fig", "wan", "yi", "pct", "approx", "over", "zh"}

// replyTemplate parses seed-reply: its text outside placeholders (with
// "}}" kept before each run of text, so a unit after a figure shows), and
// the indicators it prints and tests.
func replyTemplate(t *testing.T) (text string, printed, tested map[string]bool) {
	t.Helper()
	tpls, err := reportsTemplates()
	if err != nil {
		t.Fatal(err)
	}
	trees, err := parse.Parse("seed-reply", tpls, "{{", "}}", replyFuncs)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	printed, tested = map[string]bool{}, map[string]bool{}
	var walk func(parse.Node)
	cmd := func(c *parse.CommandNode, in map[string]bool) {
		if len(c.Args) >= 2 {
			if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
				if s, ok := c.Args[1].(*parse.StringNode); ok {
					in[id.Ident+":"+s.Text] = true
				}
			}
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.TextNode:
			b.WriteString("}}" + string(n.Text))
		case *parse.ActionNode:
			for _, c := range n.Pipe.Cmds {
				cmd(c, printed)
			}
		case *parse.IfNode:
			for _, c := range n.Pipe.Cmds {
				cmd(c, tested)
			}
			walk(n.List)
			walk(n.ElseList)
		}
	}
	walk(trees["seed-reply"].Root)
	return b.String(), ids(printed, figureFuncs), ids(tested, []string{"recorded"})
}

// ids keeps the indicator ids the named functions take.
func ids(calls map[string]bool, funcs []string) map[string]bool {
	out := map[string]bool{}
	for c := range calls {
		fn, id, _ := strings.Cut(c, ":")
		if slices.Contains(funcs, fn) {
			out[id] = true
		}
	}
	return out
}

func reportsTemplates() (string, error) {
	b, err := reports.Files.ReadFile("seed-reply.txt")
	if err != nil {
		return "", err
	}
	_, body, _ := strings.Cut(string(b), "\n")
	return body, nil
}

// TestReplyHoldsNoFixedNumber: outside its placeholders the reply holds no
// digit and no Chinese numeral but the fixed words listed, each of which
// it does hold.
func TestReplyHoldsNoFixedNumber(t *testing.T) {
	text, _, _ := replyTemplate(t)
	for _, w := range fixedWords {
		if !strings.Contains(text, w.words) {
			t.Errorf("fixed words %q (%s) are not in the reply any more: take them off the list", w.words, w.why)
		}
	}
	// Longest first, so that a name is not cut by a shorter word in it.
	words := make([]string, len(fixedWords))
	for i, w := range fixedWords {
		words[i] = w.words
	}
	sort.Slice(words, func(i, j int) bool { return len(words[i]) > len(words[j]) })
	for _, w := range words {
		text = strings.ReplaceAll(text, w, "□")
	}
	text = strings.ReplaceAll(text, "}}", "")
	for _, loc := range numeral.FindAllStringIndex(text, -1) {
		from, to := max(0, loc[0]-24), min(len(text), loc[1]+24)
		t.Errorf("a fixed number in the reply: …%s…", strings.ToValidUTF8(text[from:to], ""))
	}
}

// TestReplyFactsAreIndicators: each of the letter's 84 facts has an
// indicator; each fact with a figure is printed from its indicator; each
// fact stated without a number is a clause printed only while records
// stand behind it, or an ongoing-work statement listed here (whose
// indicator the demo city must still give records for: internal/democity's
// figures test).
func TestReplyFactsAreIndicators(t *testing.T) {
	ongoing := map[string]string{
		"chain_innovation_map":   "持续完善产业链创新发展图谱",
		"challenge_docking":      "推动…与揭榜方开展对接合作",
		"breakthrough_fields":    "在…等领域突破了一批关键技术",
		"grant_investment_pilot": "深化“拨投结合”改革创新试点",
		"tech_credit_matching":   "精准匹配科技信贷产品",
		"credit_product_kinds":   "逐步扩大…等金融产品规模",
		"government_funds":       "加大对种子期、初创期科技型企业的投资力度",
		"tech_insurance":         "鼓励保险公司创新…科技保险产品",
		"ai_elements":            "聚焦“算力、数据、模型”三大基础要素",
		"private_networks":       "试点建设5G独立专网",
		"joint_labs":             "推动建立校企联合实验室",
	}
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../seed/facts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var facts []struct {
		ID, Kind string
		Value    float64
	}
	if err := yaml.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	if len(facts) != 84 {
		t.Errorf("%d facts, the letter has 84", len(facts))
	}
	_, printed, tested := replyTemplate(t)
	for _, f := range facts {
		if _, ok := set.Get(f.ID); !ok {
			t.Errorf("fact %s has no indicator", f.ID)
		}
		switch {
		case f.Kind != "fact" && !printed[f.ID]:
			t.Errorf("fact %s (%v) is not printed from its indicator", f.ID, f.Value)
		case f.Kind == "fact" && tested[f.ID] == (ongoing[f.ID] != ""):
			t.Errorf("fact %s: a clause printed while it has records, or an ongoing statement; it is both or neither", f.ID)
		}
	}
	for id := range printed {
		if _, ok := set.Get(id); !ok {
			t.Errorf("the reply prints %s, which no indicator defines", id)
		}
	}
}

// TestPeriodWordsRender: a template's period words and the figures counted
// over them follow the as-of date, and a recorded clause stands only while
// its records do.
func TestPeriodWordsRender(t *testing.T) {
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	tpl := report.Template{ID: "w", Title: "W", Body: `{{periodName}}发布{{fig "challenge_lists_published" period}}个;截至{{lastYear}}年发布{{fig "challenge_lists_published" lastYear}}个{{if recorded "challenge_lists_published"}};本年有榜单{{end}}。`}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "challenge")
		call, _ := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-1", Name: "榜单", Opens: "2020-01-01", Closes: "2099-01-01"})
		org, _ := registry.Create(ctx, db, registry.Organisation{Name: "发榜企业", Kind: "enterprise"})
		mgr := access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}
		for _, day := range []time.Time{time.Date(2024, 3, 1, 2, 0, 0, 0, time.UTC), time.Date(2024, 9, 1, 2, 0, 0, 0, time.UTC), time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)} {
			program.Clock = func() time.Time { return day }
			p, _ := program.CreateProject(ctx, db, call.ID, org.ID, map[string]any{"title": "榜单"})
			if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := program.Move(ctx, db, mgr, p.ID, "publish", ""); err != nil {
				t.Fatal(err)
			}
		}
		program.Clock = store.Now
		for _, c := range []struct{ asOf, want, key string }{
			{"2025-06-30", "2025年上半年发布1个;截至2024年发布2个;本年有榜单。", "challenge_lists_published#2025H1"},
			{"2024-12-31", "2024年发布2个;截至2024年发布2个;本年有榜单。", "challenge_lists_published#2024"},
			{"2024-06-30", "2024年上半年发布1个;截至2023年发布0个;本年有榜单。", "challenge_lists_published#2024H1"},
			{"2024-02-10", "2024年以来发布0个;截至2023年发布0个。", "challenge_lists_published#2024"},
		} {
			at, _ := time.Parse(time.DateOnly, c.asOf)
			out, err := report.Render(ctx, db, set, tpl, at)
			if err != nil {
				t.Fatal(err)
			}
			if out.Body != c.want {
				t.Errorf("as of %s: %s, want %s", c.asOf, out.Body, c.want)
			}
			if f, ok := out.Figures[c.key]; !ok || len(f.Records) != int(f.Value) {
				t.Errorf("as of %s: figure %s: %+v", c.asOf, c.key, f)
			}
		}
	})
}
