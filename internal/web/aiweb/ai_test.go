package aiweb_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/ai"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/internal/web/webtest"
)

var ctx = context.Background()

// TestAIAndRankingsOverHTTP: an organisation registers a data set for
// itself (whatever owner it names); a bad form and a catalogue sheet with
// one bad row store nothing; the rankings page draws the trend and a
// manager records an edition.
func TestAIAndRankingsOverHTTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := webtest.New(t, db, false)
		org, mgr := e.Client(), e.Client()
		org.SignIn("u-org", webtest.Password)
		mgr.SignIn("u-manager", webtest.Password)

		org.Get("/ai")
		resp, body := org.Post("/ai/datasets", url.Values{"name": {"焊缝图像数据集"}, "domain": {"工业视觉"}, "samples": {"十万"}, "access": {"open"}, "registered": {"2025-05-01"}})
		if resp.StatusCode != 422 || !strings.Contains(body, "样本数须为正整数") || !strings.Contains(body, `value="焊缝图像数据集"`) {
			t.Fatalf("samples in words: %d", resp.StatusCode)
		}
		resp, _ = org.Post("/ai/datasets", url.Values{"owner_id": {"999"}, "name": {"焊缝图像数据集"}, "domain": {"工业视觉"}, "samples": {"100,000"}, "access": {"open"}, "registered": {"2025-05-01"}})
		if resp.StatusCode != 303 {
			t.Fatalf("register: %d", resp.StatusCode)
		}
		got, err := ai.Datasets(ctx, db, "2025-06-30")
		if err != nil || len(got) != 1 || got[0].OwnerID != e.OrgA.ID || got[0].Samples != 100000 {
			t.Fatalf("data sets %+v %v", got, err)
		}

		mgr.Get("/ai")
		bad := "所有单位,数据集名称,领域,样本数,开放方式,登记日期\n甲企业,农药配方数据集,农药配方,20318,申请使用,2025-03-18\n无此单位,医学影像,医疗影像,186000,开放,2024-08-02\n甲企业,运维数据,装备运维,34000,内部使用,2025-13-10\n"
		resp, body = mgr.Send("/ai/datasets/import", nil, map[string][2]string{"file": {"目录.csv", bad}})
		if resp.StatusCode != 422 || !strings.Contains(body, "第3行：找不到所有单位“无此单位”") {
			t.Fatalf("a sheet with a bad owner: %d\n%s", resp.StatusCode, body)
		}
		good := strings.Replace(bad, "无此单位", "乙银行", 1)
		resp, body = mgr.Send("/ai/datasets/import", nil, map[string][2]string{"file": {"目录.csv", good}})
		if resp.StatusCode != 422 || !strings.Contains(body, "第4行：") {
			t.Fatalf("a sheet with a bad date: %d\n%s", resp.StatusCode, body)
		}
		if got, _ := ai.Datasets(ctx, db, "2099-01-01"); len(got) != 1 {
			t.Fatalf("a refused sheet stored %d data sets", len(got)-1)
		}
		good = strings.Replace(good, "2025-13-10", "2025-01-10", 1)
		if resp, _ := mgr.Send("/ai/datasets/import", nil, map[string][2]string{"file": {"目录.csv", good}}); resp.StatusCode != 303 {
			t.Fatalf("the sheet: %d", resp.StatusCode)
		}
		if _, body := org.Get("/ai"); !strings.Contains(body, "农药配方数据集") || !strings.Contains(body, "20,318") || !strings.Contains(body, "样本数</th>") || strings.Contains(body, "须为正整数") {
			t.Fatal("the imported catalogue is not on the page")
		}

		if _, err := ranking.AddSeries(ctx, db, ranking.Series{Key: "innovative_city", Name: "国家创新型城市创新能力评价"}); err != nil {
			t.Fatal(err)
		}
		for _, y := range []struct{ year, rank int }{{2021, 21}, {2022, 19}, {2023, 18}} {
			if err := ranking.Record(ctx, db, "innovative_city", ranking.Entry{Year: y.year, Rank: y.rank, Published: "2024-03-19"}); err != nil {
				t.Fatal(err)
			}
		}
		mgr.Get("/rankings")
		if resp, body := mgr.Post("/rankings/innovative_city/entries", url.Values{"year": {"2024"}, "rank": {"0"}, "published": {"2025-03-18"}}); resp.StatusCode != 422 || !strings.Contains(body, "位次0须为正整数") {
			t.Fatalf("place 0: %d", resp.StatusCode)
		}
		if resp, _ := mgr.Post("/rankings/innovative_city/entries", url.Values{"year": {"2024"}, "rank": {"16"}, "published": {"2025-03-18"}}); resp.StatusCode != 303 {
			t.Fatalf("record: %d", resp.StatusCode)
		}
		if resp, _ := org.Post("/rankings/innovative_city/entries", url.Values{"year": {"2025"}, "rank": {"1"}, "published": {"2026-03-18"}}); resp.StatusCode != 403 {
			t.Errorf("an organisation recorded a ranking: %d", resp.StatusCode)
		}
		if _, body := org.Get("/rankings"); !strings.Contains(body, `id="rising-innovative_city">连续3年进位`) || !strings.Contains(body, `class="chart"`) {
			t.Fatal("the ranking's trend is not on the page")
		}
		if resp, body := org.Raw("GET", "/api/v1/rankings", "", nil); resp.StatusCode != 200 || !strings.Contains(body, `"rank": 16`) {
			t.Errorf("API rankings: %d", resp.StatusCode)
		}
		if resp, body := org.Raw("POST", "/api/v1/ai/models", "application/json", []byte(`{"name": "沈阳·太一", "domain": "通用", "registered": "2024-12-26"}`)); resp.StatusCode != 201 || !strings.Contains(body, "沈阳·太一") {
			t.Errorf("API model: %d %s", resp.StatusCode, body)
		}
	})
}
