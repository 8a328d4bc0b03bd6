package world

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestLockReleasedOnPanic makes methods panic while they hold the world's lock (the clock
// is read under it) and checks the lock is free afterwards: the dispatcher answers a
// panicking handler 500 INTERNAL and goes on serving, which must not find the world locked.
func TestLockReleasedOnPanic(t *testing.T) {
	var broken atomic.Bool
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := New(Config{
		Now: func() time.Time {
			if broken.Load() {
				panic("clock bug")
			}
			return now
		},
		Rand: crypto.NewDeterministicReader(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000001"})
	if err != nil {
		t.Fatal(err)
	}
	key := KeyID{1}
	if err := w.Authorize(key, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.RegisterWebFile(webURLA, []byte("data"), "application/octet-stream"); err != nil {
		t.Fatal(err)
	}
	doc, err := w.WebDocument(a.ID, webURLA)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func()
	}{
		{"GetWebFile", func() {
			_, _ = w.GetWebFile(key, &tg.InputWebFileLocation{URL: webURLA, AccessHash: doc.AccessHash}, 0, 4096)
		}},
		{"SendMessage", func() {
			_, _ = w.SendMessage(key, &tg.InputPeerSelf{}, Draft{Text: "hi", RandomID: 1})
		}},
	}
	for _, tt := range tests {
		ok := t.Run(tt.name, func(t *testing.T) {
			broken.Store(true)
			func() {
				defer func() {
					if recover() == nil {
						t.Error("the call did not panic")
					}
				}()
				tt.call()
			}()
			broken.Store(false)
			if !w.mu.TryLock() {
				t.Fatal("the world is still locked after the panic")
			}
			w.mu.Unlock()
		})
		if !ok {
			return // the next call would wait for the lock forever
		}
	}
}

// TestLocksAreDeferred checks the rule TestLockReleasedOnPanic samples, for every lock the
// package takes: each Lock is followed at once by the deferred Unlock, so no early return
// and no panic can leave the world (or one of its parts) locked.
func TestLocksAreDeferred(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var list []ast.Stmt
			switch b := n.(type) {
			case *ast.BlockStmt:
				list = b.List
			case *ast.CaseClause:
				list = b.Body
			case *ast.CommClause:
				list = b.Body
			default:
				return true
			}
			for i, s := range list {
				recv, ok := lockCall(s, "Lock")
				if !ok {
					continue
				}
				next := ""
				if i+1 < len(list) {
					if d, ok := list[i+1].(*ast.DeferStmt); ok {
						next, _ = callOn(d.Call, "Unlock")
					}
				}
				if next != recv {
					t.Errorf("%s: %s.Lock() is not followed by defer %s.Unlock()", fset.Position(s.Pos()), recv, recv)
				}
			}
			return true
		})
	}
}

// lockCall reports whether s is the statement recv.method() and returns recv as source.
func lockCall(s ast.Stmt, method string) (string, bool) {
	e, ok := s.(*ast.ExprStmt)
	if !ok {
		return "", false
	}
	c, ok := e.X.(*ast.CallExpr)
	if !ok {
		return "", false
	}
	return callOn(c, method)
}

// callOn reports whether c calls method on some receiver, returned as source text.
func callOn(c *ast.CallExpr, method string) (string, bool) {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != method || len(c.Args) != 0 {
		return "", false
	}
	var b strings.Builder
	if err := formatExpr(&b, sel.X); err != nil {
		return "", false
	}
	return b.String(), true
}

// formatExpr writes a selector chain (w.mu, s.w.mu) as source.
func formatExpr(b *strings.Builder, e ast.Expr) error {
	switch e := e.(type) {
	case *ast.Ident:
		b.WriteString(e.Name)
	case *ast.SelectorExpr:
		if err := formatExpr(b, e.X); err != nil {
			return err
		}
		b.WriteString("." + e.Sel.Name)
	default:
		return os.ErrInvalid
	}
	return nil
}
