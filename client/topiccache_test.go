package mtgo

import (
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
)

// TestTopicCacheBound: the cache keeps at most its size of topics, the most recently added,
// keyed by forum and id; forgetChat drops one forum's topics only.
func TestTopicCacheBound(t *testing.T) {
	c := newTopicCache(2)
	const a, b = -1001, -1002
	c.add(a, &types.ForumTopic{ID: 1})
	c.add(a, &types.ForumTopic{ID: 2})
	c.add(b, &types.ForumTopic{ID: 2})
	c.add(a, nil) // ignored
	tests := []struct {
		chat int64
		id   int
		want bool
	}{
		{a, 1, false}, // evicted
		{a, 2, true},
		{b, 2, true},
	}
	for _, tt := range tests {
		if _, ok := c.lru.Get(topicKey{tt.chat, tt.id}); ok != tt.want {
			t.Errorf("topic %d of %d cached: %v, want %v", tt.id, tt.chat, ok, tt.want)
		}
	}
	c.forgetChat(a)
	if c.lru.Len() != 1 || !c.lru.Contains(topicKey{b, 2}) {
		t.Fatalf("after forgetChat: %v", c.lru.Keys())
	}
	if z := newTopicCache(0); z.lru == nil {
		t.Fatal("a zero size still needs a cache")
	}
}
