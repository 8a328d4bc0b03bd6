package schema

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Parse parses a TL schema. file is used only in error messages. Parse returns every syntax error
// it finds (joined with errors.Join, each an *Error), stopping at most 20.
func Parse(file, src string) (*Schema, error) {
	toks, err := lex(file, src)
	if err != nil {
		return nil, err
	}
	p := &parser{file: file, toks: toks}
	s := &Schema{File: file, Layer: layerOf(src)}
	var errs []error
	for p.peek().kind != tokEOF && len(errs) < 20 {
		t := p.peek()
		if t.kind == tokSection {
			p.next()
			p.funcs = t.text == "functions"
			continue
		}
		d, err := p.decl()
		if err != nil {
			errs = append(errs, err)
			p.skipDecl()
			continue
		}
		if d != nil {
			s.Decls = append(s.Decls, d)
		}
	}
	errs = append(errs, s.checkUnique()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

type parser struct {
	file  string
	toks  []token
	i     int
	funcs bool
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errf(pos Pos, format string, args ...any) error {
	return &Error{File: p.file, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// skipDecl moves past the next ';' (or to a section marker or the end).
func (p *parser) skipDecl() {
	for {
		t := p.peek()
		if t.kind == tokEOF || t.kind == tokSection {
			return
		}
		p.next()
		if t.kind == tokPunct && t.text == ";" {
			return
		}
	}
}

func (p *parser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == tokPunct && t.text == s
}

func (p *parser) expectPunct(s string) error {
	t := p.next()
	if t.kind != tokPunct || t.text != s {
		return p.errf(t.pos, "expected %q, found %s", s, describe(t))
	}
	return nil
}

func describe(t token) string {
	switch t.kind {
	case tokEOF:
		return "end of file"
	case tokSection:
		return "section marker ---" + t.text + "---"
	}
	return strconv.Quote(t.text)
}

// isBuiltin reports whether the declaration starting at the cursor is one of the built-in type
// declarations ("int ? = Int;", "vector {t:Type} # [ t ] = Vector t;", "int128 4*[ int ] = Int128;").
func (p *parser) isBuiltin() bool {
	if strings.Contains(p.peek().text, "#") {
		return false
	}
	for j := p.i + 1; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.kind != tokPunct {
			if t.kind != tokIdent {
				return false
			}
			continue
		}
		switch t.text {
		case ";":
			return false
		case "[":
			return true
		case "?":
			if j == p.i+1 {
				return true
			}
		}
	}
	return false
}

func (p *parser) decl() (*Decl, error) {
	head := p.next()
	if head.kind != tokIdent {
		return nil, p.errf(head.pos, "expected a combinator name, found %s", describe(head))
	}
	d := &Decl{Func: p.funcs, Pos: head.pos}
	if p.isBuiltinAt(head) {
		d.Name = head.text
		d.Builtin = true
		p.skipDecl()
		return d, nil
	}
	name, id, hasID := strings.Cut(head.text, "#")
	if !validName(name) {
		return nil, p.errf(head.pos, "invalid combinator name %q", name)
	}
	d.Name = name
	if hasID {
		if len(id) == 0 || len(id) > 8 {
			return nil, p.errf(head.pos, "constructor id %q must be 1 to 8 hex digits", id)
		}
		v, err := strconv.ParseUint(id, 16, 32)
		if err != nil {
			return nil, p.errf(head.pos, "constructor id %q is not hexadecimal", id)
		}
		d.ID, d.HasID = uint32(v), true
	}
	seen := map[string]bool{}
	flagWords := map[string]bool{}
	for !p.isPunct("=") {
		t := p.peek()
		switch {
		case t.kind == tokEOF || t.kind == tokSection:
			return nil, p.errf(t.pos, "declaration of %s is not terminated: expected \"=\" and a result type, found %s", name, describe(t))
		case p.isPunct("{"):
			p.next()
			g := p.next()
			if g.kind != tokIdent || !validName(g.text) || strings.Contains(g.text, ".") {
				return nil, p.errf(g.pos, "expected a type parameter name, found %s", describe(g))
			}
			if err := p.expectPunct(":"); err != nil {
				return nil, err
			}
			k := p.next()
			if k.kind != tokIdent || k.text != "Type" {
				return nil, p.errf(k.pos, "type parameter %s must have kind Type, found %s", g.text, describe(k))
			}
			if err := p.expectPunct("}"); err != nil {
				return nil, err
			}
			if len(d.Params) > 0 {
				return nil, p.errf(g.pos, "type parameter %s must come before the fields", g.text)
			}
			d.Generic = append(d.Generic, g.text)
		case t.kind == tokIdent:
			prm, err := p.param(d, flagWords)
			if err != nil {
				return nil, err
			}
			if seen[prm.Name] {
				return nil, p.errf(prm.Pos, "duplicate field %q in %s", prm.Name, name)
			}
			seen[prm.Name] = true
			if prm.Flags {
				flagWords[prm.Name] = true
			}
			d.Params = append(d.Params, prm)
		default:
			return nil, p.errf(t.pos, "unexpected %s in declaration of %s", describe(t), name)
		}
	}
	p.next() // '='
	res, err := p.typeExpr()
	if err != nil {
		return nil, err
	}
	if res.Bang || res.Bare && len(d.Generic) == 0 {
		return nil, p.errf(d.Pos, "result type of %s must be a boxed type, found %s", name, res)
	}
	d.Result = res
	if t := p.peek(); t.kind != tokPunct || t.text != ";" {
		return nil, p.errf(t.pos, "expected \";\" after the result type of %s, found %s", name, describe(t))
	}
	p.next()
	if len(d.Generic) > 0 && (res.Arg != nil || !containsStr(d.Generic, res.Name)) {
		return nil, p.errf(d.Pos, "result of generic %s must be one of its type parameters", name)
	}
	return d, nil
}

func (p *parser) isBuiltinAt(head token) bool {
	p.i--
	ok := p.isBuiltin()
	p.i++
	return ok
}

func (p *parser) param(d *Decl, flagWords map[string]bool) (*Param, error) {
	nt := p.next()
	if !validName(nt.text) || strings.Contains(nt.text, ".") {
		return nil, p.errf(nt.pos, "invalid field name %q", nt.text)
	}
	prm := &Param{Name: nt.text, Pos: nt.pos}
	if err := p.expectPunct(":"); err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tokIdent && t.text == "#" {
		p.next()
		prm.Flags = true
		return prm, nil
	}
	// Conditional: flags.N?Type
	if t.kind == tokIdent && p.toks[p.i+1].kind == tokPunct && p.toks[p.i+1].text == "?" {
		word, bitStr, ok := strings.Cut(t.text, ".")
		if !ok {
			return nil, p.errf(t.pos, "condition %q of field %s must be flags.N", t.text, prm.Name)
		}
		bit, err := strconv.Atoi(bitStr)
		if err != nil || bit < 0 || bit > 31 {
			return nil, p.errf(t.pos, "flag bit %q of field %s must be a number from 0 to 31", bitStr, prm.Name)
		}
		if !flagWords[word] {
			return nil, p.errf(t.pos, "field %s depends on %q, which is not a flags field (name:#) declared before it", prm.Name, word)
		}
		p.next()
		p.next()
		prm.Cond = &Cond{Field: word, Bit: bit}
	}
	typ, err := p.typeExpr()
	if err != nil {
		return nil, err
	}
	if typ.Bang && (prm.Cond != nil || !containsStr(d.Generic, typ.Name)) {
		return nil, p.errf(t.pos, "field %s: !%s must name a type parameter of %s", prm.Name, typ.Name, d.Name)
	}
	if typ.Name == "true" && prm.Cond == nil {
		return nil, p.errf(t.pos, "field %s has type true, which is only meaningful as flags.N?true", prm.Name)
	}
	prm.Type = typ
	return prm, nil
}

func (p *parser) typeExpr() (*Type, error) {
	t := &Type{}
	switch {
	case p.isPunct("%"):
		p.next()
		t.Bare = true
	case p.isPunct("!"):
		p.next()
		t.Bang = true
	}
	nt := p.next()
	if nt.kind != tokIdent || !validName(nt.text) {
		return nil, p.errf(nt.pos, "expected a type name, found %s", describe(nt))
	}
	t.Name = nt.text
	if _, base := Namespace(t.Name); base[0] >= 'a' && base[0] <= 'z' {
		t.Bare = true
	}
	if p.isPunct("<") {
		p.next()
		arg, err := p.typeExpr()
		if err != nil {
			return nil, err
		}
		if arg.Bang {
			return nil, p.errf(nt.pos, "!%s cannot be a type argument", arg.Name)
		}
		if err := p.expectPunct(">"); err != nil {
			return nil, err
		}
		t.Arg = arg
	}
	return t, nil
}

// validName reports whether s is a TL identifier, optionally namespaced: letters, digits and
// underscores, starting with a letter, with '.' separating non-empty parts.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" {
			return false
		}
		c := part[0]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
		for i := 1; i < len(part); i++ {
			c := part[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// checkUnique reports combinators declared twice and ids used twice.
func (s *Schema) checkUnique() []error {
	var errs []error
	names := map[string]*Decl{}
	ids := map[uint32]*Decl{}
	for _, d := range s.Decls {
		if d.Builtin {
			continue
		}
		if prev, ok := names[d.Name]; ok {
			errs = append(errs, &Error{File: s.File, Pos: d.Pos, Msg: fmt.Sprintf("%s is already declared at line %d", d.Name, prev.Pos.Line)})
			continue
		}
		names[d.Name] = d
		id := d.EffectiveID()
		if prev, ok := ids[id]; ok {
			errs = append(errs, &Error{File: s.File, Pos: d.Pos, Msg: fmt.Sprintf("id %08x of %s is already used by %s (line %d)", id, d.Name, prev.Name, prev.Pos.Line)})
			continue
		}
		ids[id] = d
	}
	return errs
}

// layerOf returns N from the schema's "// LAYER N" comment line, or 0.
func layerOf(src string) int {
	for line := range strings.Lines(src) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "//")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 2 && f[0] == "LAYER" {
			if n, err := strconv.Atoi(f[1]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 0
}
