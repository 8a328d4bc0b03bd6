package transport

import (
	"crypto/cipher"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/mtgo-labs/mtgo/transport/faketls"
	"github.com/mtgo-labs/mtgo/transport/obfuscated"
)

// Conn carries MTProto packets. ReadPacket's slice is valid until the next
// ReadPacket. A Conn is safe for one reader and one writer goroutine at a
// time; Close may be called from any goroutine and unblocks both.
type Conn interface {
	ReadPacket() ([]byte, error)
	WritePacket(p []byte) error
	Close() error
}

// ErrReplay is returned by NewServerConn when ServerOptions.Seen reports the
// client's obfuscation header as already used.
var ErrReplay = errors.New("transport: replayed obfuscation header")

// ErrSecret is returned for an MTProxy secret of the wrong shape.
var ErrSecret = errors.New("transport: invalid MTProxy secret")

// Buffer sizing. A new connection's read buffer holds an idle client's packets (pongs,
// acks, short answers). It grows only when it is full and the frame in it needs more,
// doubling up to the frame's declared length (plus headroom), so its size stays within
// twice the bytes the peer actually sent: a peer that declares a 4 MiB frame and stops
// pins a few KiB, not 4 MiB. The write buffer grows to the largest frame written. Either
// buffer, above shrinkAbove, is given back after shrinkAfter frames in a row that each used
// at most a quarter of it, so one large packet does not pin its size for the connection's
// life, while a stream of large packets with a few small ones between them keeps its
// buffers and allocates nothing.
const (
	initialReadBuffer = 4 << 10
	shrinkAbove       = 64 << 10
	shrinkAfter       = 8
)

// smallRun counts the frames in a row that used at most a quarter of a buffer above
// shrinkAbove.
type smallRun int

// note counts a frame of used bytes in a buffer of size bytes and reports whether the
// buffer is worth giving back.
func (r *smallRun) note(used, size int) bool {
	switch {
	case size <= shrinkAbove:
		*r = 0
	case used <= size/4:
		*r++
	default:
		*r = 0
	}
	return *r >= shrinkAfter
}

// ClientOptions configures NewClientConn.
type ClientOptions struct {
	// Codec is the framing protocol; the zero value is Intermediate.
	Codec Kind
	// Obfuscated wraps the stream in obfuscated2. Implied by Secret.
	Obfuscated bool
	// DC is the data center id written in the obfuscated2 header (negative
	// for media DCs, +10000 for test DCs). MTProxies route by it.
	DC int16
	// Secret is a raw MTProxy secret: 16 bytes (plain), 0xdd followed by 16
	// bytes (padded intermediate forced), or 0xee, 16 bytes and the fake-TLS
	// domain (fake TLS handshake first, padded intermediate forced).
	Secret []byte
	// MaxPacket caps packet lengths; 0 means DefaultMaxPacket.
	MaxPacket int
	// Rand is the source for headers and padding; nil means crypto/rand.
	Rand io.Reader
	// Now is the clock for the fake-TLS digest; nil means time.Now.
	Now func() time.Time
	// OnQuickAck, when set, receives quick-ack tokens that ReadPacket skips.
	OnQuickAck func(token uint32)
}

// ServerOptions configures NewServerConn.
type ServerOptions struct {
	// MaxPacket caps packet lengths; 0 means DefaultMaxPacket.
	MaxPacket int
	// Secret, when set, is the 16-byte MTProxy key: only obfuscated2
	// clients that derived their keys with it are accepted.
	Secret []byte
	// RequireObfuscation refuses clients that speak a plain protocol.
	RequireObfuscation bool
	// AllowKind, when set, decides which protocols are accepted (an MTProxy
	// with a dd secret accepts only PaddedIntermediate).
	AllowKind func(Kind) bool
	// Seen reports whether an obfuscation header was already used, and
	// records it; nil disables replay protection.
	Seen func(header []byte) bool
	// Rand is the source for padding; nil means crypto/rand.
	Rand io.Reader
}

