package peers

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Peer is what the cache knows about one user, basic group or channel: enough to address it in
// requests and to find it by username or phone number.
type Peer struct {
	Key
	// AccessHash authorizes requests naming a user or channel. Basic groups need none.
	AccessHash int64
	// Min reports that AccessHash is not a full one: it came from a "min" constructor (which
	// Telegram sends when the receiver may not see the whole object) or none is known. Such a
	// hash is kept only until a full one arrives, and never replaces one.
	Min bool
	// Bot is true for bot users.
	Bot bool
	// Usernames are the active usernames as Telegram spells them, without "@".
	Usernames []string
	// Phone is the user's phone number in digits only, when visible.
	Phone string
	// Seen is when this information was last learned from the server. Username lookups older
	// than the resolver's TTL ask the server again.
	Seen time.Time
}

// InputPeer returns the peer to put in requests: inputPeerUser, inputPeerChat or
// inputPeerChannel. It returns nil for an invalid key.
func (p Peer) InputPeer() tg.InputPeerClass {
	if !p.Valid() {
		return nil
	}
	switch p.Kind {
	case KindUser:
		return &tg.InputPeerUser{UserID: p.ID, AccessHash: p.AccessHash}
	case KindChat:
		return &tg.InputPeerChat{ChatID: p.ID}
	default:
		return &tg.InputPeerChannel{ChannelID: p.ID, AccessHash: p.AccessHash}
	}
}

// InputUser returns the peer as an input user; ok is false unless it is a user.
func (p Peer) InputUser() (u tg.InputUserClass, ok bool) {
	if p.Kind != KindUser || !p.Valid() {
		return nil, false
	}
	return &tg.InputUser{UserID: p.ID, AccessHash: p.AccessHash}, true
}

// InputChannel returns the peer as an input channel; ok is false unless it is a channel.
func (p Peer) InputChannel() (c tg.InputChannelClass, ok bool) {
	if p.Kind != KindChannel || !p.Valid() {
		return nil, false
	}
	return &tg.InputChannel{ChannelID: p.ID, AccessHash: p.AccessHash}, true
}

// HasUsername reports whether name (with or without "@", any case) is one of the peer's
// usernames.
func (p Peer) HasUsername(name string) bool {
	n := NormalizeUsername(name)
	if n == "" {
		return false
	}
	for _, u := range p.Usernames {
		if NormalizeUsername(u) == n {
			return true
		}
	}
	return false
}

// sameInfo reports whether p and q carry the same information, ignoring Seen.
func (p Peer) sameInfo(q Peer) bool {
	return p.Key == q.Key && p.AccessHash == q.AccessHash && p.Min == q.Min && p.Bot == q.Bot &&
		p.Phone == q.Phone && slices.Equal(p.Usernames, q.Usernames)
}

// clone returns a copy of p that shares no memory with it.
func (p Peer) clone() Peer {
	p.Usernames = slices.Clone(p.Usernames)
	return p
}

// Limits of the binary record, far above what Telegram sends, so a corrupt length cannot make
// the decoder allocate much.
const (
	recordVersion   = 1
	maxUsernames    = 64
	maxUsernameSize = 64
	maxPhoneSize    = 32
	recordFixedSize = 1 + KeySize + 8 + 1 + 8
	flagMin         = 1 << 0
	flagBot         = 1 << 1
	knownFlags      = flagMin | flagBot
)

