package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxPacket is the largest packet a codec accepts when no limit is
// configured: 4 MiB, well above Telegram's largest message (a 512 KiB file part
// plus envelope) and far below what a hostile length prefix could ask for.
const DefaultMaxPacket = 4 << 20

// ErrNeedMore reports that the bytes given to Codec.NextFrame hold no complete
// frame yet. It is not a failure: read more bytes and call again.
var ErrNeedMore = errors.New("transport: need more bytes")

// Sentinel errors of the framing layer. A reader that gets any of them (other
// than ErrNeedMore) must drop the connection: the stream is out of sync.
var (
	// ErrPacketTooLarge is returned when a declared or given packet length
	// exceeds the configured maximum. Nothing is allocated for such a packet.
	ErrPacketTooLarge = errors.New("transport: packet exceeds maximum length")
	// ErrPacketLength is returned for a length that the codec cannot carry:
	// not a multiple of four, or shorter than the envelope.
	ErrPacketLength = errors.New("transport: invalid packet length")
	// ErrChecksum is returned by the full codec when a frame's CRC32 is wrong.
	ErrChecksum = errors.New("transport: frame checksum mismatch")
	// ErrSeqNo is returned by the full codec when a frame's sequence number is
	// not the expected one.
	ErrSeqNo = errors.New("transport: frame sequence number mismatch")
	// ErrNoQuickAck is returned when a quick acknowledgement is requested
	// from a codec that has none (full).
	ErrNoQuickAck = errors.New("transport: codec does not support quick ack")
	// ErrUnknownProtocol is returned by NewServerConn when the client's first
	// bytes name no known transport.
	ErrUnknownProtocol = errors.New("transport: unknown protocol header")
)

// ProtocolError is a transport-level error code sent by the peer in place of
// a packet: a 4-byte negative integer such as -404 (auth key not found) or
// -429 (too many connections or requests).
type ProtocolError struct {
	// Code is the negative code as sent, e.g. -404.
	Code int32
}

// Error describes the code, naming the well-known ones.
func (e *ProtocolError) Error() string {
	var what string
	switch e.Code {
	case -404:
		what = " (auth key not found)"
	case -429:
		what = " (flood: too many requests or connections)"
	case -444:
		what = " (invalid DC)"
	}
	return fmt.Sprintf("transport: peer sent error code %d%s", e.Code, what)
}

// Kind names a framing protocol.
type Kind uint8

// Framing protocols. The zero value is Intermediate, the default MTProto
// transport most servers expect.
const (
	Intermediate Kind = iota
	Abridged
	PaddedIntermediate
	Full
)

