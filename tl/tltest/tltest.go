// Package tltest holds the property checks shared by the generated packages' tests: seeded
// random values, round trips compared with go-cmp, and rejection of every strict prefix.
//
// It is public, not internal, because tlgen's generated tests import it: a package generated
// for a schema outside this repository compiles its tests against it too. Only tests import it.
package tltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mtgo-labs/mtgo/tl"
)

// MaxDepth is the nesting depth after which generators pick the smallest constructors, leave
// optional fields absent and vectors empty, so recursive types stay finite.
const MaxDepth = 4

// Rand produces the pseudo-random field values of generated round-trip tests. It is seeded, so a
// failure names a seed that reproduces it.
type Rand struct {
	r *rand.Rand

	// secret: byte strings, strings and intNs are letters that printed output must not
	// show; drawn records them (see Redacted).
	secret bool
	drawn  [][]byte
}

// NewRand returns a Rand for seed.
func NewRand(seed uint64) *Rand {
	return &Rand{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Intn returns a value in [0, n).
func (r *Rand) Intn(n int) int { return r.r.IntN(n) }

// Int32 returns a random int, biased towards edge values.
func (r *Rand) Int32() int32 {
	switch r.r.IntN(8) {
	case 0:
		return 0
	case 1:
		return math.MaxInt32
	case 2:
		return math.MinInt32
	}
	return int32(r.r.Uint32())
}

// Int64 returns a random long, biased towards edge values.
func (r *Rand) Int64() int64 {
	switch r.r.IntN(8) {
	case 0:
		return 0
	case 1:
		return math.MaxInt64
	case 2:
		return math.MinInt64
	}
	return int64(r.r.Uint64())
}

// Float64 returns a random finite double.
func (r *Rand) Float64() float64 {
	if r.r.IntN(4) == 0 {
		return 0
	}
	return (r.r.Float64() - 0.5) * math.Pow(10, float64(r.r.IntN(40)-20))
}

// Bool returns a random bool.
func (r *Rand) Bool() bool { return r.r.IntN(2) == 0 }

// Present decides whether an optional field is set at nesting depth d.
func (r *Rand) Present(d int) bool { return d <= MaxDepth && r.r.IntN(3) != 0 }

// Len returns a vector length for nesting depth d.
func (r *Rand) Len(d int) int {
	if d > MaxDepth {
		return 0
	}
	return r.r.IntN(4)
}

func (r *Rand) strLen() int {
	switch r.r.IntN(10) {
	case 0:
		return 0
	case 1:
		return 250 + r.r.IntN(10) // around the one-byte/four-byte length boundary
	}
	return r.r.IntN(20)
}

// String returns a random string, sometimes empty and sometimes long enough for the four-byte
// length form.
func (r *Rand) String() string { return string(r.Bytes()) }

// Bytes returns a random non-nil byte string (decoding never yields nil).
func (r *Rand) Bytes() []byte {
	if r.secret {
		return r.fill(make([]byte, 12+r.r.IntN(8)))
	}
	return r.fill(make([]byte, r.strLen()))
}

// Int128 returns a random int128.
func (r *Rand) Int128() (v tl.Int128) {
	r.fill(v[:])
	return v
}

// Int256 returns a random int256.
func (r *Rand) Int256() (v tl.Int256) {
	r.fill(v[:])
	return v
}

// fill fills p with random bytes, or with letters for a secret (see letters), and returns it.
func (r *Rand) fill(p []byte) []byte {
	if r.secret {
		return r.letters(p)
	}
	for i := range p {
		p[i] = byte(r.r.UintN(256))
	}
	return p
}

// Case is one constructor or function under test.
type Case struct {
	Name string
	New  func(r *Rand) tl.Object
}

// Registry is what a generated package offers to decode objects by id.
type Registry struct {
	Decode    func(b *tl.Buffer) (tl.Object, error)
	NewObject func(id uint32) tl.Object
}

// Seeds is the number of random values tried per case.
const Seeds = 6

func seedFor(name string, i int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64() + uint64(i)
}

// RoundTrip checks, for every case and several seeds, that a random value encodes, decodes back
// (through the registry and through the concrete type) to an equal value consuming every byte,
// re-encodes to identical bytes, encodes identically twice, and that no strict prefix of its
// encoding decodes.
func RoundTrip(t *testing.T, cases []Case, reg Registry) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			for i := range Seeds {
				seed := seedFor(c.Name, i)
				v := c.New(NewRand(seed))
				var b tl.Buffer
				if err := v.Encode(&b); err != nil {
					t.Fatalf("seed %d: encode: %v", seed, err)
				}
				wire := append([]byte(nil), b.Buf...)
				b.Reset()
				if err := v.Encode(&b); err != nil || !bytes.Equal(b.Buf, wire) {
					t.Fatalf("seed %d: second encode differs (err %v)", seed, err)
				}

				b.ResetTo(wire)
				got, err := reg.Decode(&b)
				if err != nil {
					t.Fatalf("seed %d: decode: %v", seed, err)
				}
				if b.Len() != 0 {
					t.Fatalf("seed %d: decode left %d bytes", seed, b.Len())
				}
				if diff := cmp.Diff(v, got); diff != "" {
					t.Fatalf("seed %d: decoded value differs (-want +got):\n%s", seed, diff)
				}
				typed := reg.NewObject(v.TypeID())
				b.ResetTo(wire)
				if err := typed.Decode(&b); err != nil {
					t.Fatalf("seed %d: typed decode: %v", seed, err)
				}
				if diff := cmp.Diff(v, typed); diff != "" {
					t.Fatalf("seed %d: typed decode differs (-want +got):\n%s", seed, diff)
				}
				var re tl.Buffer
				if err := got.Encode(&re); err != nil {
					t.Fatalf("seed %d: re-encode: %v", seed, err)
				}
				if !bytes.Equal(re.Buf, wire) {
					t.Fatalf("seed %d: re-encoded bytes differ", seed)
				}
				if i == 0 {
					Prefixes(t, wire, reg.Decode)
				}
			}
		})
	}
}

