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