// AppendBinary appends the peer's stable binary record to b (it implements
// encoding.BinaryAppender). Seen is kept to the second; times before 1970 read back as zero.
func (p Peer) AppendBinary(b []byte) ([]byte, error) {
	if !p.Valid() {
		return b, fmt.Errorf("peers: encode %v: invalid key", p.Key)
	}
	if len(p.Usernames) > maxUsernames {
		return b, fmt.Errorf("peers: encode %v: %d usernames, at most %d", p.Key, len(p.Usernames), maxUsernames)
	}
	if len(p.Phone) > maxPhoneSize {
		return b, fmt.Errorf("peers: encode %v: phone of %d bytes", p.Key, len(p.Phone))
	}
	b = append(b, recordVersion)
	b, _ = p.Key.AppendBinary(b)
	b = binary.BigEndian.AppendUint64(b, uint64(p.AccessHash))
	var flags byte
	if p.Min {
		flags |= flagMin
	}
	if p.Bot {
		flags |= flagBot
	}
	b = append(b, flags)
	seen := max(p.Seen.Unix(), 0) // the zero time and times before 1970 are stored as "never"

	b = binary.BigEndian.AppendUint64(b, uint64(seen))
	b = binary.AppendUvarint(b, uint64(len(p.Usernames)))
	for _, u := range p.Usernames {
		if len(u) > maxUsernameSize {
			return b, fmt.Errorf("peers: encode %v: username of %d bytes", p.Key, len(u))
		}
		b = binary.AppendUvarint(b, uint64(len(u)))
		b = append(b, u...)
	}
	b = binary.AppendUvarint(b, uint64(len(p.Phone)))
	return append(b, p.Phone...), nil
}

// MarshalBinary returns the peer's binary record.
func (p Peer) MarshalBinary() ([]byte, error) { return p.AppendBinary(nil) }

// UnmarshalBinary decodes a record written by AppendBinary. It fails with ErrCorruptRecord on
// any malformed input and never keeps a reference to data.
func (p *Peer) UnmarshalBinary(data []byte) error {
	if len(data) < recordFixedSize {
		return fmt.Errorf("%w: %d bytes, need at least %d", ErrCorruptRecord, len(data), recordFixedSize)
	}
	if data[0] != recordVersion {
		return fmt.Errorf("%w: version %d", ErrCorruptRecord, data[0])
	}
	key, err := ParseKey(data[1 : 1+KeySize])
	if err != nil {
		return err
	}
	off := 1 + KeySize
	out := Peer{Key: key, AccessHash: int64(binary.BigEndian.Uint64(data[off:]))}
	off += 8
	flags := data[off]
	off++
	if flags&^knownFlags != 0 {
		return fmt.Errorf("%w: unknown flags %#x", ErrCorruptRecord, flags)
	}
	out.Min, out.Bot = flags&flagMin != 0, flags&flagBot != 0
	switch seen := int64(binary.BigEndian.Uint64(data[off:])); {
	case seen < 0:
		return fmt.Errorf("%w: seen time %d", ErrCorruptRecord, seen)
	case seen > 0:
		out.Seen = time.Unix(seen, 0)
	}
	off += 8
	rest := data[off:]
	n, err := readUvarint(&rest, maxUsernames, "username count")
	if err != nil {
		return err
	}
	if n > 0 {
		out.Usernames = make([]string, 0, n)
	}
	for range n {
		s, err := readBytes(&rest, maxUsernameSize, "username")
		if err != nil {
			return err
		}
		out.Usernames = append(out.Usernames, s)
	}
	if out.Phone, err = readBytes(&rest, maxPhoneSize, "phone"); err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrCorruptRecord, len(rest))
	}
	*p = out
	return nil
}

func readUvarint(b *[]byte, limit uint64, what string) (int, error) {
	v, n := binary.Uvarint(*b)
	if n <= 0 || n > 1 && (*b)[n-1] == 0 {
		// Truncated, overflowing or not in its shortest form: one value, one encoding.
		return 0, fmt.Errorf("%w: bad %s", ErrCorruptRecord, what)
	}
	if v > limit {
		return 0, fmt.Errorf("%w: %s %d above %d", ErrCorruptRecord, what, v, limit)
	}
	*b = (*b)[n:]
	return int(v), nil
}

func readBytes(b *[]byte, limit uint64, what string) (string, error) {
	n, err := readUvarint(b, limit, what+" length")
	if err != nil {
		return "", err
	}
	if len(*b) < n {
		return "", fmt.Errorf("%w: %s of %d bytes, %d left", ErrCorruptRecord, what, n, len(*b))
	}
	s := string((*b)[:n])
	*b = (*b)[n:]
	return s, nil
}
