package teletest

import (
	"encoding/binary"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// tlSchema reads TL bytes the way a client generated from one api.tl file would, straight
// from the schema text: the check that what the server sends a client of a layer decodes
// with that layer's schema, whatever Go types the server built it from.
type tlSchema struct {
	byID   map[uint32]*tlCons
	byName map[string]*tlCons // bare constructors
}

type tlCons struct {
	name   string
	result string
	fields []tlField
}

type tlField struct {
	name string
	typ  string // flags.N?T stays whole; "#" for a flags word
}

var (
	consRE  = regexp.MustCompile(`^([a-zA-Z][\w.]*)#([0-9a-f]+)((?: [^=]*)?) = ([^;]+);`)
	condRE  = regexp.MustCompile(`^(\w+)\.(\d+)\?(.+)$`)
	innerRE = regexp.MustCompile(`^[vV]ector<(.+)>$`)
)

// loadTLSchema parses the constructors (not the functions) of a schema file.
func loadTLSchema(t testing.TB, path string) *tlSchema {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read schema: %v", err)
	}
	s := &tlSchema{byID: map[uint32]*tlCons{}, byName: map[string]*tlCons{}}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "---functions---") {
			break
		}
		m := consRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		id, err := strconv.ParseUint(m[2], 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		c := &tlCons{name: m[1], result: strings.TrimSpace(m[4])}
		for _, f := range strings.Fields(m[3]) {
			name, typ, ok := strings.Cut(f, ":")
			if !ok || strings.HasPrefix(f, "{") {
				continue
			}
			c.fields = append(c.fields, tlField{name: name, typ: typ})
		}
		s.byID[uint32(id)] = c
		s.byName[c.name] = c
	}
	if len(s.byID) < 1000 {
		t.Fatalf("%s: %d constructors", path, len(s.byID))
	}
	return s
}

// check reads b as one boxed object of the schema and reports what does not decode.
func (s *tlSchema) check(b []byte) error {
	r := &tlReader{s: s, b: b}
	if err := r.value("Object", 0); err != nil {
		return err
	}
	if len(r.b) != 0 {
		return fmt.Errorf("%d bytes left over", len(r.b))
	}
	return nil
}

type tlReader struct {
	s *tlSchema
	b []byte
}

func (r *tlReader) take(n int) ([]byte, error) {
	if n < 0 || len(r.b) < n {
		return nil, fmt.Errorf("%d bytes wanted, %d left", n, len(r.b))
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v, nil
}

func (r *tlReader) u32() (uint32, error) {
	v, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(v), nil
}

func (r *tlReader) str() error {
	h, err := r.take(1)
	if err != nil {
		return err
	}
	n, head := int(h[0]), 1
	if n == 254 {
		l, err := r.take(3)
		if err != nil {
			return err
		}
		n, head = int(l[0])|int(l[1])<<8|int(l[2])<<16, 4
	}
	_, err = r.take(n + (4-(n+head)%4)%4)
	return err
}

// value reads one value of TL type typ.
func (r *tlReader) value(typ string, depth int) error {
	if depth > 64 {
		return fmt.Errorf("nested deeper than 64")
	}
	switch typ {
	case "int", "#":
		_, err := r.take(4)
		return err
	case "long", "double":
		_, err := r.take(8)
		return err
	case "int128":
		_, err := r.take(16)
		return err
	case "int256":
		_, err := r.take(32)
		return err
	case "string", "bytes":
		return r.str()
	}
	if m := innerRE.FindStringSubmatch(typ); m != nil {
		if typ[0] == 'V' {
			id, err := r.u32()
			if err != nil {
				return err
			}
			if id != 0x1cb5c415 {
				return fmt.Errorf("%s: id %#08x is not a vector", typ, id)
			}
		}
		n, err := r.u32()
		if err != nil {
			return err
		}
		if int(n) > len(r.b) {
			return fmt.Errorf("%s of %d elements in %d bytes", typ, n, len(r.b))
		}
		for i := range n {
			if err := r.value(m[1], depth+1); err != nil {
				return fmt.Errorf("%s[%d]: %w", typ, i, err)
			}
		}
		return nil
	}
	if bare, ok := strings.CutPrefix(typ, "%"); ok {
		for _, c := range r.s.byID {
			if c.result == bare {
				return r.fields(c, depth)
			}
		}
		return fmt.Errorf("no constructor of bare %s", bare)
	}
	if c, ok := r.s.byName[typ]; ok && typ[0] >= 'a' && typ[0] <= 'z' && !strings.Contains(typ, ".") {
		return r.fields(c, depth) // a bare constructor named as a type
	}
	id, err := r.u32()
	if err != nil {
		return err
	}
	if typ == "Object" || strings.HasPrefix(typ, "!") {
		if id == 0x1cb5c415 { // a vector result: its elements are objects too
			r.b = append(binary.LittleEndian.AppendUint32(nil, id), r.b...)
			return r.value("Vector<Object>", depth)
		}
	}
	c, ok := r.s.byID[id]
	if !ok {
		return fmt.Errorf("%s: unknown constructor %#08x", typ, id)
	}
	if typ != "Object" && !strings.HasPrefix(typ, "!") && c.result != typ {
		return fmt.Errorf("%s: %s is a %s", typ, c.name, c.result)
	}
	if err := r.fields(c, depth); err != nil {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	return nil
}

// fields reads the fields of constructor c.
func (r *tlReader) fields(c *tlCons, depth int) error {
	flags := map[string]uint32{}
	for _, f := range c.fields {
		typ := f.typ
		if m := condRE.FindStringSubmatch(typ); m != nil {
			bit, _ := strconv.Atoi(m[2])
			if bit > 31 || flags[m[1]]&(1<<bit) == 0 {
				continue
			}
			typ = m[3]
		}
		switch typ {
		case "true":
			continue
		case "#":
			v, err := r.u32()
			if err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
			flags[f.name] = v
			continue
		}
		if err := r.value(typ, depth+1); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

var schema227Once, schema228Once = lazySchema("layers/227/api.tl"), lazySchema("../tl/schema/api.tl")

// lazySchema loads a schema once per test binary.
func lazySchema(path string) func(testing.TB) *tlSchema {
	var (
		mu sync.Mutex
		s  *tlSchema
	)
	return func(t testing.TB) *tlSchema {
		mu.Lock()
		defer mu.Unlock()
		if s == nil {
			s = loadTLSchema(t, path)
		}
		return s
	}
}

// schemaOf returns the schema of layer, nil for a layer without one here.
func schemaOf(t testing.TB, layer int32) *tlSchema {
	switch layer {
	case Layer227:
		return schema227Once(t)
	case Layer:
		return schema228Once(t)
	}
	return nil
}
