package mtgo

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
)

// TestMessageCacheKeepsTheLatest: the cache holds the last size messages in arrival order; a
// message added again is updated in place and keeps its age; lookups do not reorder.
func TestMessageCacheKeepsTheLatest(t *testing.T) {
	chat := &types.Chat{ID: -100}
	msg := func(id int) *types.Message { return &types.Message{ID: id, Chat: chat} }
	c := newMessageCache(3)
	c.add(nil)                          // ignored
	c.add(&types.Message{ID: 9})        // no chat: ignored
	for _, id := range []int{1, 2, 3} { // full
		c.add(msg(id))
	}
	if _, ok := c.get(msgKey{-100, 1}); !ok { // a lookup does not make 1 young
		t.Fatal("1 missing")
	}
	newer := msg(2)
	newer.Text = "edited"
	c.add(newer)  // in place, still second oldest
	c.add(msg(4)) // evicts 1
	c.add(msg(5)) // evicts 2
	var kept []int
	for id := 1; id <= 5; id++ {
		if m, ok := c.get(msgKey{-100, id}); ok {
			kept = append(kept, m.ID)
		}
	}
	if diff := cmp.Diff([]int{3, 4, 5}, kept); diff != "" {
		t.Fatalf("kept (-want +got):\n%s", diff)
	}
	if len(c.idx) != 3 || len(c.ring) != 3 {
		t.Fatalf("index %d, ring %d: want 3 each", len(c.idx), len(c.ring))
	}
	if z := newMessageCache(0); z.size != 1 {
		t.Fatal("a zero size still keeps one message")
	}
}

// TestMessageCacheAddAllocs: once full, adding a message allocates nothing.
func TestMessageCacheAddAllocs(t *testing.T) {
	c := newMessageCache(64)
	chat := &types.Chat{ID: 1}
	msgs := make([]*types.Message, 256)
	for i := range msgs {
		msgs[i] = &types.Message{ID: i, Chat: chat}
	}
	for _, m := range msgs[:64] {
		c.add(m)
	}
	i := 64
	if n := testing.AllocsPerRun(1000, func() { c.add(msgs[i%256]); i++ }); n != 0 {
		t.Fatalf("%v allocations per add", n)
	}
}
