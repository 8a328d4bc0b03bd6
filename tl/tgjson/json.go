// Package tgjson maps every TL constructor and function of tl/tg (and of tl/mt, which tg
// re-exports) to JSON and back.
//
// The shape follows the schema, not Go: an object is a JSON object whose "_" key holds the TL
// name ("messages.sendMessage", "inputPeerUser") and whose other keys are the TL field names
// (snake_case as in api.tl). Flags words never appear: a field under a flag is present when it
// is set and left out when it is not, and a flags.N?true field is `true` or left out.
// Scalars: int as a number, long as a decimal string (JSON numbers lose precision past 2^53; a
// number is accepted on input), double as a number ("NaN", "+Inf", "-Inf" as strings), string
// as a string (invalid UTF-8 is replaced by U+FFFD), bytes, int128 and int256 as standard
// base64, Bool as true/false, vectors as arrays. Input with a key twice in one object is an
// error (encoding/json would keep the last one silently).
//
// The per-type knowledge is the generated table (table_gen.go, written by tlgen -json); this file
// walks Go values with reflect through it. That keeps tl/tg free of JSON code: the table is one
// literal of about 2,500 lines instead of two methods on each of its ~2,500 types.
package tgjson

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mtgo-labs/mtgo/tl"
)

// decl is one row of the generated table.
type decl struct {
	name   string
	id     uint32
	fn     bool
	typ    string
	new    func() tl.Object
	fields string
}

// field is a data field of a constructor: its TL name, whether it sits under a flag, and its Go
// field index (fields are generated in the same order as in the schema).
type field struct {
	name string
	opt  bool
	cond string // "flags.3" for a field under a flag; fields sharing it are set together
}

type info struct {
	decl   *decl
	fields []field
	index  map[string]int // TL field name -> Go field index
}

var (
	loadOnce sync.Once
	byName   map[string]*info
	byType   map[reflect.Type]*info // struct type (not pointer) -> row
)

func load() {
	loadOnce.Do(func() {
		byName = make(map[string]*info, len(table))
		byType = make(map[reflect.Type]*info, len(table))
		for i := range table {
			d := &table[i]
			in := &info{decl: d, index: map[string]int{}}
			for _, n := range strings.Fields(d.fields) {
				name, cond, opt := strings.Cut(n, ":")
				f := field{name: name, opt: opt, cond: cond}
				in.index[f.name] = len(in.fields)
				in.fields = append(in.fields, f)
			}
			byName[d.name] = in
			byType[reflect.TypeOf(d.new()).Elem()] = in
		}
	})
}

// Info describes a constructor or function of the table.
type Info struct {
	Name   string   // TL name
	ID     uint32   // constructor id
	Func   bool     // a function (method) rather than a constructor
	Type   string   // TL type: the result type of a function, the type a constructor builds
	Fields []string // TL field names in schema order, flags words left out; "name:flags.N" under a flag
}

// Lookup returns the description of the constructor or function name.
func Lookup(name string) (Info, bool) {
	load()
	in, ok := byName[name]
	if !ok {
		return Info{}, false
	}
	return Info{Name: in.decl.name, ID: in.decl.id, Func: in.decl.fn, Type: in.decl.typ, Fields: strings.Fields(in.decl.fields)}, true
}

// Names returns the TL names of every function (funcs) or every constructor, sorted.
func Names(funcs bool) []string {
	var out []string
	for i := range table {
		if table[i].fn == funcs {
			out = append(out, table[i].name)
		}
	}
	sort.Strings(out)
	return out
}

// New returns a zero value of the constructor or function name, or false if there is none.
func New(name string) (tl.Object, bool) {
	load()
	in, ok := byName[name]
	if !ok {
		return nil, false
	}
	return in.decl.new(), true
}

