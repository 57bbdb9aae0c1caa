package programsweb

import (
	"testing"

	"github.com/xinzhi-platform/xinzhi/internal/program"
)

// TestTableBooleanReads: a ticked box in a table (a milestone done) reads
// as yes in the reader's language on a record's page, and stays "on" in
// the form that edits it.
func TestTableBooleanReads(t *testing.T) {
	tpl, err := program.Parse([]byte(`key: t_ms
name: 测试
version: 1
form:
  - key: milestones
    label: 进度安排
    type: table
    columns:
      - {key: deliverable, label: 考核指标, type: text}
      - {key: done, label: 已完成, type: boolean}
stages:
  - {key: draft, name: 草稿, initial: true}
  - {key: done, name: 完成, terminal: true}
transitions:
  - {key: finish, name: 完成, from: draft, to: done, by: [owner]}
`))
	if err != nil {
		t.Fatal(err)
	}
	data := map[string]any{"milestones": []any{map[string]any{"deliverable": "样机", "done": true}, map[string]any{"deliverable": "中试", "done": false}}}
	for _, c := range []struct {
		lang      string
		editable  bool
		done, not string
	}{{"zh-CN", false, "是", "否"}, {"en", false, "yes", "no"}, {"zh-CN", true, "on", ""}} {
		fs := formFields(tpl, data, nil, c.lang, nil, c.editable, false)
		if len(fs) != 1 || len(fs[0].Rows) < 2 || fs[0].Rows[0][1] != c.done || fs[0].Rows[1][1] != c.not {
			t.Errorf("%s editable=%v: %+v", c.lang, c.editable, fs)
		}
	}
}
