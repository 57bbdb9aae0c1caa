package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
	"github.com/xinzhi-platform/xinzhi/internal/store"
	"github.com/xinzhi-platform/xinzhi/internal/store/storetest"
	"github.com/xinzhi-platform/xinzhi/programs"
)

// TestShippedPersonFieldsApply: every shipped program whose form names a
// person can be applied for, the person given by name as a clerk types it
// (no script, no internal number), and the record names that person. At
// head before the pickers, 10 of the 35 templates refused every such form
// ("须从列表中选择") because a person could only be given as an id.
func TestShippedPersonFieldsApply(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		people := pickerCity(t, e)
		if _, err := program.PublishShipped(ctx, db, programs.Files); err != nil {
			t.Fatal(err)
		}
		progs, err := program.Programs(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		org := e.client()
		org.signIn("u-org", pw)
		tried := 0
		latest := map[string]program.Published{}
		children := map[string]bool{} // a bid is made on its challenge, not in a call of its own
		for _, p := range progs {
			pub, err := program.Latest(ctx, db, p.Key)
			if err != nil {
				t.Fatal(err)
			}
			latest[p.Key] = pub
			for _, c := range pub.Template.Children {
				children[c.Template] = true
			}
		}
		for _, p := range progs {
			pub := latest[p.Key]
			tp := pub.Template
			var person string
			for _, f := range tp.Form {
				if f.Type == "person" && f.When == "" {
					person = f.Key
					break
				}
			}
			if person == "" || children[p.Key] || !tp.Applicable() { // staff register the others
				continue
			}
			tried++
			call, err := program.OpenCall(ctx, db, program.Call{TemplateID: pub.ID, Key: "ship-" + strings.ReplaceAll(p.Key, "_", "-"), Name: tp.Name + "测试批次", Opens: "2020-01-01", Closes: "2099-12-31"})
			if err != nil {
				t.Fatal(err)
			}
			form := url.Values{person: {"王振东"}}
			if k := tp.TitleField(); k != "" {
				form.Set(k, tp.Name+"申报")
			}
			resp, body := org.send(fmt.Sprintf("/calls/%d/apply", call.ID), form, nil)
			if resp.StatusCode >= 400 {
				t.Errorf("%s: applying with %s by name: %d\n%s", p.Key, person, resp.StatusCode, problems(body))
				continue
			}
			var id int64
			if err := db.QueryRowContext(ctx, `SELECT id FROM projects WHERE call_id = ?`, call.ID).Scan(&id); err != nil {
				t.Errorf("%s: no record: %v", p.Key, err)
				continue
			}
			pr, err := program.GetProject(ctx, db, id)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := pr.Data[person].(float64); int64(got) != people["王振东"].ID {
				t.Errorf("%s: the record names %v in %s, want person %d", p.Key, pr.Data[person], person, people["王振东"].ID)
			}
			if _, page := org.get(fmt.Sprintf("/projects/%d", id)); !strings.Contains(page, "王振东") {
				t.Errorf("%s: the record's page does not name 王振东", p.Key)
			}
		}
		if tried < 8 {
			t.Errorf("only %d shipped programs with a person field tried", tried)
		}
	})
}

// problems is the text of a refused form's messages, for a failure.
func problems(body string) string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if strings.Contains(line, "须") || strings.Contains(line, "error") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, "\n")
}