// StreamConn is the Conn returned by NewClientConn and NewServerConn: a
// net.Conn, a Codec and, when obfuscated, the two AES-CTR streams.
type StreamConn struct {
	nc    net.Conn
	codec Codec
	split splitter    // non-nil when the payload can be encrypted in one pass
	vec   net.Buffers // writeVectored's pieces, reused
	enc   cipher.Stream
	dec   cipher.Stream
	dc    int16
	max   int
	onAck func(uint32)

	rbuf         []byte
	rstart, rend int
	rerr         error
	rsmall       smallRun
	rshrink      bool // give rbuf back at the next read

	wbuf   []byte
	wsmall smallRun
	werr   error
}

// NewClientConn starts a client connection over c: it writes the protocol
// tag or the obfuscated2 header (after the fake-TLS handshake for an "ee"
// secret) and returns a Conn for the chosen codec. It honours c's deadlines;
// set one to bound the handshake.
func NewClientConn(c net.Conn, opts ClientOptions) (Conn, error) {
	r := opts.Rand
	if r == nil {
		r = crand.Reader
	}
	kind, obf, key := opts.Codec, opts.Obfuscated, []byte(nil)
	switch {
	case len(opts.Secret) == 0:
	case len(opts.Secret) == 16:
		obf, key = true, opts.Secret
	case len(opts.Secret) == 17 && opts.Secret[0] == 0xdd:
		obf, key, kind = true, opts.Secret[1:], PaddedIntermediate
	case len(opts.Secret) > 17 && opts.Secret[0] == 0xee:
		obf, key, kind = true, opts.Secret[1:17], PaddedIntermediate
		if err := CheckHost(string(opts.Secret[17:])); err != nil {
			return nil, fmt.Errorf("transport: mtproxy fake tls domain: %w: %w", ErrSecret, err)
		}
		tc, err := faketls.Client(c, faketls.ClientConfig{Key: key, Domain: string(opts.Secret[17:]), Now: opts.Now, Rand: r})
		if err != nil {
			return nil, fmt.Errorf("transport: mtproxy fake tls: %w", err)
		}
		c = tc
	default:
		return nil, fmt.Errorf("transport: secret of %d bytes: %w", len(opts.Secret), ErrSecret)
	}
	codec, err := NewCodec(kind, CodecOptions{Side: SideClient, MaxPacket: opts.MaxPacket, Rand: opts.Rand})
	if err != nil {
		return nil, err
	}
	sc := newStreamConn(c, codec, opts.MaxPacket)
	sc.onAck = opts.OnQuickAck
	sc.dc = opts.DC
	if !obf {
		if _, err := c.Write(kind.plainPrefix()); err != nil {
			return nil, fmt.Errorf("transport: write %s tag: %w", kind, err)
		}
		return sc, nil
	}
	tag, ok := kind.Tag()
	if !ok {
		return nil, fmt.Errorf("transport: %s has no obfuscated form: %w", kind, ErrUnknownProtocol)
	}
	wire, enc, dec, err := obfuscated.ClientHeader(r, tag, opts.DC, key)
	if err != nil {
		return nil, fmt.Errorf("transport: obfuscation header: %w", err)
	}
	sc.setCipher(enc, dec)
	if _, err := c.Write(wire[:]); err != nil {
		return nil, fmt.Errorf("transport: write obfuscation header: %w", err)
	}
	return sc, nil
}