// Prefixes checks that no strict prefix of wire decodes, and that each failed decode leaves the
// buffer's depth at 0.
func Prefixes(t *testing.T, wire []byte, decode func(b *tl.Buffer) (tl.Object, error)) {
	t.Helper()
	var b tl.Buffer
	for k := range len(wire) {
		b.ResetTo(wire[:k])
		if v, err := decode(&b); err == nil {
			t.Fatalf("prefix of %d/%d bytes decoded to %T", k, len(wire), v)
		}
		if d := b.Depth(); d != 0 {
			t.Fatalf("prefix of %d/%d bytes: the failed decode left the buffer at depth %d", k, len(wire), d)
		}
	}
}

// AllocPerByte and AllocSlack bound what a decoder may allocate for n input bytes:
// AllocPerByte*n + AllocSlack. A vector count is checked against the bytes left at its element's
// smallest wire size, and vectors of structs held by value are allocated only up to twice the
// bytes left and grown as elements decode, so memory follows the bytes received. What remains
// is inherent: a struct is larger in memory than its shortest wire form (in api.tl at most 22
// times, peerSettings: 176 bytes, 8 on the wire; user: 400 and 20), a class element adds an
// interface slot, and a slab may be handed out half used. The slack covers the slab table and
// the first string chunk.
const (
	AllocPerByte = 48
	AllocSlack   = 64 << 10
)

// AllocBound is the most a decoder may allocate for n input bytes.
func AllocBound(n int) uint64 { return uint64(n)*AllocPerByte + AllocSlack }

