package exchange

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
)

// PlainHeaderSize is the header of an unencrypted message: auth_key_id (0), msg_id, length.
const PlainHeaderSize = 8 + 8 + 4

// MaxPlainBody bounds the body of an unencrypted message; the largest key-exchange message
// (server_DH_params_ok) is under 700 bytes.
const MaxPlainBody = 4096

// AppendPlain appends an unencrypted MTProto message (auth_key_id 0, msgID, body length, body)
// to dst. Both sides of the key exchange frame their messages with it.
func AppendPlain(dst []byte, msgID int64, body []byte) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, 0)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(msgID))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(body)))
	return append(dst, body...)
}

// IsPlain reports whether packet starts with auth_key_id 0, the mark of an unencrypted message.
// A server uses it to route a connection's packets to the key exchange.
func IsPlain(packet []byte) bool {
	return len(packet) >= 8 && binary.LittleEndian.Uint64(packet) == 0
}

// ParsePlain checks an unencrypted message sent by from and returns its msg_id and body (a
// sub-slice of packet). The msg_id must have the low bits of its sender: 0 modulo 4 from a
// client, 1 or 3 from a server.
func ParsePlain(packet []byte, from crypto.Side) (msgID int64, body []byte, err error) {
	if len(packet) < PlainHeaderSize {
		return 0, nil, fmt.Errorf("%w: %d bytes, header needs %d", ErrFraming, len(packet), PlainHeaderSize)
	}
	if id := binary.LittleEndian.Uint64(packet); id != 0 {
		return 0, nil, fmt.Errorf("%w: auth_key_id %#016x, want 0", ErrFraming, id)
	}
	msgID = int64(binary.LittleEndian.Uint64(packet[8:]))
	n := binary.LittleEndian.Uint32(packet[16:])
	body = packet[PlainHeaderSize:]
	switch {
	case n > MaxPlainBody:
		return 0, nil, fmt.Errorf("%w: body length %d over %d", ErrFraming, n, MaxPlainBody)
	case int(n) != len(body):
		return 0, nil, fmt.Errorf("%w: body length %d, %d bytes follow", ErrFraming, n, len(body))
	case n%4 != 0:
		return 0, nil, fmt.Errorf("%w: body length %d is not a multiple of 4", ErrFraming, n)
	}
	if parity := msgID & 3; (from == crypto.Client) != (parity == 0) || parity == 2 {
		return 0, nil, fmt.Errorf("%w: %s msg_id %#x has low bits %d", ErrFraming, from, msgID, parity)
	}
	return msgID, body, nil
}

// msgIDs hands out strictly increasing msg_ids for one side's unencrypted messages.
type msgIDs struct {
	side crypto.Side
	last int64
}

// next returns the msg_id for a message sent at now: unix time in the upper 32 bits, a fraction
// of a second below, low bits 0 from a client and 1 (an answer) from a server.
func (g *msgIDs) next(now time.Time) int64 {
	g.last = mtp.NextMsgID(g.last, now, g.side == crypto.Server)
	return g.last
}
