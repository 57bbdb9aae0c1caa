package audit

import (
	"reflect"
	"testing"
)

func TestChanges(t *testing.T) {
	cases := []struct {
		before, after string
		want          []FieldChange
	}{
		{`{"name":"旧","org_id":3}`, `{"name":"新","org_id":3}`, []FieldChange{{"name", "旧", "新"}}},
		{``, `{"roles":["viewer"],"id":7}`, []FieldChange{{"id", "", "7"}, {"roles", "", `["viewer"]`}}},
		{`{"a":1}`, `{"a":1}`, nil},
		{`not json`, `{"a":1}`, []FieldChange{{"", "not json", `{"a":1}`}}},
	}
	for _, c := range cases {
		got := Event{Before: c.before, After: c.after}.Changes()
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Changes(%s → %s) = %v, want %v", c.before, c.after, got, c.want)
		}
	}
}