// Marshal returns the JSON form of v: a table object, or a result box of tl/tg (a vector of a
// method's result, a Bool box) as the array or value it holds. A nil v is `null`.
func Marshal(v tl.Object) ([]byte, error) {
	load()
	e := &encoder{}
	if v == nil {
		return []byte("null"), nil
	}
	if err := e.value(reflect.ValueOf(v), 0); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// Unmarshal decodes one object whose "_" key names its constructor or function.
func Unmarshal(data []byte) (tl.Object, error) {
	load()
	src, err := parse(data)
	if err != nil {
		return nil, err
	}
	m, ok := src.(map[string]any)
	if !ok {
		return nil, errors.New("tgjson: want a JSON object with a \"_\" key")
	}
	obj, err := newNamed(m, nil)
	if err != nil {
		return nil, err
	}
	if err := fill(reflect.ValueOf(obj).Elem(), byType[reflect.TypeOf(obj).Elem()], m, 0); err != nil {
		return nil, err
	}
	return obj, nil
}

// Method returns the function name with the parameters of params, a JSON object keyed by field
// name ("_" may be left out; empty input and `null` mean no parameters).
func Method(name string, params []byte) (tl.Object, error) {
	load()
	in, ok := byName[name]
	if !ok || !in.decl.fn {
		return nil, fmt.Errorf("tgjson: %q is not a method of the schema", name)
	}
	obj := in.decl.new()
	if len(strings.TrimSpace(string(params))) == 0 {
		return obj, nil
	}
	src, err := parse(params)
	if err != nil {
		return nil, err
	}
	if src == nil {
		return obj, nil
	}
	m, ok := src.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("tgjson: %s: parameters must be a JSON object", name)
	}
	if err := fill(reflect.ValueOf(obj).Elem(), in, m, 0); err != nil {
		return nil, err
	}
	return obj, nil
}

// UnmarshalInto fills obj, a pointer to a table type, from data (a JSON object; "_", when
// present, must name obj's constructor).
func UnmarshalInto(data []byte, obj tl.Object) error {
	load()
	rv := reflect.ValueOf(obj)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("tgjson: UnmarshalInto needs a non-nil pointer")
	}
	in, ok := byType[rv.Type().Elem()]
	if !ok {
		return fmt.Errorf("tgjson: %T is not a type of the schema", obj)
	}
	src, err := parse(data)
	if err != nil {
		return err
	}
	m, ok := src.(map[string]any)
	if !ok {
		return fmt.Errorf("tgjson: %s: want a JSON object", in.decl.name)
	}
	return fill(rv.Elem(), in, m, 0)
}

// maxDepth bounds nesting on both sides, as tl.MaxDepth does on the wire.
const maxDepth = tl.MaxDepth

var errTooDeep = fmt.Errorf("tgjson: nested deeper than %d", maxDepth)

// parse reads one JSON value as encoding/json decodes into an any (objects as
// map[string]any, numbers as json.Number), but refuses duplicate keys, which encoding/json
// resolves silently in favour of the last: a reader that keeps the first would see another
// request in the same bytes. Nesting past twice maxDepth fails here, before the walk that
// enforces maxDepth itself.
func parse(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := parseValue(d, 0)
	if err != nil {
		return nil, err
	}
	// Not d.More(): it reports false before a stray ] or } as well as at the end.
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("tgjson: trailing data after the JSON value")
	}
	return v, nil
}

func parseValue(d *json.Decoder, depth int) (any, error) {
	tok, err := token(d)
	if err != nil {
		return nil, err
	}
	open, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	if depth >= 2*maxDepth {
		return nil, errTooDeep
	}
	if open == '[' {
		a := []any{}
		for d.More() {
			x, err := parseValue(d, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, x)
		}
		return a, closeDelim(d)
	}
	m := map[string]any{}
	for d.More() {
		tok, err := token(d)
		if err != nil {
			return nil, err
		}
		k := tok.(string) // the decoder checks that an object key is a string
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("tgjson: duplicate key %.40q", k)
		}
		if m[k], err = parseValue(d, depth+1); err != nil {
			return nil, err
		}
	}
	return m, closeDelim(d)
}

// closeDelim reads the ] or } that ends the array or object being parsed.
func closeDelim(d *json.Decoder) error {
	_, err := token(d)
	return err
}

// token reads the next token; the input ending before the value does is io.ErrUnexpectedEOF.
func token(d *json.Decoder) (json.Token, error) {
	tok, err := d.Token()
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, fmt.Errorf("tgjson: %w", err)
	}
	return tok, nil
}

var (
	rtInt128 = reflect.TypeOf(tl.Int128{})
	rtInt256 = reflect.TypeOf(tl.Int256{})
)