// NewServerConn accepts a client connection over c, detecting its protocol
// from the first bytes: 0xef (abridged), 0xeeeeeeee (intermediate),
// 0xdddddddd (padded intermediate), a full-protocol frame (second word zero)
// or an obfuscated2 header. It honours c's deadlines.
func NewServerConn(c net.Conn, opts ServerOptions) (Conn, error) {
	var head [obfuscated.HeaderLen]byte
	kind, err := func() (Kind, error) {
		if _, err := io.ReadFull(c, head[:1]); err != nil {
			return 0, err
		}
		if head[0] == 0xef {
			return Abridged, nil
		}
		if _, err := io.ReadFull(c, head[1:4]); err != nil {
			return 0, err
		}
		switch [4]byte(head[:4]) {
		case [4]byte{0xee, 0xee, 0xee, 0xee}:
			return Intermediate, nil
		case [4]byte{0xdd, 0xdd, 0xdd, 0xdd}:
			return PaddedIntermediate, nil
		}
		if _, err := io.ReadFull(c, head[4:8]); err != nil {
			return 0, err
		}
		if [4]byte(head[4:8]) == ([4]byte{}) {
			return Full, nil
		}
		if _, err := io.ReadFull(c, head[8:]); err != nil {
			return 0, err
		}
		return 0, errObfuscated
	}()
	obf := errors.Is(err, errObfuscated)
	if err != nil && !obf {
		return nil, fmt.Errorf("transport: read protocol header: %w", noEOF(err))
	}
	if !obf && (opts.RequireObfuscation || len(opts.Secret) > 0) {
		return nil, fmt.Errorf("transport: plain %s client where obfuscation is required: %w", kind, ErrUnknownProtocol)
	}
	var enc, dec cipher.Stream
	var dc int16
	if obf {
		h, e, d, err := obfuscated.ParseHeader(&head, opts.Secret, nil)
		if err != nil {
			return nil, fmt.Errorf("transport: %w: %w", ErrUnknownProtocol, err)
		}
		if opts.Seen != nil && opts.Seen(head[8:56]) {
			return nil, ErrReplay
		}
		kind, _ = KindFromTag(h.Tag)
		enc, dec, dc = e, d, h.DC
	}
	if opts.AllowKind != nil && !opts.AllowKind(kind) {
		return nil, fmt.Errorf("transport: %s not allowed here: %w", kind, ErrUnknownProtocol)
	}
	codec, err := NewCodec(kind, CodecOptions{Side: SideServer, MaxPacket: opts.MaxPacket, Rand: opts.Rand})
	if err != nil {
		return nil, err
	}
	sc := newStreamConn(c, codec, opts.MaxPacket)
	sc.dc = dc
	if obf {
		sc.setCipher(enc, dec)
	} else if kind == Full {
		// The 8 bytes read belong to the first frame.
		sc.rend = copy(sc.rbuf, head[:8])
	}
	return sc, nil
}

var errObfuscated = errors.New("obfuscated")

func newStreamConn(c net.Conn, codec Codec, maxPacket int) *StreamConn {
	return &StreamConn{nc: c, codec: codec, max: CodecOptions{MaxPacket: maxPacket}.max(), rbuf: make([]byte, initialReadBuffer)}
}

func (c *StreamConn) setCipher(enc, dec cipher.Stream) {
	c.enc, c.dec = enc, dec
	c.split, _ = c.codec.(splitter)
}

// Kind returns the framing protocol in use.
func (c *StreamConn) Kind() Kind { return c.codec.Kind() }

// Obfuscated reports whether the stream is obfuscated2.
func (c *StreamConn) Obfuscated() bool { return c.enc != nil }

// DC returns the data center id from the obfuscation header (server side) or
// the options (client side).
func (c *StreamConn) DC() int16 { return c.dc }

// NetConn returns the underlying connection, for deadlines and addresses.
func (c *StreamConn) NetConn() net.Conn { return c.nc }

// SetDeadline sets the underlying connection's read and write deadlines.
func (c *StreamConn) SetDeadline(t time.Time) error { return c.nc.SetDeadline(t) }

// Close closes the underlying connection, unblocking pending reads and
// writes.
func (c *StreamConn) Close() error { return c.nc.Close() }

