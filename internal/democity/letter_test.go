package democity_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/xinzhi-platform/xinzhi/internal/democity"
	"github.com/xinzhi-platform/xinzhi/internal/metric"
	"github.com/xinzhi-platform/xinzhi/internal/report"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/metrics"
	"github.com/xinzhi-platform/xinzhi/programs"
	"github.com/xinzhi-platform/xinzhi/reports"
)

// waiting are the letter's figures that rest on records later issues
// build, each with the issue it waits for. Every other fact must come out
// of its indicator over the demo city.
var waiting = map[string]string{}

// named are the records a named fact of the letter stands on: a text that
// one of the records behind its indicator must hold.
var named = map[string]string{
	"icv_demo_signed":                 "大东智能网联汽车应用示范拓展场景项目",
	"ai_compute_center_phase3":        "沈阳人工智能算力中心",
	"drone_route_first_flight":        "东北首条无人机低空物流测试验证航线完成首飞",
	"huabeng_one_advanced":            "华泵一号",
	"major_special_projects_deployed": "高精密晶圆研磨",
	"challenge_docking":               "涂胶显影设备精密温控模块",
	"ai_robot_docking":                "沈阳新松机器人自动化股份有限公司",
	"central_fund_recommended":        "中国航发沈阳燃气轮机有限公司",
	"breakthrough_fields":             "干式真空干泵",
	"transplant_projects":             "中船辽海装备公司",
	"joint_labs":                      "东软集团股份有限公司",
	"intl_joint_lab":                  "中国-黎巴嫩智能机器人联合实验室",
	"investment_projects_settled":     "亿方联创EDA底座研发中心",
	"four_city_agreement":             "哈长沈大四市科技创新合作框架协议",
	"national_major_project_launch":   "高端数控机床与基础制造装备",
	"private_networks":                "沈飞航空智能制造5G独立专网",
	"pilot_city_5g_iiot":              "“5G+工业互联网”融合应用先导区试点城市",
	"enclave_center_enterprises":      "沈阳都市圈飞地创新中心",
	"pesticide_formula_samples":       "农药配方数据集",
}

type fact struct {
	ID     string  `yaml:"id"`
	Value  float64 `yaml:"value"`
	Kind   string  `yaml:"kind"`
	Period string  `yaml:"period"`
	More   bool    `yaml:"more"`
	Round  float64 `yaml:"round"`
}

// params is the evaluation the fact's period asks for, as of 2025-06-30.
func params(period string) metric.Params {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	switch period {
	case "2024", "2024 vs 2023":
		return metric.Params{AsOf: d("2024-12-31"), From: d("2024-01-01")}
	case "2025H1":
		return metric.Params{AsOf: d(democity.AsOf), From: d("2025-01-01")}
	}
	return metric.Params{AsOf: d(democity.AsOf)}
}

// TestDemoCity loads the demo city once per engine and checks it: the
// letter's figures, the letter itself, its names, the brief's charts.
func TestDemoCity(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo city")
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		keys := testKeys(t)
		seen := map[int]bool{} // the progress bar's positions
		sum, err := democity.Load(context.Background(), db, democity.Options{Programs: programs.Files, Keys: keys, Progress: func(done, total int) { seen[done*100/total] = true }})
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) < 80 { // with 40 steps for 203 batches it sat at 97% for most of the load
			t.Errorf("the progress bar showed %d positions of 100", len(seen))
		}
		if sum.Projects < 10000 || sum.Organisations < 2000 {
			t.Fatalf("a thin city: %+v", sum)
		}
		t.Run("figures", func(t *testing.T) { checkFigures(t, db) })
		t.Run("letter", func(t *testing.T) { checkLetter(t, db) })
		t.Run("letter of 2024-12-31", func(t *testing.T) { checkLetterYearEnd(t, db) })
		t.Run("named", func(t *testing.T) { checkNamed(t, db) })
		t.Run("brief", func(t *testing.T) { checkBrief(t, db) })
		t.Run("people", func(t *testing.T) { checkPeople(t, db, keys) })
		t.Run("experts", func(t *testing.T) { checkExperts(t, db) })
		t.Run("disciplines", func(t *testing.T) { checkDisciplines(t, db) })
		t.Run("money", func(t *testing.T) { checkMoney(t, db) })
		t.Run("proposals", func(t *testing.T) { checkProposals(t, db) })
		t.Run("challenges", func(t *testing.T) { checkChallenges(t, db) })
		t.Run("finance", func(t *testing.T) { checkFinance(t, db) })
		t.Run("names", func(t *testing.T) { checkNames(t, db) })
		t.Run("talent classes", func(t *testing.T) { checkTalentClasses(t, db) })
	})
}

