package transport

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// Packet sizes valid for every codec (padded intermediate needs 24 bytes and whole
// AES blocks): the largest below the default maximum, 1 MiB, and a small answer.
const (
	hugePacket  = 24 + 16*(DefaultMaxPacket/16-4)
	largePacket = 24 + 16*(1<<16)
	smallPacket = 24 + 16*4
)

// loopPair connects a client and a server StreamConn over one in-memory Loopback, driven
// from this goroutine: what one side writes, the other reads next.
func loopPair(tb testing.TB, tc connCase) (lb *transporttest.Loopback, cc, sc *StreamConn) {
	tb.Helper()
	lb = &transporttest.Loopback{}
	c, err := NewClientConn(lb, tc.opts)
	if err != nil {
		tb.Fatal(err)
	}
	return lb, c.(*StreamConn), serverAfterWarmUp(tb, c, lb, tc.srv)
}

// relay writes each packet on cc and reads it back on sc.
func relay(tb testing.TB, cc, sc Conn, ps ...[]byte) {
	tb.Helper()
	for _, p := range ps {
		if err := cc.WritePacket(p); err != nil {
			tb.Fatal(err)
		}
		got, err := sc.ReadPacket()
		if err != nil {
			tb.Fatal(err)
		}
		if len(got) != len(p) {
			tb.Fatalf("read %d bytes, want %d", len(got), len(p))
		}
	}
}

// burst is one large packet followed by n small ones.
func burst(large, small []byte, n int) [][]byte {
	ps := [][]byte{large}
	for range n {
		ps = append(ps, small)
	}
	return ps
}

// A peer that declares a 4 MiB frame and sends only part of it pins memory in proportion
// to what it sent, not to what it declared: on either side of the connection.
func TestReadBufferGrowsWithBytesReceived(t *testing.T) {
	big := mtprotoPacket(rand.New(rand.NewPCG(3, 3)), hugePacket, false)
	for _, tc := range connCases() {
		header := 4 // abridged (0x7f and 3 bytes), intermediate and padded length words
		if tc.opts.Codec == Full {
			header = 8 // length and sequence number
		}
		for _, sent := range []int{10, 100 << 10} {
			for _, serverReads := range []bool{true, false} {
				name := fmt.Sprintf("%s/client-reads-%d", tc.name, sent)
				if serverReads {
					name = fmt.Sprintf("%s/server-reads-%d", tc.name, sent)
				}
				t.Run(name, func(t *testing.T) {
					lb, cc, sc := loopPair(t, tc)
					w, r := cc, sc
					if !serverReads {
						w, r = sc, cc
					}
					if err := w.WritePacket(big); err != nil {
						t.Fatal(err)
					}
					// The reader gets the frame's header and sent bytes, then the peer stops.
					part := &transporttest.Loopback{}
					part.Write(lb.Buffered()[:header+sent])
					r.nc = part
					if _, err := r.ReadPacket(); !errors.Is(err, io.ErrUnexpectedEOF) {
						t.Fatalf("ReadPacket of a cut frame: %v, want io.ErrUnexpectedEOF", err)
					}
					if got, limit := len(r.rbuf), max(initialReadBuffer, 2*(header+sent)); got > limit {
						t.Errorf("read buffer of %d bytes after %d bytes of a declared %d-byte frame, want at most %d",
							got, header+sent, len(big), limit)
					}
				})
			}
		}
	}
}

// A frame sent a few bytes per read is read whole, its buffer grown a step at a time to
// no more than twice its size.
func TestReadBufferGrowsInSteps(t *testing.T) {
	p := mtprotoPacket(rand.New(rand.NewPCG(4, 4)), largePacket, false)
	for _, tc := range connCases() {
		t.Run(tc.name, func(t *testing.T) {
			lb, cc, sc := loopPair(t, tc)
			if err := cc.WritePacket(p); err != nil {
				t.Fatal(err)
			}
			sc.nc = &trickle{Loopback: lb, step: 1000}
			got, err := sc.ReadPacket()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(p) {
				t.Fatal("packet read in steps differs from the one written")
			}
			if n := len(sc.rbuf); n > 2*len(p) {
				t.Errorf("read buffer of %d bytes for a %d-byte packet", n, len(p))
			}
		})
	}
}

// trickle hands out at most step bytes per Read.
type trickle struct {
	*transporttest.Loopback
	step int
}

func (t *trickle) Read(p []byte) (int, error) { return t.Loopback.Read(p[:min(len(p), t.step)]) }

