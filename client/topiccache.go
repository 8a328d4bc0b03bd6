package mtgo

import (
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/mtgo-labs/mtgo/client/types"
)

// topicKey names a forum topic: its forum (Bot API id) and the topic id.
type topicKey struct {
	chat int64
	id   int
}

// topicCache keeps the Config.MaxTopicCacheSize forum topics the client saw most recently
// (created, listed or fetched), so GetForumTopic answers without a request and a handler can
// name the topic of a message cheaply. A topic changed through this client (edit, close,
// reopen, pin, delete) is dropped, to be fetched again when next asked for.
type topicCache struct {
	lru *lru.Cache[topicKey, *types.ForumTopic]
}

// newLRU returns an LRU cache of size entries (at least one: a zero size from a config
// that was never defaulted still gets a working cache).
func newLRU[K comparable, V any](size int) *lru.Cache[K, V] {
	c, _ := lru.New[K, V](max(size, 1)) // fails only for a size below 1
	return c
}

func newTopicCache(size int) *topicCache {
	return &topicCache{lru: newLRU[topicKey, *types.ForumTopic](size)}
}

func (t *topicCache) add(chat int64, topic *types.ForumTopic) {
	if topic != nil {
		t.lru.Add(topicKey{chat: chat, id: topic.ID}, topic)
	}
}

func (t *topicCache) forget(chat int64, id int) { t.lru.Remove(topicKey{chat: chat, id: id}) }

// forgetChat drops every topic of chat (after a change that touches several of them).
func (t *topicCache) forgetChat(chat int64) {
	for _, k := range t.lru.Keys() {
		if k.chat == chat {
			t.lru.Remove(k)
		}
	}
}

// CachedForumTopic returns topic topicID of forum chatID (Bot API form, -100...) from the
// topic cache: the latest Config.MaxTopicCacheSize topics this client created, listed with
// GetForumTopics or fetched with GetForumTopic.
func (c *Client) CachedForumTopic(chatID int64, topicID int) (*types.ForumTopic, bool) {
	return c.topicCache.lru.Get(topicKey{chat: chatID, id: topicID})
}
