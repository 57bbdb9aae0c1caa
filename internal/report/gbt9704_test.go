package report_test

import (
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/report"
)

func TestDocNumber(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"沈科提字〔2025〕17号", "沈科提字〔2025〕17号"},
		{"沈科提字[2025]17号", "沈科提字〔2025〕17号"},
		{"沈科提字【2025】第017号", "沈科提字〔2025〕17号"},
		{"沈科函（2025）12号", "沈科函〔2025〕12号"},
		{"沈科函(２０２５)第００３号", "沈科函〔2025〕3号"},
		{" 沈科提字 〔2025〕 1 号 ", "沈科提字〔2025〕1号"},
		{"沈科函〖2024〗9号", "沈科函〔2024〕9号"},
	} {
		got, err := report.FormatDocNumber(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("FormatDocNumber(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{
		"", "17号", "〔2025〕17号", "沈科提字2025年17号", "沈科提字〔2025〕", "沈科提字〔2025〕0号",
		"沈科提字〔2025〕第号", "沈科提字〔25〕17号", "沈科提字〔1900〕17号", "沈科提字〔2025〕17",
		"ABC〔2025〕17号", "沈科提字〔2025〕-1号", "沈科提字〔2025〕17号附", "沈科提字〔2025 17号",
		"沈科提字〔2025〕1234567890号",
	} {
		if got, err := report.FormatDocNumber(bad); err == nil {
			t.Errorf("FormatDocNumber(%q) = %q, want an error", bad, got)
		}
	}
}

// FuzzDocNumber: whatever is typed, a number that parses prints in the
// standard form — year in 〔〕, no 第, no leading zero, ending in 号 — and
// reads back as itself.
func FuzzDocNumber(f *testing.F) {
	for _, s := range []string{"沈科提字〔2025〕17号", "沈科函[2024]第007号", "（2025）1号", "沈〔0000〕0号", "沈科【2999】９号"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := report.ParseDocNumber(s)
		if err != nil {
			return
		}
		out := d.String()
		if strings.Contains(out, "第") || !strings.Contains(out, "〔") || !strings.HasSuffix(out, "号") {
			t.Fatalf("%q printed as %q", s, out)
		}
		if seq := strings.TrimSuffix(out[strings.Index(out, "〕")+len("〕"):], "号"); strings.HasPrefix(seq, "0") {
			t.Fatalf("%q printed with a leading zero: %q", s, out)
		}
		again, err := report.ParseDocNumber(out)
		if err != nil || again != d {
			t.Fatalf("%q → %q reads back as %+v, %v", s, out, again, err)
		}
	})
}

func TestFullWidth(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"王志坚委员:", "王志坚委员："},
		{"的提案,市科技局高度重视,经过认真研究,具体办理意见如下:", "的提案，市科技局高度重视，经过认真研究，具体办理意见如下："},
		{"《行动计划(2025-2027年)》", "《行动计划（2025-2027年）》"},
		{"试点城市行动计划(2025-2027)》,一体化", "试点城市行动计划（2025-2027）》，一体化"},
		{"截至2024年,全市新建5G基站5010个", "截至2024年，全市新建5G基站5010个"},
		{"截至2024,全市", "截至2024，全市"},
		{"累计1,234个", "累计1,234个"},
		{"达4.5万个;新增", "达4.5万个；新增"},
		{"时间12:30开始", "时间12:30开始"},
		{"是否满意?满意!", "是否满意？满意！"},
		{"提案, 市科技局", "提案，市科技局"},
		{"Hello, world: (a; b)!", "Hello, world: (a; b)!"},
		{"2.5 and 1,234", "2.5 and 1,234"},
		{"“新东拓+”科技招商活动30余场,新招引", "“新东拓+”科技招商活动30余场，新招引"},
		{"中国-黎巴嫩智能机器人", "中国-黎巴嫩智能机器人"},
	} {
		if got := report.FullWidth(tc.in); got != tc.want {
			t.Errorf("FullWidth(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzFullWidth(f *testing.F) {
	f.Add("王志坚委员:")
	f.Add("累计1,234个(共2.5万)")
	f.Fuzz(func(t *testing.T, s string) {
		out := report.FullWidth(s)
		if again := report.FullWidth(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		if strings.ReplaceAll(s, " ", "") == s && len([]rune(out)) != len([]rune(s)) {
			t.Fatalf("%q → %q changed the number of characters", s, out)
		}
	})
}

func TestClosingDefaults(t *testing.T) {
	rep := report.Issued{AsOf: "2025-06-30", IssuedAt: "2025-07-15T09:30:00+08:00", IssuedBy: "李明"}
	unit, date, contact, num, err := rep.Closing()
	if err != nil || unit != report.DefaultUnit || date != "2025年7月15日" || contact != "（联系人：李明）" || num != "" {
		t.Errorf("defaults: %q %q %q %q %v", unit, date, contact, num, err)
	}
	rep = report.Issued{AsOf: "2025-06-30"}
	if _, date, contact, _, _ = rep.Closing(); date != "2025年6月30日" || contact != "" {
		t.Errorf("a rendered report closes with its as-of date and no contact: %q %q", date, contact)
	}
	rep = report.Issued{AsOf: "2025-06-30", Unit: "沈阳市科学技术局办公室", Date: "2025-01-05", Contact: "联系人:王芳,电话:024-22851234", DocNumber: "沈科提字[2025]第007号"}
	unit, date, contact, num, err = rep.Closing()
	if err != nil || unit != "沈阳市科学技术局办公室" || date != "2025年1月5日" || contact != "（联系人：王芳，电话：024-22851234）" || num != "沈科提字〔2025〕7号" {
		t.Errorf("given: %q %q %q %q %v", unit, date, contact, num, err)
	}
	if _, _, _, _, err := (report.Issued{DocNumber: "第17号"}).Closing(); err == nil {
		t.Error("a 文号 without unit code or year passed")
	}
	if _, _, _, _, err := (report.Issued{Date: "2025-13-01"}).Closing(); err == nil {
		t.Error("a date that is none passed")
	}
	if got := report.ChineseDate(time.Date(2025, 7, 5, 0, 0, 0, 0, time.UTC)); got != "2025年7月5日" {
		t.Errorf("ChineseDate = %q", got)
	}
}
