package mtgo

import (
	"math/bits"
	"math/rand/v2"
	"sync"

	"github.com/mtgo-labs/mtgo/client/types"
)

// msgKey names a message: its chat (Bot API id) and its id in that chat.
type msgKey struct {
	chat int64
	id   int
}

// cached is a message the cache keeps, under its key.
type cached struct {
	key msgKey
	msg *types.Message
}

// minCacheSlots is the smallest index a cache that holds anything has.
const minCacheSlots = 16

// slot is a slot of the cache's index: the key's hash in the high half, its ring position + 1
// in the low half, 0 for a free slot. With the hash at hand, a probe compares keys only on
// a match, and a removal moves slots without reading the ring (each read a likely cache miss:
// a message is added about once per call, and the cache is large).
type slot uint64

func (s slot) pos() int     { return int(uint32(s)) - 1 }
func (s slot) hash() uint32 { return uint32(s >> 32) }

// messageCache keeps the Config.MaxMessageCacheSize most recent messages the client handled
// or sent, so a program can look one up without a request. It is first in, first out: a ring
// of entries in arrival order and an index into it, so adding (once per message handled or
// sent) costs no allocation once the ring is full, and both grow with use rather than up front
// (an idle client holds none of it).
//
// The index is an open-addressing table of hashes and ring positions (linear probing, at
// most half full), so a message taking the place of the oldest rewrites two slots of it
// instead of deleting and inserting map entries. A removal shifts the slots after it back, so the table
// never fills with tombstones. Its hash is seeded per cache: chats and message ids come from
// the network, and an attacker who could pick keys of one slot would make probes long.
type messageCache struct {
	size int

	mu    sync.Mutex
	ring  []cached // in arrival order from next, once len(ring) == size
	next  int      // the oldest entry's ring position once the ring is full
	slots []slot   // len is a power of two
	seed  [2]uint64
}

// maxCacheSize bounds a cache's size, so that ring positions fit the index's slots.
const maxCacheSize = 1 << 30

func newMessageCache(size int) *messageCache {
	return &messageCache{size: min(max(size, 1), maxCacheSize), seed: [2]uint64{rand.Uint64(), rand.Uint64()}}
}

// hash returns k's hash; its low bits name the slot k's probe starts at.
func (m *messageCache) hash(k msgKey) uint32 {
	hi, lo := bits.Mul64(uint64(k.chat)^m.seed[0], uint64(k.id)^m.seed[1])
	hi, lo = bits.Mul64(hi^lo, 0x9e3779b97f4a7c15)
	return uint32(hi ^ lo)
}

// find returns the index of the slot that holds k (of hash h), or of the free slot where k's
// probe ends (found false). The table has a free slot: it is at most half full.
func (m *messageCache) find(k msgKey, h uint32) (i int, found bool) {
	mask := len(m.slots) - 1
	for i = int(h) & mask; ; i = (i + 1) & mask {
		s := m.slots[i]
		if s == 0 {
			return i, false
		}
		if s.hash() == h && m.ring[s.pos()].key == k {
			return i, true
		}
	}
}

func (m *messageCache) add(msg *types.Message) {
	if msg == nil || msg.Chat == nil {
		return
	}
	k := msgKey{chat: msg.Chat.ID, id: msg.ID}
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.ring) < m.size && 2*(len(m.ring)+1) > len(m.slots) {
		m.grow()
	}
	// A newer form of a kept message (edited, completed) replaces it in its place.
	h := m.hash(k)
	i, found := m.find(k, h)
	if found {
		m.ring[m.slots[i].pos()].msg = msg
		return
	}
	if len(m.ring) < m.size {
		m.ring = append(m.ring, cached{key: k, msg: msg})
		m.slots[i] = newSlot(h, len(m.ring)-1)
		return
	}
	oldKey := m.ring[m.next].key
	old, _ := m.find(oldKey, m.hash(oldKey))
	m.remove(old)
	i, _ = m.find(k, h) // the freed slot may lie on k's probe, before i
	m.ring[m.next] = cached{key: k, msg: msg}
	m.slots[i] = newSlot(h, m.next)
	m.next = (m.next + 1) % m.size
}

func newSlot(h uint32, pos int) slot { return slot(h)<<32 | slot(uint32(pos+1)) }

// remove frees slot i, moving back the slots after it that would otherwise no longer be
// reached from their home slot (backward-shift deletion).
func (m *messageCache) remove(i int) {
	mask := len(m.slots) - 1
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		s := m.slots[j]
		if s == 0 {
			break
		}
		// The slot at j may move to i unless its home lies cyclically within (i, j].
		if home := int(s.hash()) & mask; (j-home)&mask >= (j-i)&mask {
			m.slots[i] = s
			i = j
		}
	}
	m.slots[i] = 0
}

// grow doubles the index (up to what the ring's full size needs) and indexes the ring again.
func (m *messageCache) grow() {
	n := max(2*len(m.slots), minCacheSlots)
	m.slots = make([]slot, n)
	for pos, e := range m.ring {
		h := m.hash(e.key)
		i, _ := m.find(e.key, h)
		m.slots[i] = newSlot(h, pos)
	}
}

func (m *messageCache) get(k msgKey) (*types.Message, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.ring) == 0 {
		return nil, false
	}
	i, found := m.find(k, m.hash(k))
	if !found {
		return nil, false
	}
	return m.ring[m.slots[i].pos()].msg, true
}

// CachedMessage returns a recent message of chat chatID (Bot API form) from the message cache:
// incoming messages handed to the dispatcher and messages sent with SendMessage, the latest
// Config.MaxMessageCacheSize of them.
func (c *Client) CachedMessage(chatID int64, id int) (*types.Message, bool) {
	return c.msgCache.get(msgKey{chat: chatID, id: id})
}
