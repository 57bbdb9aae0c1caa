package integrity_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/integrity"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
)

// benchProse is n sentences of made-up technical Chinese.
func benchProse(rng *rand.Rand, n int) string {
	subj := []string{"精密减速器", "伺服电机", "真空干泵", "涂胶显影设备", "工业机器人关节", "燃气轮机叶片", "半导体温控模块", "数控系统", "高温合金铸件", "激光雷达", "储能电池", "碳化硅功率器件"}
	verb := []string{"优化设计", "联合攻关", "试验验证", "工艺改进", "国产替代", "可靠性提升", "批量制造", "寿命评估", "仿真建模", "在线监测"}
	obj := []string{"显著降低振动噪声", "使定位精度达到微米级", "把故障率降低一半以上", "实现关键部件自主可控", "缩短研制周期三成", "满足整机配套要求", "通过用户现场验收", "形成自主知识产权", "能耗下降百分之十五", "良品率提高到九成九"}
	// each sentence also names a method and a material of its own, as real
	// applications do: the genre's stock phrases alone would make every
	// text alike
	han := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府研")
	term := func(k int) string {
		out := make([]rune, k)
		for i := range out {
			out[i] = han[rng.IntN(len(han))]
		}
		return string(out)
	}
	var b strings.Builder
	for range n {
		fmt.Fprintf(&b, "第%d阶段围绕%s开展%s，采用%s方法和%s材料，预计%s，并在%d家用户单位应用，累计投入%d万元。\n", rng.IntN(900)+100, subj[rng.IntN(len(subj))], verb[rng.IntN(len(verb))],
			term(4), term(3), obj[rng.IntN(len(obj))], rng.IntN(90)+2, rng.IntN(9000)+100)
	}
	return b.String()
}

// BenchmarkDuplicateCheck compares a new application with the kept ones
// (XINZHI_DUP_DOCS of them, 10,000 by default; 60 sentences, about 3,500
// characters, each) through the fingerprint index, and, as the baseline in
// the same run, by reading every kept text and fingerprinting it (what a
// check without an index does). The new application copies a third of one
// kept text.
func BenchmarkDuplicateCheck(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("XINZHI_DUP_DOCS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	db := storetest.Open(b, store.SQLite)
	rng := rand.New(rand.NewPCG(7, 11))
	var victim string
	start := time.Now()
	for i := 0; i < n; i += 500 {
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			for j := i; j < min(i+500, n); j++ {
				body := benchProse(rng, 60)
				if j == n/2 {
					victim = body
				}
				if err := integrity.Keep(ctx, tx, int64(j+1), "bench", "2025-01-01", body); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("kept %d texts in %v", n, time.Since(start).Round(time.Second))
	lines := strings.Split(victim, "\n")
	query := strings.Join(lines[:20], "\n") + benchProse(rng, 40)

	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			ms, err := integrity.Similar(ctx, db, query, "2020-01-01", 0, 0.2, 5)
			if err != nil || len(ms) == 0 || ms[0].DocID != int64(n/2+1) {
				b.Fatalf("found %+v, %v", ms, err)
			}
		}
	})
	b.Run("scan_baseline", func(b *testing.B) {
		for b.Loop() {
			mine := map[int64]bool{}
			for _, p := range integrity.Prints(query) {
				mine[p.Hash] = true
			}
			rows, err := db.QueryContext(ctx, `SELECT doc_id, body FROM text_docs WHERE day >= ?`, "2020-01-01")
			if err != nil {
				b.Fatal(err)
			}
			best, bestScore := int64(0), 0.0
			for rows.Next() {
				var id int64
				var body string
				if err := rows.Scan(&id, &body); err != nil {
					b.Fatal(err)
				}
				shared := 0
				seen := map[int64]bool{}
				for _, p := range integrity.Prints(body) {
					if mine[p.Hash] && !seen[p.Hash] {
						seen[p.Hash] = true
						shared++
					}
				}
				if s := float64(shared) / float64(len(mine)); s > bestScore {
					best, bestScore = id, s
				}
			}
			rows.Close()
			if best != int64(n/2+1) {
				b.Fatalf("the scan found %d (%.2f)", best, bestScore)
			}
		}
	})
}