// checkFigures: the demo city gives every figure of the letter that has
// its records, exactly; the daily summary the cockpit reads equals a
// recomputation over the records.
func checkFigures(t *testing.T, db *store.DB) {
	raw, err := os.ReadFile("../../seed/facts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var facts []fact
	if err := yaml.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	{
		ctx := context.Background()
		for _, f := range facts {
			_, has := set.Get(f.ID)
			if why, ok := waiting[f.ID]; ok {
				if has {
					t.Errorf("%s has an indicator now: take it off the waiting list (issue %s)", f.ID, why)
				}
				continue
			}
			if !has {
				t.Errorf("%s: no indicator and not on the waiting list", f.ID)
				continue
			}
			p := params(f.Period)
			p.Records = named[f.ID] != ""
			res, err := metric.Eval(ctx, db, set, f.ID, p)
			if err != nil {
				t.Errorf("%s: %v", f.ID, err)
				continue
			}
			switch {
			case f.Kind == "fact":
				if res.Value < 1 {
					t.Errorf("%s: no records behind a fact of the letter", f.ID)
				}
			case f.More:
				if res.Value <= f.Value {
					t.Errorf("%s = %v, want more than %v", f.ID, res.Value, f.Value)
				}
			case f.Round > 0:
				if math.Abs(res.Value-f.Value) > f.Round/2 {
					t.Errorf("%s = %v, want %v within %v", f.ID, res.Value, f.Value, f.Round/2)
				}
			case f.Kind == "share":
				if got := math.Round(res.Value*10) / 10; got != f.Value {
					t.Errorf("%s = %v (%.1f), want %v", f.ID, res.Value, got, f.Value)
				}
			default:
				if res.Value != f.Value {
					t.Errorf("%s = %v, want %v (as of %s from %s)", f.ID, res.Value, f.Value, res.AsOf, res.From)
				}
			}
			if want := named[f.ID]; want != "" {
				recs, err := metric.ListRecords(ctx, db, set, res)
				if err != nil {
					t.Fatal(err)
				}
				if !holds(recs, want) {
					t.Errorf("%s: no record behind it names %s", f.ID, want)
				}
			}
			if def, _ := set.Get(f.ID); def.Kind == "simple" {
				p.Full, p.Records = true, false
				full, err := metric.Eval(ctx, db, set, f.ID, p)
				if err != nil {
					t.Fatal(err)
				}
				if full.Value != res.Value {
					t.Errorf("%s: summary %v, recomputed %v", f.ID, res.Value, full.Value)
				}
			}
		}
	}
}

func holds(r metric.Records, want string) bool {
	for _, row := range r.Rows {
		for _, cell := range row {
			if strings.Contains(cell, want) {
				return true
			}
		}
	}
	return false
}

// checkLetter: the seed reply rendered over the demo city as of 2025-06-30
// is the letter, word for word, and each of its figures opens records.
func checkLetter(t *testing.T, db *store.DB) {
	letter, err := os.ReadFile("../../seed/letter.txt")
	if err != nil {
		t.Fatal(err)
	}
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		t.Fatal(err)
	}
	{
		ctx := context.Background()
		out, err := report.Render(ctx, db, set, tpls["seed-reply"], params("").AsOf)
		if err != nil {
			t.Fatal(err)
		}
		for key, f := range out.Figures {
			if f.Value > 0 && len(f.Records) == 0 {
				t.Errorf("%s = %v opens no records", key, f.Value)
			}
		}
		got := strings.Split(strings.TrimSpace(out.Body), "\n")
		want := strings.Split(strings.TrimSpace(string(letter)), "\n")
		if len(got) != len(want) {
			t.Fatalf("%d paragraphs, the letter has %d", len(got), len(want))
		}
		for i := range want {
			g, w := []rune(strings.TrimSpace(got[i])), []rune(strings.TrimSpace(want[i]))
			j := 0
			for j < len(g) && j < len(w) && g[j] == w[j] {
				j++
			}
			if j < len(g) || j < len(w) {
				t.Errorf("paragraph %d differs at character %d:\n got  …%s\n want …%s", i+1, j, string(g[max(0, j-10):min(len(g), j+30)]), string(w[max(0, j-10):min(len(w), j+30)]))
			}
		}
	}
}

