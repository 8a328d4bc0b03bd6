package transport

import (
	"encoding/binary"
	"fmt"
)

// intermediate is the 0xeeeeeeee protocol: a 4-byte little-endian length,
// then the packet. The length's high bit asks for a quick ack (client to
// server); a server's quick-ack reply is the 4-byte token, little-endian,
// with the high bit set.
type intermediate struct {
	side Side
	max  int
}

func (c *intermediate) Kind() Kind { return Intermediate }

func (c *intermediate) AppendFrame(dst, payload []byte, quickAck bool) ([]byte, error) {
	dst, err := c.appendHeader(dst, len(payload), quickAck)
	if err != nil {
		return dst, err
	}
	return append(dst, payload...), nil
}

func (c *intermediate) appendHeader(dst []byte, n int, quickAck bool) ([]byte, error) {
	if err := checkOutLen(n, c.max, true); err != nil {
		return dst, err
	}
	return appendLen32(dst, n, quickAck, c.side)
}

func (c *intermediate) appendTrailer(dst, _ []byte) []byte { return dst }

func (c *intermediate) AppendQuickAck(dst []byte, token uint32) ([]byte, error) {
	return appendAck32(dst, token, c.side)
}

func (c *intermediate) NextFrame(buf []byte) (Frame, int, error) {
	f, n, err := nextLen32(buf, c.max, c.side, true)
	if err != nil || f.IsAck {
		return f, n, err
	}
	if e, ok := errorCode(f.Payload); ok {
		return Frame{}, n, e
	}
	return f, n, nil
}

// appendLen32 writes the intermediate-style length prefix.
func appendLen32(dst []byte, n int, quickAck bool, side Side) ([]byte, error) {
	v := uint32(n)
	if quickAck {
		if side != SideClient {
			return dst, fmt.Errorf("transport: quick ack request from %s: %w", side, ErrNoQuickAck)
		}
		v |= 1 << 31
	}
	return binary.LittleEndian.AppendUint32(dst, v), nil
}

func appendAck32(dst []byte, token uint32, side Side) ([]byte, error) {
	if side != SideServer {
		return dst, fmt.Errorf("transport: quick ack reply from client: %w", ErrNoQuickAck)
	}
	return binary.LittleEndian.AppendUint32(dst, token|1<<31), nil
}

// nextLen32 parses an intermediate-style frame. align requires the length to
// be a multiple of four.
func nextLen32(buf []byte, max int, side Side, align bool) (Frame, int, error) {
	if len(buf) < 4 {
		return Frame{}, 4, ErrNeedMore
	}
	v := binary.LittleEndian.Uint32(buf)
	qa := v&(1<<31) != 0
	if qa && side == SideClient {
		return Frame{IsAck: true, Token: v &^ (1 << 31)}, 4, nil
	}
	v &^= 1 << 31
	if uint64(v) > uint64(max) {
		return Frame{}, 0, fmt.Errorf("transport: declared %d bytes: %w", v, ErrPacketTooLarge)
	}
	n := int(v)
	if align && n%4 != 0 {
		return Frame{}, 0, fmt.Errorf("transport: declared %d bytes, not a multiple of 4: %w", n, ErrPacketLength)
	}
	if len(buf) < 4+n {
		return Frame{}, 4 + n, ErrNeedMore
	}
	return Frame{Payload: buf[4 : 4+n : 4+n], QuickAck: qa}, 4 + n, nil
}
