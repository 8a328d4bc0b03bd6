package peers

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Kind says which of Telegram's three id spaces an id belongs to. A user, a basic group and a
// channel may share the same number; the kind keeps them apart.
type Kind uint8

// The kinds of peer.
const (
	// KindUser is a user or bot (peerUser).
	KindUser Kind = 1
	// KindChat is a basic group (peerChat).
	KindChat Kind = 2
	// KindChannel is a channel, supergroup or gigagroup (peerChannel).
	KindChannel Kind = 3
)

// String returns "user", "chat" or "channel".
func (k Kind) String() string {
	switch k {
	case KindUser:
		return "user"
	case KindChat:
		return "chat"
	case KindChannel:
		return "channel"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

func (k Kind) valid() bool { return k >= KindUser && k <= KindChannel }

// Key identifies a peer: its kind and its id as Telegram numbers it (not the Bot API form).
type Key struct {
	Kind Kind
	ID   int64
}

// UserKey returns the key of user id.
func UserKey(id int64) Key { return Key{Kind: KindUser, ID: id} }

// ChatKey returns the key of basic group id.
func ChatKey(id int64) Key { return Key{Kind: KindChat, ID: id} }

// ChannelKey returns the key of channel id.
func ChannelKey(id int64) Key { return Key{Kind: KindChannel, ID: id} }

// String formats the key as "user:123".
func (k Key) String() string { return k.Kind.String() + ":" + strconv.FormatInt(k.ID, 10) }

// Valid reports whether the key has a known kind and a positive id.
func (k Key) Valid() bool { return k.Kind.valid() && k.ID > 0 }

// channelOffset is the Bot API's shift for channel ids: -100xxxxxxxxxx.
const channelOffset = 1_000_000_000_000

// maxChatID is the largest basic group id the Bot API form can express.
const maxChatID = channelOffset - 1

// BotAPIID returns the key in Bot API form: the user id for users, -id for basic groups and
// -(10^12 + id) for channels. It returns 0 for an invalid key and for one with no Bot API
// form (a basic group id above 999999999999, a channel id above 2^63-1-10^12).
func (k Key) BotAPIID() int64 {
	if !k.Valid() {
		return 0
	}
	switch k.Kind {
	case KindUser:
		return k.ID
	case KindChat:
		if k.ID > maxChatID {
			return 0 // -ID would name a channel
		}
		return -k.ID
	default:
		if k.ID > (1<<63-1)-channelOffset {
			return 0
		}
		return -(channelOffset + k.ID)
	}
}

// KeyFromBotAPI interprets a Bot API style id: positive ids are users, -1..-999999999999 basic
// groups, and anything below -10^12 a channel (-100... in decimal). Zero, -10^12 and
// math.MinInt64 (whose channel id has no Bot API form to return to) give ok == false.
func KeyFromBotAPI(id int64) (k Key, ok bool) {
	switch {
	case id > 0:
		return UserKey(id), true
	case id >= -maxChatID && id < 0:
		return ChatKey(-id), true
	case id < -channelOffset && id != math.MinInt64:
		return ChannelKey(-(id + channelOffset)), true
	}
	return Key{}, false
}

// KeyOfPeer returns the key a tg.PeerClass names.
func KeyOfPeer(p tg.PeerClass) (Key, bool) {
	var k Key
	switch p := p.(type) {
	case *tg.PeerUser:
		if p != nil {
			k = UserKey(p.UserID)
		}
	case *tg.PeerChat:
		if p != nil {
			k = ChatKey(p.ChatID)
		}
	case *tg.PeerChannel:
		if p != nil {
			k = ChannelKey(p.ChannelID)
		}
	}
	if !k.Valid() {
		return Key{}, false
	}
	return k, true
}

// KeyOfInputPeer returns the key an input peer names, including the peer of the *FromMessage
// forms. inputPeerSelf and inputPeerEmpty name no key.
func KeyOfInputPeer(p tg.InputPeerClass) (Key, bool) {
	var k Key
	switch p := p.(type) {
	case *tg.InputPeerUser:
		if p != nil {
			k = UserKey(p.UserID)
		}
	case *tg.InputPeerChat:
		if p != nil {
			k = ChatKey(p.ChatID)
		}
	case *tg.InputPeerChannel:
		if p != nil {
			k = ChannelKey(p.ChannelID)
		}
	case *tg.InputPeerUserFromMessage:
		if p != nil {
			k = UserKey(p.UserID)
		}
	case *tg.InputPeerChannelFromMessage:
		if p != nil {
			k = ChannelKey(p.ChannelID)
		}
	}
	if !k.Valid() {
		return Key{}, false
	}
	return k, true
}

// KeyOfUser returns the key of a user object (user or userEmpty).
func KeyOfUser(u tg.UserClass) (Key, bool) {
	var k Key
	switch u := u.(type) {
	case *tg.User:
		if u != nil {
			k = UserKey(u.ID)
		}
	case *tg.UserEmpty:
		if u != nil {
			k = UserKey(u.ID)
		}
	}
	if !k.Valid() {
		return Key{}, false
	}
	return k, true
}

// KeyOfChat returns the key of a chat object: chat, chatForbidden and chatEmpty are basic
// groups, channel and channelForbidden channels.
func KeyOfChat(c tg.ChatClass) (Key, bool) {
	var k Key
	switch c := c.(type) {
	case *tg.Chat:
		if c != nil {
			k = ChatKey(c.ID)
		}
	case *tg.ChatForbidden:
		if c != nil {
			k = ChatKey(c.ID)
		}
	case *tg.ChatEmpty:
		if c != nil {
			k = ChatKey(c.ID)
		}
	case *tg.Channel:
		if c != nil {
			k = ChannelKey(c.ID)
		}
	case *tg.ChannelForbidden:
		if c != nil {
			k = ChannelKey(c.ID)
		}
	}
	if !k.Valid() {
		return Key{}, false
	}
	return k, true
}

// Peer returns the key as a tg.PeerClass, nil for an invalid key.
func (k Key) Peer() tg.PeerClass {
	if !k.Valid() {
		return nil
	}
	switch k.Kind {
	case KindUser:
		return &tg.PeerUser{UserID: k.ID}
	case KindChat:
		return &tg.PeerChat{ChatID: k.ID}
	default:
		return &tg.PeerChannel{ChannelID: k.ID}
	}
}

// KeySize is the length of a key's binary form.
const KeySize = 9

// AppendBinary appends the key's binary form to b: the kind byte then the id big-endian, so
// byte order sorts keys by kind then id.
func (k Key) AppendBinary(b []byte) ([]byte, error) {
	b = append(b, byte(k.Kind))
	return binary.BigEndian.AppendUint64(b, uint64(k.ID)), nil
}

// ParseKey decodes the binary form written by AppendBinary.
func ParseKey(b []byte) (Key, error) {
	if len(b) != KeySize {
		return Key{}, fmt.Errorf("%w: key is %d bytes, want %d", ErrCorruptRecord, len(b), KeySize)
	}
	k := Key{Kind: Kind(b[0]), ID: int64(binary.BigEndian.Uint64(b[1:]))}
	if !k.Valid() {
		return Key{}, fmt.Errorf("%w: invalid key %v", ErrCorruptRecord, k)
	}
	return k, nil
}
