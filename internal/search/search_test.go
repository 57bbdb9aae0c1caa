package search

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xinzhi-platform/xinzhi/internal/search/internal/gsedict"
)

var (
	loadTime time.Duration
	loadHeap uint64 // bytes of live heap the loaded dictionary keeps
	loadAll  uint64 // bytes allocated while loading
)

func seg(t testing.TB) *Segmenter {
	t.Helper()
	s, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// subset reports whether every query term is a document term.
func subset(query, doc []string) bool {
	for _, q := range query {
		if !slices.Contains(doc, q) {
			return false
		}
	}
	return true
}

func TestDefaultLoad(t *testing.T) {
	s := seg(t)
	again, _ := Default()
	if again != s {
		t.Fatal("Default returned a different Segmenter")
	}
	t.Logf("dictionary: %d words, longest %d characters; loaded in %v, keeps %d KB of heap, allocated %d KB while loading",
		s.dict.n, s.dict.longest, loadTime, loadHeap>>10, loadAll>>10)
}

func TestDomainDict(t *testing.T) {
	clean, err := gsedict.ParseDomain(domainDict)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(clean), "\n")
	if n := len(lines); n < 50 || n > 150 {
		t.Errorf("dict.txt has %d entries, want 50 to 150", n)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		w := strings.Fields(l)[0]
		if seen[w] {
			t.Errorf("dict.txt: %s twice", w)
		}
		seen[w] = true
	}
	s := seg(t)
	for _, w := range strings.Fields(`集成电路 智能网联汽车 工业互联网 揭榜挂帅 专精特新 新质生产力
		人工智能 算力 数字化车间 智能工厂 半导体 机器人 航空航天 新能源 节能环保 高端装备
		生物医药 沈阳 浑南 铁西 沈飞 沈鼓 新松 东软 芯源 富创 拓荆 中科`) {
		if !seen[w] {
			t.Errorf("dict.txt lacks %s", w)
		}
		// A domain word is one term of its own, not split.
		if got := s.QueryTerms(w); !slices.Equal(got, []string{w}) {
			t.Errorf("QueryTerms(%s) = %v, want [%s]", w, got, w)
		}
	}
	for _, bad := range []string{"机器人 1 n", "机器人 n", "robot 100 n", "人 100 n", "机器人 x n"} {
		if _, err := gsedict.ParseDomain(bad); err == nil {
			t.Errorf("gsedict.ParseDomain(%q) accepted", bad)
		}
	}
}

// Documents of the match table: realistic Shenyang organisations, some with
// a former name or a line of description after the name.
const (
	siasun    = "沈阳新松机器人自动化股份有限公司"
	kingsemi  = "沈阳芯源微电子设备股份有限公司"
	aecc      = "中国航发沈阳发动机研究所"
	neu       = "东北大学"
	blower    = "沈阳鼓风机集团股份有限公司\n曾用名：沈阳鼓风机厂\n简称沈鼓集团，生产离心压缩机。"
	neusoft   = "东软集团股份有限公司"
	fortune   = "沈阳富创精密设备股份有限公司"
	piotech   = "拓荆科技股份有限公司"
	sia       = "中国科学院沈阳自动化研究所"
	bmw       = "华晨宝马汽车有限公司"
	icv       = "沈阳智能网联汽车创新中心有限公司"
	tiexi     = "沈阳市铁西区工业互联网产业园\n建成5G专网，覆盖数字化车间和智能工厂。"
	credit    = "沈阳恒信科技有限公司 91210100MA0Y7ABC2K"
	eda       = "沈阳芯测科技有限公司\n主营ＥＤＡ工具与IC设计服务"
	siasunEn  = "Shenyang SIASUN Robot & Automation Co., Ltd."
	sut       = "沈阳工业大学"
	aircraft  = "沈阳飞机工业（集团）有限公司"
	hunnanLab = "浑南区人工智能算力中心\n“揭榜挂帅”项目承担单位，专精特新“小巨人”企业培育。"
)