// isOpt reports whether t is an instance of tl.Opt.
func isOpt(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == rtInt128.PkgPath() && strings.HasPrefix(t.Name(), "Opt[")
}

type encoder struct{ buf []byte }

func (e *encoder) value(v reflect.Value, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.value(v.Elem(), depth)
	case reflect.Struct:
		if isOpt(v.Type()) {
			if !v.Field(1).Bool() {
				e.buf = append(e.buf, "null"...)
				return nil
			}
			return e.value(v.Field(0), depth)
		}
		if in, ok := byType[v.Type()]; ok {
			return e.object(v, in, depth)
		}
		// A result box of tl/tg (IntVector, BoolBox, AnyVector...): the one value it holds.
		if v.NumField() == 1 {
			return e.value(v.Field(0), depth)
		}
		return fmt.Errorf("tgjson: %s is not a type of the schema", v.Type())
	case reflect.Array:
		if v.Type() != rtInt128 && v.Type() != rtInt256 {
			return fmt.Errorf("tgjson: unexpected array %s", v.Type())
		}
		b := make([]byte, v.Len())
		reflect.Copy(reflect.ValueOf(b), v)
		e.bytes(b)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			e.bytes(v.Bytes())
			return nil
		}
		e.buf = append(e.buf, '[')
		for i := range v.Len() {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(v.Index(i), depth+1); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	case reflect.Int32:
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	case reflect.Int64:
		e.buf = append(e.buf, '"')
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
		e.buf = append(e.buf, '"')
	case reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			e.buf = append(e.buf, `"NaN"`...)
		case math.IsInf(f, 1):
			e.buf = append(e.buf, `"+Inf"`...)
		case math.IsInf(f, -1):
			e.buf = append(e.buf, `"-Inf"`...)
		default:
			e.buf = strconv.AppendFloat(e.buf, f, 'g', -1, 64)
		}
	case reflect.String:
		e.str(v.String())
	case reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
	default:
		return fmt.Errorf("tgjson: unexpected Go kind %s", v.Kind())
	}
	return nil
}

func (e *encoder) object(v reflect.Value, in *info, depth int) error {
	e.buf = append(e.buf, `{"_":`...)
	e.str(in.decl.name)
	for i, f := range in.fields {
		fv := v.Field(i)
		if f.opt && absent(fv) {
			continue
		}
		e.buf = append(e.buf, ',')
		e.str(f.name)
		e.buf = append(e.buf, ':')
		if err := e.value(fv, depth+1); err != nil {
			return fmt.Errorf("%s.%s: %w", in.decl.name, f.name, err)
		}
	}
	e.buf = append(e.buf, '}')
	return nil
}

// absent reports whether an optional field is unset: false for flags.N?true, an unset tl.Opt,
// nil for structs, classes and vectors.
func absent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Bool:
		return !v.Bool()
	case reflect.Interface, reflect.Pointer, reflect.Slice:
		return v.IsNil()
	case reflect.Struct:
		return isOpt(v.Type()) && !v.Field(1).Bool()
	}
	return false
}

func (e *encoder) str(s string) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	b, _ := json.Marshal(s) // a valid string always marshals
	e.buf = append(e.buf, b...)
}

func (e *encoder) bytes(b []byte) {
	e.buf = append(e.buf, '"')
	e.buf = base64.StdEncoding.AppendEncode(e.buf, b)
	e.buf = append(e.buf, '"')
}

// newNamed returns a zero value of the constructor named by m["_"], which must be assignable to
// want when want is not nil.
func newNamed(m map[string]any, want reflect.Type) (tl.Object, error) {
	name, ok := m["_"].(string)
	if !ok {
		return nil, errors.New("tgjson: object without a \"_\" key naming its constructor")
	}
	in, ok := byName[name]
	if !ok {
		return nil, fmt.Errorf("tgjson: unknown constructor %q", name)
	}
	obj := in.decl.new()
	if want != nil && !reflect.TypeOf(obj).AssignableTo(want) {
		return nil, fmt.Errorf("tgjson: %s does not fit a field of type %s", name, want)
	}
	return obj, nil
}

