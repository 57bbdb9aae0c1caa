package program

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/xinzhi-platform/xinzhi/internal/i18n"
)

// Problem is one thing wrong with a template, at a line of its YAML.
type Problem struct {
	Line int
	Key  string // message key in the i18n catalogue
	Args []any
}

// Message says what is wrong and what to fix, in lang.
func (p Problem) Message(lang string) string {
	msg := i18n.T(lang, p.Key, p.Args...)
	if p.Line > 0 {
		return i18n.T(lang, "program.at_line", p.Line) + msg
	}
	return msg
}

func (p Problem) Error() string { return p.Message(i18n.EN) }

// Problems is a list of problems that is also an error.
type Problems []Problem

func (ps Problems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "; ")
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// Parse reads a template from YAML and checks it (Check). It returns every
// problem found, each naming its line; a template with problems is not
// returned.
func Parse(data []byte) (*Template, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return nil, Problems{yamlProblem(err)}
	}
	if len(root.Content) == 0 {
		return nil, Problems{{Key: "program.empty"}}
	}
	var ps Problems
	ps = append(ps, unknownKeys(root.Content[0], reflect.TypeOf(Template{}))...)
	var t Template
	if err := root.Content[0].Decode(&t); err != nil {
		return nil, append(ps, yamlProblem(err))
	}
	ps = append(ps, Check(&t)...)
	if len(ps) > 0 {
		return nil, ps
	}
	return &t, nil
}

func yamlProblem(err error) Problem {
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return Problem{Line: line, Key: "program.yaml", Args: []any{te.Errors[0]}}
	}
	return Problem{Line: line, Key: "program.yaml", Args: []any{err.Error()}}
}

// unknownKeys walks a mapping node against a struct type and reports keys the
// struct does not have (a misspelt "requried" must not pass silently).
func unknownKeys(n *yaml.Node, t reflect.Type) []Problem {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct {
		return nil
	}
	fields := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
		if tag != "" && tag != "-" {
			fields[tag] = t.Field(i).Type
		}
	}
	var ps []Problem
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ft, ok := fields[k.Value]
		if !ok {
			ps = append(ps, Problem{Line: k.Line, Key: "program.unknown_key", Args: []any{k.Value, strings.Join(keysOf(fields), ", ")}})
			continue
		}
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct:
			ps = append(ps, unknownKeys(v, ft)...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct && v.Kind == yaml.SequenceNode:
			for _, item := range v.Content {
				ps = append(ps, unknownKeys(item, ft.Elem())...)
			}
		}
	}
	return ps
}

func keysOf(m map[string]reflect.Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// Marshal writes a template as YAML.
func Marshal(t *Template) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(t); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return buf.Bytes(), enc.Close()
}
