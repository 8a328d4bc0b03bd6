package tl

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestGeneratedEnterLeavePaired: a decoder whose Enter and Leave do not pair up on some path
// but keep the depth at or above 0 is caught at run time only by the depth left at the end of a
// decode, and only on the paths a test runs (see Enter for why there is no check per pair).
// Every generated decoder must therefore pair them by its shape: each Enter followed, in the
// same block, by one unconditional Leave of the same Buffer with nothing between that can
// leave the block, and no Leave without its Enter. This checks every path of every generated
// decoder of tg, mt, e2e and mini.
func TestGeneratedEnterLeavePaired(t *testing.T) {
	t.Parallel() // some 9 MB to parse
	files, err := filepath.Glob("*/*_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	mini, err := filepath.Glob("internal/mini/*_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, mini...)
	if len(files) < 10 {
		t.Fatalf("%d generated files found, want those of tg, mt, e2e and mini", len(files))
	}
	fset := token.NewFileSet()
	pairs := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(src, []byte(".Enter()")) && !bytes.Contains(src, []byte(".Leave()")) {
			continue
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		n, bad := depthPairs(fset, f)
		pairs += n
		for _, b := range bad {
			t.Error(b)
		}
	}
	if pairs < 400 {
		t.Errorf("%d Enter/Leave pairs in the generated decoders, want the 400 and more they have", pairs)
	}
}

// TestDepthPairsCheck: the shape check of TestGeneratedEnterLeavePaired finds the slips it is
// there for.
func TestDepthPairsCheck(t *testing.T) {
	tests := []struct {
		name string
		body string
		bad  []string
	}{
		{"generated class", `if err := b.Enter(); err != nil { return nil, err }
			var v int
			switch id { case 1: err, v = x.decodeFields(b), 1; default: err = b.UnexpectedID("x", id) }
			b.Leave()
			if err != nil { return nil, err }
			return v, nil`, nil},
		{"generated field", `for range n {
				if err = b.Enter(); err != nil { return err }
				err = x.decodeFields(b)
				b.Leave()
				if err != nil { return err }
			}
			return nil`, nil},
		{"return before Leave", `if err := b.Enter(); err != nil { return err }
			if err := x.decodeFields(b); err != nil { return err }
			b.Leave()
			return nil`, []string{"4: an exit between Enter and its Leave", "5: Leave without its Enter"}},
		{"no Leave", `if err := b.Enter(); err != nil { return err }
			return x.decodeFields(b)`, []string{"4: an exit between Enter and its Leave"}},
		{"no Leave at the end", `if err := b.Enter(); err != nil { return err }
			_ = x.decodeFields(b)`, []string{"3: Enter without its Leave"}},
		{"Leave under a condition", `if err := b.Enter(); err != nil { return err }
			err := x.decodeFields(b)
			if err == nil { b.Leave() }
			return err`, []string{"6: an exit between Enter and its Leave", "5: Leave without its Enter"}},
		{"extra Leave", `if err := b.Enter(); err != nil { return err }
			err := x.decodeFields(b)
			b.Leave()
			b.Leave()
			return err`, []string{"6: Leave without its Enter"}},
		{"other buffer", `if err := b.Enter(); err != nil { return err }
			err := x.decodeFields(b)
			c.Leave()
			return err`, []string{"6: an exit between Enter and its Leave", "5: Leave without its Enter"}},
		{"break out of the loop", `for {
				if err := b.Enter(); err != nil { return err }
				if x.decodeFields(b) != nil { break }
				b.Leave()
			}
			return nil`, []string{"5: an exit between Enter and its Leave", "6: Leave without its Enter"}},
		{"break in a nested switch", `if err := b.Enter(); err != nil { return err }
			switch id { case 1: break }
			b.Leave()
			return nil`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package p\nfunc f() error {\n" + tt.body + "\n}\n"
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "f.go", src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			_, bad := depthPairs(fset, f)
			var got []string
			for _, b := range bad {
				got = append(got, strings.TrimPrefix(b, "f.go:"))
			}
			if diff := cmp.Diff(tt.bad, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// depthPairs returns how many Enter/Leave pairs f's functions hold and a finding for each
// Enter or Leave that does not pair up by shape (see TestGeneratedEnterLeavePaired).
func depthPairs(fset *token.FileSet, f *ast.File) (pairs int, bad []string) {
	report := func(n ast.Node, what string) {
		p := fset.Position(n.Pos())
		bad = append(bad, fmt.Sprintf("%s:%d: %s", p.Filename, p.Line, what))
	}
	paired := map[ast.Stmt]bool{} // the Leave statements an Enter took
	block := func(list []ast.Stmt) {
		for i, st := range list {
			recv, ok := enterStmt(st)
			if !ok {
				continue
			}
			done := false
			for _, next := range list[i+1:] {
				if r, ok := depthCall(next, "Leave"); ok && r == recv {
					paired[next], done = true, true
					pairs++
					break
				}
				if exits(next) {
					report(next, "an exit between Enter and its Leave")
					done = true
					break
				}
			}
			if !done {
				report(st, "Enter without its Leave")
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			block(n.List)
		case *ast.CaseClause:
			block(n.Body)
		case *ast.CommClause:
			block(n.Body)
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		if st, ok := n.(ast.Stmt); ok {
			if _, leave := depthCall(st, "Leave"); leave && !paired[st] {
				report(st, "Leave without its Enter")
			}
		}
		return true
	})
	return pairs, bad
}

// enterStmt matches `if err := recv.Enter(); err != nil { ... }` (or `err =`) and returns recv.
func enterStmt(st ast.Stmt) (string, bool) {
	is, ok := st.(*ast.IfStmt)
	if !ok || is.Init == nil {
		return "", false
	}
	as, ok := is.Init.(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return "", false
	}
	return callOn(as.Rhs[0], "Enter")
}

// depthCall matches the statement `recv.name()` and returns recv.
func depthCall(st ast.Stmt, name string) (string, bool) {
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return "", false
	}
	return callOn(es.X, name)
}

// callOn matches the call `recv.name()` and returns recv.
func callOn(e ast.Expr, name string) (string, bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 0 {
		return "", false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return "", false
	}
	recv, ok := sel.X.(*ast.Ident)
	if !ok {
		return "", false
	}
	return recv.Name, true
}

// exits reports whether st may leave the block it is in: a return, a goto, a panic, or a
// break or continue not inside a loop, switch or select of st's own.
func exits(st ast.Stmt) bool {
	out := false
	var walk func(n ast.Node, nested bool)
	walk = func(n ast.Node, nested bool) {
		ast.Inspect(n, func(c ast.Node) bool {
			if out || c == nil {
				return false
			}
			switch c := c.(type) {
			case *ast.FuncLit:
				return false // runs only if called; a call inside is a plain call
			case *ast.ReturnStmt:
				out = true
			case *ast.BranchStmt:
				out = c.Tok == token.GOTO || c.Label != nil || !nested
			case *ast.CallExpr:
				if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "panic" {
					out = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if c != n {
					walk(c, true)
					return false
				}
				nested = true // st is the loop or switch: its breaks stay in it
			}
			return true
		})
	}
	walk(st, false)
	return out
}
