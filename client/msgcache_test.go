package mtgo

import (
	"math/rand/v2"
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
	if n := c.indexed(); n != 3 || len(c.ring) != 3 {
		t.Fatalf("index %d, ring %d: want 3 each", n, len(c.ring))
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

// indexed returns the index's used slots, checking that each names a distinct ring entry its
// probe reaches.
func (m *messageCache) indexed() int {
	n := 0
	seen := map[int]bool{}
	for _, s := range m.slots {
		if s == 0 {
			continue
		}
		n++
		if seen[s.pos()] {
			panic("a ring entry indexed twice")
		}
		seen[s.pos()] = true
		k := m.ring[s.pos()].key
		if i, ok := m.find(k, m.hash(k)); !ok || m.slots[i] != s || s.hash() != m.hash(k) {
			panic("an indexed entry its probe does not reach")
		}
	}
	return n
}

// TestMessageCacheModel compares the cache with a plain map and a first-in-first-out list of
// keys, over random adds (new keys, kept ones, keys of few chats so that probes collide) and
// lookups, for sizes around the index's growth steps.
func TestMessageCacheModel(t *testing.T) {
	tests := []struct {
		name       string
		size, keys int // keys: how many distinct ids are drawn (per chat)
		chats      int
	}{
		{"one", 1, 4, 1},
		{"small", 3, 8, 2},
		{"first growth", 8, 40, 3},
		{"between growths", 13, 30, 2},
		{"many chats", 64, 50, 16},
		{"large", 1000, 1500, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(tt.size), uint64(tt.keys)))
			c := newMessageCache(tt.size)
			want := map[msgKey]*types.Message{}
			var order []msgKey
			chats := make([]*types.Chat, tt.chats)
			for i := range chats {
				chats[i] = &types.Chat{ID: -int64(i) * 1_000_000_007}
			}
			for step := range 20 * tt.size {
				m := &types.Message{ID: r.IntN(tt.keys), Chat: chats[r.IntN(tt.chats)], Text: string(rune('a' + step%26))}
				k := msgKey{m.Chat.ID, m.ID}
				if _, ok := want[k]; !ok {
					order = append(order, k)
					if len(order) > tt.size {
						delete(want, order[0])
						order = order[1:]
					}
				}
				want[k] = m
				c.add(m)
				if step%max(7, tt.size/8) == 0 || step == 20*tt.size-1 {
					if n := c.indexed(); n != len(want) {
						t.Fatalf("step %d: %d indexed, want %d", step, n, len(want))
					}
					for _, ch := range chats {
						for id := range tt.keys + 1 {
							k := msgKey{ch.ID, id}
							got, ok := c.get(k)
							if w, wok := want[k]; ok != wok || got != w {
								t.Fatalf("step %d: get(%v) = %v, %v; want %v, %v", step, k, got, ok, w, wok)
							}
						}
					}
				}
			}
			if len(c.slots) > max(4*tt.size, minCacheSlots) || len(c.slots) < 2*min(tt.size, len(want)) {
				t.Fatalf("%d index slots for size %d", len(c.slots), tt.size)
			}
		})
	}
}

// TestMessageCacheEmpty: an unused cache holds no memory and finds nothing.
func TestMessageCacheEmpty(t *testing.T) {
	c := newMessageCache(10000)
	if _, ok := c.get(msgKey{1, 1}); ok || c.slots != nil || c.ring != nil {
		t.Fatal("an empty cache found a message or holds memory")
	}
}

func BenchmarkMessageCacheAdd(b *testing.B) {
	c := newMessageCache(DefaultMaxMessageCacheSize)
	chat := &types.Chat{ID: 777}
	msgs := make([]*types.Message, 4*DefaultMaxMessageCacheSize)
	for i := range msgs {
		msgs[i] = &types.Message{ID: i + 1, Chat: chat}
	}
	i := 0
	for b.Loop() {
		c.add(msgs[i%len(msgs)])
		i++
	}
}
