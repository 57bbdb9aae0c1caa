package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
)

// use is one place a message is formatted with a literal key and a fixed
// number of arguments.
type use struct {
	where string
	key   string
	args  int
}

// wants is how many arguments key's messages take, and whether every
// language picks them by index (then extra arguments are harmless).
func wants(key string) (n int, indexed bool) {
	indexed = true
	for _, lang := range Supported {
		msg := catalogs[lang][key]
		_, m, _ := verbs(msg)
		n = max(n, m)
		if m > 0 && !strings.Contains(msg, "%[") {
			indexed = false
		}
	}
	return n, indexed
}

// goUses finds calls in the Go sources under root: i18n.T(lang, "key", …),
// problem.New(kind, "key", …), problem.Invalid(field, "key", …) and the
// pages' p.T("key", …); and notices, Notice{Kind: "k", Args: …}, which
// read as message notice.k.
func goUses(t *testing.T, root string) []use {
	var out []use
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.CompositeLit); ok { // Notice{Kind: "k", Args: []any{…}}: message notice.k
				kind, args := "", -1
				for _, e := range lit.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					switch k, _ := kv.Key.(*ast.Ident); {
					case k == nil:
					case k.Name == "Kind":
						if b, ok := kv.Value.(*ast.BasicLit); ok && b.Kind == token.STRING {
							kind, _ = strconv.Unquote(b.Value)
						}
					case k.Name == "Args":
						if a, ok := kv.Value.(*ast.CompositeLit); ok {
							args = len(a.Elts)
						}
					}
				}
				if kind != "" && args >= 0 {
					out = append(out, use{where: fset.Position(lit.Pos()).String(), key: "notice." + kind, args: args})
				}
				return true
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || call.Ellipsis.IsValid() {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			at := -1
			switch x, _ := sel.X.(*ast.Ident); {
			case x != nil && x.Name == "i18n" && sel.Sel.Name == "T",
				x != nil && x.Name == "problem" && (sel.Sel.Name == "New" || sel.Sel.Name == "Invalid"):
				at = 1
			case x != nil && (x.Name == "p" || x.Name == "page") && sel.Sel.Name == "T":
				at = 0
			}
			if at < 0 || len(call.Args) <= at {
				return true
			}
			lit, ok := call.Args[at].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			out = append(out, use{where: fset.Position(call.Pos()).String(), key: key, args: len(call.Args) - at - 1})
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// templateUses finds {{.T "key" …}} and {{$.T "key" …}} in the templates.
func templateUses(t *testing.T, dir string) []use {
	var out []use
	files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tr := parse.New(path)
		tr.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := tr.Parse(string(b), "{{", "}}", trees); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var cur *parse.Tree
		var walk func(n parse.Node)
		walk = func(n parse.Node) {
			switch n := n.(type) {
			case *parse.ListNode:
				if n != nil {
					for _, c := range n.Nodes {
						walk(c)
					}
				}
			case *parse.ActionNode:
				walk(n.Pipe)
			case *parse.PipeNode:
				if n == nil {
					return
				}
				for _, c := range n.Cmds {
					walk(c)
				}
			case *parse.CommandNode:
				if len(n.Args) >= 2 {
					method := ""
					switch f := n.Args[0].(type) {
					case *parse.FieldNode:
						method = f.Ident[len(f.Ident)-1]
					case *parse.VariableNode:
						method = f.Ident[len(f.Ident)-1]
					}
					if s, ok := n.Args[1].(*parse.StringNode); ok && method == "T" {
						loc, _ := cur.ErrorContext(n)
						out = append(out, use{where: loc, key: s.Text, args: len(n.Args) - 2})
					}
				}
				for _, a := range n.Args {
					walk(a)
				}
			case *parse.IfNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			case *parse.RangeNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			case *parse.WithNode:
				walk(n.Pipe)
				walk(n.List)
				walk(n.ElseList)
			case *parse.TemplateNode:
				walk(n.Pipe)
			}
		}
		for _, tree := range trees {
			cur = tree
			walk(tree.Root)
		}
	}
	return out
}

// TestCallersPassTheArgumentsMessagesTake: every message formatted with a
// literal key in the Go sources and the page templates gets as many
// arguments as its verbs take (more only when it picks them by index), so
// no page shows "%!(EXTRA …)" or "%!v(MISSING)".
func TestCallersPassTheArgumentsMessagesTake(t *testing.T) {
	once.Do(load)
	uses := goUses(t, filepath.Join("..", "..", "internal"))
	areas, _ := filepath.Glob(filepath.Join("..", "web", "*", "templates")) // the area packages' templates
	for _, dir := range append([]string{filepath.Join("..", "web", "templates")}, areas...) {
		uses = append(uses, templateUses(t, dir)...)
	}
	if len(uses) < 100 {
		t.Fatalf("found only %d uses: the scan is broken", len(uses))
	}
	for _, u := range uses {
		if _, ok := catalogs[ZH][u.key]; !ok {
			continue // a key built at run time, or not a message
		}
		n, indexed := wants(u.key)
		if u.args < n || (u.args > n && !indexed) {
			t.Errorf("%s: %s takes %d arguments, given %d", u.where, u.key, n, u.args)
		}
	}
}
