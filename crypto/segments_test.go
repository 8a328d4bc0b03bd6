package crypto

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// piece is one segment of a plaintext cut for EncryptMessageSegments: up to end, and whether
// it sits at its place in the output or in memory of its own.
type piece struct {
	end     int
	inPlace bool
}

// cutPlaintext places pt's pieces: the in-place ones into buf's spare capacity where the
// packet's body will be, the others into fresh slices. It returns the segments.
func cutPlaintext(buf, pt []byte, pieces []piece) [][]byte {
	body := buf[len(buf) : len(buf)+EnvelopeSize+len(pt)][EnvelopeSize:]
	segs := make([][]byte, 0, len(pieces))
	at := 0
	for _, p := range pieces {
		if p.inPlace {
			segs = append(segs, body[at:p.end:p.end])
			copy(body[at:p.end], pt[at:p.end])
		} else {
			segs = append(segs, bytes.Clone(pt[at:p.end]))
		}
		at = p.end
	}
	return segs
}

// checkSegments encrypts pt cut into pieces and compares the packet with EncryptMessage's on
// the whole plaintext with the same padding.
func checkSegments(t *testing.T, key *AuthKey, from Side, pt []byte, pieces []piece, seed uint64) {
	t.Helper()
	want, err := EncryptMessage([]byte("hdr"), key, from, pt, NewDeterministicReader(seed))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3, 3+EncryptedSize(len(pt))+16)
	copy(buf, "hdr")
	segs := cutPlaintext(buf, pt, pieces)
	got, err := EncryptMessageSegments(buf, key, from, segs, NewDeterministicReader(seed))
	if err != nil {
		t.Fatalf("pieces %v: %v", pieces, err)
	}
	if &got[0] != &buf[0] {
		t.Fatalf("pieces %v: reallocated despite enough capacity", pieces)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("pieces %v: packet differs from EncryptMessage's", pieces)
	}
}

func TestEncryptMessageSegments(t *testing.T) {
	key := testKey(t, 40)
	r := NewDeterministicReader(41)
	tests := []struct {
		name   string
		body   int
		pieces []piece
	}{
		{"one piece in place", 64, []piece{{96, true}}},
		{"one piece apart", 64, []piece{{96, false}}},
		{"header only", 0, []piece{{32, true}}},
		{"header in place, part apart, aligned", 4096, []piece{{32, true}, {4128, false}}},
		{"header, part, tail", 4100, []piece{{52, true}, {4148, false}, {4132, true}}},
		{"unaligned joins", 4100, []piece{{37, true}, {4111, false}, {4132, true}}},
		{"empty pieces", 100, []piece{{0, false}, {32, true}, {32, false}, {32, true}, {132, false}, {132, true}}},
		{"every piece short", 32, []piece{{3, false}, {7, true}, {20, false}, {21, true}, {31, false}, {64, true}}},
		{"two parts", 8192, []piece{{40, true}, {4136, false}, {4144, true}, {8216, false}, {8224, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, from := range []Side{Client, Server} {
				pt := innerMessage(t, r, tt.body)
				// The table's ends are written for readability; a piece ends where the
				// next one starts, and the last at the plaintext's end.
				pieces := make([]piece, len(tt.pieces))
				at := 0
				for i, p := range tt.pieces {
					end := max(at, min(p.end, len(pt)))
					if i == len(tt.pieces)-1 {
						end = len(pt)
					}
					pieces[i], at = piece{end, p.inPlace}, end
				}
				checkSegments(t, &key, from, pt, pieces, 42)
			}
		})
	}
}

// TestEncryptMessageSegmentsEverySplit cuts plaintexts into header, part and tail at every
// pair of points, in place and apart.
func TestEncryptMessageSegmentsEverySplit(t *testing.T) {
	key := testKey(t, 43)
	r := NewDeterministicReader(44)
	for _, body := range []int{0, 4, 28, 68, 100} {
		pt := innerMessage(t, r, body)
		for a := 0; a <= len(pt); a++ {
			for b := a; b <= len(pt); b += 1 + b%5 {
				for mask := range 8 {
					pieces := []piece{{a, mask&1 != 0}, {b, mask&2 != 0}, {len(pt), mask&4 != 0}}
					checkSegments(t, &key, Side(mask&1), pt, pieces, uint64(a*1000+b))
				}
			}
		}
	}
}

func TestEncryptMessageSegmentsErrors(t *testing.T) {
	key := testKey(t, 45)
	r := NewDeterministicReader(46)
	pt := innerMessage(t, r, 64)
	for _, n := range []int{0, 4, 31, 34} {
		segs := [][]byte{make([]byte, n/2), make([]byte, n-n/2)}
		if _, err := EncryptMessageSegments(nil, &key, Client, segs, r); !errorIs(err, ErrPlaintext) {
			t.Errorf("plaintext of %d bytes: %v, want ErrPlaintext", n, err)
		}
	}
	if _, err := EncryptMessageSegments(nil, &key, Client, [][]byte{pt}, bytes.NewReader(nil)); !errorIs(err, io.EOF) {
		t.Errorf("empty random source: %v, want EOF", err)
	}
	// A piece inside the output but not at its own place would be overwritten before it is
	// read, or read after it was encrypted.
	buf := make([]byte, 0, 512)
	body := buf[EnvelopeSize : EnvelopeSize+len(pt)]
	copy(body, pt)
	for _, tt := range []struct {
		name string
		segs [][]byte
	}{
		{"second piece ahead", [][]byte{body[:32], body[48:]}},
		{"second piece behind", [][]byte{body[:32], body[16:48], body[48:]}},
		{"first piece shifted", [][]byte{body[4:36], body[32:]}},
		{"apart piece reaching into the padding", [][]byte{body[:32], buf[EnvelopeSize+len(pt)+8 : EnvelopeSize+2*len(pt)-24]}},
	} {
		dst := buf[:0]
		got, err := EncryptMessageSegments(dst, &key, Client, tt.segs, r)
		if !errorIs(err, ErrIGEOverlap) || len(got) != 0 {
			t.Errorf("%s: %v (%d bytes), want ErrIGEOverlap", tt.name, err, len(got))
		}
	}
	if !bytes.Equal(body, pt) {
		t.Error("a rejected call changed the plaintext")
	}
	// Without capacity the packet goes to new memory, and pieces in the old one are read
	// from where they are.
	small := buf[: 0 : EnvelopeSize+40]
	want, _ := EncryptMessage(nil, &key, Client, pt, NewDeterministicReader(1))
	got, err := EncryptMessageSegments(small, &key, Client, [][]byte{body[:40], body[40:]}, NewDeterministicReader(1))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("reallocated: %v, packet equal %v", err, bytes.Equal(got, want))
	}
}

