package faketls

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var key = []byte("0123456789abcdef")

func rng(seed uint64) io.Reader { return rand.NewChaCha8([32]byte{byte(seed)}) }

func TestHelloRoundTrip(t *testing.T) {
	now := time.Unix(1_700_000_123, 0)
	hello, err := AppendClientHello(nil, key, "www.example.com", now, rng(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(hello) != 5+helloRecordLen || hello[0] != 0x16 {
		t.Fatalf("hello is %d bytes starting %x", len(hello), hello[:3])
	}
	ch, err := ParseClientHello(hello, key)
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Time.Equal(now) || ch.ServerName != "www.example.com" {
		t.Fatalf("parsed time %v sni %q", ch.Time, ch.ServerName)
	}
	if _, err := ParseClientHello(hello, []byte("fedcba9876543210")); !errors.Is(err, ErrBadDigest) {
		t.Fatalf("other key: %v", err)
	}
	resp, err := AppendServerHello(nil, key, &ch, rng(2))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyServerHello(resp, key, ch.Digest); err != nil {
		t.Fatal(err)
	}
	bad := bytes.Clone(resp)
	bad[len(bad)-1] ^= 1
	if err := VerifyServerHello(bad, key, ch.Digest); !errors.Is(err, ErrBadDigest) {
		t.Fatalf("tampered answer: %v", err)
	}
	other := ch.Digest
	other[0] ^= 1
	if err := VerifyServerHello(resp, key, other); !errors.Is(err, ErrBadDigest) {
		t.Fatalf("answer to another hello: %v", err)
	}
}

// A domain that is empty or longer than a DNS name (MaxDomainLen) is refused with ErrDomain
// before anything is built or written: past 64 KiB the SNI and record lengths wrapped, and
// past about 16 KiB the hello no longer fit one TLS record. The longest allowed domain round
// trips.
func TestHelloDomainLength(t *testing.T) {
	for _, n := range []int{0, MaxDomainLen + 1, maxRecordPayload, 1<<16 + 3, 1 << 20} {
		domain := strings.Repeat("a", n)
		if _, err := AppendClientHello(nil, key, domain, time.Unix(1, 0), rng(1)); !errors.Is(err, ErrDomain) {
			t.Errorf("AppendClientHello with a %d-byte domain: %v, want ErrDomain", n, err)
		}
		if _, err := Client(failWrites{t}, ClientConfig{Key: key, Domain: domain}); !errors.Is(err, ErrDomain) {
			t.Errorf("Client with a %d-byte domain: %v, want ErrDomain", n, err)
		}
	}
	domain := strings.Repeat("a", MaxDomainLen)
	hello, err := AppendClientHello(nil, key, domain, time.Unix(1, 0), rng(1))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(hello) - 5; n > maxRecordPayload {
		t.Errorf("hello record payload is %d bytes, more than %d", n, maxRecordPayload)
	}
	ch, err := ParseClientHello(hello, key)
	if err != nil || ch.ServerName != domain {
		t.Fatalf("parsed %d-byte sni, %v", len(ch.ServerName), err)
	}
}

// failWrites is a conn that must not be written to.
type failWrites struct{ t *testing.T }

func (c failWrites) Read([]byte) (int, error) { return 0, io.EOF }
func (c failWrites) Write(p []byte) (int, error) {
	c.t.Errorf("wrote %d bytes", len(p))
	return 0, io.ErrClosedPipe
}
func (failWrites) Close() error                     { return nil }
func (failWrites) LocalAddr() net.Addr              { return nil }
func (failWrites) RemoteAddr() net.Addr             { return nil }
func (failWrites) SetDeadline(time.Time) error      { return nil }
func (failWrites) SetReadDeadline(time.Time) error  { return nil }
func (failWrites) SetWriteDeadline(time.Time) error { return nil }

// Flipping any byte of a valid hello must not be accepted.
func TestHelloTamper(t *testing.T) {
	hello, _ := AppendClientHello(nil, key, "a.example", time.Unix(1, 0), rng(3))
	for i := range hello {
		h := bytes.Clone(hello)
		h[i] ^= 0x40
		ch, err := ParseClientHello(h, key)
		if i >= randomOffset+28 && i < randomOffset+32 {
			// The timestamp bytes: the hello stays valid with another time,
			// which the server's clock window then judges.
			if err != nil || ch.Time.Equal(time.Unix(1, 0)) {
				t.Fatalf("timestamp byte %d: time %v err %v", i, ch.Time, err)
			}
			continue
		}
		if err == nil {
			t.Fatalf("byte %d flipped, hello still accepted", i)
		}
	}
	for i := 0; i < len(hello); i += 7 {
		if _, err := ParseClientHello(hello[:i], key); err == nil {
			t.Fatalf("prefix of %d bytes accepted", i)
		}
	}
}

func TestRecordConn(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	now := func() time.Time { return time.Unix(1_700_000_000, 0) }
	type result struct {
		c   *Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := Server(b, ServerConfig{Key: key, Domain: "d.example", Now: now})
		done <- result{c, err}
	}()
	cc, err := Client(a, ClientConfig{Key: key, Domain: "d.example", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	msg := bytes.Repeat([]byte{0xab, 0xcd}, 40000) // spans several records
	if _, err := cc.Write(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(r.c, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("server read: %v", err)
	}
	if _, err := r.c.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	pong := make([]byte, 4)
	if _, err := io.ReadFull(cc, pong); err != nil || string(pong) != "pong" {
		t.Fatalf("client read %q: %v", pong, err)
	}
	// A handshake record after the handshake is a protocol violation.
	a.Write([]byte{0x16, 0x03, 0x03, 0x00, 0x01, 0x00})
	if _, err := r.c.Read(got); !errors.Is(err, ErrMalformed) {
		t.Fatalf("unexpected record: %v", err)
	}
}

func FuzzParseClientHello(f *testing.F) {
	hello, _ := AppendClientHello(nil, key, "fuzz.example", time.Unix(5, 0), rng(4))
	f.Add(hello)
	f.Add(hello[:60])
	f.Add([]byte{0x16, 0x03, 0x01, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		ch, err := ParseClientHello(b, key)
		if err == nil && len(ch.ServerName) > len(b) {
			t.Fatal("server name longer than the hello")
		}
	})
}

func FuzzVerifyServerHello(f *testing.F) {
	hello, _ := AppendClientHello(nil, key, "fuzz.example", time.Unix(5, 0), rng(5))
	ch, _ := ParseClientHello(hello, key)
	resp, _ := AppendServerHello(nil, key, &ch, rng(6))
	f.Add(resp)
	f.Add(resp[:20])
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = VerifyServerHello(b, key, ch.Digest)
	})
}
