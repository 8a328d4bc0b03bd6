package transport

import (
	"bytes"
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// FuzzServerConn: any byte stream from a client (protocol detection, obfuscation header, then
// frames) is taken apart without a panic, hands out no more bytes than it holds and ends in an
// error; a 4 KiB maximum keeps hostile lengths from growing the buffer.
func FuzzServerConn(f *testing.F) {
	key := bytes.Repeat([]byte{0x42}, 16)
	for _, cs := range connCases() {
		var lb transporttest.Loopback
		cc, err := NewClientConn(&lb, cs.opts)
		if err != nil {
			f.Fatal(err)
		}
		for _, n := range []int{4, 40, 24 + 16*3} {
			p := make([]byte, n)
			p[0] = 1
			_ = cc.WritePacket(p)
		}
		f.Add(len(cs.srv.Secret) > 0, bytes.Clone(lb.Buffered()))
	}
	f.Add(false, []byte{0xef, 0x7f, 0xff, 0xff, 0xff})
	f.Add(false, []byte{0xee, 0xee, 0xee, 0xee, 0xff, 0xff, 0xff, 0x7f})
	f.Add(false, []byte{0xdd, 0xdd, 0xdd, 0xdd, 4, 0, 0, 0, 0x6c, 0xfe, 0xff, 0xff})
	const max = 4096
	f.Fuzz(func(t *testing.T, secret bool, in []byte) {
		var lb transporttest.Loopback
		lb.Write(in)
		opts := ServerOptions{MaxPacket: max}
		if secret {
			opts.Secret = key
		}
		c, err := NewServerConn(&lb, opts)
		if err != nil {
			return
		}
		sc := c.(*StreamConn)
		out := 0
		for frames := 0; ; frames++ {
			if frames > len(in) {
				t.Fatalf("%d frames from %d bytes", frames, len(in))
			}
			f, err := sc.ReadFrame()
			var pe *ProtocolError
			if errors.As(err, &pe) {
				continue
			}
			if err != nil {
				break
			}
			if len(f.Payload) > max {
				t.Fatalf("%d-byte payload past the %d maximum", len(f.Payload), max)
			}
			out += len(f.Payload)
		}
		if out > len(in) || len(sc.rbuf) > max+64+initialReadBuffer {
			t.Fatalf("read %d payload bytes from %d, buffer %d", out, len(in), len(sc.rbuf))
		}
	})
}
