package mtproxy

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/faketls"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var testKey = [16]byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00}

func secrets() map[string]Secret {
	return map[string]Secret{
		"plain": {Kind: Plain, Key: testKey},
		"dd":    {Kind: Padded, Key: testKey},
		"ee":    {Kind: FakeTLS, Key: testKey, Domain: "cdn.example.org"},
	}
}

func TestParseSecret(t *testing.T) {
	tests := []struct {
		in   string
		want Secret
		err  error
	}{
		{"112233445566778899aabbccddeeff00", Secret{Kind: Plain, Key: testKey}, nil},
		{"dd112233445566778899AABBCCDDEEFF00", Secret{Kind: Padded, Key: testKey}, nil},
		{"ee112233445566778899aabbccddeeff00" + "6578616d706c652e636f6d", Secret{Kind: FakeTLS, Key: testKey, Domain: "example.com"}, nil},
		{"ESIzRFVmd4iZqrvM3e7_AA", Secret{Kind: Plain, Key: testKey}, nil},   // base64url, unpadded
		{"ESIzRFVmd4iZqrvM3e7/AA==", Secret{Kind: Plain, Key: testKey}, nil}, // standard base64
		{"", Secret{}, ErrMTProxySecretRequired},
		{"1122", Secret{}, ErrSecret},
		{"ff112233445566778899aabbccddeeff00", Secret{}, ErrSecret},
		{"not a secret!", Secret{}, ErrSecret},
	}
	for _, tt := range tests {
		got, err := ParseSecret(tt.in)
		if !errors.Is(err, tt.err) {
			t.Errorf("ParseSecret(%q) err %v, want %v", tt.in, err, tt.err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseSecret(%q) (-want +got):\n%s", tt.in, diff)
		}
		if err == nil {
			again, err := ParseSecret(got.Hex())
			if err != nil || again != got {
				t.Errorf("Hex() round trip of %q: %v", tt.in, err)
			}
		}
	}
}

// serve runs srv on a loopback listener; every accepted connection echoes
// packets. Handshake errors are sent to errs.
func serve(t *testing.T, srv *Server) (string, <-chan error) {
	errs := make(chan error, 16)
	addr := transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn, err := srv.Accept(ctx, c)
		errs <- err
		if err != nil {
			return
		}
		for {
			p, err := conn.ReadPacket()
			if err != nil {
				return
			}
			if conn.WritePacket(p) != nil {
				return
			}
		}
	})
	return addr, errs
}

func packet(n int) []byte {
	p := make([]byte, n)
	p[0] = 1
	for i := 8; i < n; i++ {
		p[i] = byte(i)
	}
	return p
}

func TestDialAndServe(t *testing.T) {
	for name, sec := range secrets() {
		t.Run(name, func(t *testing.T) {
			addr, errs := serve(t, NewServer(ServerConfig{Secret: sec}))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := Dial(ctx, Config{Addr: addr, Secret: sec.Bytes(), DC: 2, Codec: transport.Abridged})
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			for _, n := range []int{40, 24 + 16*2000, 24 + 16*32768} {
				p := packet(n)
				if err := c.WritePacket(p); err != nil {
					t.Fatal(err)
				}
				got, err := c.ReadPacket()
				if err != nil || !bytes.Equal(got, p) {
					t.Fatalf("echo of %d bytes: got %d, %v", n, len(got), err)
				}
			}
			if err := <-errs; err != nil {
				t.Fatalf("server: %v", err)
			}
		})
	}
}

func TestServerRejects(t *testing.T) {
	other := testKey
	other[0] ^= 1
	now := time.Unix(1_700_000_000, 0)
	tests := []struct {
		name   string
		server Secret
		client Secret
		skew   time.Duration
		want   error
	}{
		{"plain wrong secret", Secret{Kind: Plain, Key: testKey}, Secret{Kind: Plain, Key: other}, 0, transport.ErrUnknownProtocol},
		{"dd wrong secret", Secret{Kind: Padded, Key: testKey}, Secret{Kind: Padded, Key: other}, 0, transport.ErrUnknownProtocol},
		{"dd proxy, plain client", Secret{Kind: Padded, Key: testKey}, Secret{Kind: Plain, Key: testKey}, 0, transport.ErrUnknownProtocol},
		{"ee wrong secret", Secret{Kind: FakeTLS, Key: testKey, Domain: "a.example"}, Secret{Kind: FakeTLS, Key: other, Domain: "a.example"}, 0, faketls.ErrBadDigest},
		{"ee wrong domain", Secret{Kind: FakeTLS, Key: testKey, Domain: "a.example"}, Secret{Kind: FakeTLS, Key: testKey, Domain: "b.example"}, 0, faketls.ErrServerName},
		{"ee clock skew", Secret{Kind: FakeTLS, Key: testKey, Domain: "a.example"}, Secret{Kind: FakeTLS, Key: testKey, Domain: "a.example"}, 10 * time.Minute, faketls.ErrClockSkew},
		{"ee proxy, dd client", Secret{Kind: FakeTLS, Key: testKey, Domain: "a.example"}, Secret{Kind: Padded, Key: testKey}, 0, faketls.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(ServerConfig{Secret: tt.server, Now: func() time.Time { return now }})
			a, b := transporttest.Pipe()
			defer a.Close()
			done := make(chan error, 1)
			go func() {
				_, err := transport.NewClientConn(a, transport.ClientOptions{
					Secret: tt.client.Bytes(), Now: func() time.Time { return now.Add(tt.skew) },
				})
				done <- err
			}()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := srv.Accept(ctx, b)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Accept: %v, want %v", err, tt.want)
			}
			a.Close()
			<-done
		})
	}
}

