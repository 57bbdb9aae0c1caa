package democity

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// titler names records from word lists, a name taken twice getting its
// phase: 大型离心压缩机研制（二期）.
type titler struct {
	r    *rand.Rand
	seen map[string]int
}

func (g *gen) titler(key string) *titler {
	return &titler{r: g.sub("titles|" + key), seen: map[string]int{}}
}

var phases = []string{"", "（二期）", "（三期）", "（四期）", "（五期）", "（六期）"}

// name is an item of items with a suffix of suffixes, and the item.
func (t *titler) name(items, suffixes []string) (string, string) {
	item := items[t.r.IntN(len(items))]
	base := item + suffixes[t.r.IntN(len(suffixes))]
	n := t.seen[base]
	t.seen[base]++
	return base + phases[min(n, len(phases)-1)], item
}

// equipmentItems are the equipment a chain tackles.
var equipmentItems = map[string][]string{
	"新能源":     {"大功率风电主轴承", "兆瓦级氢燃料电池发动机", "储能变流器", "光伏硅片金刚线切割装备", "大容量磁悬浮飞轮储能装置"},
	"集成电路":    {"12英寸晶圆清洗设备", "化学机械抛光装备", "晶圆级封装键合机", "离子注入机关键部件", "涂胶显影设备"},
	"高端装备":    {"大型离心压缩机", "重型五轴联动加工中心", "盾构机主驱动系统", "超高压柱塞泵", "大型铸锻件智能产线"},
	"节能环保":    {"高效余热回收机组", "大型烟气脱硝装置", "磁悬浮鼓风机", "工业固废资源化成套装备"},
	"航空航天":    {"航空发动机燃烧室部件", "大型复合材料自动铺丝机", "机载液压作动器", "航空钛合金精密锻件"},
	"新一代信息技术": {"工业级边缘计算网关", "高速光模块测试设备", "工业控制系统安全装置", "5G工业模组"},
	"机器人":     {"大负载焊接机器人", "洁净真空机械手", "移动复合机器人", "精密谐波减速器"},
}

var equipmentSuffixes = []string{"研制", "攻关", "国产化攻关", "工程化攻关", "关键技术攻关"}

// specialTopics are the earlier special projects' subjects, by field.
var specialTopics = map[string][]string{
	"新能源":  {"固态锂电池电解质", "质子交换膜燃料电池催化剂", "钙钛矿光伏组件", "兆瓦级电解水制氢", "钠离子电池正极材料"},
	"集成电路": {"碳化硅功率器件外延", "先进封装环氧塑封料", "光刻胶配套试剂", "高纯溅射靶材", "晶圆缺陷光学检测"},
	"高端装备": {"重型燃气轮机转子", "高端轴承钢冶炼", "精密数控系统", "大型铸件数字化铸造", "工业母机主轴"},
	"航空航天": {"航空发动机单晶叶片", "飞机结构件增材制造", "机载复合材料", "航空钛合金近净成形", "无人机飞控"},
	"机器人":  {"人形机器人关节模组", "手术机器人力反馈", "机器人视觉引导", "特种巡检机器人", "协作机器人控制器"},
}

var specialSuffixes = []string{"关键技术研究", "研发与产业化", "关键技术攻关", "工程化应用"}

// needItems are what SMEs seek money for.
var needItems = []string{"新型传感器样机试制", "工业软件模块研发", "高性能复合材料中试", "智能装备产线扩产", "检测设备工程化验证", "储能电池模组概念验证",
	"激光加工头研发", "医疗器械注册检验", "伺服电机中试线", "环保催化剂放大生产", "机器视觉模组量产", "精密齿轮工艺验证"}

// caseTitles are the 拨投贷担 support cases.
var caseTitles = []string{"高精密晶圆研磨材料中试项目", "EDA底座工具链概念验证项目", "固态储能材料中试项目", "工业视觉检测装备产业化项目"}

// problemFieldsOf are the technology fields of the problems a project of
// a cluster solves.
var problemFieldsOf = map[string][]string{
	"集成电路": {"半导体设备"}, "高端装备": {"智能钻铣设备", "干式真空干泵", "高端数控机床"}, "机器人": {"工业机器人", "智能钻铣设备"},
	"新能源": {"新能源储能", "智能网联汽车"}, "航空航天": {"航空发动机部件"}, "节能环保": {"干式真空干泵", "新能源储能"},
	"新一代信息技术": {"智能网联汽车", "工业机器人"}, "人工智能": {"智能网联汽车", "工业机器人"},
}

// fit moves problems drawn in any field into the fields of the project's
// cluster, the same draw always to the same field, so the city's draws stay
// as they were.
func fit(cluster string, out []program.Outcome) []program.Outcome {
	fs := problemFieldsOf[cluster]
	if len(fs) == 0 {
		return out
	}
	for i, o := range out {
		if o.Kind != "problem" {
			continue
		}
		to := fs[slices.Index(problemFields, o.Field)%len(fs)]
		out[i].Title = strings.Replace(o.Title, o.Field, to, 1)
		out[i].Field = to
	}
	return out
}