var matchTable = []struct {
	doc, query string
	want       bool
	why        string
}{
	{siasun, "新松", true, "domain word"},
	{siasun, "机器人", true, ""},
	{siasun, "新松机器人", true, "two words, both present"},
	{siasun, "沈阳机器人", true, "两词都在，不必相邻"},
	{siasun, "沈阳 新松", true, "space-separated words"},
	{siasun, "新松，机器人！", true, "punctuation dropped"},
	{siasun, "新松机器人公司", true, "公司 is a stop word"},
	{siasun, "自动化", true, ""},
	{siasun, "芯源", false, "absent"},
	{siasun, "新松 robot", false, "robot is not in the Chinese name"},
	{kingsemi, "芯源", true, ""},
	{kingsemi, "芯源微", true, "domain word"},
	{kingsemi, "微电子", true, "a word inside the coarse 芯源微/电子设备 split"},
	{kingsemi, "芯源微电子", true, ""},
	{kingsemi, "电子设备", true, ""},
	{kingsemi, "半导体", false, "no synonyms: the name does not say 半导体"},
	{kingsemi, "新松", false, ""},
	{aecc, "发动机", true, ""},
	{aecc, "航发", true, "domain word"},
	{aecc, "中国航发", true, ""},
	{aecc, "航发沈阳", true, ""},
	{aecc, "航空发动机", false, "航空 is not in the name"},
	{neu, "东北大学", true, ""},
	{neu, "东北", true, ""},
	{neu, "大学", true, "大学 is not a stop word: it finds universities"},
	{neu, "沈阳大学", false, "沈阳 is not in the name"},
	{neu, "北大", true, "a bigram of the name: the price of bigrams"},
	{blower, "沈鼓", true, "from the description"},
	{blower, "鼓风机", true, ""},
	{blower, "鼓风机厂", true, "from the former name"},
	{blower, "压缩机", true, "from the description"},
	{neusoft, "东软", true, ""},
	{neusoft, "软件", false, ""},
	{fortune, "富创", true, ""},
	{fortune, "精密设备", true, ""},
	{piotech, "拓荆", true, ""},
	{piotech, "拓荆科技", true, ""},
	{sia, "自动化研究所", true, ""},
	{sia, "科学院", true, ""},
	{sia, "中科院", false, "abbreviations are not expanded"},
	{sia, "自动化所", false, "not a substring of the name"},
	{bmw, "宝马", true, ""},
	{bmw, "华晨", true, ""},
	{bmw, "宝马汽车", true, ""},
	{icv, "智能网联汽车", true, ""},
	{icv, "网联汽车", true, ""},
	{icv, "汽车", true, ""},
	{icv, "新能源汽车", false, ""},
	{tiexi, "5G", true, "Latin and digits kept whole"},
	{tiexi, "5g专网", true, "case folded"},
	{tiexi, "4G", false, ""},
	{tiexi, "G", false, "whole runs only"},
	{tiexi, "工业互联网", true, ""},
	{tiexi, "互联网", true, ""},
	{tiexi, "铁西", true, ""},
	{tiexi, "铁西区", true, ""},
	{tiexi, "数字化车间", true, ""},
	{tiexi, "智能工厂", true, ""},
	{credit, "91210100MA0Y7ABC2K", true, "credit code"},
	{credit, "91210100ma0y7abc2k", true, "credit code, lower case"},
	{credit, "91210100MA0Y7ABC2X", false, "another credit code"},
	{credit, "91210100", false, "whole runs only"},
	{eda, "EDA", true, "full-width ＥＤＡ folded"},
	{eda, "ic设计", true, ""},
	{siasunEn, "SIASUN robot", true, ""},
	{siasunEn, "siasun ltd", true, "ltd is a stop word"},
	{siasunEn, "机器人", false, "no translation"},
	{sut, "工业大学", true, ""},
	{sut, "沈阳工业大学", true, ""},
	{aircraft, "沈飞", false, "not in the name; a former name or description would need to say it"},
	{aircraft, "飞机工业", true, ""},
	{aircraft, "有限公司 飞机", true, "stop words dropped"},
	{hunnanLab, "揭榜挂帅", true, ""},
	{hunnanLab, "专精特新", true, ""},
	{hunnanLab, "小巨人", true, ""},
	{hunnanLab, "算力", true, ""},
	{hunnanLab, "浑南 人工智能", true, ""},
	{hunnanLab, "新质生产力", false, ""},
}

