package mtp

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
)

// partBody encodes a request carrying the byte strings strs, borrowing those of at least
// borrowMin bytes when borrowMin > 0.
func partBody(strs [][]byte, borrowMin int) *tl.Buffer {
	b := new(tl.Buffer)
	if borrowMin > 0 {
		b.Borrow(borrowMin)
	}
	b.PutID(0x1234abcd)
	b.PutInt64(42)
	for _, s := range strs {
		b.PutBytes(s)
		b.PutInt32(7)
	}
	return b
}

// Borrowed strings of holeMin bytes and more are left out of the packet buffer and encrypted
// from where they are: the packets are byte for byte those of the same calls sent with their
// bodies whole, alone, in a container, behind invokeAfterMsg and the init prefix.
func TestBorrowedHolesSamePackets(t *testing.T) {
	rnd := rand.NewChaCha8([32]byte{7})
	str := func(n int) []byte {
		p := make([]byte, n)
		_, _ = rnd.Read(p)
		return p
	}
	tests := []struct {
		name  string
		strs  [][]byte
		calls int
		after bool
		init  bool
	}{
		{"below holeMin, copied", [][]byte{str(3000)}, 1, false, false},
		{"holeMin exactly", [][]byte{str(holeMin)}, 1, false, false},
		{"unaligned part", [][]byte{str(5001)}, 1, false, false},
		{"512 KiB part", [][]byte{str(512 << 10)}, 1, false, false},
		{"two parts and a short string", [][]byte{str(4099), str(300), str(70001)}, 1, false, false},
		{"container of three", [][]byte{str(9000)}, 3, false, false},
		{"behind invokeAfterMsg", [][]byte{str(6002)}, 2, true, false},
		{"with the init prefix", [][]byte{str(6002)}, 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var packets [2][][]byte
			var bodies [2][][]byte
			for i, borrowMin := range []int{0, 256} {
				p := newPair(t, func(c, s *Config) { c.GzipThreshold = -1 })
				if tt.init {
					p.c.SetInitPrefix(bytes.Repeat([]byte{1, 2, 3, 4}, 9))
				}
				var bufs []*tl.Buffer
				var prev CallID
				for range tt.calls {
					b := partBody(tt.strs, borrowMin)
					bufs = append(bufs, b)
					opts := CallOptions{Borrowed: b.Borrowed()}
					if tt.after {
						opts.After = prev
					}
					prev = p.call(b.Buf, opts)
				}
				p.flushC()
				runtime.KeepAlive(bufs) // the borrowed bytes must outlive the flush
				holes := slices.ContainsFunc(tt.strs, func(s []byte) bool { return len(s) >= holeMin })
				if used := cap(p.c.pieces.segs) > 0; used != (holes && borrowMin > 0) {
					t.Errorf("borrowMin %d: packet built from pieces = %v", borrowMin, used)
				}
				packets[i] = p.toS
				for _, ev := range only(p.deliverS(), EventRequest) {
					bodies[i] = append(bodies[i], ev.Body)
				}
			}
			if len(bodies[1]) != tt.calls {
				t.Fatalf("server got %d requests, want %d", len(bodies[1]), tt.calls)
			}
			for i, got := range bodies[1] {
				if !bytes.Equal(got, bodies[0][i]) {
					t.Errorf("request %d differs from the plain encoding", i)
				}
			}
			if len(packets[0]) != len(packets[1]) {
				t.Fatalf("%d packets, %d with the bodies whole", len(packets[1]), len(packets[0]))
			}
			for i := range packets[0] {
				if !bytes.Equal(packets[0][i], packets[1][i]) {
					t.Errorf("packet %d differs from the one with the bodies whole", i)
				}
			}
		})
	}
}

// A packet with holes costs no allocation more than one whose part is copied (a relative
// count, so it holds under the race detector and coverage too).
func TestBorrowedHolesAllocs(t *testing.T) {
	counts := map[string]float64{}
	for _, n := range []int{3000, 512 << 10} {
		p := newPair(t, nil)
		b := partBody([][]byte{bytes.Repeat([]byte{9}, n)}, 256)
		buf := make([]byte, 0, 2*n)
		var id CallID
		round := func() {
			id++
			if err := p.c.Enqueue(id, b.Buf, CallOptions{Borrowed: b.Borrowed()}); err != nil {
				t.Fatal(err)
			}
			pkt, _, err := p.c.Flush(p.now, buf[:0])
			if err != nil || len(pkt) < n {
				t.Fatalf("flush: %d bytes, %v", len(pkt), err)
			}
			p.c.Cancel(id)
			if _, _, err := p.c.Flush(p.now, buf[:0]); err != nil { // the rpc_drop_answer
				t.Fatal(err)
			}
		}
		counts[fmt.Sprint(n)] = testing.AllocsPerRun(50, round)
	}
	if counts["524288"] > counts["3000"] {
		t.Errorf("allocs per round: %v; the 512 KiB part (holes) allocates more than the 3000-byte one (copied)", counts)
	}
}

// BenchmarkFlushPart sends a 512 KiB upload part, its body whole (copied into the packet, then
// encrypted in place) and borrowed (encrypted from where it is). Enqueue, Flush and Cancel
// per op; the part's bytes per op.
func BenchmarkFlushPart(b *testing.B) {
	part := bytes.Repeat([]byte{9}, 512<<10)
	for _, tc := range []struct {
		name      string
		borrowMin int
	}{{"whole", 0}, {"borrowed", 256}} {
		b.Run(tc.name, func(b *testing.B) {
			p := newPair(&testing.T{}, func(c, s *Config) { c.GzipThreshold = -1 })
			body := partBody([][]byte{part}, tc.borrowMin)
			buf := make([]byte, 0, 2*len(part))
			var id CallID
			b.SetBytes(int64(len(part)))
			b.ReportAllocs()
			for b.Loop() {
				id++
				if err := p.c.Enqueue(id, body.Buf, CallOptions{Borrowed: body.Borrowed()}); err != nil {
					b.Fatal(err)
				}
				if _, _, err := p.c.Flush(p.now, buf[:0]); err != nil {
					b.Fatal(err)
				}
				p.c.Cancel(id)
				if _, _, err := p.c.Flush(p.now, buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
