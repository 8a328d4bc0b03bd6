package mtgobench

import (
	"bytes"
	crand "crypto/rand"
	"testing"

	"github.com/gotd/td/bin"
	"github.com/gotd/td/internal/mtproxy"
	"github.com/gotd/td/internal/mtproxy/obfuscated2"
	"github.com/gotd/td/internal/proto/codec"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// Side-by-side framing: MTGo's transport.StreamConn against gotd's
// internal/proto/codec (and internal/mtproxy/obfuscated2 for the obfuscated
// write path), intermediate framing, same packet bytes, same in-memory
// loopback. Numbers are recorded in transport/README.md.

var transportSizes = []struct {
	name string
	n    int
}{{"1KiB", 1024 + 24}, {"512KiB", 512<<10 + 24}}

func transportPacket(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*31 + 7)
	}
	return p
}

// discardConn swallows writes.
type discardConn struct{ transporttest.Loopback }

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }

func BenchmarkTransportIntermediateRoundTrip(b *testing.B) {
	for _, sz := range transportSizes {
		p := transportPacket(sz.n)
		b.Run("mtgo/"+sz.name, func(b *testing.B) {
			lb := &transporttest.Loopback{}
			cc, err := transport.NewClientConn(lb, transport.ClientOptions{Codec: transport.Intermediate})
			if err != nil {
				b.Fatal(err)
			}
			sc, err := transport.NewServerConn(lb, transport.ServerOptions{})
			if err != nil {
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
		b.Run("gotd/"+sz.name, func(b *testing.B) {
			var wire bytes.Buffer
			var out, in bin.Buffer
			c := codec.Intermediate{}
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				out.ResetTo(p)
				if err := c.Write(&wire, &out); err != nil {
					b.Fatal(err)
				}
				in.Reset()
				if err := c.Read(&wire, &in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTransportObfuscatedWrite(b *testing.B) {
	for _, sz := range transportSizes {
		p := transportPacket(sz.n)
		b.Run("mtgo/"+sz.name, func(b *testing.B) {
			c, err := transport.NewClientConn(&discardConn{}, transport.ClientOptions{Codec: transport.Intermediate, Obfuscated: true})
			if err != nil {
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
		b.Run("gotd/"+sz.name, func(b *testing.B) {
			o := obfuscated2.NewObfuscated2(crand.Reader, &discardConn{})
			if err := o.Handshake(codec.Intermediate{}.ObfuscatedTag(), 2, mtproxy.Secret{}); err != nil {
				b.Fatal(err)
			}
			var out bin.Buffer
			c := codec.Intermediate{}
			b.SetBytes(int64(len(p)))
			b.ReportAllocs()
			for b.Loop() {
				out.ResetTo(p)
				if err := c.Write(o, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// gotd's obfuscated client talks to MTGo's server-side detection.
func TestTransportInteropGotdClient(t *testing.T) {
	a, srv := transporttest.Pipe()
	defer a.Close()
	defer srv.Close()
	o := obfuscated2.NewObfuscated2(crand.Reader, a)
	if err := o.Handshake(codec.PaddedIntermediate{}.ObfuscatedTag(), -3, mtproxy.Secret{}); err != nil {
		t.Fatal(err)
	}
	p := transportPacket(24 + 16*10)
	p[0] = 1
	var out bin.Buffer
	out.ResetTo(p)
	if err := (codec.PaddedIntermediate{}).Write(o, &out); err != nil {
		t.Fatal(err)
	}
	c, err := transport.NewServerConn(srv, transport.ServerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sc := c.(*transport.StreamConn)
	if sc.Kind() != transport.PaddedIntermediate || sc.DC() != -3 {
		t.Fatalf("detected %s dc %d", sc.Kind(), sc.DC())
	}
	got, err := sc.ReadPacket()
	if err != nil || !bytes.Equal(got, p) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if err := sc.WritePacket(p); err != nil {
		t.Fatal(err)
	}
	var in bin.Buffer
	if err := (codec.PaddedIntermediate{}).Read(o, &in); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(in.Buf, p) {
		t.Fatalf("gotd read %d bytes, not the packet", len(in.Buf))
	}
}
