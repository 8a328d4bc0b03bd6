package faketls

import (
	"bufio"
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// DefaultMaxSkew is how far a client's clock may be from the server's when
// ServerConfig.MaxSkew is zero.
const DefaultMaxSkew = 2 * time.Minute

// maxReadRecord allows a little more than the TLS plaintext limit, as real
// proxies do for records that carry padding.
const maxReadRecord = maxRecordPayload + 256

// Conn is a net.Conn whose Read and Write carry TLS application-data records.
// It is safe for one reader and one writer goroutine at a time.
type Conn struct {
	net.Conn
	br *bufio.Reader

	// The record being read: hdrN bytes of its header, bodyN of its body
	// (in buf); a read cut by a deadline resumes there.
	hdr   [5]byte
	hdrN  int
	buf   []byte
	bodyN int
	rec   []byte // the last whole record's payload, handed out from rpos
	rpos  int
	rerr  error // a malformed record: the stream is lost

	wbuf    []byte
	werr    error // a failed write: the peer may hold part of a record
	needCCS bool  // client: send ChangeCipherSpec before the first record
}

func newConn(c net.Conn, br *bufio.Reader, client bool) *Conn {
	return &Conn{Conn: c, br: br, buf: make([]byte, maxReadRecord), needCCS: client}
}

// Read returns bytes from the application-data records, skipping
// ChangeCipherSpec records. After an error from the connection (a deadline,
// say) Read may be called again and goes on where the bytes stopped; after
// a malformed record it keeps returning that error.
func (c *Conn) Read(p []byte) (int, error) {
	if c.rerr != nil {
		return 0, c.rerr
	}
	for c.rpos == len(c.rec) {
		if err := c.readRecord(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.rec[c.rpos:])
	c.rpos += n
	return n, nil
}

// readRecord reads the rest of the current record and makes its payload
// the one Read hands out (empty for ChangeCipherSpec).
func (c *Conn) readRecord() error {
	if c.hdrN < len(c.hdr) {
		started := c.hdrN > 0
		n, err := io.ReadFull(c.br, c.hdr[c.hdrN:])
		c.hdrN += n
		if err != nil {
			if started {
				err = noEOF(err)
			}
			return err
		}
		typ, size := c.hdr[0], int(binary.BigEndian.Uint16(c.hdr[3:]))
		if c.hdr[1] != 0x03 || size > maxReadRecord {
			c.rerr = fmt.Errorf("faketls: record header %x: %w", c.hdr, ErrMalformed)
			return c.rerr
		}
		if typ != recordAppData && typ != recordCCS {
			c.rerr = fmt.Errorf("faketls: unexpected record type %#02x: %w", typ, ErrMalformed)
			return c.rerr
		}
		c.bodyN = 0
	}
	body := c.buf[:binary.BigEndian.Uint16(c.hdr[3:])]
	n, err := io.ReadFull(c.br, body[c.bodyN:])
	c.bodyN += n
	if err != nil {
		return noEOF(err)
	}
	c.hdrN, c.rec, c.rpos = 0, body, 0
	if c.hdr[0] == recordCCS {
		c.rec = body[:0]
	}
	return nil
}

// Write sends p as application-data records of at most 16 KiB each, in one
// write to the underlying connection. A failed write may have sent part of
// a record, so every later Write returns its error.
func (c *Conn) Write(p []byte) (int, error) {
	if c.werr != nil {
		return 0, c.werr
	}
	c.wbuf = c.wbuf[:0]
	if c.needCCS {
		c.wbuf = append(c.wbuf, recordCCS, 0x03, 0x03, 0x00, 0x01, 0x01)
	}
	for rest := p; len(rest) > 0; {
		n := min(len(rest), maxRecordPayload)
		c.wbuf = append(c.wbuf, recordAppData, 0x03, 0x03, byte(n>>8), byte(n))
		c.wbuf = append(c.wbuf, rest[:n]...)
		rest = rest[n:]
	}
	if _, err := c.Conn.Write(c.wbuf); err != nil {
		c.werr = err
		return 0, err
	}
	c.needCCS = false
	return len(p), nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// ClientConfig configures Client.
type ClientConfig struct {
	// Key is the 16-byte secret (without the 0xee prefix and domain).
	Key []byte
	// Domain is the secret's domain, sent as SNI.
	Domain string
	// Now is the clock for the digest timestamp; nil means time.Now.
	Now func() time.Time
	// Rand supplies hello randomness; nil means crypto/rand.
	Rand io.Reader
}

// Client runs the client side of the fake-TLS handshake over c: it sends the
// hello, reads and verifies the proxy's answer and returns the record layer.
// It honours c's deadlines; set one to bound the handshake.
func Client(c net.Conn, cfg ClientConfig) (*Conn, error) {
	now, r := clockAndRand(cfg.Now, cfg.Rand)
	hello, err := AppendClientHello(nil, cfg.Key, cfg.Domain, now(), r)
	if err != nil {
		return nil, err
	}
	var digest [32]byte
	copy(digest[:], hello[randomOffset:])
	if _, err := c.Write(hello); err != nil {
		return nil, fmt.Errorf("faketls: write client hello: %w", err)
	}
	br := bufio.NewReaderSize(c, maxReadRecord+5)
	var resp []byte
	for _, want := range []byte{recordHandshake, recordCCS, recordAppData} {
		resp, err = readRecord(br, resp, want)
		if err != nil {
			return nil, fmt.Errorf("faketls: read server hello: %w", err)
		}
	}
	if err := VerifyServerHello(resp, cfg.Key, digest); err != nil {
		return nil, err
	}
	return newConn(c, br, true), nil
}

// ServerConfig configures Server.
type ServerConfig struct {
	// Key is the 16-byte secret.
	Key []byte
	// Domain, when not empty, must equal the hello's SNI.
	Domain string
	// Now is the server clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew bounds |client clock - server clock|; zero means
	// DefaultMaxSkew.
	MaxSkew time.Duration
	// Seen reports whether a hello was already used and records it, given
	// the digest's first 28 bytes (the last 4 hold the client's clock, which
	// an observer can change without breaking the digest); nil disables
	// replay protection.
	Seen func(digest []byte, now time.Time) bool
	// Rand supplies the answer's randomness; nil means crypto/rand.
	Rand io.Reader
}

// Server reads a client hello from c, validates it as an MTProxy does
// (layout, digest, clock window, SNI, replay) and answers it. On success the
// returned Conn carries the client's records. It honours c's deadlines.
func Server(c net.Conn, cfg ServerConfig) (*Conn, error) {
	now, r := clockAndRand(cfg.Now, cfg.Rand)
	br := bufio.NewReaderSize(c, maxReadRecord+5)
	hello, err := readRecord(br, nil, recordHandshake)
	if err != nil {
		return nil, fmt.Errorf("faketls: read client hello: %w", err)
	}
	ch, err := ParseClientHello(hello, cfg.Key)
	if err != nil {
		return nil, err
	}
	t := now()
	skew := cfg.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	if d := t.Sub(ch.Time); d > skew || d < -skew {
		return nil, fmt.Errorf("faketls: client clock off by %s: %w", d, ErrClockSkew)
	}
	if cfg.Domain != "" && ch.ServerName != cfg.Domain {
		return nil, fmt.Errorf("faketls: sni %q: %w", ch.ServerName, ErrServerName)
	}
	// The digest's last 4 bytes carry the clock and can be changed without
	// breaking it: a replay is recognised by the 28 bytes of HMAC only.
	if cfg.Seen != nil && cfg.Seen(ch.Digest[:digestMAC], t) {
		return nil, ErrReplay
	}
	resp, err := AppendServerHello(nil, cfg.Key, &ch, r)
	if err != nil {
		return nil, err
	}
	if _, err := c.Write(resp); err != nil {
		return nil, fmt.Errorf("faketls: write server hello: %w", err)
	}
	return newConn(c, br, false), nil
}

// readRecord appends one whole record of type want (header included) to dst.
func readRecord(br *bufio.Reader, dst []byte, want byte) ([]byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return dst, err
	}
	n := int(binary.BigEndian.Uint16(hdr[3:]))
	if hdr[0] != want || hdr[1] != 0x03 || n > maxReadRecord {
		return dst, fmt.Errorf("record header %x, want type %#02x: %w", hdr, want, ErrMalformed)
	}
	l := len(dst)
	dst = append(dst, hdr[:]...)
	dst = append(dst, make([]byte, n)...)
	if _, err := io.ReadFull(br, dst[l+5:]); err != nil {
		return dst, noEOF(err)
	}
	return dst, nil
}

func clockAndRand(now func() time.Time, r io.Reader) (func() time.Time, io.Reader) {
	if now == nil {
		now = time.Now
	}
	if r == nil {
		r = crand.Reader
	}
	return now, r
}
