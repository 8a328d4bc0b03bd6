package transport

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

type connCase struct {
	name string
	opts ClientOptions
	srv  ServerOptions
}

func connCases() []connCase {
	key := bytes.Repeat([]byte{0x42}, 16)
	var cs []connCase
	for _, kind := range allKinds {
		cs = append(cs, connCase{name: kind.String(), opts: ClientOptions{Codec: kind}})
		if kind != Full {
			cs = append(cs, connCase{name: kind.String() + "/obfuscated", opts: ClientOptions{Codec: kind, Obfuscated: true, DC: -2}})
			cs = append(cs, connCase{name: kind.String() + "/secret", opts: ClientOptions{Codec: kind, Secret: key, DC: 3}, srv: ServerOptions{Secret: key}})
		}
	}
	dd := append([]byte{0xdd}, key...)
	cs = append(cs, connCase{name: "dd-secret", opts: ClientOptions{Secret: dd, DC: 4}, srv: ServerOptions{Secret: key}})
	return cs
}

// pair connects a client and a server Conn over an in-memory pipe.
func pair(t *testing.T, opts ClientOptions, srv ServerOptions) (*StreamConn, *StreamConn) {
	t.Helper()
	a, b := transporttest.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	cc, err := NewClientConn(a, opts)
	if err != nil {
		t.Fatalf("NewClientConn: %v", err)
	}
	sc := serverAfterWarmUp(t, cc, b, srv)
	return cc.(*StreamConn), sc
}

// serverAfterWarmUp accepts the server side of c. A full-protocol client
// sends no header, so the server can only detect it from a first packet:
// send one and check it arrives.
func serverAfterWarmUp(t testing.TB, client Conn, c net.Conn, srv ServerOptions) *StreamConn {
	t.Helper()
	warm := client.(*StreamConn).Kind() == Full
	if warm {
		if err := client.WritePacket([]byte{1, 2, 3, 4, 5, 6, 7, 8}); err != nil {
			t.Fatal(err)
		}
	}
	sc, err := NewServerConn(c, srv)
	if err != nil {
		t.Fatalf("NewServerConn: %v", err)
	}
	if warm {
		if p, err := sc.ReadPacket(); err != nil || len(p) != 8 {
			t.Fatalf("warm-up packet: %v", err)
		}
	}
	return sc.(*StreamConn)
}

func TestConnRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range connCases() {
		t.Run(tc.name, func(t *testing.T) {
			client, server := pair(t, tc.opts, tc.srv)
			wantKind := tc.opts.Codec
			if tc.name == "dd-secret" {
				wantKind = PaddedIntermediate
			}
			if server.Kind() != wantKind || server.DC() != client.DC() || server.Obfuscated() != client.Obfuscated() {
				t.Fatalf("server sees %s dc=%d obf=%v, client %s dc=%d obf=%v",
					server.Kind(), server.DC(), server.Obfuscated(), client.Kind(), client.DC(), client.Obfuscated())
			}
			for _, n := range []int{24, 40, 1048, 24 + 16*4096, 24 + 16*(1<<16-2)} {
				p := mtprotoPacket(rng, n, false)
				for _, dir := range []struct{ w, r *StreamConn }{{client, server}, {server, client}} {
					if err := dir.w.WritePacket(p); err != nil {
						t.Fatalf("write %d: %v", n, err)
					}
					got, err := dir.r.ReadPacket()
					if err != nil {
						t.Fatalf("read %d: %v", n, err)
					}
					if !bytes.Equal(got, p) {
						t.Fatalf("packet of %d bytes came back as %d different bytes", n, len(got))
					}
				}
			}
		})
	}
}

func TestConnQuickAckAndErrors(t *testing.T) {
	var acks []uint32
	client, server := pair(t, ClientOptions{Codec: Abridged, Obfuscated: true, OnQuickAck: func(tok uint32) { acks = append(acks, tok) }}, ServerOptions{})
	p := mtprotoPacket(rand.New(rand.NewPCG(1, 1)), 40, false)
	if err := client.WriteFrame(p, true); err != nil {
		t.Fatal(err)
	}
	f, err := server.ReadFrame()
	if err != nil || !f.QuickAck {
		t.Fatalf("server frame quickAck=%v err=%v", f.QuickAck, err)
	}
	if err := server.WriteQuickAck(77); err != nil {
		t.Fatal(err)
	}
	if err := server.WritePacket(p); err != nil {
		t.Fatal(err)
	}
	if err := server.WriteError(-429); err != nil {
		t.Fatal(err)
	}
	if got, err := client.ReadPacket(); err != nil || !bytes.Equal(got, p) {
		t.Fatalf("read after ack: %v", err)
	}
	if len(acks) != 1 || acks[0] != 77 {
		t.Fatalf("acks %v, want [77]", acks)
	}
	_, err = client.ReadPacket()
	var pe *ProtocolError
	if !errors.As(err, &pe) || pe.Code != -429 {
		t.Fatalf("read error code: %v", err)
	}
}

