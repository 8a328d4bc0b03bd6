package mtgo

import (
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/mtgo-labs/mtgo/client/types"
)

// msgKey names a message: its chat (Bot API id) and its id in that chat.
type msgKey struct {
	chat int64
	id   int
}

// messageCache keeps the Config.MaxMessageCacheSize most recent messages the client handled
// or sent, so a program can look one up without a request.
type messageCache struct {
	lru *lru.Cache[msgKey, *types.Message]
}

func newMessageCache(size int) *messageCache {
	return &messageCache{lru: newLRU[msgKey, *types.Message](size)}
}

// newLRU returns an LRU cache of size entries (at least one: a zero size from a config
// that was never defaulted still gets a working cache).
func newLRU[K comparable, V any](size int) *lru.Cache[K, V] {
	c, _ := lru.New[K, V](max(size, 1)) // fails only for a size below 1
	return c
}

func (m *messageCache) add(msg *types.Message) {
	if msg == nil || msg.Chat == nil {
		return
	}
	m.lru.Add(msgKey{chat: msg.Chat.ID, id: msg.ID}, msg)
}

// CachedMessage returns a recent message of chat chatID (Bot API form) from the message cache:
// incoming messages handed to the dispatcher and messages sent with SendMessage, the latest
// Config.MaxMessageCacheSize of them.
func (c *Client) CachedMessage(chatID int64, id int) (*types.Message, bool) {
	return c.msgCache.lru.Get(msgKey{chat: chatID, id: id})
}