func TestMatchTable(t *testing.T) {
	s := seg(t)
	for _, c := range matchTable {
		q := s.QueryTerms(c.query)
		if len(q) == 0 {
			t.Errorf("QueryTerms(%q) is empty", c.query)
			continue
		}
		d := s.IndexTerms(c.doc)
		if got := subset(q, d); got != c.want {
			t.Errorf("doc %q, query %q (terms %v): match = %v, want %v (%s)\n  doc terms: %v",
				firstLine(c.doc), c.query, q, got, c.want, c.why, d)
		}
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestIndexTermsOfName(t *testing.T) {
	s := seg(t)
	got := s.IndexTerms(siasun)
	for _, w := range []string{"沈阳", "新松", "机器人", "机器", "自动化", "自动"} {
		if !slices.Contains(got, w) {
			t.Errorf("IndexTerms(%s) lacks %s: %v", siasun, w, got)
		}
	}
	for _, w := range []string{"股份", "有限公司", "公司", "有限", "股份有限公司"} {
		if slices.Contains(got, w) {
			t.Errorf("IndexTerms(%s) has stop word %s", siasun, w)
		}
	}
	if q := s.QueryTerms("拓荆科"); !slices.Equal(q, []string{"拓荆", "荆科"}) {
		t.Errorf("QueryTerms(拓荆科) = %v, want [拓荆 荆科]", q)
	}
	if q := s.QueryTerms(siasun); !slices.Equal(q, []string{"新松", "机器人", "沈阳", "自动化"}) {
		t.Errorf("QueryTerms(%s) = %v", siasun, q)
	}
}

func TestNothingSearchable(t *testing.T) {
	s := seg(t)
	for _, q := range []string{"", "   ", "，。！？…—", "有限公司", "股份有限公司", "集团 公司", "沈", "的", "Co., Ltd.", "沈阳的"} {
		if got := s.QueryTerms(q); len(got) != 0 && q != "沈阳的" {
			t.Errorf("QueryTerms(%q) = %v, want none", q, got)
		}
	}
	// A function word alone asks for nothing, not for a bigram.
	if got := s.QueryTerms("沈阳的"); !slices.Equal(got, []string{"沈阳"}) {
		t.Errorf(`QueryTerms("沈阳的") = %v, want [沈阳]`, got)
	}
	for _, d := range []string{"", " \n\t", "（）《》", "有限公司", "沈"} {
		if got := s.IndexTerms(d); len(got) != 0 {
			t.Errorf("IndexTerms(%q) = %v, want none", d, got)
		}
	}
}

// corpus is realistic organisation names plus generated ones.
func corpus(n int) []string {
	names := []string{
		siasun, kingsemi, aecc, neu, neusoft, fortune, piotech, sia, bmw, icv, sut, aircraft,
		"沈阳透平机械股份有限公司", "北方重工集团有限公司", "沈阳机床（集团）有限责任公司",
		"中国科学院金属研究所", "沈阳药科大学", "中国医科大学附属第一医院", "辽宁大学",
		"沈阳航空航天大学", "沈阳化工大学", "沈阳建筑大学", "沈阳农业大学", "沈阳师范大学",
		"沈阳兴齐眼药股份有限公司", "远大科技集团有限公司", "沈阳浑南科技城发展有限公司",
		"沈阳中德装备园管理委员会", "辽宁省工业和信息化厅", "沈阳市科学技术局",
		"沈阳国际软件园有限公司", "沈阳三生制药有限责任公司", "沈阳金杯汽车股份有限公司",
		"中航沈飞股份有限公司", "沈阳黎明航空发动机有限责任公司", "辽宁沈抚示范区管委会",
		"沈阳市铁西区数字化车间示范项目", "沈阳新光华翔汽车饰件有限公司", "沈阳蓝英工业自动化装备股份有限公司",
		"沈阳华润三九医药有限公司", "辽宁奥克化学股份有限公司", "沈阳产业技术研究院有限公司",
	}
	places := []string{"沈阳", "辽宁", "浑南", "铁西", "沈北", "于洪", "大东", "和平", "沈河", "皇姑"}
	cores := []string{"新松", "芯源", "富创", "拓荆", "中科", "东软", "华晨", "远大", "恒信", "启明", "智联", "瑞达", "天正", "博远", "宏泰"}
	fields := []string{"机器人", "集成电路", "半导体设备", "生物医药", "新能源", "工业互联网", "智能制造", "节能环保", "航空航天", "高端装备", "人工智能", "数控机床", "医疗器械", "新材料", "软件"}
	kinds := []string{"科技有限公司", "技术股份有限公司", "研究院", "产业园有限公司", "集团有限公司", "有限责任公司", "创新中心", "工程技术研究中心"}
	for i := 0; len(names) < n; i++ {
		names = append(names, places[i%len(places)]+cores[(i/3)%len(cores)]+fields[(i/7)%len(fields)]+kinds[(i/11)%len(kinds)])
	}
	return names[:n]
}

// Every term is short, clean and no stop word; terms are sorted and
// unique; and the same input gives the same terms.
func TestTermShape(t *testing.T) {
	s := seg(t)
	docs := append(corpus(300), tiexi, credit, eda, siasunEn, hunnanLab, blower, strings.Repeat("ａＢ", 40)+" 工业互联网平台")
	for _, d := range docs {
		for name, f := range map[string]func(string) []string{"IndexTerms": s.IndexTerms, "QueryTerms": s.QueryTerms} {
			got := f(d)
			if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("%s(%q) not sorted and unique: %v", name, d, got)
			}
			if again := f(d); !slices.Equal(got, again) {
				t.Errorf("%s(%q) differs between calls: %v, %v", name, d, got, again)
			}
			for _, w := range got {
				if w == "" || len(w) > MaxTermBytes || !utf8.ValidString(w) || stopWords[w] {
					t.Errorf("%s(%q): bad term %q", name, d, w)
				}
				for _, r := range w {
					if !unicode.IsLetter(r) && !unicode.IsNumber(r) || unicode.IsUpper(r) {
						t.Errorf("%s(%q): term %q has %q", name, d, w, r)
					}
				}
			}
		}
	}
}

// The guarantee behind the design: a document matches itself, every term it
// is indexed under, and every Han substring of it.
func TestDocumentMatchesItsParts(t *testing.T) {
	s := seg(t)
	docs := append(corpus(200), tiexi, credit, eda, siasunEn, hunnanLab, blower)
	checked := 0
	for _, d := range docs {
		terms := s.IndexTerms(d)
		if q := s.QueryTerms(d); !subset(q, terms) {
			t.Errorf("%q does not match itself: query terms %v, doc terms %v", d, q, terms)
		}
		for _, w := range terms {
			if q := s.QueryTerms(w); !subset(q, terms) {
				t.Errorf("%q does not match its term %q (query terms %v)", d, w, q)
			}
		}
		runs(d, func(k runKind, run string, off []int) {
			if k != hanRun {
				return
			}
			n := len(off) - 1
			for i := 0; i < n; i++ {
				for j := i + 2; j <= min(n, i+14); j++ {
					checked++
					sub := run[off[i]:off[j]]
					if q := s.QueryTerms(sub); !subset(q, terms) {
						t.Errorf("%q does not match its substring %q: query terms %v", d, sub, q)
					}
				}
			}
		})
	}
	t.Logf("%d substrings checked", checked)
}

func TestLongInput(t *testing.T) {
	s := seg(t)
	var b strings.Builder
	for b.Len() < 100<<10 {
		b.WriteString(tiexi + "。" + hunnanLab + "。" + siasunEn + "\n")
	}
	mixed := b.String()
	inputs := map[string]string{
		"mixed":         mixed,
		"han, no break": strings.Repeat("沈阳新松机器人自动化工业互联网", 100<<10/len("沈阳新松机器人自动化工业互联网")+1),
		"one latin run": strings.Repeat("a1", 50<<10),
	}
	limit := 5 * time.Second
	for name, in := range inputs {
		t0 := time.Now()
		idx := s.IndexTerms(in)
		q := s.QueryTerms(in)
		d := time.Since(t0)
		t.Logf("%s: %d bytes, %d index terms, %d query terms, %v", name, len(in), len(idx), len(q), d)
		if d > limit {
			t.Errorf("%s: took %v, want under %v", name, d, limit)
		}
		if !subset(q, idx) {
			t.Errorf("%s: does not match itself", name)
		}
		for _, w := range idx {
			if len(w) > MaxTermBytes {
				t.Errorf("%s: term of %d bytes", name, len(w))
			}
		}
	}
	if got := s.IndexTerms(inputs["one latin run"]); len(got) != 1 || len(got[0]) != MaxTermBytes {
		t.Errorf("a long Latin run: %v, want its first %d bytes", got, MaxTermBytes)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := seg(t)
	names := corpus(100)
	want := make([][]string, len(names))
	for i, n := range names {
		want[i] = s.IndexTerms(n)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i, n := range names {
				if got := s.IndexTerms(n); !slices.Equal(got, want[i]) {
					t.Errorf("goroutine %d: IndexTerms(%s) = %v, want %v", g, n, got, want[i])
				}
				s.QueryTerms(n)
			}
		})
	}
	wg.Wait()
}

