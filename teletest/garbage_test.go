package teletest

import (
	"context"
	"encoding/binary"
	"math/rand/v2"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// TestGarbage sends what a broken or hostile client might and checks that the server closes
// that connection, with -404 where a transport error code applies, while a healthy client on
// the same data center keeps working.
func TestGarbage(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2, IdleTimeout: 300 * time.Millisecond})
	healthy := dialCluster(t, cl, 2, nil)
	api := tg.NewClient(healthy)
	check := func(t *testing.T) {
		t.Helper()
		if _, err := api.HelpGetConfig(testCtx(t), &tg.HelpGetConfigRequest{}); err != nil {
			t.Fatalf("healthy client after garbage: %v", err)
		}
	}
	check(t)
	addr := cl.Addr(2)
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		return p
	}

	tests := []struct {
		name string
		code int32 // transport error expected before the close; 0 for none
		run  func(t *testing.T) *rawClient
	}{
		{"random packet", CodeAuthKeyNotFound, func(t *testing.T) *rawClient {
			r := rawDial(t, addr, transport.ClientOptions{})
			p := random(128)
			p[0] |= 1 // a non-zero auth_key_id
			r.write(p)
			return r
		}},
		{"short packet", CodeAuthKeyNotFound, func(t *testing.T) *rawClient {
			r := rawDial(t, addr, transport.ClientOptions{Codec: transport.Abridged})
			r.write(random(4))
			return r
		}},
		{"bad unencrypted message", CodeAuthKeyNotFound, func(t *testing.T) *rawClient {
			r := rawDial(t, addr, transport.ClientOptions{})
			r.write(exchange.AppendPlain(nil, time.Now().Unix()<<32, random(40)))
			return r
		}},
		{"exchange out of order", CodeAuthKeyNotFound, func(t *testing.T) *rawClient {
			r := rawDial(t, addr, transport.ClientOptions{})
			body := binary.LittleEndian.AppendUint32(nil, mt.SetClientDHParamsRequestTypeID)
			r.write(exchange.AppendPlain(nil, time.Now().Unix()<<32, append(body, random(36)...)))
			return r
		}},
		{"unknown auth key", CodeAuthKeyNotFound, func(t *testing.T) *rawClient {
			// A key made on DC 1 means nothing to DC 2.
			other := rawDial(t, cl.Addr(1), transport.ClientOptions{})
			other.exchange(cl, 1)
			r := rawDial(t, addr, transport.ClientOptions{})
			r.useKey(other.key, other.salt, 0)
			r.write(r.seal(&tg.HelpGetConfigRequest{}))
			return r
		}},
		{"tampered ciphertext", CodeAuthKeyNotFound, func(t *testing.T) *rawClient {
			r := rawDial(t, addr, transport.ClientOptions{Codec: transport.PaddedIntermediate})
			r.exchange(cl, 2)
			p := r.seal(&tg.HelpGetConfigRequest{})
			p[len(p)-1] ^= 0x80
			r.write(p)
			return r
		}},
		{"random obfuscated stream", 0, func(t *testing.T) *rawClient {
			r := bareDial(t, addr)
			p := random(512)
			p[0] = 0x17 // not a plain protocol tag: parsed as an obfuscation header
			if _, err := r.nc.Write(p); err != nil {
				t.Fatal(err)
			}
			return r
		}},
		{"truncated packet", 0, func(t *testing.T) *rawClient {
			r := rawDial(t, addr, transport.ClientOptions{})
			frame := binary.LittleEndian.AppendUint32(nil, 100)
			if _, err := r.nc.Write(append(frame, random(40)...)); err != nil {
				t.Fatal(err)
			}
			return r
		}},
		{"oversized frame", 0, func(t *testing.T) *rawClient {
			r := rawDial(t, addr, transport.ClientOptions{})
			if _, err := r.nc.Write(binary.LittleEndian.AppendUint32(nil, 1<<30)); err != nil {
				t.Fatal(err)
			}
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run(t)
			if got := r.expectClosed(); got != tt.code {
				t.Fatalf("connection closed after transport error %d, want %d", got, tt.code)
			}
			check(t)
		})
	}
}

// bareDial opens a TCP connection without any transport header.
func bareDial(t *testing.T, addr string) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawClient{tb: t, nc: nc, pc: rawStream{nc}}
}

// rawStream reads a plain byte stream as if every read were a packet, for connections that
// never got a transport.
type rawStream struct{ nc net.Conn }

func (s rawStream) ReadPacket() ([]byte, error) {
	p := make([]byte, 256)
	n, err := s.nc.Read(p)
	return p[:n], err
}
func (s rawStream) WritePacket(p []byte) error { _, err := s.nc.Write(p); return err }
func (s rawStream) Close() error               { return s.nc.Close() }

// TestReplayedMessage sends an encrypted packet twice: the server runs the call once,
// answers once, and the connection keeps working.
func TestReplayedMessage(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	var calls atomic.Int32
	cl.Dispatcher().Use(func(next services.Handler) services.Handler {
		return func(ctx context.Context, c *services.Caller, req tl.Object) (tl.Encoder, error) {
			if req.TypeID() == tg.HelpGetNearestDCRequestTypeID {
				calls.Add(1)
			}
			return next(ctx, c, req)
		}
	})
	r := rawDial(t, cl.Addr(2), transport.ClientOptions{})
	r.exchange(cl, 2)
	p := r.seal(&tg.HelpGetNearestDCRequest{})
	replay := append([]byte(nil), p...)
	r.write(p)
	if ev := r.result(); ev.Err != nil || ev.ErrorMessage != "" {
		t.Fatalf("first answer: %+v", ev)
	}
	r.write(replay)
	r.write(r.seal(&tg.HelpGetConfigRequest{}))
	if ev := r.result(); ev.Err != nil || ev.ErrorMessage != "" {
		t.Fatalf("answer after the replay: %+v", ev)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("help.getNearestDc ran %d times, want once", n)
	}
}

// recorder keeps the bytes written through a connection.
type recorder struct {
	net.Conn
	written []byte
}

func (r *recorder) Write(p []byte) (int, error) {
	r.written = append(r.written, p...)
	return r.Conn.Write(p)
}

// TestReplayedObfuscationHeader replays the first 64 bytes of an obfuscated connection on a
// new one: the server refuses it (transport.ErrReplay) and closes it.
func TestReplayedObfuscationHeader(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	nc, err := net.Dial("tcp", cl.Addr(1))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	rec := &recorder{Conn: nc}
	pc, err := transport.NewClientConn(rec, transport.ClientOptions{Obfuscated: true, DC: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := &rawClient{tb: t, nc: nc, pc: pc}
	r.exchange(cl, 1)

	again := bareDial(t, cl.Addr(1))
	if _, err := again.nc.Write(rec.written[:64]); err != nil {
		t.Fatal(err)
	}
	if code := again.expectClosed(); code != 0 {
		t.Fatalf("replayed header answered with %d", code)
	}
	// The original connection still works.
	r.write(r.seal(&tg.HelpGetNearestDCRequest{}))
	if ev := r.result(); ev.Err != nil || ev.ErrorMessage != "" {
		t.Fatalf("original connection after the replay: %+v", ev)
	}
}
