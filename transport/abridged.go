package transport

import (
	"encoding/binary"
	"fmt"
)

// abridged is the 0xef protocol: a one-byte length in 4-byte words, or 0x7f
// followed by a 3-byte little-endian word count. The high bit of the first
// byte asks for a quick ack (client to server); a server's quick-ack reply is
// 4 bytes, big-endian, with the high bit set.
type abridged struct {
	side Side
	max  int
}

func (c *abridged) Kind() Kind { return Abridged }

func (c *abridged) AppendFrame(dst, payload []byte, quickAck bool) ([]byte, error) {
	dst, err := c.appendHeader(dst, len(payload), quickAck)
	if err != nil {
		return dst, err
	}
	return append(dst, payload...), nil
}

func (c *abridged) appendHeader(dst []byte, n int, quickAck bool) ([]byte, error) {
	if err := checkOutLen(n, c.max, true); err != nil {
		return dst, err
	}
	var flag byte
	if quickAck {
		if c.side != SideClient {
			return dst, fmt.Errorf("transport: abridged: quick ack request from %s: %w", c.side, ErrNoQuickAck)
		}
		flag = 0x80
	}
	words := n / 4
	if words < 0x7f {
		return append(dst, byte(words)|flag), nil
	}
	return append(dst, 0x7f|flag, byte(words), byte(words>>8), byte(words>>16)), nil
}

func (c *abridged) appendTrailer(dst, _ []byte) []byte { return dst }

func (c *abridged) AppendQuickAck(dst []byte, token uint32) ([]byte, error) {
	if c.side != SideServer {
		return dst, fmt.Errorf("transport: abridged: quick ack reply from client: %w", ErrNoQuickAck)
	}
	return binary.BigEndian.AppendUint32(dst, token|1<<31), nil
}

func (c *abridged) NextFrame(buf []byte) (Frame, int, error) {
	if len(buf) < 1 {
		return Frame{}, 1, ErrNeedMore
	}
	first := buf[0]
	if first&0x80 != 0 && c.side == SideClient {
		// Quick-ack reply: 4 bytes, big-endian.
		if len(buf) < 4 {
			return Frame{}, 4, ErrNeedMore
		}
		return Frame{IsAck: true, Token: binary.BigEndian.Uint32(buf) &^ (1 << 31)}, 4, nil
	}
	qa := first&0x80 != 0
	words, hdr := int(first&0x7f), 1
	if words == 0x7f {
		if len(buf) < 4 {
			return Frame{}, 4, ErrNeedMore
		}
		words, hdr = int(buf[1])|int(buf[2])<<8|int(buf[3])<<16, 4
	}
	n := words * 4
	if n > c.max {
		return Frame{}, 0, fmt.Errorf("transport: abridged: declared %d bytes: %w", n, ErrPacketTooLarge)
	}
	if len(buf) < hdr+n {
		return Frame{}, hdr + n, ErrNeedMore
	}
	p := buf[hdr : hdr+n : hdr+n]
	if e, ok := errorCode(p); ok {
		return Frame{}, hdr + n, e
	}
	return Frame{Payload: p, QuickAck: qa}, hdr + n, nil
}