// ReadPacket returns the next packet, skipping quick-ack replies (handed to
// ClientOptions.OnQuickAck). A transport error code from the peer is returned
// as *ProtocolError.
func (c *StreamConn) ReadPacket() ([]byte, error) {
	for {
		f, err := c.ReadFrame()
		if err != nil {
			return nil, err
		}
		if f.IsAck {
			if c.onAck != nil {
				c.onAck(f.Token)
			}
			continue
		}
		return f.Payload, nil
	}
}

// ReadFrame returns the next frame, quick-ack replies included. The payload
// is valid until the next read.
func (c *StreamConn) ReadFrame() (Frame, error) {
	if c.rerr != nil {
		return Frame{}, c.rerr
	}
	if c.rshrink {
		c.shrinkRead() // the previous payload is no longer valid
	}
	for {
		need := 1
		if c.rstart < c.rend {
			f, n, err := c.codec.NextFrame(c.rbuf[c.rstart:c.rend])
			if err == nil {
				c.rstart += n
				c.rshrink = c.rsmall.note(n, len(c.rbuf))
				return f, nil
			}
			if !errors.Is(err, ErrNeedMore) {
				var pe *ProtocolError
				if errors.As(err, &pe) {
					c.rstart += n
					return Frame{}, err
				}
				c.rerr = err
				return Frame{}, err
			}
			need = n
		}
		if c.rstart > 0 {
			c.rend = copy(c.rbuf, c.rbuf[c.rstart:c.rend])
			c.rstart = 0
		}
		if c.rend == len(c.rbuf) { // full, and need > rend
			c.growRead(need)
		}
		m, err := c.nc.Read(c.rbuf[c.rend:])
		if m > 0 {
			c.received(m)
			continue
		}
		if err != nil {
			if err == io.EOF && c.rend > 0 {
				err = fmt.Errorf("transport: connection closed inside a frame: %w", io.ErrUnexpectedEOF)
			}
			c.rerr = err
			return Frame{}, err
		}
	}
}

// growRead replaces the full read buffer with one twice its size, at most need (a
// lower bound of the bytes the frame in it occupies, checked against the maximum by the
// codec) with headroom so a frame a little larger (padding) does not grow it again.
func (c *StreamConn) growRead(need int) {
	limit := max(need, min(need+need/4, c.max+64))
	nb := make([]byte, min(max(2*len(c.rbuf), initialReadBuffer), limit))
	copy(nb, c.rbuf[:c.rend])
	c.rbuf = nb
}

// shrinkRead gives a large read buffer back once its unread bytes fit a small one.
func (c *StreamConn) shrinkRead() {
	if c.rend-c.rstart > initialReadBuffer {
		return
	}
	nb := make([]byte, initialReadBuffer)
	c.rend = copy(nb, c.rbuf[c.rstart:c.rend])
	c.rbuf, c.rstart, c.rsmall, c.rshrink = nb, 0, 0, false
}

// received takes in m bytes just read after rend, decrypting them once.
func (c *StreamConn) received(m int) {
	if c.dec != nil {
		c.dec.XORKeyStream(c.rbuf[c.rend:c.rend+m], c.rbuf[c.rend:c.rend+m])
	}
	c.rend += m
}

// WritePacket sends one packet.
func (c *StreamConn) WritePacket(p []byte) error { return c.WriteFrame(p, false) }

