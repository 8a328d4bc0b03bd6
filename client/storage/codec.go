package storage

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// The binary records of the file store. Each starts with a version byte where more fields may
// come later; every decoder checks lengths before reading and rejects trailing bytes, so a
// damaged record is reported as ErrCorrupt instead of being half-read.

const (
	sessionVersion  = 1
	sessionFixed    = 1 + 4 + 1 + 8 + 8 + 8 // version, dc, flags, salt, offset, user
	maxAddrSize     = 255
	sessionTestMode = 1 << 0
	sessionBot      = 1 << 1
	sessionFlags    = sessionTestMode | sessionBot
	maxDC           = 1<<31 - 1
)

// appendSession encodes s (validated by the caller).
func appendSession(b []byte, s session.Session) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return b, err
	}
	if len(s.Addr) > maxAddrSize {
		return b, fmt.Errorf("%w: address of %d bytes", session.ErrInvalidSession, len(s.Addr))
	}
	if s.DC > maxDC {
		return b, fmt.Errorf("%w: dc %d", session.ErrInvalidSession, s.DC)
	}
	b = append(b, sessionVersion)
	b = binary.BigEndian.AppendUint32(b, uint32(s.DC))
	var flags byte
	if s.TestMode {
		flags |= sessionTestMode
	}
	if s.Bot {
		flags |= sessionBot
	}
	b = append(b, flags)
	b = binary.BigEndian.AppendUint64(b, uint64(s.Salt))
	b = binary.BigEndian.AppendUint64(b, uint64(s.TimeOffset))
	b = binary.BigEndian.AppendUint64(b, uint64(s.UserID))
	b = append(b, byte(len(s.Addr)))
	b = append(b, s.Addr...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(s.AuthKey)))
	return append(b, s.AuthKey...), nil
}

// decodeSession decodes a session record; the result shares no memory with data.
func decodeSession(data []byte) (session.Session, error) {
	var s session.Session
	if len(data) < sessionFixed+1+2 {
		return s, fmt.Errorf("%w: session record of %d bytes", ErrCorrupt, len(data))
	}
	if data[0] != sessionVersion {
		return s, fmt.Errorf("%w: session record version %d", ErrCorrupt, data[0])
	}
	s.DC = int(binary.BigEndian.Uint32(data[1:]))
	if s.DC > maxDC {
		return session.Session{}, fmt.Errorf("%w: session dc %d", ErrCorrupt, s.DC)
	}
	flags := data[5]
	if flags&^sessionFlags != 0 {
		return s, fmt.Errorf("%w: session flags %#x", ErrCorrupt, flags)
	}
	s.TestMode, s.Bot = flags&sessionTestMode != 0, flags&sessionBot != 0
	s.Salt = int64(binary.BigEndian.Uint64(data[6:]))
	s.TimeOffset = time.Duration(binary.BigEndian.Uint64(data[14:]))
	s.UserID = int64(binary.BigEndian.Uint64(data[22:]))
	rest := data[sessionFixed:]
	n := int(rest[0])
	rest = rest[1:]
	if len(rest) < n+2 {
		return session.Session{}, fmt.Errorf("%w: session address of %d bytes, %d left", ErrCorrupt, n, len(rest))
	}
	s.Addr = string(rest[:n])
	rest = rest[n:]
	k := int(binary.BigEndian.Uint16(rest))
	rest = rest[2:]
	if len(rest) != k {
		return session.Session{}, fmt.Errorf("%w: session auth key of %d bytes, %d left", ErrCorrupt, k, len(rest))
	}
	if k > 0 {
		s.AuthKey = append([]byte(nil), rest...)
	}
	if err := s.Validate(); err != nil {
		return session.Session{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return s, nil
}

func appendIdentity(b []byte, id Identity) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(id.UserID))
	if id.Bot {
		return append(b, 1)
	}
	return append(b, 0)
}

func decodeIdentity(data []byte) (Identity, error) {
	// Errors name sizes and flags, never the stored bytes (the same below).
	if len(data) != 9 {
		return Identity{}, fmt.Errorf("%w: identity record of %d bytes, want 9", ErrCorrupt, len(data))
	}
	if data[8] > 1 {
		return Identity{}, fmt.Errorf("%w: identity record's bot flag %d", ErrCorrupt, data[8])
	}
	return Identity{UserID: int64(binary.BigEndian.Uint64(data)), Bot: data[8] == 1}, nil
}

func appendState(b []byte, s updates.State) []byte {
	for _, v := range [...]int32{s.Pts, s.Qts, s.Seq, s.Date} {
		b = binary.BigEndian.AppendUint32(b, uint32(v))
	}
	return b
}

func decodeState(data []byte) (updates.State, error) {
	if len(data) != 16 {
		return updates.State{}, fmt.Errorf("%w: update state of %d bytes", ErrCorrupt, len(data))
	}
	v := func(i int) int32 { return int32(binary.BigEndian.Uint32(data[4*i:])) }
	return updates.State{Pts: v(0), Qts: v(1), Seq: v(2), Date: v(3)}, nil
}

// channelKey is a channel id as a bucket key: big-endian, so channels iterate in id order.
func channelKey(id int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(id)) }

// appendChannel encodes a channel's record: its pts, then the pts named when there is one
// (file format 2). A record without it stays the 4 bytes of format 1.
func appendChannel(ch updates.ChannelPts) []byte {
	b := binary.BigEndian.AppendUint32(make([]byte, 0, 8), uint32(ch.Pts))
	if ch.Named != 0 {
		b = binary.BigEndian.AppendUint32(b, uint32(ch.Named))
	}
	return b
}

// decodeChannel decodes a channel's key and record. The pts named is checked no further
// than appendChannel's encoding: the update engine ignores one it cannot use
// (updates.ChannelPts), as it would a guess the store had lost.
func decodeChannel(k, v []byte) (updates.ChannelPts, error) {
	if len(k) != 8 || len(v) != 4 && len(v) != 8 {
		return updates.ChannelPts{}, fmt.Errorf("%w: channel pts record: key of %d bytes, value of %d (want 8 and 4 or 8)", ErrCorrupt, len(k), len(v))
	}
	ch := updates.ChannelPts{
		ChannelID: int64(binary.BigEndian.Uint64(k)),
		Pts:       int32(binary.BigEndian.Uint32(v)),
	}
	if len(v) == 8 {
		ch.Named = int32(binary.BigEndian.Uint32(v[4:]))
		if ch.Named == 0 {
			// appendChannel writes no pts named of 0: the record is damaged.
			return updates.ChannelPts{}, fmt.Errorf("%w: channel pts record of 8 bytes naming pts 0", ErrCorrupt)
		}
	}
	return ch, nil
}

// checkHomeDC bounds a home data center before it is stored.
func checkHomeDC(dc int) error {
	if dc < 0 || dc > maxDC {
		return fmt.Errorf("storage: home dc %d out of range", dc)
	}
	return nil
}

func dcKey(dc int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(dc)) }

func decodeDC(data []byte) (int, error) {
	if len(data) != 4 {
		return 0, fmt.Errorf("%w: dc record of %d bytes, want 4", ErrCorrupt, len(data))
	}
	dc := binary.BigEndian.Uint32(data)
	if dc > maxDC { // before the int: a 32-bit one would read it negative
		return 0, fmt.Errorf("%w: dc %d", ErrCorrupt, dc)
	}
	return int(dc), nil
}
