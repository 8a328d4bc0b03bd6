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
	// lru.New fails only for a size below 1.
	c, _ := lru.New[msgKey, *types.Message](max(size, 1))
	return &messageCache{lru: c}
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
