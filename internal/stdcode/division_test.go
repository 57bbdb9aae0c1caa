package stdcode

import (
	"strings"
	"testing"
)

func TestLookupDivision(t *testing.T) {
	cases := []struct {
		code, name, en, level string
		historical            bool
		replacedBy            string
		until                 int
	}{
		{"210000", "辽宁省", "Liaoning", LevelProvince, false, "", 0},
		{"210100", "沈阳市", "Shenyang", LevelCity, false, "", 0},
		{"210112", "浑南区", "Hunnan", LevelDistrict, false, "", 0},
		{"２１０１１３", "沈北新区", "Shenbei New District", LevelDistrict, false, "", 0},
		{"210122", "辽中县", "Liaozhong County", LevelDistrict, true, "210115", 2015},
		{"210181", "新民市", "Xinmin", LevelDistrict, false, "", 0},
	}
	for _, c := range cases {
		d, ok := LookupDivision(c.code)
		if !ok || d.Name != c.name || d.NameEN != c.en || d.Level != c.level ||
			d.Historical != c.historical || d.ReplacedBy != c.replacedBy || d.Until != c.until {
			t.Errorf("LookupDivision(%q) = %+v, %v", c.code, d, ok)
		}
	}
	for _, code := range []string{"", "210101", "210199", "110105", "21011"} {
		if d, ok := LookupDivision(code); ok {
			t.Errorf("LookupDivision(%q) = %+v", code, d)
		}
	}
}

func TestDistricts(t *testing.T) {
	ds := Districts()
	want := []string{"210102", "210103", "210104", "210105", "210106", "210111", "210112",
		"210113", "210114", "210115", "210123", "210124", "210181"}
	if len(ds) != len(want) {
		t.Fatalf("Districts() has %d entries, want %d", len(ds), len(want))
	}
	for i, d := range ds {
		if d.Code != want[i] || d.Historical || d.Level != LevelDistrict || d.Name == "" || d.NameEN == "" {
			t.Errorf("Districts()[%d] = %+v, want code %s", i, d, want[i])
		}
	}
	ds[0].Name = "changed"
	if Districts()[0].Name != "和平区" {
		t.Error("Districts() shares its backing array")
	}
}

func TestLookupDivisionName(t *testing.T) {
	cases := []struct {
		name, code, got string
		historical      bool
	}{
		{"浑南区", "210112", "浑南区", false},
		{"浑南", "210112", "浑南区", false},
		{" 浑南区 ", "210112", "浑南区", false},
		{"hunnan", "210112", "浑南区", false},
		{"东陵区", "210112", "东陵区", true},
		{"东陵", "210112", "东陵区", true},
		{"Dongling", "210112", "东陵区", true},
		{"辽中县", "210122", "辽中县", true},
		{"辽中", "210115", "辽中区", false},
		{"辽中区", "210115", "辽中区", false},
		{"沈北新区", "210113", "沈北新区", false},
		{"沈北", "210113", "沈北新区", false},
		{"沈阳市", "210100", "沈阳市", false},
		{"辽宁", "210000", "辽宁省", false},
		{"新民市", "210181", "新民市", false},
	}
	for _, c := range cases {
		d, ok := LookupDivisionName(c.name)
		if !ok || d.Code != c.code || d.Name != c.got || d.Historical != c.historical {
			t.Errorf("LookupDivisionName(%q) = %+v, %v", c.name, d, ok)
		}
	}
	for _, name := range []string{"", "朝阳区", "区", "Beijing"} {
		if d, ok := LookupDivisionName(name); ok {
			t.Errorf("LookupDivisionName(%q) = %+v", name, d)
		}
	}
}

func TestCheckDivision(t *testing.T) {
	for _, code := range []string{"210000", "210100", "210102", "210112", " 210181 "} {
		for _, hist := range []bool{false, true} {
			if d, err := CheckDivision(code, hist); err != nil || d.Historical {
				t.Errorf("CheckDivision(%q, %v) = %+v, %v", code, hist, d, err)
			}
		}
	}
	if d, err := CheckDivision("210122", true); err != nil || !d.Historical || d.ReplacedBy != "210115" {
		t.Errorf("CheckDivision(210122, true) = %+v, %v", d, err)
	}

	d, err := CheckDivision("210122", false)
	e := wantError(t, err, CodeDivisionHistorical)
	if d.Code != "210122" {
		t.Errorf("historical record not returned: %+v", d)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		m := e.Message(lang)
		if !strings.Contains(m, "210115") || !strings.Contains(m, "2015") || !strings.Contains(m, "210122") {
			t.Errorf("%s message = %q", lang, m)
		}
	}
	if m := e.Message("zh-CN"); m != "行政区划代码 210122（辽中县）已于 2015 年被 210115（辽中区）取代，请改用新代码" {
		t.Errorf("zh message = %q", m)
	}

	for _, code := range []string{"210199", "", "abc", "1101050"} {
		_, err := CheckDivision(code, false)
		e := wantError(t, err, CodeDivisionUnknown)
		if m := e.Message("en"); !strings.Contains(m, "210102") || strings.Contains(m, "210122") {
			t.Errorf("unknown message = %q", m)
		}
	}
	_, err = CheckDivision("210199", true)
	if m := wantError(t, err, CodeDivisionUnknown).Message("zh-CN"); !strings.Contains(m, "210122") {
		t.Errorf("unknown message with history = %q", m)
	}
}
