package democity

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/returns"
	"github.com/xinzhi-platform/xinzhi/returnforms"
)

// periodicReturns: the aggregates other departments file. Talent work
// (人社局 and the talent office, each half year): 472 talents and 98,621
// graduates in the first half of 2025. The four universities the city
// supports (yearly, 2023 and 2024): 3 national teaching awards, 39
// national-level talents, 12 high-level teams. The three operators' 5G
// base stations per district and month from January 2024: 5,010 built in
// 2024 and 45,000 in service at its end. It draws from its own random
// source, so the rest of the city does not move when it changes.
func (g *gen) periodicReturns() error {
	rng := rand.New(rand.NewPCG(g.opt.Seed, 0x7e7a))
	if _, err := returns.PublishShipped(g.ctx, g.db, returnforms.Files); err != nil {
		return err
	}
	units := []registry.Organisation{
		{Name: "沈阳市人力资源和社会保障局", Kind: "government", District: "210103"},
		{Name: "中共沈阳市委人才工作领导小组办公室", Kind: "government", District: "210103"},
		{Name: "中国移动通信集团辽宁有限公司沈阳分公司", Kind: "enterprise", District: "210103", Size: "large"},
		{Name: "中国联合网络通信有限公司沈阳市分公司", Kind: "enterprise", District: "210102", Size: "large"},
		{Name: "中国电信股份有限公司沈阳分公司", Kind: "enterprise", District: "210104", Size: "large"},
	}
	for i := range units {
		units[i].CreditCode = g.creditCode(units[i].Kind, units[i].District)
		units[i].Founded, units[i].Description = "1998-01-01", "演示数据：数据填报单位"
	}
	if err := g.insertOrgs(units); err != nil {
		return err
	}
	g.sum.Organisations += len(units)
	at := func(s string, h int) time.Time { return day(s).Add(time.Duration(h) * time.Hour) }
	one := func(x float64) map[string]float64 { return map[string]float64{"": x} }

	talent := []returns.Seeded{}
	for _, p := range []struct {
		period, filed, accepted string
		hr, office              [3]float64 // talents, graduates, service cases
	}{
		{"2024H1", "2024-07-10", "2024-07-15", [3]float64{268, 91230, 1620}, [3]float64{141, 0, 380}},
		{"2024H2", "2025-01-09", "2025-01-14", [3]float64{305, 23110, 1710}, [3]float64{166, 0, 402}},
		{"2025H1", "2025-06-27", "2025-06-30", [3]float64{300, 98621, 1860}, [3]float64{172, 0, 412}},
	} {
		for i, v := range [][3]float64{p.hr, p.office} {
			talent = append(talent, returns.Seeded{OrganisationID: units[i].ID, Period: p.period, Submitted: at(p.filed, 10), Accepted: at(p.accepted, 15),
				Values: returns.Values{"talents_introduced": one(v[0]), "graduates_retained": one(v[1]), "talent_service_cases": one(v[2])}})
		}
	}
	unis := []string{"东北大学", "沈阳工业大学", "沈阳农业大学", "沈阳航空航天大学"}
	service := []returns.Seeded{}
	for _, y := range []struct {
		year                   string
		awards, talents, teams [4]float64
	}{
		{"2023", [4]float64{1, 0, 0, 0}, [4]float64{8, 4, 3, 4}, [4]float64{2, 1, 1, 1}},
		{"2024", [4]float64{1, 1, 0, 0}, [4]float64{9, 5, 3, 3}, [4]float64{3, 2, 1, 1}},
	} {
		next := fmt.Sprint(atoiYear(y.year) + 1)
		for i, u := range unis {
			service = append(service, returns.Seeded{OrganisationID: g.named[u], Period: y.year, Submitted: at(next+"-01-20", 10), Accepted: at(next+"-01-24", 15),
				Values: returns.Values{"national_teaching_awards": one(y.awards[i]), "national_talents": one(y.talents[i]), "high_level_teams": one(y.teams[i])}})
		}
	}
	stations, err := g.baseStations(rng, units[2:])
	if err != nil {
		return err
	}
	for _, s := range []struct {
		key string
		xs  []returns.Seeded
		us  []int64
	}{
		{"talent_work", talent, []int64{units[0].ID, units[1].ID}},
		{"university_service", service, []int64{g.named[unis[0]], g.named[unis[1]], g.named[unis[2]], g.named[unis[3]]}},
		{"base_stations", stations, []int64{units[2].ID, units[3].ID, units[4].ID}},
	} {
		f, err := returns.FormByKey(g.ctx, g.db, s.key)
		if err != nil {
			return err
		}
		for _, u := range s.us {
			if err := returns.AddUnit(g.ctx, g.db, f, u); err != nil {
				return err
			}
		}
		if err := returns.Seed(g.ctx, g.db, f, "演示·项目管理员", s.xs); err != nil {
			return err
		}
	}
	return nil
}

func atoiYear(s string) int {
	var y int
	fmt.Sscan(s, &y)
	return y
}

// baseStations: each operator's stations per district, built month by
// month from January 2024 to May 2025, filed and accepted on each month's
// last day (the operators file the month's count as it closes). 2024's
// builds add up to 5,010 and the stations in service at its end to 45,000.
func (g *gen) baseStations(rng *rand.Rand, operators []registry.Organisation) ([]returns.Seeded, error) {
	ds := districts()
	shares := []int{2004, 1503, 1503}   // each operator's 2024 builds
	stock := []int{16000, 12000, 11990} // in service at the end of 2023
	later := []int{120, 90, 90}         // builds a month in 2025
	var out []returns.Seeded
	for o, op := range operators {
		inService := split(rng, stock[o], len(ds))
		monthly := split(rng, shares[o], 12)
		p, _ := returns.ParsePeriod("month", "2024-01")
		for m := 0; m < 17; m++ {
			total := later[o]
			if m < 12 {
				total = monthly[m]
			}
			built := split(rng, total, len(ds))
			v := returns.Values{"built": {}, "in_service": {}}
			for i, d := range ds {
				inService[i] += built[i]
				v["built"][d], v["in_service"][d] = float64(built[i]), float64(inService[i])
			}
			end := p.End().Format(time.DateOnly)
			out = append(out, returns.Seeded{OrganisationID: op.ID, Period: p.String(), Values: v,
				Submitted: day(end).Add(10 * time.Hour), Accepted: day(end).Add(16 * time.Hour)})
			p = p.Next()
		}
	}
	return out, nil
}

// split shares total out over n parts with random weights; the parts add
// up to total exactly.
func split(rng *rand.Rand, total, n int) []int {
	w := make([]int, n)
	sum := 0
	for i := range w {
		w[i] = 1 + rng.IntN(10)
		sum += w[i]
	}
	out := make([]int, n)
	left := total
	for i := range out {
		out[i] = total * w[i] / sum
		left -= out[i]
	}
	for i := 0; left > 0; i = (i + 1) % n {
		out[i]++
		left--
	}
	return out
}
