// Package schema parses TL schema files (api.tl, mtproto.tl) into a syntax tree.
//
// It understands the subset of TL that Telegram publishes: comments, the ---types--- and
// ---functions--- sections, explicit constructor ids, namespaces, flags words (flags:#,
// flags2:#), conditional fields (flags.N?Type, flags.N?true), boxed Vector<T> and bare vector<T>,
// bare types (%T and lower-case constructor names), generic queries ({X:Type} query:!X) and the
// built-in declarations at the top of mtproto.tl (int ? = Int; vector {t:Type} # [ t ] = Vector t).
// Errors carry file:line:col; malformed input never panics.
package schema

import (
	"fmt"
	"strings"
)

// Schema is a parsed TL file.
type Schema struct {
	File  string
	Layer int // from a "// LAYER N" comment line, 0 when the file has none
	Decls []*Decl
}

// Decl is one combinator: a constructor (in ---types---) or a function (in ---functions---).
type Decl struct {
	Name    string   // full name with namespace, e.g. "messages.sendMessage"
	ID      uint32   // explicit id after '#'
	HasID   bool     // whether the id was written
	Func    bool     // declared in a ---functions--- section
	Builtin bool     // built-in declaration such as "int ? = Int" (no fields, not generated)
	Generic []string // type parameters, e.g. X for {X:Type}
	Params  []*Param
	Result  *Type // result type; for generics a bare parameter reference like X
	Pos     Pos
}

// Param is one field of a combinator.
type Param struct {
	Name  string
	Type  *Type // nil for a flags word (name:#)
	Flags bool  // this param is a flags word (name:#)
	Cond  *Cond // non-nil for conditional fields flags.N?T
	Pos   Pos
}

// Cond is the condition of a conditional field: bit Bit of flags word Field.
type Cond struct {
	Field string
	Bit   int
}

// Type is a type expression.
type Type struct {
	Name string // "int", "Vector", "vector", "InputPeer", "messages.Dialogs", "X", "true"
	Bare bool   // written with % or as a lower-case (bare) type name
	Bang bool   // !X: a query of the type parameter X
	Arg  *Type  // element type of Vector<T> / vector<T>
}

// Pos is a position in a schema file.
type Pos struct {
	Line, Col int
}

// Error is a schema error with its location.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

// IDMismatch is a constructor whose explicit id is not the CRC32 of its normalized line
// (CheckIDs).
type IDMismatch struct {
	Name string // the constructor's TL name
	Err  *Error // where, and the two ids
}

// Error formats the mismatch as its Err.
func (e *IDMismatch) Error() string { return e.Err.Error() }

// Unwrap returns Err.
func (e *IDMismatch) Unwrap() error { return e.Err }

// Error formats the error as file:line:col: message.
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// String renders a type expression in schema syntax.
func (t *Type) String() string {
	var sb strings.Builder
	if t.Bang {
		sb.WriteByte('!')
	}
	sb.WriteString(t.Name)
	if t.Arg != nil {
		sb.WriteByte('<')
		sb.WriteString(t.Arg.String())
		sb.WriteByte('>')
	}
	return sb.String()
}

// Namespace splits "messages.sendMessage" into "messages" and "sendMessage".
func Namespace(name string) (ns, base string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}
