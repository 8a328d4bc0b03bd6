package transport

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// Packet sizes valid for every codec (padded intermediate needs 24 bytes and whole
// AES blocks): the largest below the default maximum and 1 MiB.
const (
	hugePacket  = 24 + 16*(DefaultMaxPacket/16-4)
	largePacket = 24 + 16*(1<<16)
)

// loopPair connects a client and a server StreamConn over one in-memory Loopback, driven
// from this goroutine: what one side writes, the other reads next.
func loopPair(t *testing.T, tc connCase) (lb *transporttest.Loopback, cc, sc *StreamConn) {
	t.Helper()
	lb = &transporttest.Loopback{}
	c, err := NewClientConn(lb, tc.opts)
	if err != nil {
		t.Fatal(err)
	}
	return lb, c.(*StreamConn), serverAfterWarmUp(t, c, lb, tc.srv)
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
