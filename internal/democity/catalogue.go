package democity

import (
	"fmt"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/digital"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
)

// solutionKinds are the demo catalogue's 小快轻准 products, by the scenes
// they serve.
var solutionKinds = []struct {
	name, desc string
	scenes     []string
	price      float64
}{
	{"质检云", "机器视觉缺陷检测与质量追溯", []string{"质量管理"}, 30000},
	{"设备管家", "设备联网、状态监测与预测性维护", []string{"设备管理"}, 20000},
	{"轻量MES", "生产报工、工序管控与计划排程", []string{"生产管控", "计划排程"}, 80000},
	{"能耗看板", "水电气能耗计量与分析", []string{"能耗管理"}, 15000},
	{"安全巡检", "安全隐患排查与作业票管理", []string{"安全生产"}, 12000},
	{"云ERP", "采购、库存、销售与财务一体化", []string{"采购管理", "仓储物流", "财务管理"}, 50000},
	{"营销通", "客户管理与线上营销", []string{"营销管理", "售后服务"}, 18000},
	{"协同设计", "三维设计与图文档协同", []string{"产品设计", "工艺设计"}, 60000},
	{"数字人事", "考勤、薪酬与培训", []string{"人力资源", "协同办公"}, 8000},
	{"经营驾驶舱", "经营数据汇总与决策分析", []string{"决策支持"}, 25000},
	{"智能仓储", "扫码出入库与库位管理", []string{"仓储物流"}, 22000},
}

// digitalCatalogue: the 140 service providers admitted to the catalogue in
// 2023–2025 and their 663 小快轻准 products and solutions.
func (g *gen) digitalCatalogue() error {
	if g.copy > 0 {
		return nil
	}
	m, err := digital.SME2024()
	if err != nil {
		return err
	}
	admitted := make([]string, len(g.providers))
	for i, p := range g.providers {
		admitted[i] = g.in("2023-03-01", "2025-05-30").Format(time.DateOnly)
		if err := registry.Grant(g.ctx, g.db, registry.Recognition{Kind: digital.ProviderKind, Level: "市级", Subject: "organisation", SubjectID: p, Granted: admitted[i], Authority: "沈阳市工业和信息化局"}); err != nil {
			return fmt.Errorf("demo provider: %w", err)
		}
	}
	for i := 0; i < 663; i++ {
		j := i % len(g.providers)
		k := solutionKinds[g.rng.IntN(len(solutionKinds))]
		listed, _ := time.Parse(time.DateOnly, admitted[j])
		listed = listed.AddDate(0, 0, g.rng.IntN(20))
		if day := listed.Format(time.DateOnly); day > AsOf {
			listed, _ = time.Parse(time.DateOnly, AsOf)
		}
		_, err := m.AddSolution(g.ctx, g.db, digital.Solution{ProviderID: g.providers[j], Name: fmt.Sprintf("%s%d号", k.name, i/len(solutionKinds)+1), Description: k.desc,
			Scenes: k.scenes, Price: k.price * float64(8+g.rng.IntN(5)) / 10, Deploy: pick(g, digital.Deploys), Listed: listed.Format(time.DateOnly)})
		if err != nil {
			return fmt.Errorf("demo solution: %w", err)
		}
	}
	return nil
}
