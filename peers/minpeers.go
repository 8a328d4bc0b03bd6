package peers

import (
	"context"

	"github.com/hashicorp/golang-lru/v2/simplelru"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Min peers: Telegram sends a user or channel as a "min" object, without a usable access
// hash, when the account may see it only where it appeared (a member of a big group who
// wrote a message, the channel a post was forwarded from). Such a peer can still be named in
// requests through the message it was seen in: inputPeerUserFromMessage and
// inputPeerChannelFromMessage carry the chat (which must be addressable) and the message id.
// The cache remembers, for each peer without a full access hash, the last message it was
// seen in, and Lookup answers with those forms until the full peer arrives.

// maxSeenIn bounds the remembered messages of min peers.
const maxSeenIn = 10000

// msgRef is where a min peer was seen: the chat and the message there.
type msgRef struct {
	chat  Key
	msgID int32
}

// LearnMessage records the message context of the peers m names: its sender and the origin
// of a forward, seen in m's chat. A peer the cache knows with a full access hash needs none.
// Call it with every message that arrives (updates, history); it makes no request.
func (c *Cache) LearnMessage(m tg.MessageClass) {
	var chat, from tg.PeerClass
	var fwd tg.PeerClass
	var id int32
	switch m := m.(type) {
	case *tg.Message:
		if m == nil {
			return
		}
		chat, from, id = m.PeerID, m.FromID, m.ID
		if m.FwdFrom != nil {
			fwd = m.FwdFrom.FromID
		}
	case *tg.MessageService:
		if m == nil {
			return
		}
		chat, from, id = m.PeerID, m.FromID, m.ID
	default:
		return
	}
	ck, ok := KeyOfPeer(chat)
	if !ok || id <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range [...]tg.PeerClass{from, fwd} {
		if k, ok := KeyOfPeer(p); ok {
			c.seenInLocked(k, msgRef{chat: ck, msgID: id})
		}
	}
}

// SeenIn records that peer appeared in message msgID of chat, for messages that come without
// a message object (updateShortChatMessage names its sender by id only). See LearnMessage.
func (c *Cache) SeenIn(peer, chat Key, msgID int32) {
	if !peer.Valid() || !chat.Valid() || msgID <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seenInLocked(peer, msgRef{chat: chat, msgID: msgID})
}

// seenInLocked records ref for k unless k is its own chat, a basic group (which needs no
// access hash) or known with a full access hash.
func (c *Cache) seenInLocked(k Key, ref msgRef) {
	if k == ref.chat || k.Kind == KindChat {
		return
	}
	if p, ok := c.peers.Peek(k); ok && !p.Min {
		return
	}
	if c.seen == nil {
		// NewLRU fails only for a size below 1.
		c.seen, _ = simplelru.NewLRU[Key, msgRef](maxSeenIn, nil)
	}
	c.seen.Add(k, ref)
}

// fromMessageLocked returns k addressed through the message it was seen in, if the cache
// remembers one and its chat is addressable.
func (c *Cache) fromMessageLocked(k Key) (tg.InputPeerClass, bool) {
	if c.seen == nil {
		return nil, false
	}
	ref, ok := c.seen.Get(k)
	if !ok {
		return nil, false
	}
	p, ok, err := c.getLocked(context.Background(), ref.chat)
	if err != nil || !ok || !p.Addressable() {
		if ref.chat.Kind != KindChat {
			return nil, false
		}
		p = Peer{Key: ref.chat}
	}
	chat := p.InputPeer()
	switch k.Kind {
	case KindUser:
		return &tg.InputPeerUserFromMessage{Peer: chat, MsgID: ref.msgID, UserID: k.ID}, true
	case KindChannel:
		return &tg.InputPeerChannelFromMessage{Peer: chat, MsgID: ref.msgID, ChannelID: k.ID}, true
	}
	return nil, false
}

// fromMessage is fromMessageLocked for callers without the lock.
func (c *Cache) fromMessage(k Key) (tg.InputPeerClass, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fromMessageLocked(k)
}

// forgetSeenLocked drops the message context of k once its full access hash is known.
func (c *Cache) forgetSeenLocked(k Key) {
	if c.seen != nil {
		c.seen.Remove(k)
	}
}
