package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// moduleRoot is the repository, from this package's folder.
const moduleRoot = "../../.."

// reTemplateText finds the texts a template translates: {{t "…"}}.
var reTemplateText = regexp.MustCompile(`\{\{t "((?:[^"\\]|\\.)*)"`)

// formats finds every message format the product code passes to this
// package: msg.Errorf, msg.New and msg.T, and the printers' Text and Say.
// A format that is not a string literal is reported as such: its
// translation could not be checked.
func formats(t *testing.T) (found map[string]string, dynamic []string) {
	found = map[string]string{}
	fset := token.NewFileSet()
	self, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != moduleRoot {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tmpl") {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range reTemplateText.FindAllSubmatch(data, -1) {
				s, err := strconv.Unquote(`"` + string(m[1]) + `"`)
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				found[s] = path
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if dir, _ := filepath.Abs(filepath.Dir(path)); dir == self { // this package: its own plumbing
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			arg := formatArg(call)
			if arg < 0 {
				return true
			}
			where := fset.Position(call.Pos()).String()
			if id, ok := call.Args[arg].(*ast.Ident); ok && id.Name == "format" {
				return true // a wrapper such as usagef: its callers' formats are checked
			}
			s, ok := literal(call.Args[arg])
			if !ok {
				dynamic = append(dynamic, where)
				return true
			}
			found[s] = where
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found, dynamic
}

// formatArg is the index of the message format among a call's arguments,
// or -1 for a call that takes none: msg.Errorf, msg.New and msg.T, a
// printer's Text and Say, and the command's usagef.
func formatArg(call *ast.CallExpr) int {
	arg := -1
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		switch fn.Name {
		case "usagef":
			arg = 0
		case "Errorf": // ranges.Errorf(pos, format, ...), inside package ranges
			if len(call.Args) >= 2 {
				arg = 1
			}
		}
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok && id.Name == "msg" {
			switch fn.Sel.Name {
			case "Errorf", "New", "T":
				arg = 0
			}
		}
		if id, ok := fn.X.(*ast.Ident); ok && id.Name == "ranges" && fn.Sel.Name == "Errorf" {
			arg = 1
		}
		switch fn.Sel.Name {
		case "Text":
			if len(call.Args) > 0 {
				arg = 0
			}
		case "Say":
			arg = 1
		}
	}
	if arg >= len(call.Args) {
		return -1
	}
	return arg
}

// literal is the value of a string literal, or of literals joined with +.
func literal(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return literal(x.X)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(x.X)
		b, ok2 := literal(x.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

// TestEveryMessageTranslated fails when a message of the code has no
// Traditional Chinese translation, or a translation loses or reorders a
// verb, or the catalog keeps a translation no code uses.
func TestEveryMessageTranslated(t *testing.T) {
	found, dynamic := formats(t)
	for _, where := range dynamic {
		t.Errorf("%s: the message format is not a string literal: its translation cannot be checked", where)
	}
	var missing []string
	for f, where := range found {
		if !Translated(f) {
			missing = append(missing, where+": "+strconv.Quote(f))
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("no zh-TW translation: %s", m)
	}
	for _, k := range Keys() {
		if _, ok := found[k]; !ok && k != "language %q: want en or zh-TW" {
			t.Errorf("the catalog translates %q, which no code uses", k)
		}
		if a, b := verbs(k), verbs(zhTW[k]); !slices.Equal(a, b) {
			t.Errorf("%q: the translation's verbs %v differ from the English %v", k, b, a)
		}
	}
}

// verbs lists a format's verbs in argument order, explicit indexes
// ([2]) honoured, so a translation may reorder them but not change them.
func verbs(format string) []string {
	var out []string
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		idx := -1
		if i < len(format) && format[i] == '[' {
			j := strings.IndexByte(format[i:], ']')
			n, _ := strconv.Atoi(format[i+1 : i+j])
			idx = n - 1
			i += j + 1
		}
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i >= len(format) {
			break
		}
		if idx < 0 {
			idx = arg
		}
		for len(out) <= idx {
			out = append(out, "")
		}
		v := string(format[i])
		if v == "w" { // Errorf's %w prints as %v
			v = "v"
		}
		out[idx] = v
		arg = idx + 1
	}
	return out
}

// untranslatable lists the calls that make user-visible text without a
// translation: fmt.Errorf and errors.New. Every error of the product is a
// msg error; the exceptions are code whose text is not ours to translate:
// this package's plumbing, the simulated portal's answers (portalsim), and
// test-fixture writers.
func TestNoUntranslatableErrors(t *testing.T) {
	fset := token.NewFileSet()
	self, _ := filepath.Abs(".")
	var bad []string
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "portalsim", "xlsxfixture":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && path != moduleRoot {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		if dir, _ := filepath.Abs(filepath.Dir(path)); dir == self {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if ok && (id.Name == "fmt" && sel.Sel.Name == "Errorf" || id.Name == "errors" && sel.Sel.Name == "New") {
				bad = append(bad, fset.Position(call.Pos()).String())
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s: an error without a translation: use msg.Errorf or msg.New", b)
	}
}