func fill(v reflect.Value, in *info, m map[string]any, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	if name, ok := m["_"]; ok && name != in.decl.name {
		return fmt.Errorf("tgjson: object names %v where %s is expected", name, in.decl.name)
	}
	// Keys in sorted order, so the first error reported does not depend on map order.
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "_" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		i, ok := in.index[k]
		if !ok {
			return fmt.Errorf("tgjson: %s has no field %q", in.decl.name, k)
		}
		if err := decode(v.Field(i), m[k], depth+1); err != nil {
			return fmt.Errorf("%s.%s: %w", in.decl.name, k, err)
		}
	}
	return nil
}

func decode(dst reflect.Value, src any, depth int) error {
	if depth > maxDepth {
		return errTooDeep
	}
	t := dst.Type()
	if src == nil {
		dst.SetZero()
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		m, ok := src.(map[string]any)
		if !ok {
			return fmt.Errorf("want an object, got %s", kindOf(src))
		}
		obj, err := newNamed(m, t)
		if err != nil {
			return err
		}
		ov := reflect.ValueOf(obj)
		if err := fill(ov.Elem(), byType[ov.Type().Elem()], m, depth); err != nil {
			return err
		}
		dst.Set(ov)
	case reflect.Pointer:
		in, ok := byType[t.Elem()]
		if !ok {
			return fmt.Errorf("unexpected Go type %s", t)
		}
		m, ok := src.(map[string]any)
		if !ok {
			return fmt.Errorf("want an object, got %s", kindOf(src))
		}
		p := reflect.New(t.Elem())
		if err := fill(p.Elem(), in, m, depth); err != nil {
			return err
		}
		dst.Set(p)
	case reflect.Struct:
		if isOpt(t) {
			if err := decode(dst.Field(0), src, depth); err != nil {
				return err
			}
			dst.Field(1).SetBool(true)
			return nil
		}
		in, ok := byType[t]
		if !ok {
			return fmt.Errorf("unexpected Go type %s", t)
		}
		m, ok := src.(map[string]any)
		if !ok {
			return fmt.Errorf("want an object, got %s", kindOf(src))
		}
		return fill(dst, in, m, depth)
	case reflect.Array:
		b, err := decodeBytes(src)
		if err != nil {
			return err
		}
		if len(b) != dst.Len() {
			return fmt.Errorf("want %d bytes, got %d", dst.Len(), len(b))
		}
		reflect.Copy(dst, reflect.ValueOf(b))
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			b, err := decodeBytes(src)
			if err != nil {
				return err
			}
			dst.SetBytes(b)
			return nil
		}
		a, ok := src.([]any)
		if !ok {
			return fmt.Errorf("want an array, got %s", kindOf(src))
		}
		s := reflect.MakeSlice(t, len(a), len(a))
		for i, x := range a {
			if err := decode(s.Index(i), x, depth+1); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		dst.Set(s)
	case reflect.Int32, reflect.Int64:
		n, err := decodeInt(src, t.Bits())
		if err != nil {
			return err
		}
		dst.SetInt(n)
	case reflect.Float64:
		f, err := decodeFloat(src)
		if err != nil {
			return err
		}
		dst.SetFloat(f)
	case reflect.String:
		s, ok := src.(string)
		if !ok {
			return fmt.Errorf("want a string, got %s", kindOf(src))
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := src.(bool)
		if !ok {
			return fmt.Errorf("want true or false, got %s", kindOf(src))
		}
		dst.SetBool(b)
	default:
		return fmt.Errorf("unexpected Go type %s", t)
	}
	return nil
}

func decodeBytes(src any) ([]byte, error) {
	s, ok := src.(string)
	if !ok {
		return nil, fmt.Errorf("want a base64 string, got %s", kindOf(src))
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("bad base64: %w", err)
	}
	return b, nil
}

func decodeInt(src any, bits int) (int64, error) {
	var s string
	switch x := src.(type) {
	case json.Number:
		s = string(x)
	case string:
		s = x
	default:
		return 0, fmt.Errorf("want an integer, got %s", kindOf(src))
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("want a %d-bit integer, got %.40q", bits, s)
	}
	return n, nil
}

func decodeFloat(src any) (float64, error) {
	switch x := src.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return 0, fmt.Errorf("bad number %.40q", string(x))
		}
		return f, nil
	case string:
		switch x {
		case "NaN":
			return math.NaN(), nil
		case "+Inf", "Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("want a number, got %s", kindOf(src))
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}