func TestServerConnRejects(t *testing.T) {
	key := bytes.Repeat([]byte{1}, 16)
	other := bytes.Repeat([]byte{2}, 16)
	tests := []struct {
		name string
		send func(c net.Conn) // what the client side writes
		opts ServerOptions
		want error
	}{
		{"garbage before obfuscation header", func(c net.Conn) {
			c.Write([]byte("xy"))
			cc, _ := NewClientConn(c, ClientOptions{Obfuscated: true})
			_ = cc
		}, ServerOptions{}, ErrUnknownProtocol},
		{"wrong secret", func(c net.Conn) {
			NewClientConn(c, ClientOptions{Secret: other})
		}, ServerOptions{Secret: key}, ErrUnknownProtocol},
		{"plain client on proxy", func(c net.Conn) {
			NewClientConn(c, ClientOptions{Codec: Intermediate})
		}, ServerOptions{Secret: key}, ErrUnknownProtocol},
		{"kind not allowed", func(c net.Conn) {
			NewClientConn(c, ClientOptions{Secret: key, Codec: Abridged})
		}, ServerOptions{Secret: key, AllowKind: func(k Kind) bool { return k == PaddedIntermediate }}, ErrUnknownProtocol},
		{"replayed header", func(c net.Conn) {
			NewClientConn(c, ClientOptions{Obfuscated: true})
		}, ServerOptions{Seen: func([]byte) bool { return true }}, ErrReplay},
		{"truncated header", func(c net.Conn) {
			c.Write([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
			c.Close()
		}, ServerOptions{}, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := transporttest.Pipe()
			defer a.Close()
			defer b.Close()
			tt.send(a)
			b.SetDeadline(time.Now().Add(5 * time.Second))
			_, err := NewServerConn(b, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewServerConn = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestConnBadInput(t *testing.T) {
	t.Run("length past the limit", func(t *testing.T) {
		a, b := transporttest.Pipe()
		defer a.Close()
		defer b.Close()
		a.Write([]byte{0xee, 0xee, 0xee, 0xee})
		a.Write(binary.LittleEndian.AppendUint32(nil, 64<<20))
		sc, err := NewServerConn(b, ServerOptions{MaxPacket: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sc.ReadPacket(); !errors.Is(err, ErrPacketTooLarge) {
			t.Fatalf("read = %v, want ErrPacketTooLarge", err)
		}
		if _, err := sc.ReadPacket(); !errors.Is(err, ErrPacketTooLarge) {
			t.Fatalf("error is not sticky: %v", err)
		}
	})
	t.Run("truncated frame", func(t *testing.T) {
		a, b := transporttest.Pipe()
		defer b.Close()
		cc, err := NewClientConn(a, ClientOptions{Obfuscated: true})
		if err != nil {
			t.Fatal(err)
		}
		sc, err := NewServerConn(b, ServerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cut := transporttest.CutAfter(a, 100)
		cc.(*StreamConn).nc = cut
		err = cc.WritePacket(make([]byte, 400))
		if !errors.Is(err, transporttest.ErrCut) {
			t.Fatalf("write through cut conn = %v", err)
		}
		if _, err := sc.ReadPacket(); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("read of truncated frame = %v, want io.ErrUnexpectedEOF", err)
		}
	})
	t.Run("corrupted full frame", func(t *testing.T) {
		a, b := transporttest.Pipe()
		defer a.Close()
		defer b.Close()
		cc, _ := NewClientConn(a, ClientOptions{Codec: Full})
		if err := cc.WritePacket(make([]byte, 64)); err != nil {
			t.Fatal(err)
		}
		sc, err := NewServerConn(transporttest.CorruptAt(b, 30), ServerOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sc.ReadPacket(); !errors.Is(err, ErrChecksum) {
			t.Fatalf("read = %v, want ErrChecksum", err)
		}
	})
	t.Run("read deadline", func(t *testing.T) {
		a, b := transporttest.Pipe()
		defer a.Close()
		defer b.Close()
		cc, _ := NewClientConn(a, ClientOptions{})
		cc.(*StreamConn).SetDeadline(time.Now().Add(20 * time.Millisecond))
		if _, err := cc.ReadPacket(); !errors.Is(err, errDeadline) {
			t.Fatalf("read = %v, want deadline exceeded", err)
		}
	})
}

func TestConnSecretShapes(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	ee := append([]byte{0xee}, make([]byte, 16)...)
	for _, s := range [][]byte{make([]byte, 15), make([]byte, 17), ee,
		append(bytes.Clone(ee), "a\nb"...), append(bytes.Clone(ee), bytes.Repeat([]byte("a"), 70000)...)} {
		if _, err := NewClientConn(a, ClientOptions{Secret: s}); !errors.Is(err, ErrSecret) {
			t.Errorf("secret of %d bytes: %v, want ErrSecret", len(s), err)
		}
	}
	if _, err := NewClientConn(a, ClientOptions{Codec: Full, Obfuscated: true}); !errors.Is(err, ErrUnknownProtocol) {
		t.Errorf("obfuscated full: %v", err)
	}
}

// Steady-state reads and writes allocate nothing.
func TestConnZeroAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	for _, tc := range connCases() {
		t.Run(tc.name, func(t *testing.T) {
			lb := &transporttest.Loopback{}
			cc, err := NewClientConn(lb, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			sc := serverAfterWarmUp(t, cc, lb, tc.srv)
			p := mtprotoPacket(rand.New(rand.NewPCG(1, 1)), 24+16*64, false)
			roundTrip := func() {
				if err := cc.WritePacket(p); err != nil {
					t.Fatal(err)
				}
				if _, err := sc.ReadPacket(); err != nil {
					t.Fatal(err)
				}
			}
			roundTrip()
			if n := testing.AllocsPerRun(100, roundTrip); n != 0 {
				t.Fatalf("%v allocs per packet, want 0", n)
			}
		})
	}
}

var errDeadline = osErrDeadline()