func TestEncryptMessageSegmentsAllocs(t *testing.T) {
	skipAllocs(t)
	if !hasIGEAsm {
		t.Skip("the portable path allocates its crypto/aes block once per message")
	}
	key := testKey(t, 47)
	r := NewDeterministicReader(48)
	pt := innerMessage(t, r, 5000)
	buf := make([]byte, 0, EncryptedSize(len(pt)))
	segs := cutPlaintext(buf, pt, []piece{{41, true}, {4141, false}, {len(pt), true}})
	if n := testing.AllocsPerRun(100, func() {
		if _, err := EncryptMessageSegments(buf, &key, Client, segs, r); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("EncryptMessageSegments: %v allocs, want 0", n)
	}
}

// FuzzEncryptMessageSegments cuts fuzzer-chosen plaintexts at fuzzer-chosen points, each
// piece in place or apart, and compares the packet with EncryptMessage's.
func FuzzEncryptMessageSegments(f *testing.F) {
	f.Add(make([]byte, 64), []byte{5, 20, 3}, uint16(0b101), false)
	f.Add(make([]byte, 600), []byte{32, 255, 255, 1}, uint16(0b1010), true)
	f.Add([]byte{}, []byte{}, uint16(0), false)
	key := testKey(f, 49)
	f.Fuzz(func(t *testing.T, body, cuts []byte, inPlace uint16, server bool) {
		from := Client
		if server {
			from = Server
		}
		n := len(body) &^ 3
		pt := make([]byte, InnerHeaderSize+n)
		copy(pt[InnerHeaderSize:], body)
		var pieces []piece
		at := 0
		for i, c := range cuts {
			at = min(at+int(c), len(pt))
			pieces = append(pieces, piece{at, inPlace>>(i%16)&1 != 0})
		}
		pieces = append(pieces, piece{len(pt), inPlace>>15 != 0})
		checkSegments(t, &key, from, pt, pieces, uint64(len(cuts)))
	})
}

// BenchmarkMessageSegments encrypts an upload-shaped message, a 40-byte header in the packet
// buffer and the body in memory of its own, beside EncryptMessage on the same bytes (which
// copies the body into the packet first, as a session without segments does).
func BenchmarkMessageSegments(b *testing.B) {
	key := testKey(b, 50)
	for _, sz := range benchSizes {
		r := NewDeterministicReader(51)
		pt := innerMessage(b, r, sz.n+8)
		buf := make([]byte, 0, EncryptedSize(len(pt)))
		segs := cutPlaintext(buf, pt, []piece{{40, true}, {len(pt), false}})
		b.Run(fmt.Sprintf("Encrypt/%s", sz.name), func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := EncryptMessage(buf, &key, Client, pt, r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("EncryptSegments/%s", sz.name), func(b *testing.B) {
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := EncryptMessageSegments(buf, &key, Client, segs, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