// After one large packet, a run of small ones gives the large read and write buffers back;
// a stream of large packets with fewer small ones between them keeps them and allocates
// nothing.
func TestBuffersShrink(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	large := mtprotoPacket(rng, largePacket, false)
	small := mtprotoPacket(rng, smallPacket, false)
	for _, tc := range connCases() {
		t.Run(tc.name, func(t *testing.T) {
			_, cc, sc := loopPair(t, tc)
			sizes := func() [2]int { return [2]int{len(sc.rbuf), cap(cc.wbuf)} }
			relay(t, cc, sc, large)
			grown := sizes()
			if grown[0] <= shrinkAbove || grown[1] <= shrinkAbove {
				t.Fatalf("read and write buffers of %v bytes after a %d-byte packet", grown, len(large))
			}
			kept := burst(large, small, shrinkAfter-1)
			relay(t, cc, sc, kept...)
			if !raceEnabled {
				if n := testing.AllocsPerRun(20, func() { relay(t, cc, sc, kept...) }); n != 0 {
					t.Errorf("%v allocs per large packet and %d small ones, want 0", n, shrinkAfter-1)
				}
			}
			if got := sizes(); got != grown {
				t.Fatalf("read and write buffers of %v bytes after bursts, want them kept at %v", got, grown)
			}
			relay(t, cc, sc, burst(small, small, shrinkAfter)...)
			if got := sizes(); got[0] > initialReadBuffer || got[1] > initialReadBuffer {
				t.Errorf("read and write buffers of %v bytes after %d small packets, want at most %d",
					got, shrinkAfter+1, initialReadBuffer)
			}
			relay(t, cc, sc, large, small) // grows again
		})
	}
}

// BenchmarkConnBurst is one 512 KiB packet followed by small ones over an intermediate
// Loopback pair: "kept" has shrinkAfter-1 small packets per op, so the large buffers stay;
// "shrunk" has shrinkAfter+1, the worst case, where every op gives the buffers back and
// grows them again for the next large packet.
func BenchmarkConnBurst(b *testing.B) {
	rng := rand.New(rand.NewPCG(6, 6))
	large := mtprotoPacket(rng, 512<<10+24, false)
	small := mtprotoPacket(rng, smallPacket, false)
	for _, bc := range []struct {
		name  string
		small int
	}{{"kept", shrinkAfter - 1}, {"shrunk", shrinkAfter + 1}} {
		b.Run(bc.name, func(b *testing.B) {
			_, cc, sc := loopPair(b, connCase{})
			ps := burst(large, small, bc.small)
			relay(b, cc, sc, ps...)
			b.SetBytes(int64(len(large) + bc.small*len(small)))
			b.ReportAllocs()
			for b.Loop() {
				relay(b, cc, sc, ps...)
			}
		})
	}
}

// fixedByte is a Rand of one repeated byte: for the padded codec, padding of b&15 bytes.
type fixedByte struct{ b byte }

func (r *fixedByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.b
	}
	return len(p), nil
}

// A frame with more padding than the first one fits the write buffer the first one grew.
func TestWriteBufferFitsLongerPadding(t *testing.T) {
	p := mtprotoPacket(rand.New(rand.NewPCG(7, 7)), largePacket, false)
	for _, obf := range []bool{false, true} {
		t.Run(fmt.Sprintf("obfuscated=%v", obf), func(t *testing.T) {
			r := &fixedByte{b: 0x10} // no padding
			c, err := NewClientConn(&transporttest.Loopback{}, ClientOptions{Codec: PaddedIntermediate, Obfuscated: obf, Rand: r})
			if err != nil {
				t.Fatal(err)
			}
			sc := c.(*StreamConn)
			if err := sc.WritePacket(p); err != nil {
				t.Fatal(err)
			}
			first := cap(sc.wbuf)
			r.b = 0x1f // 15 bytes of padding
			if err := sc.WritePacket(p); err != nil {
				t.Fatal(err)
			}
			if got := cap(sc.wbuf); got != first {
				t.Errorf("write buffer of %d bytes after a frame with 15 bytes of padding, want it kept at %d", got, first)
			}
		})
	}
}

// BenchmarkIdleConnAfterLargePacket is the memory an idle connection pair keeps after it
// carried one 1 MiB packet (a downloaded chunk) and then shrinkAfter+1 small ones over an
// obfuscated intermediate stream: each op leaves one pair alive, its pipe dropped, and
// "heap-B/pair" is the live heap they add.
func BenchmarkIdleConnAfterLargePacket(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 8))
	large := mtprotoPacket(rng, largePacket, false)
	small := mtprotoPacket(rng, smallPacket, false)
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	obf := connCase{opts: ClientOptions{Obfuscated: true}}
	ps := burst(large, small, shrinkAfter+1)
	var pairs [][2]*StreamConn
	before := heap()
	for b.Loop() {
		_, cc, sc := loopPair(b, obf)
		relay(b, cc, sc, ps...)
		cc.nc, sc.nc = nil, nil
		pairs = append(pairs, [2]*StreamConn{cc, sc})
	}
	b.ReportMetric(float64(heap()-before)/float64(len(pairs)), "heap-B/pair")
	runtime.KeepAlive(pairs)
	runtime.KeepAlive(large) // live in both measures
}