// recorder keeps a copy of everything written.
type recorder struct {
	net.Conn
	mu  sync.Mutex
	buf []byte
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.buf = append(r.buf, p...)
	r.mu.Unlock()
	return r.Conn.Write(p)
}

func TestServerRejectsReplay(t *testing.T) {
	for name, sec := range secrets() {
		t.Run(name, func(t *testing.T) {
			srv := NewServer(ServerConfig{Secret: sec})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()

			a, b := transporttest.Pipe()
			rec := &recorder{Conn: a}
			accepted := make(chan error, 1)
			go func() {
				_, err := srv.Accept(ctx, b)
				accepted <- err
			}()
			if _, err := transport.NewClientConn(rec, transport.ClientOptions{Secret: sec.Bytes()}); err != nil {
				t.Fatal(err)
			}
			if err := <-accepted; err != nil {
				t.Fatalf("first connection: %v", err)
			}
			a.Close()

			// An observer replays the client's opening bytes.
			a2, b2 := transporttest.Pipe()
			defer a2.Close()
			rec.mu.Lock()
			a2.Write(rec.buf)
			rec.mu.Unlock()
			_, err := srv.Accept(ctx, b2)
			want := transport.ErrReplay
			if sec.Kind == FakeTLS {
				want = faketls.ErrReplay
			}
			if !errors.Is(err, want) {
				t.Fatalf("replay: %v, want %v", err, want)
			}
		})
	}
}

func TestDialErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Dial(ctx, Config{Addr: "127.0.0.1:1"}); !errors.Is(err, ErrMTProxySecretRequired) {
		t.Errorf("no secret: %v", err)
	}
	if _, err := Dial(ctx, Config{Addr: "127.0.0.1:1", Secret: []byte{1, 2}}); !errors.Is(err, ErrSecret) {
		t.Errorf("short secret: %v", err)
	}
	// A proxy that accepts and never answers the fake-TLS hello.
	addr := transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		buf := make([]byte, 1024)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
		}
	})
	ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	sec := secrets()["ee"]
	start := time.Now()
	if _, err := Dial(ctx, Config{Addr: addr, Secret: sec.Bytes()}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("silent proxy: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("silent proxy took %s", d)
	}
}

func TestReplayCacheWindow(t *testing.T) {
	r := NewReplayCache(time.Minute, 2)
	t0 := time.Unix(0, 0)
	steps := []struct {
		key  string
		at   time.Duration
		seen bool
	}{
		{"a", 0, false},
		{"a", time.Second, true},
		{"b", 2 * time.Second, false},
		{"c", 3 * time.Second, false}, // capacity 2: "a" is forgotten
		{"a", 4 * time.Second, false},
		{"c", 2 * time.Minute, false}, // window passed
	}
	for i, s := range steps {
		if got := r.Seen([]byte(s.key), t0.Add(s.at)); got != s.seen {
			t.Errorf("step %d: Seen(%q) = %v, want %v", i, s.key, got, s.seen)
		}
	}
}

// FuzzParseSecret: any text parses or fails cleanly; a parsed secret has a sane fake-TLS
// domain and survives the round trip through Hex.
func FuzzParseSecret(f *testing.F) {
	for _, s := range secrets() {
		f.Add(s.Hex())
	}
	f.Add("7t6tvu8BAgMEBQYHCAkKCwxleGFtcGxlLmNvbQ")
	f.Add("ee112233445566778899aabbccddeeff00612062")
	f.Add("dd")
	f.Add(" \t")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSecret(in)
		if err != nil {
			return
		}
		if s.Kind == FakeTLS {
			if err := transport.CheckHost(s.Domain); err != nil {
				t.Fatalf("parsed domain %q: %v", s.Domain, err)
			}
		}
		back, err := ParseSecret(s.Hex())
		if err != nil || back != s {
			t.Fatalf("Hex round trip: %v, %v", back, err)
		}
	})
}
