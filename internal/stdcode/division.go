package stdcode

import "strings"

// Levels of a Division.
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelDistrict = "district" // districts, counties and county-level cities
)

// Division is an administrative division code of GB/T 2260.
type Division struct {
	Code       string // six digits
	Name       string // Chinese name
	NameEN     string // English name
	Level      string // LevelProvince, LevelCity or LevelDistrict
	Historical bool   // a code or name no longer in use, accepted on old records
	ReplacedBy string // for historical records: the current code (equal to Code when only the name changed)
	Until      int    // for historical records: the year it was replaced
}

// divisionEntry is a table row: a Division and its short name.
type divisionEntry struct {
	Division
	short string
}

// currentDivisions are in code order (GB/T 2260, 2024).
var currentDivisions = []divisionEntry{
	{Division{Code: "210000", Name: "辽宁省", NameEN: "Liaoning", Level: LevelProvince}, "辽宁"},
	{Division{Code: "210100", Name: "沈阳市", NameEN: "Shenyang", Level: LevelCity}, "沈阳"},
	{Division{Code: "210102", Name: "和平区", NameEN: "Heping", Level: LevelDistrict}, "和平"},
	{Division{Code: "210103", Name: "沈河区", NameEN: "Shenhe", Level: LevelDistrict}, "沈河"},
	{Division{Code: "210104", Name: "大东区", NameEN: "Dadong", Level: LevelDistrict}, "大东"},
	{Division{Code: "210105", Name: "皇姑区", NameEN: "Huanggu", Level: LevelDistrict}, "皇姑"},
	{Division{Code: "210106", Name: "铁西区", NameEN: "Tiexi", Level: LevelDistrict}, "铁西"},
	{Division{Code: "210111", Name: "苏家屯区", NameEN: "Sujiatun", Level: LevelDistrict}, "苏家屯"},
	{Division{Code: "210112", Name: "浑南区", NameEN: "Hunnan", Level: LevelDistrict}, "浑南"},
	{Division{Code: "210113", Name: "沈北新区", NameEN: "Shenbei New District", Level: LevelDistrict}, "沈北"},
	{Division{Code: "210114", Name: "于洪区", NameEN: "Yuhong", Level: LevelDistrict}, "于洪"},
	{Division{Code: "210115", Name: "辽中区", NameEN: "Liaozhong", Level: LevelDistrict}, "辽中"},
	{Division{Code: "210123", Name: "康平县", NameEN: "Kangping County", Level: LevelDistrict}, "康平"},
	{Division{Code: "210124", Name: "法库县", NameEN: "Faku County", Level: LevelDistrict}, "法库"},
	{Division{Code: "210181", Name: "新民市", NameEN: "Xinmin", Level: LevelDistrict}, "新民"},
}

// historicalDivisions are codes and names found on old records.
var historicalDivisions = []divisionEntry{
	{Division{Code: "210112", Name: "东陵区", NameEN: "Dongling", Level: LevelDistrict,
		Historical: true, ReplacedBy: "210112", Until: 2014}, "东陵"},
	{Division{Code: "210122", Name: "辽中县", NameEN: "Liaozhong County", Level: LevelDistrict,
		Historical: true, ReplacedBy: "210115", Until: 2015}, ""},
}

// LookupDivision returns the division with the given code (normalised
// first): the current record, or else a historical one such as 210122.
func LookupDivision(code string) (Division, bool) {
	c := normalize(code)
	for _, tables := range [][]divisionEntry{currentDivisions, historicalDivisions} {
		for _, d := range tables {
			if d.Code == c {
				return d.Division, true
			}
		}
	}
	return Division{}, false
}

// Districts returns the current districts and counties of Shenyang in code
// order, for drop-downs. The slice is a fresh copy.
func Districts() []Division {
	var out []Division
	for _, d := range currentDivisions {
		if d.Level == LevelDistrict {
			out = append(out, d.Division)
		}
	}
	return out
}

// LookupDivisionName finds a division by its Chinese name ("浑南区"), short
// name ("浑南") or English name (any case). Current names win; a historical
// name returns its historical record ("东陵区" gives 210112 with Historical
// set, "辽中县" gives 210122).
func LookupDivisionName(name string) (Division, bool) {
	n := normalizeText(name)
	if n == "" {
		return Division{}, false
	}
	for _, tables := range [][]divisionEntry{currentDivisions, historicalDivisions} {
		for _, d := range tables {
			if d.Name == n || d.short == n || strings.EqualFold(d.NameEN, n) {
				return d.Division, true
			}
		}
	}
	return Division{}, false
}

// CheckDivision checks a division code (normalised first). Unknown codes
// fail with "division_unknown". A historical code is accepted when
// historicalOK; otherwise it fails with "division_historical" and its
// record is returned with the error, so the caller can offer the new code.
func CheckDivision(code string, historicalOK bool) (Division, error) {
	c := normalize(code)
	d, ok := LookupDivision(c)
	if !ok {
		return Division{}, newError(CodeDivisionUnknown, termDivision, c, acceptedCodes(historicalOK))
	}
	if d.Historical && !historicalOK {
		repl, _ := LookupDivision(d.ReplacedBy)
		return d, newError(CodeDivisionHistorical, termDivision, d, repl, d.Until)
	}
	return d, nil
}

// acceptedCodes lists the codes CheckDivision accepts, for its message.
func acceptedCodes(historicalOK bool) string {
	var codes []string
	for _, d := range currentDivisions {
		codes = append(codes, d.Code)
	}
	if historicalOK {
		for _, d := range historicalDivisions {
			if d.ReplacedBy != d.Code {
				codes = append(codes, d.Code)
			}
		}
	}
	return strings.Join(codes, ", ")
}
