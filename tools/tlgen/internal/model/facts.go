package model

import (
	"errors"
	"fmt"
	"strings"
)

// WrapperQuery returns the query field of a generic wrapper function such as invokeWithLayer
// (`X {X:Type} ... query:!X = X`), whose result is that of the query it carries; nil otherwise.
func (s *Struct) WrapperQuery() *Field {
	if !s.Func || !s.Generic {
		return nil
	}
	var q *Field
	for _, f := range s.Fields() {
		if f.Type != nil && f.Type.Kind == KQuery {
			if q != nil {
				return nil // two queries: not a plain wrapper
			}
			q = f
		}
	}
	return q
}

// Functions returns the functions of p and then those of its base that p does not redefine.
func (p *Package) Functions() []*Struct {
	var out []*Struct
	own := map[string]bool{}
	for _, st := range p.Structs {
		if st.Func {
			out = append(out, st)
			own[st.TLName] = true
		}
	}
	if p.Base != nil {
		for _, st := range p.Base.Structs {
			if st.Func && !own[st.TLName] {
				out = append(out, st)
			}
		}
	}
	return out
}

// ParseMethodList reads a list of TL method names, one a line; '#' starts a comment and blank
// lines are skipped. Errors name the file and line.
func ParseMethodList(file, src string) ([]string, error) {
	var names []string
	var errs []error
	for i, line := range strings.Split(src, "\n") {
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if strings.ContainsAny(line, " \t") {
			errs = append(errs, fmt.Errorf("%s:%d: %q: one method name a line", file, i+1, line))
			continue
		}
		names = append(names, line)
	}
	return names, errors.Join(errs...)
}

// MarkIdempotent records the named functions as safe to send again. Every name must be a
// function of the schema (or its base) and appear once, so the list cannot silently drift from
// the schema it was reviewed against.
func (p *Package) MarkIdempotent(file string, names []string) error {
	funcs := map[string]*Struct{}
	for _, st := range p.Functions() {
		funcs[st.TLName] = st
	}
	seen := map[string]bool{}
	var errs []error
	for _, n := range names {
		st, ok := funcs[n]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("%s: %q is not a method of the schema", file, n))
		case seen[n]:
			errs = append(errs, fmt.Errorf("%s: %q is listed twice", file, n))
		case st.WrapperQuery() != nil:
			errs = append(errs, fmt.Errorf("%s: %q is a wrapper; its query decides", file, n))
		default:
			seen[n] = true
			p.Idempotent = append(p.Idempotent, st)
		}
	}
	return errors.Join(errs...)
}

// SecretField is one entry of a redact list: a field of a constructor or function that must
// not be printed, and why.
type SecretField struct {
	Struct, Field string // TL names: "auth.signIn", "phone_code"
	Why           string // the entry's comment
	Line          int
}

// ParseRedactList reads a redact list: one "constructor field # why" a line; '#' starts the
// comment, which every entry needs (the schema cannot say why a field is secret, so the list
// does); blank and comment-only lines are skipped. Errors name the file and line.
func ParseRedactList(file, src string) ([]SecretField, error) {
	var out []SecretField
	var errs []error
	for i, line := range strings.Split(src, "\n") {
		line, why, _ := strings.Cut(line, "#")
		words := strings.Fields(line)
		why = strings.TrimSpace(why)
		switch {
		case len(words) == 0:
			continue
		case len(words) != 2:
			errs = append(errs, fmt.Errorf("%s:%d: %q: want a constructor and a field name", file, i+1, strings.TrimSpace(line)))
		case why == "":
			errs = append(errs, fmt.Errorf("%s:%d: %s.%s: say after '#' why the field is secret", file, i+1, words[0], words[1]))
		default:
			out = append(out, SecretField{Struct: words[0], Field: words[1], Why: why, Line: i + 1})
		}
	}
	return out, errors.Join(errs...)
}

// MarkSecret marks the listed fields secret, so printing their structs redacts them. Each
// entry must name a data field of a constructor or function of p itself (a base package has
// its own list) and appear once, so the list cannot drift from the schema unnoticed.
func (p *Package) MarkSecret(file string, list []SecretField) error {
	structs := map[string]*Struct{}
	for _, st := range p.Structs {
		structs[st.TLName] = st
	}
	var errs []error
	for _, e := range list {
		st, ok := structs[e.Struct]
		if !ok {
			errs = append(errs, fmt.Errorf("%s:%d: %q is not a constructor or function of the schema", file, e.Line, e.Struct))
			continue
		}
		var fl *Field
		for _, f := range st.Fields() {
			if f.TLName == e.Field {
				fl = f
			}
		}
		switch {
		case fl == nil:
			errs = append(errs, fmt.Errorf("%s:%d: %s has no field %q", file, e.Line, e.Struct, e.Field))
		case fl.Type.Kind == KTrue:
			errs = append(errs, fmt.Errorf("%s:%d: %s.%s is a flag: nothing to hide", file, e.Line, e.Struct, e.Field))
		case fl.Secret != "":
			errs = append(errs, fmt.Errorf("%s:%d: %s.%s is listed twice", file, e.Line, e.Struct, e.Field))
		default:
			fl.Secret = e.Why
		}
	}
	return errors.Join(errs...)
}