// clauses are the letter's statements without a number that the reply
// prints only while records stand behind them, each by words it holds.
var clauses = map[string]string{
	"icv_demo_signed":               "大东智能网联汽车应用示范拓展场景项目完成签约",
	"drone_route_first_flight":      "无人机低空物流测试验证航线完成首飞",
	"ai_compute_center_phase3":      "三期项目竣工投产",
	"national_major_project_launch": "国家科技重大专项启动实施",
	"huabeng_one_advanced":          "华泵一号",
	"central_fund_recommended":      "中央引导地方科技发展资金",
	"ai_alliance_founded":           "联盟成立大会",
	"pesticide_formula_samples":     "农药配方数据集",
	"pilot_city_5g_iiot":            "融合应用先导区试点城市名单",
	"intl_joint_lab":                "中国-黎巴嫩智能机器人联合实验室",
	"four_city_agreement":           "四市科技创新合作框架协议",
	// The ranking's words (reply_words.yaml): rising years in a row, and
	// first in the northeast as the latest edition notes.
	"innovation_city_rank_rises":           "年进位,居全国第",
	"innovation_city_rank_northeast_first": "名、东北首位",
}

// checkLetterYearEnd: the reply rendered as of 2024-12-31 is a letter of
// that day: its period words say 2024 (no 2025年上半年; 截至2024年), every
// figure is its indicator as of that day over the period its words name,
// the rounded and spelt-out forms follow the figures, and a clause stands
// only while its records do.
func checkLetterYearEnd(t *testing.T, db *store.DB) {
	ctx := context.Background()
	set, err := metric.Load(metrics.Files)
	if err != nil {
		t.Fatal(err)
	}
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	asOf, year := d("2024-12-31"), d("2024-01-01")
	out, err := report.Render(ctx, db, set, tpls["seed-reply"], asOf)
	if err != nil {
		t.Fatal(err)
	}
	body := out.Body
	letter, _ := os.ReadFile("../../seed/letter.txt")
	if got, want := len(strings.Split(strings.TrimSpace(body), "\n")), len(strings.Split(strings.TrimSpace(string(letter)), "\n")); got != want {
		t.Errorf("%d paragraphs, the letter has %d", got, want)
	}
	// Years: the plans' titles name 2025-2027; every other year is 2024.
	rest := strings.NewReplacer("(2025-2027年)", "", "(2025-2027)", "").Replace(body)
	for _, y := range regexp.MustCompile(`20[0-9]{2}`).FindAllString(rest, -1) {
		if y != "2024" {
			t.Errorf("a letter as of 2024-12-31 names the year %s", y)
		}
	}
	if strings.Contains(body, "上半年") || !strings.Contains(body, "截至2024年,") {
		t.Errorf("period words of a year-end letter: 上半年 %v, 截至2024年 %v", strings.Contains(body, "上半年"), strings.Contains(body, "截至2024年,"))
	}
	// Each figure is its indicator as of the day, over 2024 where the
	// words name the year.
	val := map[string]float64{}
	for key, f := range out.Figures {
		id, period, _ := strings.Cut(key, "#")
		p := metric.Params{AsOf: asOf}
		switch period {
		case "":
		case "2024":
			p.From = year
		default:
			t.Errorf("%s is counted over %s in a letter as of 2024-12-31", id, period)
		}
		r, err := metric.Eval(ctx, db, set, id, p)
		if err != nil {
			t.Fatal(err)
		}
		if r.Value != f.Value {
			t.Errorf("%s = %v in the letter, %v as of 2024-12-31", key, f.Value, r.Value)
		}
		val[key] = r.Value
	}
	for _, want := range []string{
		"截至2024年,全市新建5G基站" + report.Plain(val["base_stations_new#2024"]) + "个,累计建设5G基站达" + report.Approx(val["base_stations_total#2024"]) + "个",
		"2024年,共引育高层次人才" + report.Plain(val["talents_introduced_h1#2024"]) + "人,自主认定人才" + report.Plain(val["talents_certified_h1#2024"]) + "人",
		"累计吸引" + report.Plain(val["graduates_retained_h1#2024"]) + "名高校毕业生",
		"科技招商活动" + report.Over(val["investment_events"]) + "场",
		"连续" + report.ZH(val["innovation_city_rank_rises"]) + "年进位,居全国第" + report.Plain(val["innovation_city_rank"]) + "名。",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the letter as of 2024-12-31 does not say %s", want)
		}
	}
	if val["talents_introduced_h1#2024"] == 0 || val["innovation_city_rank_rises"] != 3 || val["innovation_city_rank"] != 18 || val["innovation_city_rank_northeast_first"] != 0 {
		t.Errorf("the demo's 2024: talents %v, the ranking %v up %v years", val["talents_introduced_h1#2024"], val["innovation_city_rank"], val["innovation_city_rank_rises"])
	}
	dropped := 0
	for id, words := range clauses {
		v, ok := val[id]
		if !ok {
			t.Errorf("the clause of %s is not tested against its records", id)
		}
		if strings.Contains(body, words) != (v > 0) {
			t.Errorf("%s = %v as of 2024-12-31, yet the clause %q is printed: %v", id, v, words, strings.Contains(body, words))
		}
		if v == 0 {
			dropped++
		}
	}
	if val["huabeng_one_advanced"] != 0 || dropped == 0 { // 华泵一号 is evaluated in 2025 in the demo
		t.Errorf("as of 2024-12-31 华泵一号 is already evaluated (%v); %d clauses left out", val["huabeng_one_advanced"], dropped)
	}
}