// AllocBytes returns the bytes f allocates.
func AllocBytes(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// CheckDecode is the body of the generated packages' fuzz targets: decoding arbitrary bytes must
// not panic or allocate more than AllocBound of the input size, and whatever decodes must
// re-encode and decode again to an equal value.
func CheckDecode(t *testing.T, data []byte, reg Registry) {
	t.Helper()
	decode := func() {
		var b tl.Buffer
		b.ResetTo(data)
		_, _ = reg.Decode(&b)
	}
	// A run over the bound is measured twice more and the fewest bytes count, so allocations
	// by other goroutines during one run do not fail the input.
	n := AllocBytes(decode)
	for i := 0; i < 2 && n > AllocBound(len(data)); i++ {
		n = min(n, AllocBytes(decode))
	}
	if n > AllocBound(len(data)) {
		t.Fatalf("decoding %d bytes allocated %d bytes, more than %d per byte", len(data), n, AllocPerByte)
	}
	var b tl.Buffer
	b.ResetTo(data)
	v, err := reg.Decode(&b)
	if d := b.Depth(); d != 0 {
		t.Fatalf("decoding left the buffer at depth %d (err %v)", d, err)
	}
	if err != nil {
		var de *tl.DecodeError
		if !errors.As(err, &de) {
			t.Fatalf("decode error %v is not a *tl.DecodeError", err)
		}
		return
	}
	var out tl.Buffer
	if err := v.Encode(&out); err != nil {
		t.Fatalf("decoded %T does not re-encode: %v", v, err)
	}
	b.ResetTo(out.Buf)
	again, err := reg.Decode(&b)
	if err != nil {
		t.Fatalf("re-encoded %T does not decode: %v", v, err)
	}
	if diff := cmp.Diff(v, again, cmpopts.EquateNaNs()); diff != "" { // NaN payloads survive, NaN != NaN
		t.Fatalf("re-decoded %T differs (-first +second):\n%s", v, diff)
	}
}

// WriteCorpus writes the encoding of every step-th case (seed 0) as a seed file of the fuzz
// target named target under testdata/fuzz. Packages call it from a test that runs only when
// TL_WRITE_CORPUS=1, so the committed corpus can be refreshed after schema changes.
func WriteCorpus(t *testing.T, target string, cases []Case, step int) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(cases); i += step {
		c := cases[i]
		var b tl.Buffer
		if err := c.New(NewRand(seedFor(c.Name, 0))).Encode(&b); err != nil {
			t.Fatal(err)
		}
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b.Buf)
		if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(c.Name, ".", "_")), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// EncodeGolden compares, for every case, a digest of the encodings of its Seeds random values
// (boxed, then bare, each into a buffer that already holds one byte and has no room to spare)
// with the digest recorded in the file at path: the encoders' output stays byte-identical
// across generator changes. With TL_WRITE_GOLDEN=1 it writes the file instead. Cases the file
// does not list (constructors added since it was written) are skipped; run with
// TL_WRITE_GOLDEN=1 after a schema change that alters a listed one.
func EncodeGolden(t *testing.T, cases []Case, path string) {
	t.Helper()
	got := make(map[string]string, len(cases))
	var names []string
	for _, c := range cases {
		h := sha256.New()
		for i := range Seeds {
			v := c.New(NewRand(seedFor(c.Name, i)))
			encs := []func(*tl.Buffer) error{v.Encode}
			if bare, ok := v.(tl.BareEncoder); ok {
				encs = append(encs, bare.EncodeBare)
			}
			for _, enc := range encs {
				b := tl.Buffer{Buf: []byte{0xee}}
				if err := enc(&b); err != nil {
					t.Fatalf("%s seed %d: encode: %v", c.Name, i, err)
				}
				if b.Buf[0] != 0xee {
					t.Fatalf("%s seed %d: encode overwrote the byte before it", c.Name, i)
				}
				fmt.Fprintf(h, "%d:", len(b.Buf)-1)
				h.Write(b.Buf[1:])
			}
		}
		got[c.Name] = hex.EncodeToString(h.Sum(nil)[:8])
		names = append(names, c.Name)
	}
	if os.Getenv("TL_WRITE_GOLDEN") == "1" {
		var out strings.Builder
		out.WriteString("# digest of the encodings of each case's seeded random values (tltest.EncodeGolden)\n")
		for _, n := range names {
			fmt.Fprintf(&out, "%s %s\n", n, got[n])
		}
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, line := range strings.Split(string(data), "\n") {
		name, want, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		g, ok := got[name]
		if !ok {
			continue
		}
		checked++
		if g != want {
			t.Errorf("%s: encodings changed: digest %s, golden %s", name, g, want)
		}
	}
	if checked == 0 {
		t.Fatalf("%s lists none of the %d cases", path, len(cases))
	}
	t.Logf("%d of %d cases compared with %s", checked, len(cases), path)
}
