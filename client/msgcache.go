package mtgo

import (
	"sync"

	"github.com/mtgo-labs/mtgo/client/types"
)

// msgKey names a message: its chat (Bot API id) and its id in that chat.
type msgKey struct {
	chat int64
	id   int
}

// messageCache keeps the Config.MaxMessageCacheSize most recent messages the client handled
// or sent, so a program can look one up without a request. It is first in, first out: a ring
// of keys in arrival order and an index, so adding (once per message handled or sent) costs no
// allocation once the ring is full, and both grow with use rather than up front (an idle
// client holds none of it).
type messageCache struct {
	size int

	mu   sync.Mutex
	ring []msgKey // in arrival order from next, once len(ring) == size
	next int      // the oldest key's slot once the ring is full
	idx  map[msgKey]*types.Message
}

func newMessageCache(size int) *messageCache {
	return &messageCache{size: max(size, 1), idx: map[msgKey]*types.Message{}}
}

func (m *messageCache) add(msg *types.Message) {
	if msg == nil || msg.Chat == nil {
		return
	}
	k := msgKey{chat: msg.Chat.ID, id: msg.ID}
	m.mu.Lock()
	defer m.mu.Unlock()
	// One lookup for both cases: a newer form of a kept message (edited, completed) replaces
	// it in its place, and only a key the index did not have grows it.
	n := len(m.idx)
	m.idx[k] = msg
	if len(m.idx) == n {
		return
	}
	if len(m.ring) < m.size {
		m.ring = append(m.ring, k)
		return
	}
	delete(m.idx, m.ring[m.next])
	m.ring[m.next] = k
	m.next = (m.next + 1) % m.size
}

func (m *messageCache) get(k msgKey) (*types.Message, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	msg, ok := m.idx[k]
	return msg, ok
}

// CachedMessage returns a recent message of chat chatID (Bot API form) from the message cache:
// incoming messages handed to the dispatcher and messages sent with SendMessage, the latest
// Config.MaxMessageCacheSize of them.
func (c *Client) CachedMessage(chatID int64, id int) (*types.Message, bool) {
	return c.msgCache.get(msgKey{chat: chatID, id: id})
}
