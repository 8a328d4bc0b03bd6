package transport

import (
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
)

// padded is the 0xdddddddd protocol: intermediate framing with 0..15 random
// bytes after each packet, counted in the length. It is meant to run under
// obfuscation, where the padding hides packet sizes.
//
// The receiver cannot know how much padding the sender chose, so NextFrame
// trims it using the MTProto packet layout: an unencrypted message (auth key
// id zero) ends after its declared message_data_length; an encrypted one is
// 24 bytes of envelope plus whole 16-byte AES blocks; a shorter packet is a
// 4-byte error code. The returned payload is the exact packet.
type padded struct {
	side Side
	max  int
	rand io.Reader
	pad  int // padding chosen by appendHeader for appendTrailer
	one  [1]byte
}

func newPadded(opts CodecOptions) *padded {
	r := opts.Rand
	if r == nil {
		var seed [32]byte
		_, _ = crand.Read(seed[:]) // crypto/rand.Read never fails on supported platforms
		r = rand.NewChaCha8(seed)
	}
	return &padded{side: opts.Side, max: opts.max(), rand: r}
}

func (c *padded) Kind() Kind { return PaddedIntermediate }

func (c *padded) AppendFrame(dst, payload []byte, quickAck bool) ([]byte, error) {
	dst, err := c.appendHeader(dst, len(payload), quickAck)
	if err != nil {
		return dst, err
	}
	dst = append(dst, payload...)
	return c.appendTrailer(dst, payload), nil
}

func (c *padded) appendHeader(dst []byte, n int, quickAck bool) ([]byte, error) {
	// The payload itself stays 4-aligned: it is an MTProto packet.
	if err := checkOutLen(n, c.max-15, true); err != nil {
		return dst, err
	}
	if _, err := io.ReadFull(c.rand, c.one[:]); err != nil {
		return dst, fmt.Errorf("transport: padded: read padding length: %w", err)
	}
	c.pad = int(c.one[0] & 15)
	return appendLen32(dst, n+c.pad, quickAck, c.side)
}

func (c *padded) appendTrailer(dst, _ []byte) []byte {
	l := len(dst)
	dst = grow(dst, c.pad)
	if _, err := io.ReadFull(c.rand, dst[l:]); err != nil {
		// Padding content is not secret; zeros keep the frame valid.
		clear(dst[l:])
	}
	return dst
}

func (c *padded) AppendQuickAck(dst []byte, token uint32) ([]byte, error) {
	return appendAck32(dst, token, c.side)
}

func (c *padded) NextFrame(buf []byte) (Frame, int, error) {
	f, n, err := nextLen32(buf, c.max, c.side, false)
	if err != nil || f.IsAck {
		return f, n, err
	}
	f.Payload = trimPadding(f.Payload)
	if e, ok := errorCode(f.Payload); ok {
		return Frame{}, n, e
	}
	return f, n, nil
}

// trimPadding drops the padded-intermediate padding from p using the MTProto
// packet layout described on padded.
func trimPadding(p []byte) []byte {
	switch {
	case len(p) < 20:
		// No MTProto message is this short: a 4-byte error code.
		return p[:min(len(p), 4)]
	case binary.LittleEndian.Uint64(p) != 0:
		if len(p) < 24 {
			return p[:len(p)&^3]
		}
		return p[:24+(len(p)-24)&^15]
	}
	// Unencrypted: auth_key_id(8) msg_id(8) length(4) body.
	body := binary.LittleEndian.Uint32(p[16:])
	if total := 20 + uint64(body); total <= uint64(len(p)) {
		return p[:total]
	}
	return p[:len(p)&^3]
}
