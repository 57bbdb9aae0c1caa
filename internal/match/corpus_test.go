package match

import (
	"math/rand/v2"
	"strings"
)

// A synthetic corpus of organisation profiles for the benchmarks: names,
// descriptions and capabilities drawn from the domain's vocabulary with a
// Zipf distribution, so that a few words (技术, 设备) are in most profiles and
// most words are rare, as in a real registry.
var (
	places   = []string{"沈阳", "大连", "鞍山", "抚顺", "本溪", "丹东", "锦州", "营口", "阜新", "辽阳", "铁岭", "朝阳", "盘锦", "葫芦岛", "浑南", "铁西", "沈北", "大东"}
	suffixes = []string{"科技", "智能", "装备", "技术", "电子", "精密", "新材料", "信息", "机械", "仪器", "生物", "能源"}
	vocab    = strings.Fields(`技术 设备 研发 制造 智能 系统 服务 检测 平台 软件 数据 控制 材料 工业 精密 自动化
机器人 传感器 视觉 工业互联网 半导体 集成电路 芯片 封装 光刻 涂胶显影 刻蚀 薄膜沉积 晶圆 研磨 抛光 温控 真空泵
干式真空泵 压缩机 数控机床 钻铣 主轴 轴承 齿轮 减速器 伺服电机 激光 焊接 切割 增材制造 航空发动机 燃气轮机 叶片
复合材料 玄武岩纤维 碳纤维 陶瓷 合金 钛合金 高温合金 新能源 锂电池 储能 氢能 燃料电池 光伏 风电 电网 充电桩
智能网联汽车 自动驾驶 激光雷达 毫米波雷达 车联网 无人机 低空物流 卫星 导航 遥感 物联网 边缘计算 云计算 大模型
人工智能 机器学习 深度学习 知识图谱 语音识别 图像识别 算力 数据中心 区块链 网络安全 工业软件 仿真 设计软件 数字孪生
生物医药 医疗器械 体外诊断 基因 疫苗 中药 农药 配方 化肥 种子 食品 冷链 物流 仓储 包装 纺织 环保 节能 污水处理
固废 脱硫 除尘 监测 仪表 阀门 管道 泵 风机 锅炉 换热器 核电 石化 冶金 钢铁 铸造 锻造 模具 注塑 涂装 表面处理
轨道交通 船舶 工程机械 农机 智慧农业 智慧城市 智慧医疗 教育 文旅 金融科技 供应链 电商 直播 5G 专网 基站 光纤
通信 射频 天线 功率器件 碳化硅 氮化镓 显示 柔性 传感 测量 计量 标准 认证 检验 质量 可靠性 寿命 疲劳 振动 噪声`)
	capVerbs = []string{"研发", "设计", "生产", "集成", "测试", "运维", "咨询", "解决方案", "攻关", "验证"}
)

// zipf draws vocabulary indices: rank r with weight 1/(r+1).
type corpus struct {
	rng  *rand.Rand
	zipf *rand.Zipf
}

func newCorpus(seed uint64) *corpus {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return &corpus{rng: rng, zipf: rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))}
}

func (c *corpus) word() string { return vocab[c.zipf.Uint64()] }

func (c *corpus) pick(list []string) string { return list[c.rng.IntN(len(list))] }

func (c *corpus) doc(id int64) Doc {
	name := c.pick(places) + c.word() + c.pick(suffixes) + "有限公司"
	var desc strings.Builder
	for i := range 6 + c.rng.IntN(10) {
		if i > 0 && i%3 == 0 {
			desc.WriteString("，")
		}
		desc.WriteString(c.word())
	}
	var capab strings.Builder
	for range 1 + c.rng.IntN(3) {
		capab.WriteString(c.word() + c.pick(capVerbs) + " ")
	}
	return Doc{ID: id,
		Text:  map[string]string{"name": name, "description": desc.String(), "capability": capab.String()},
		Attrs: map[string][]string{"kind": {[]string{"enterprise", "enterprise", "enterprise", "university", "institute", "team"}[c.rng.IntN(6)]}, "district": {c.pick(places)}},
		Nums:  map[string]float64{"problems_solved": float64(c.rng.IntN(30)), "recognitions": float64(c.rng.IntN(8))},
	}
}

// query is a need of two to four words, as a challenge's title or a
// funding need's summary would give.
func (c *corpus) query() string {
	var b strings.Builder
	for range 2 + c.rng.IntN(3) {
		b.WriteString(c.word())
	}
	return b.String()
}
