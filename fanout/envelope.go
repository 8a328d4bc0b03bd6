package fanout

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// A message on the stream is a TL-encoded updates#74ae4240 (tg.Updates) holding 1 to
// Config.MaxBatch updates of one shard, in the order the update engine delivered them, with
// the users and chats of the engine batches they came in, so a worker's peer cache learns
// them as the gateway's would. Its Nats-Msg-Id is mtgo.UpdateKey of the update when it
// holds one, else a key made of its first and last updates' keys and their count.

// HeaderChat names the chat key a message's updates were sharded by (decimal), for tools
// that read the stream; a message holding updates of several chats has none.
const HeaderChat = "Mtgo-Chat"

// unpack returns the updates of a batch and what came with them.
func unpack(u tg.UpdatesClass) (list []tg.UpdateClass, src *source) {
	switch u := u.(type) {
	case *tg.Updates:
		return u.Updates, &source{users: u.Users, chats: u.Chats, date: u.Date}
	case *tg.UpdatesCombined:
		return u.Updates, &source{users: u.Users, chats: u.Chats, date: u.Date}
	case *tg.UpdateShort:
		return []tg.UpdateClass{u.Update}, &source{date: u.Date}
	}
	return nil, nil
}

// source is what came with one batch of the update engine.
type source struct {
	users []tg.UserClass
	chats []tg.ChatClass
	date  int32

	once    sync.Once // builds the rest on first use
	userIDs map[int64]tg.UserClass
	chatIDs map[int64]tg.ChatClass
	other   []tl.Object // users and chats of kinds without a known id
}

// index builds s's maps of users and chats by id.
func (s *source) index() *source {
	s.once.Do(func() {
		s.userIDs = make(map[int64]tg.UserClass, len(s.users))
		s.chatIDs = make(map[int64]tg.ChatClass, len(s.chats))
		for _, u := range s.users {
			if id, ok := userID(u); ok {
				s.userIDs[id] = u
			} else if u != nil {
				s.other = append(s.other, u)
			}
		}
		for _, c := range s.chats {
			if id, ok := chatID(c); ok {
				s.chatIDs[id] = c
			} else if c != nil {
				s.other = append(s.other, c)
			}
		}
	})
	return s
}

// queued is one update waiting in its shard for the message that carries it.
type queued struct {
	up    tg.UpdateClass
	key   string // mtgo.UpdateKey(up)
	chat  int64
	shard int
	src   *source
	t     *ticket
}

// encodeEnvelope encodes the updates of items, in order, as one tg.Updates with the
// latest date and the users and chats of their sources that the updates name: an engine
// batch's users and chats are those of all its updates, which go to many messages.
//
// Which peers an update names is read off its encoding: an id is an int64 field, so it is
// one of the 8-byte words at the 4-byte aligned offsets of the update's TL encoding. A user
// or chat whose id is no such word is named by none of the updates; a word equal to an id by
// chance sends a peer needlessly, never drops one. Peers of kinds without a known id are
// sent along.
func encodeEnvelope(b *tl.Buffer, items []queued) error {
	b.Reset()
	b.PutID(tg.UpdatesTypeID)
	b.PutVectorHeader(len(items))
	var p peerSet
	var date int32
	for _, it := range items {
		if it.up == nil {
			return fmt.Errorf("fanout: encode %d updates: empty update", len(items))
		}
		start := len(b.Raw())
		if err := it.up.Encode(b); err != nil {
			return fmt.Errorf("fanout: encode %T: %w", it.up, err)
		}
		if it.src != nil {
			date = max(date, it.src.date)
			p.add(it.src.index(), b.Raw()[start:])
		}
	}
	if err := putVector(b, p.users); err != nil {
		return fmt.Errorf("fanout: encode users: %w", err)
	}
	if err := putVector(b, p.chats); err != nil {
		return fmt.Errorf("fanout: encode chats: %w", err)
	}
	b.PutInt32(date)
	b.PutInt32(0) // seq: the stream's order is the sequence
	if err := b.WriteErr(); err != nil {
		return fmt.Errorf("fanout: encode %d updates: %w", len(items), err)
	}
	return nil
}

// peerSet gathers the users and chats of a message, each once.
type peerSet struct {
	users []tg.UserClass
	chats []tg.ChatClass
	ids   map[int64]uint8 // sent: 1 user, 2 chat
	srcs  []*source       // whose peers of unknown kinds were sent
}

// add adds the peers of src that the update encoded in raw names.
func (p *peerSet) add(src *source, raw []byte) {
	if len(src.other) > 0 && !slices.Contains(p.srcs, src) {
		p.srcs = append(p.srcs, src)
		for _, o := range src.other {
			switch o := o.(type) {
			case tg.UserClass:
				p.users = append(p.users, o)
			case tg.ChatClass:
				p.chats = append(p.chats, o)
			}
		}
	}
	if len(src.userIDs)+len(src.chatIDs) == 0 {
		return
	}
	if p.ids == nil {
		p.ids = map[int64]uint8{}
	}
	for off := 0; off+8 <= len(raw); off += 4 {
		id := int64(binary.LittleEndian.Uint64(raw[off:]))
		if u, ok := src.userIDs[id]; ok && p.ids[id]&1 == 0 {
			p.ids[id] |= 1
			p.users = append(p.users, u)
		}
		if c, ok := src.chatIDs[id]; ok && p.ids[id]&2 == 0 {
			p.ids[id] |= 2
			p.chats = append(p.chats, c)
		}
	}
}

// putVector encodes a boxed vector of TL objects.
func putVector[T tl.Object](b *tl.Buffer, list []T) error {
	b.PutVectorHeader(len(list))
	for i, o := range list {
		if any(o) == nil {
			return fmt.Errorf("element %d is empty", i)
		}
		if err := o.Encode(b); err != nil {
			return err
		}
	}
	return nil
}

func userID(u tg.UserClass) (int64, bool) {
	switch u := u.(type) {
	case *tg.User:
		return u.ID, true
	case *tg.UserEmpty:
		return u.ID, true
	}
	return 0, false
}

func chatID(c tg.ChatClass) (int64, bool) {
	switch c := c.(type) {
	case *tg.Chat:
		return c.ID, true
	case *tg.ChatEmpty:
		return c.ID, true
	case *tg.ChatForbidden:
		return c.ID, true
	case *tg.Channel:
		return c.ID, true
	case *tg.ChannelForbidden:
		return c.ID, true
	}
	return 0, false
}

// decodeEnvelope decodes a message of the stream. Anything but a tg.Updates with 1 to
// maxBatch updates and nothing after it is refused: the stream is shared, its content
// untrusted.
func decodeEnvelope(data []byte) (*tg.Updates, error) {
	var b tl.Buffer
	b.ResetTo(data)
	u, err := tg.DecodeUpdatesClass(&b)
	if err != nil {
		return nil, fmt.Errorf("fanout: decode message: %w", err)
	}
	env, ok := u.(*tg.Updates)
	if !ok {
		return nil, fmt.Errorf("fanout: decode message: want updates, got %T", u)
	}
	if n := len(env.Updates); n < 1 || n > maxBatch {
		return nil, fmt.Errorf("fanout: decode message: %d updates, want 1 to %d", n, maxBatch)
	}
	for i, up := range env.Updates {
		if up == nil {
			return nil, fmt.Errorf("fanout: decode message: update %d is empty", i)
		}
	}
	if b.Len() != 0 {
		return nil, fmt.Errorf("fanout: decode message: %d bytes after the updates", b.Len())
	}
	return env, nil
}