// WriteFrame sends one packet, asking the server for a quick ack when
// quickAck is set (clients only; the full codec has none).
func (c *StreamConn) WriteFrame(p []byte, quickAck bool) error {
	if c.werr != nil {
		return c.werr
	}
	var err error
	if c.split != nil {
		c.reserveWrite(len(p))
		c.wbuf, err = c.split.appendHeader(c.wbuf[:0], len(p), quickAck)
		if err != nil {
			return err
		}
		h := len(c.wbuf)
		c.enc.XORKeyStream(c.wbuf, c.wbuf)
		c.wbuf = grow(c.wbuf, len(p))
		c.enc.XORKeyStream(c.wbuf[h:], p)
		t := len(c.wbuf)
		c.wbuf = c.split.appendTrailer(c.wbuf, p)
		c.enc.XORKeyStream(c.wbuf[t:], c.wbuf[t:])
	} else {
		if c.enc == nil && len(p) >= vectoredMin {
			if sp, ok := c.codec.(splitter); ok {
				if tc, ok := c.nc.(*net.TCPConn); ok {
					return c.writeVectored(tc, sp, p, quickAck)
				}
			}
		}
		c.reserveWrite(len(p))
		c.wbuf, err = c.codec.AppendFrame(c.wbuf[:0], p, quickAck)
		if err != nil {
			return err
		}
		if c.enc != nil {
			c.enc.XORKeyStream(c.wbuf, c.wbuf)
		}
	}
	return c.flush()
}

// maxFrameOverhead is the most a codec adds to a payload: padded intermediate's length
// and up to 15 bytes of padding.
const maxFrameOverhead = 4 + 15

// reserveWrite makes room in wbuf for a frame carrying n bytes, with headroom, so that
// neither a frame's payload nor its padding (random, so larger on a later frame) grows
// the buffer midway. A packet over the maximum gets nothing: the codec refuses it.
func (c *StreamConn) reserveWrite(n int) {
	if need := n + maxFrameOverhead; cap(c.wbuf) < need && n <= c.max {
		c.wbuf = make([]byte, 0, need+need/4)
	}
}

// vectoredMin is the smallest packet a plain TCP stream writes with writev, header, payload
// and trailer from their own memory, instead of copying it into the frame buffer first.
const vectoredMin = 64 << 10

// writeVectored writes one frame of a plain (not obfuscated) stream without copying p.
func (c *StreamConn) writeVectored(tc *net.TCPConn, sp splitter, p []byte, quickAck bool) error {
	var err error
	c.wbuf, err = sp.appendHeader(c.wbuf[:0], len(p), quickAck)
	if err != nil {
		return err
	}
	h := len(c.wbuf)
	c.wbuf = sp.appendTrailer(c.wbuf, p)
	c.vec = append(c.vec[:0], c.wbuf[:h], p, c.wbuf[h:])
	bufs := c.vec // WriteTo consumes its receiver
	_, err = bufs.WriteTo(tc)
	clear(c.vec) // drop the reference to p
	if err != nil {
		c.werr = fmt.Errorf("transport: write: %w", err)
		return c.werr
	}
	return nil
}

// WriteQuickAck sends a quick-ack reply carrying token (servers only).
func (c *StreamConn) WriteQuickAck(token uint32) error {
	if c.werr != nil {
		return c.werr
	}
	var err error
	c.wbuf, err = c.codec.AppendQuickAck(c.wbuf[:0], token)
	if err != nil {
		return err
	}
	if c.enc != nil {
		c.enc.XORKeyStream(c.wbuf, c.wbuf)
	}
	return c.flush()
}

// WriteError sends a transport error code such as -404 in place of a packet
// (servers only).
func (c *StreamConn) WriteError(code int32) error {
	var p [4]byte
	p[0], p[1], p[2], p[3] = byte(code), byte(code>>8), byte(code>>16), byte(code>>24)
	return c.WritePacket(p[:])
}

// flush writes the frame in wbuf, and gives a large wbuf back after a run of small frames.
func (c *StreamConn) flush() error {
	if _, err := c.nc.Write(c.wbuf); err != nil {
		// A partial write leaves the peer and the cipher out of step.
		c.werr = fmt.Errorf("transport: write: %w", err)
		return c.werr
	}
	if c.wsmall.note(len(c.wbuf), cap(c.wbuf)) {
		c.wbuf, c.wsmall = nil, 0
	}
	return nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