// String returns the protocol's name.
func (k Kind) String() string {
	switch k {
	case Intermediate:
		return "intermediate"
	case Abridged:
		return "abridged"
	case PaddedIntermediate:
		return "padded-intermediate"
	case Full:
		return "full"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// QuickAck reports whether the protocol carries quick acknowledgements.
func (k Kind) QuickAck() bool { return k != Full }

// Tag returns the 4-byte protocol tag used inside an obfuscated2 header
// (0xefefefef, 0xeeeeeeee or 0xdddddddd). Full has no obfuscated form.
func (k Kind) Tag() ([4]byte, bool) {
	switch k {
	case Abridged:
		return [4]byte{0xef, 0xef, 0xef, 0xef}, true
	case Intermediate:
		return [4]byte{0xee, 0xee, 0xee, 0xee}, true
	case PaddedIntermediate:
		return [4]byte{0xdd, 0xdd, 0xdd, 0xdd}, true
	}
	return [4]byte{}, false
}

// KindFromTag maps an obfuscated2 protocol tag back to its Kind.
func KindFromTag(tag [4]byte) (Kind, bool) {
	for _, k := range [...]Kind{Abridged, Intermediate, PaddedIntermediate} {
		if t, _ := k.Tag(); t == tag {
			return k, true
		}
	}
	return 0, false
}

// plainPrefix returns what a client writes once before its first frame on a
// non-obfuscated connection.
func (k Kind) plainPrefix() []byte {
	switch k {
	case Abridged:
		return []byte{0xef}
	case Intermediate:
		return []byte{0xee, 0xee, 0xee, 0xee}
	case PaddedIntermediate:
		return []byte{0xdd, 0xdd, 0xdd, 0xdd}
	}
	return nil
}

// Side says which end of a connection a codec serves. Quick-ack bits mean
// "please acknowledge" when a server reads them and "acknowledged" when a
// client does.
type Side uint8

// The two ends of a connection.
const (
	SideClient Side = iota
	SideServer
)

// String returns "client" or "server".
func (s Side) String() string {
	if s == SideServer {
		return "server"
	}
	return "client"
}

// Frame is one unit found by Codec.NextFrame.
type Frame struct {
	// Payload is the packet, aliasing the buffer given to NextFrame. It is
	// empty for a quick-ack reply.
	Payload []byte
	// QuickAck, on a server, reports that the client asked for a quick
	// acknowledgement of this packet.
	QuickAck bool
	// IsAck reports a quick-ack reply (seen by clients only); Token holds it.
	IsAck bool
	// Token is the quick-ack token, with its high bit cleared.
	Token uint32
}

// Codec is a framing protocol core. It does no I/O.
//
// AppendFrame appends one frame carrying payload to dst; quickAck asks the
// peer for a quick acknowledgement (clients only). NextFrame looks for the
// first frame in buf: it returns the frame (aliasing buf) and the number of
// bytes it occupies, or ErrNeedMore with n set to a lower bound of the bytes
// buf must hold to make progress. Lengths are checked against the maximum
// before n is reported, so a caller may grow its buffer to n safely. Any other
// error means the stream is unusable. A 4-byte packet holding a negative
// integer is returned as *ProtocolError with n covering the frame.
//
// AppendQuickAck appends a quick-ack reply (servers only).
//
// A Codec is used by one reader and one writer at a time: NextFrame and the
// Append methods touch disjoint state.
type Codec interface {
	Kind() Kind
	AppendFrame(dst, payload []byte, quickAck bool) ([]byte, error)
	AppendQuickAck(dst []byte, token uint32) ([]byte, error)
	NextFrame(buf []byte) (f Frame, n int, err error)
}

// CodecOptions configures NewCodec.
type CodecOptions struct {
	// Side is the end of the connection the codec serves.
	Side Side
	// MaxPacket caps packet lengths in both directions; 0 means
	// DefaultMaxPacket.
	MaxPacket int
	// Rand supplies padding for the padded intermediate codec; nil means a
	// ChaCha8 generator seeded from crypto/rand. Padding hides lengths from
	// observers only after obfuscation, so it needs no secrecy of its own.
	Rand io.Reader
}

func (o CodecOptions) max() int {
	if o.MaxPacket <= 0 {
		return DefaultMaxPacket
	}
	return o.MaxPacket
}

// Largest packets each length field can express: abridged counts 4-byte
// words in 24 bits, intermediate bytes in 31 (the top bit is the quick-ack
// flag), full the whole frame in 32. A larger MaxPacket is cut to these.
const (
	maxAbridged     = 0xffffff * 4
	maxIntermediate = 0x7fffffff
	maxFull         = 0xffffffff - fullOverhead
)

// NewCodec returns a fresh codec of the given kind.
func NewCodec(kind Kind, opts CodecOptions) (Codec, error) {
	switch kind {
	case Abridged:
		return &abridged{side: opts.Side, max: capMax(opts.max(), maxAbridged)}, nil
	case Intermediate:
		return &intermediate{side: opts.Side, max: capMax(opts.max(), maxIntermediate)}, nil
	case PaddedIntermediate:
		opts.MaxPacket = capMax(opts.max(), maxIntermediate)
		return newPadded(opts), nil
	case Full:
		return &full{max: capMax(opts.max(), maxFull)}, nil
	}
	return nil, fmt.Errorf("transport: new codec: unknown kind %d", uint8(kind))
}

// capMax returns max, at most limit (an int64 so that limits beyond a 32-bit
// int compile everywhere).
func capMax(max int, limit int64) int {
	if int64(max) > limit {
		return int(limit)
	}
	return max
}

// checkOutLen validates an outgoing payload length.
func checkOutLen(n, max int, align bool) error {
	if n > max {
		return fmt.Errorf("transport: write %d bytes: %w", n, ErrPacketTooLarge)
	}
	if align && n%4 != 0 {
		return fmt.Errorf("transport: write %d bytes, not a multiple of 4: %w", n, ErrPacketLength)
	}
	return nil
}

// splitter is implemented by codecs whose frame is header + payload +
// trailer with the payload untouched, so a Conn can encrypt the payload
// straight from the caller's slice into its write buffer without an extra
// copy. appendTrailer must be called right after the payload was placed.
type splitter interface {
	appendHeader(dst []byte, n int, quickAck bool) ([]byte, error)
	appendTrailer(dst, payload []byte) []byte
}

// errorCode reports whether p is a transport error code packet.
func errorCode(p []byte) (*ProtocolError, bool) {
	if len(p) != 4 {
		return nil, false
	}
	code := int32(binary.LittleEndian.Uint32(p))
	if code >= 0 {
		return nil, false
	}
	return &ProtocolError{Code: code}, true
}

// grow extends dst by n bytes and returns the extended slice, reusing
// capacity when it can.
func grow(dst []byte, n int) []byte {
	l := len(dst)
	if cap(dst)-l < n {
		nd := make([]byte, l, l+n+l/4)
		copy(nd, dst)
		dst = nd
	}
	return dst[:l+n]
}
