package faketls

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// record returns an application-data record carrying p.
func record(p []byte) []byte {
	return append([]byte{recordAppData, 0x03, 0x03, byte(len(p) >> 8), byte(len(p))}, p...)
}

// A read cut by a deadline in the middle of a record resumes where the bytes stopped once the
// deadline is lifted: it neither hands out the unfilled part of the record nor reads the rest
// of a header as a new one.
func TestConnReadResumesAfterTimeout(t *testing.T) {
	payload := []byte("0123456789abcdef")
	rec := record(payload)
	for _, cut := range []int{1, 3, 5, 6, 12, len(rec) - 1} {
		a, b := transporttest.Pipe()
		c := newConn(a, bufio.NewReaderSize(a, maxReadRecord+5), false)
		b.Write(rec[:cut])
		_ = a.SetReadDeadline(time.Unix(1, 0))
		buf := make([]byte, len(payload))
		if n, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("cut at %d: read %d bytes, %v; want a timeout", cut, n, err)
		}
		b.Write(rec[cut:])
		b.Write(record([]byte("next")))
		_ = a.SetReadDeadline(time.Time{})
		if _, err := io.ReadFull(c, buf); err != nil || !bytes.Equal(buf, payload) {
			t.Fatalf("cut at %d: read %q, %v after the timeout; want %q", cut, buf, err, payload)
		}
		next := make([]byte, 4)
		if _, err := io.ReadFull(c, next); err != nil || string(next) != "next" {
			t.Fatalf("cut at %d: next record %q, %v", cut, next, err)
		}
		a.Close()
		b.Close()
	}
}

// A malformed record header stays the answer: a second Read must not take the bytes after it
// for a header.
func TestConnMalformedIsFinal(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	c := newConn(a, bufio.NewReaderSize(a, maxReadRecord+5), false)
	b.Write([]byte{0x16, 0x03, 0x03, 0x00, 0x00})
	b.Write(record([]byte("smuggled")))
	buf := make([]byte, 16)
	for i := range 2 {
		if n, err := c.Read(buf); !errors.Is(err, ErrMalformed) {
			t.Fatalf("read %d: %q, %v; want ErrMalformed", i, buf[:n], err)
		}
	}
}

// halfWriter writes half of the first write it is given and fails it, as a write deadline
// does; later writes go through.
type halfWriter struct {
	net.Conn
	failed bool
}

func (h *halfWriter) Write(p []byte) (int, error) {
	if !h.failed {
		h.failed = true
		n, _ := h.Conn.Write(p[:len(p)/2])
		return n, os.ErrDeadlineExceeded
	}
	return h.Conn.Write(p)
}

// After a write that failed part way, the peer holds half a record: a later write must not
// start a new record there (the peer would read payload bytes as a header).
func TestConnWriteErrorIsFinal(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	c := newConn(&halfWriter{Conn: a}, bufio.NewReader(a), false)
	if _, err := c.Write([]byte("first record")); err == nil {
		t.Fatal("failed write reported success")
	}
	if _, err := c.Write([]byte("second")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("write after a partial write: %v, want the first error again", err)
	}
}

// FuzzConnRead: any byte stream read as records ends in an error, never hands out more bytes
// than it was given, and never panics.
func FuzzConnRead(f *testing.F) {
	f.Add(append(record([]byte("hello")), 0x14, 0x03, 0x03, 0x00, 0x01, 0x01))
	f.Add(record(bytes.Repeat([]byte{7}, maxRecordPayload)))
	f.Add([]byte{0x17, 0x03, 0x03, 0xff, 0xff})
	f.Add([]byte{0x17, 0x03, 0x03, 0x00})
	f.Add([]byte{0x16, 0x03, 0x01, 0x00, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		var lb transporttest.Loopback
		lb.Write(in)
		c := newConn(&lb, bufio.NewReader(&lb), false)
		out := 0
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			out += n
			if err != nil {
				break
			}
		}
		if out > len(in) {
			t.Fatalf("read %d bytes out of %d", out, len(in))
		}
	})
}

// The last 4 bytes of a hello's digest carry the client's clock XORed in, and the server reads
// the time back from them: an observer who replays a hello with those bytes nudged (the time
// moves by a second, still inside the window) must still be caught as a replay, or the proxy
// answers the probe and gives itself away.
func TestServerReplayIgnoresTimestampBytes(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	hello, err := AppendClientHello(nil, key, "d.example", now, rng(7))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	cfg := ServerConfig{Key: key, Domain: "d.example", Now: func() time.Time { return now }, Rand: rng(8),
		Seen: func(d []byte, _ time.Time) bool {
			k := string(d)
			old := seen[k]
			seen[k] = true
			return old
		}}
	accept := func(h []byte) error {
		a, b := transporttest.Pipe()
		defer a.Close()
		defer b.Close()
		a.Write(h)
		_, err := Server(b, cfg)
		return err
	}
	if err := accept(hello); err != nil {
		t.Fatalf("first hello: %v", err)
	}
	nudged := bytes.Clone(hello)
	nudged[randomOffset+28] ^= 1
	if err := accept(nudged); !errors.Is(err, ErrReplay) {
		t.Fatalf("hello replayed with its time nudged by a second: %v, want ErrReplay", err)
	}
}
