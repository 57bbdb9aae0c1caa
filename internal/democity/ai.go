package democity

import (
	"github.com/xinzhi-platform/xinzhi/internal/ai"
	"github.com/xinzhi-platform/xinzhi/internal/ranking"
)

// aiElements: the data sets and models catalogued beside compute — among
// them 沈阳农业大学's pesticide-formulation data set of 20,318 samples
// built with the “沈阳·太一” model — the AI industry alliance and its
// members, and the national innovative-city ranking, in which the city
// rose four years running to 16th.
func (g *gen) aiElements() error {
	n := g.named
	ds := []ai.Dataset{
		{OwnerID: n["沈阳农业大学"], Name: "农药配方数据集", Domain: "农药配方", Samples: 20318, Licence: "协议授权", Access: "on_application", Registered: "2025-03-18",
			Description: "与“沈阳·太一”大模型合作构建，汇集农药配方样本，用于配方推荐与药效预测"},
		{OwnerID: n["东软"], Name: "医学影像标注数据集", Domain: "医疗影像", Samples: 186000, Licence: "协议授权", Access: "on_application", Registered: "2024-08-02"},
		{OwnerID: n["新松"], Name: "工业机器人运动轨迹数据集", Domain: "工业机器人", Samples: 52000, Licence: "内部使用", Access: "internal", Registered: "2024-11-15"},
		{OwnerID: n["自动化所"], Name: "工业视觉缺陷检测数据集", Domain: "工业视觉", Samples: 78500, Licence: "CC BY-NC 4.0", Access: "open", Registered: "2024-06-20"},
		{OwnerID: n["沈鼓"], Name: "压缩机运行工况数据集", Domain: "装备运维", Samples: 34000, Licence: "内部使用", Access: "internal", Registered: "2025-01-10"},
	}
	if _, err := ai.AddDatasets(g.ctx, g.db, ds); err != nil {
		return err
	}
	for _, m := range []ai.Model{
		{OwnerID: n["算力中心"], Name: "沈阳·太一", BaseModel: "自研", Domain: "通用", Evaluation: "行业知识问答与配方推荐评测", Registered: "2024-12-26"},
		{OwnerID: n["华为"], Name: "工业质检视觉大模型", BaseModel: "盘古", Domain: "工业视觉", Evaluation: "缺陷检出率99.2%", Registered: "2025-02-14"},
		{OwnerID: n["东软"], Name: "医学影像辅助诊断模型", BaseModel: "自研", Domain: "医疗影像", Evaluation: "肺结节检出敏感度96%", Registered: "2024-09-30"},
	} {
		if _, err := ai.AddModel(g.ctx, g.db, m); err != nil {
			return err
		}
	}
	var members []ai.Member
	for i, k := range []string{"东软", "新松", "华为", "自动化所", "东北大学", "算力中心", "百度计算中心", "芯源", "沈阳工业大学", "沈阳航空航天大学"} {
		role := "成员单位"
		if i == 0 {
			role = "理事长单位"
		}
		members = append(members, ai.Member{MemberID: n[k], Role: role, Joined: "2024-09-20"})
	}
	if err := ai.Join(g.ctx, g.db, n["人工智能联盟"], members); err != nil {
		return err
	}
	if _, err := ranking.AddSeries(g.ctx, g.db, ranking.Series{Key: "innovative_city", Name: "国家创新型城市创新能力评价", NameEN: "National innovative-city capability ranking",
		Publisher: "科学技术部中国科学技术信息研究所"}); err != nil {
		return err
	}
	for _, e := range []ranking.Entry{
		{Year: 2020, Rank: 22, OfTotal: 103, Published: "2021-03-16"},
		{Year: 2021, Rank: 21, OfTotal: 103, Published: "2022-03-22"},
		{Year: 2022, Rank: 19, OfTotal: 103, Published: "2023-03-21"},
		{Year: 2023, Rank: 18, OfTotal: 103, Published: "2024-03-19"},
		{Year: 2024, Rank: 16, OfTotal: 103, Published: "2025-03-18", Note: "东北首位"},
	} {
		if err := ranking.Record(g.ctx, g.db, "innovative_city", e); err != nil {
			return err
		}
	}
	return nil
}