// checkNamed: the organisations and records the letter names are in the
// demo city under their names.
func checkNamed(t *testing.T, db *store.DB) {
	ctx := context.Background()
	for _, name := range []string{"沈阳飞机工业（集团）有限公司", "沈鼓集团股份有限公司", "沈阳新松机器人自动化股份有限公司", "东软集团股份有限公司",
		"沈阳芯源微电子设备股份有限公司", "沈阳富创精密设备股份有限公司", "中国电子科技集团公司第四十七研究所", "沈阳微控新能源技术有限公司",
		"中国航发沈阳燃气轮机有限公司", "中船辽海装备有限责任公司", "沈阳铸造研究所有限公司", "沈阳中科晶益新材料有限公司", "沈阳亿方联创科技有限公司",
		"东北大学", "沈阳工业大学", "沈阳农业大学", "沈阳人工智能算力中心", "沈阳华为人工智能计算中心", "大东汽车城智能计算中心",
		"沈阳百度智能计算中心", "中国电信东北区域智算中心", "沈阳人工智能产业技术创新联盟", "沈阳都市圈飞地创新中心"} {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM organisations WHERE name = ?`, name).Scan(&n); err != nil || n != 1 {
			t.Errorf("organisation %s: %d (%v)", name, n, err)
		}
	}
	for _, title := range []string{"华泵一号", "蔡惠智博士团队", "中船辽海装备公司", "中国-黎巴嫩智能机器人联合实验室", "哈长沈大四市科技创新合作框架协议",
		"亿方联创EDA底座研发中心", "高精密晶圆研磨", "耐高温玄武岩纤维复合材料", "大东智能网联汽车应用示范拓展场景项目"} {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM projects WHERE title LIKE ?`, "%"+title+"%").Scan(&n); err != nil || n == 0 {
			t.Errorf("record %s: %d (%v)", title, n, err)
		}
	}
}

// checkBrief: the shipped brief renders over the demo city with every
// figure filled and each breakdown drawn, in HTML and DOCX.
func checkBrief(t *testing.T, db *store.DB) {
	ctx := context.Background()
	set, _ := metric.Load(metrics.Files)
	tpls, err := report.LoadTemplates(reports.Files)
	if err != nil {
		t.Fatal(err)
	}
	out, err := report.Render(ctx, db, set, tpls["brief"], params("").AsOf)
	if err != nil {
		t.Fatal(err)
	}
	html := string(report.HTML(out))
	if n := strings.Count(html, "<svg"); n != 3 || !strings.Contains(html, "累计认定智能工厂78家") || !strings.Contains(html, "干式真空干泵") {
		t.Errorf("%d charts:\n%s", n, html)
	}
	var doc bytes.Buffer
	if err := report.DOCX(&doc, out); err != nil || doc.Len() < 1000 {
		t.Errorf("docx: %d bytes, %v", doc.Len(), err)
	}
}
