package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/access"
	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/registry"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestEnglishPagesNameCatalogueEntriesInEnglish: on English pages a
// recognition, a program, a call, a chain's cluster and a challenge's field
// read in English; a call given no English name keeps its Chinese one, and
// Chinese pages stay Chinese.
func TestEnglishPagesNameCatalogueEntriesInEnglish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		if err := registry.Grant(ctx, db, registry.Recognition{Kind: "high_tech", Subject: "organisation", SubjectID: e.orgA.ID, Granted: "2024-12-01"}); err != nil {
			t.Fatal(err)
		}
		pub, _ := program.Latest(ctx, db, "challenge")
		named, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-en", Name: "2025年揭榜挂帅榜单征集", NameEN: "2025 challenge list", Opens: "2020-01-01", Closes: "2099-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "c-zh", Name: "第二批榜单", Opens: "2020-01-01", Closes: "2099-01-01"}); err != nil {
			t.Fatal(err)
		}
		pr, err := program.CreateProject(ctx, db, named.ID, e.orgA.ID, map[string]any{"title": "高纯石英砂提纯", "field": "高端装备"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `UPDATE projects SET stage = 'screened' WHERE id = ?`, pr.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := program.Move(ctx, db, access.Principal{UserID: 1, Name: "m", Roles: []access.Role{access.Manager}}, pr.ID, "publish", ""); err != nil {
			t.Fatal(err)
		}
		org := "/orgs/" + strconv.FormatInt(e.orgA.ID, 10)
		en := e.client()
		en.signIn("u-manager", pw)
		en.post("/lang", url.Values{"lang": {"en"}})
		zh := e.client()
		zh.signIn("u-manager", pw)
		zh.post("/lang", url.Values{"lang": {"zh-CN"}})
		for _, c := range []struct {
			path    string
			en, zh  []string
			notInEN []string
		}{
			{org, []string{"High-tech enterprise certificate", "Open challenge (jiebang guashuai)", "2025 challenge list"}, []string{"高新技术企业认定", "2025年揭榜挂帅榜单征集"}, []string{"高新技术企业认定", "2025年揭榜挂帅榜单征集"}},
			{"/registry", []string{"High-tech enterprise certificate"}, []string{"高新技术企业认定"}, []string{"高新技术企业认定"}},
			{"/programs", []string{"2025 challenge list", "第二批榜单"}, []string{"2025年揭榜挂帅榜单征集"}, []string{"2025年揭榜挂帅榜单征集"}},
			{"/challenges", []string{"High-end equipment"}, []string{"高端装备"}, []string{"高端装备"}},
			{"/calls/" + strconv.FormatInt(named.ID, 10), []string{"2025 challenge list"}, []string{"2025年揭榜挂帅榜单征集"}, nil},
		} {
			_, body := en.get(c.path)
			for _, s := range c.en {
				if !strings.Contains(body, s) {
					t.Errorf("English %s lacks %q", c.path, s)
				}
			}
			for _, s := range c.notInEN {
				if strings.Contains(body, s) {
					t.Errorf("English %s still shows %q", c.path, s)
				}
			}
			_, body = zh.get(c.path)
			for _, s := range c.zh {
				if !strings.Contains(body, s) {
					t.Errorf("Chinese %s lacks %q", c.path, s)
				}
			}
		}
	})
}
