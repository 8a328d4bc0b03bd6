package transport

import (
	"crypto/aes"
	"crypto/cipher"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

var benchSizes = []struct {
	name string
	n    int
}{{"1KiB", 1024 + 24}, {"512KiB", 512<<10 + 24}}

// BenchmarkConn is write-then-read throughput of a client/server StreamConn
// pair over an in-memory loopback pipe: each op sends one packet and reads
// it back on the other side.
func BenchmarkConn(b *testing.B) {
	for _, kind := range allKinds {
		for _, obf := range []bool{false, true} {
			if kind == Full && obf {
				continue
			}
			for _, sz := range benchSizes {
				mode := "plain"
				if obf {
					mode = "obfuscated"
				}
				b.Run(fmt.Sprintf("%s/%s/%s", kind, sz.name, mode), func(b *testing.B) {
					lb := &transporttest.Loopback{}
					cc, err := NewClientConn(lb, ClientOptions{Codec: kind, Obfuscated: obf})
					if err != nil {
						b.Fatal(err)
					}
					sc := serverAfterWarmUp(b, cc, lb, ServerOptions{})
					p := mtprotoPacket(rand.New(rand.NewPCG(1, 1)), sz.n, false)
					if err := cc.WritePacket(p); err != nil { // grow the buffers
						b.Fatal(err)
					}
					if _, err := sc.ReadPacket(); err != nil {
						b.Fatal(err)
					}
					b.SetBytes(int64(len(p)))
					b.ReportAllocs()
					for b.Loop() {
						if err := cc.WritePacket(p); err != nil {
							b.Fatal(err)
						}
						if _, err := sc.ReadPacket(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// discard is a net.Conn whose writes vanish, to time the write path alone.
type discard struct{ transporttest.Loopback }

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkObfuscation compares the obfuscated framing paths with the
// AES-256-CTR work they cannot avoid, in the same run: "aes-ctr-copy"
// encrypts the packet's bytes from one buffer to another (what a write must
// do), "aes-ctr-inplace" within one buffer (what a read must do); "write" is
// StreamConn.WritePacket into a discarding conn (header, one-pass encrypt
// of the payload into the write buffer, padding); "read" is the work
// StreamConn does on bytes it has read (decrypt in place, find the frame).
func BenchmarkObfuscation(b *testing.B) {
	for _, sz := range benchSizes {
		p := mtprotoPacket(rand.New(rand.NewPCG(2, 2)), sz.n, false)
		for _, inPlace := range []bool{false, true} {
			name := "aes-ctr-copy/"
			if inPlace {
				name = "aes-ctr-inplace/"
			}
			b.Run(name+sz.name, func(b *testing.B) {
				blk, _ := aes.NewCipher(make([]byte, 32))
				s := cipher.NewCTR(blk, make([]byte, 16))
				src, dst := p, make([]byte, len(p))
				if inPlace {
					src = dst
				}
				b.SetBytes(int64(len(p)))
				b.ReportAllocs()
				for b.Loop() {
					s.XORKeyStream(dst, src)
				}
			})
		}
		for _, kind := range []Kind{Abridged, Intermediate, PaddedIntermediate} {
			b.Run(fmt.Sprintf("write/%s/%s", kind, sz.name), func(b *testing.B) {
				c, err := NewClientConn(&discard{}, ClientOptions{Codec: kind, Obfuscated: true})
				if err != nil {
					b.Fatal(err)
				}
				if err := c.WritePacket(p); err != nil { // grow the write buffer
					b.Fatal(err)
				}
				b.SetBytes(int64(len(p)))
				b.ReportAllocs()
				for b.Loop() {
					if err := c.WritePacket(p); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(fmt.Sprintf("read/%s/%s", kind, sz.name), func(b *testing.B) {
				benchRead(b, kind, p)
			})
		}
	}
}

// benchRead times StreamConn's handling of received bytes. A client
// encrypts one frame; before each op (untimed) the frame is re-encrypted
// with a twin of the server's decrypt stream kept one frame ahead, so the
// server always finds fresh, valid ciphertext in its read buffer.
func benchRead(b *testing.B, kind Kind, p []byte) {
	lb := &transporttest.Loopback{}
	cc, err := NewClientConn(lb, ClientOptions{Codec: kind, Obfuscated: true})
	if err != nil {
		b.Fatal(err)
	}
	head := append([]byte(nil), lb.Buffered()...)
	// A second server on the same header gives the twin decrypt stream.
	twinConn := &transporttest.Loopback{}
	twinConn.Write(head)
	twin, err := NewServerConn(twinConn, ServerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	sc, err := NewServerConn(lb, ServerOptions{})
	if err != nil {
		b.Fatal(err)
	}
	s, tw := sc.(*StreamConn), twin.(*StreamConn)
	if err := cc.WritePacket(p); err != nil {
		b.Fatal(err)
	}
	frame := append([]byte(nil), lb.Buffered()...) // ciphertext of frame 0
	tw.dec.XORKeyStream(make([]byte, len(frame)), frame)
	if len(s.rbuf) < len(frame) {
		s.rbuf = make([]byte, len(frame))
	}
	buf := s.rbuf[:len(frame)]
	copy(buf, frame)
	b.SetBytes(int64(len(p)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.rstart, s.rend = 0, 0
		s.received(len(buf))
		f, err := s.ReadFrame()
		if err != nil || len(f.Payload) != len(p) {
			b.Fatalf("frame of %d bytes: %v", len(f.Payload), err)
		}
		b.StopTimer()
		tw.dec.XORKeyStream(buf, buf) // plaintext -> ciphertext of the next frame
		b.StartTimer()
	}
}