func TestHighlight(t *testing.T) {
	s := seg(t)
	cases := []struct {
		text, query string
		want        []string
	}{
		{siasun, "新松机器人", []string{"新松机器人"}},
		{siasun, "沈阳 机器人", []string{"沈阳", "机器人"}},
		{tiexi, "5g 专网", []string{"5G专网"}},
		{"15G与5G", "5G", []string{"5G"}},
		{eda, "eda", []string{"ＥＤＡ"}},
		{kingsemi, "芯源微", []string{"芯源微"}},
		{siasun, "芯源", nil},
		{"", "新松", nil},
	}
	for _, c := range cases {
		var got []string
		for _, sp := range Highlight(c.text, s.QueryTerms(c.query)) {
			got = append(got, c.text[sp.Start:sp.End])
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Highlight(%q, %q) = %q, want %q", c.text, c.query, got, c.want)
		}
	}
	if got := Highlight(siasun, nil); got != nil {
		t.Errorf("Highlight with no terms = %v", got)
	}
}

func BenchmarkIndexTerms(b *testing.B) {
	s := seg(b)
	names := corpus(1000)
	terms := 0
	for _, n := range names {
		terms += len(s.IndexTerms(n))
	}
	for b.Loop() {
		for _, n := range names {
			s.IndexTerms(n)
		}
	}
	b.ReportMetric(float64(terms)/float64(len(names)), "terms/name")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(names)), "ns/name")
}

func BenchmarkQueryTerms(b *testing.B) {
	s := seg(b)
	qs := []string{"新松机器人", "沈阳 集成电路", "芯源微电子", "5G专网", "中国航发沈阳发动机研究所"}
	for b.Loop() {
		for _, q := range qs {
			s.QueryTerms(q)
		}
	}
}
