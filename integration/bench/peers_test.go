package mtgobench

import (
	"context"
	"fmt"
	"testing"

	gotdpeers "github.com/gotd/td/telegram/peers"
	gotdtg "github.com/gotd/td/tg"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl"
	mtgotg "github.com/mtgo-labs/mtgo/tl/tg"
)

// Side-by-side peer caches: MTGo's peers.Cache against gotd's telegram/peers.Manager with its
// in-memory storage and cache, both in memory only. "Known" is the per-update case: a
// container's users, all seen before. Numbers are recorded in peers/README.md.

const peersBatch = 10

func mtgoUsers(n int) []mtgotg.UserClass {
	out := make([]mtgotg.UserClass, n)
	for i := range out {
		out[i] = &mtgotg.User{ID: int64(i + 1), AccessHash: tl.Some(int64(i) * 7),
			FirstName: tl.Some("U"), Username: tl.Some(fmt.Sprintf("user_%d", i))}
	}
	return out
}

func gotdUsers(n int) []gotdtg.UserClass {
	out := make([]gotdtg.UserClass, n)
	for i := range out {
		u := &gotdtg.User{ID: int64(i + 1), AccessHash: int64(i) * 7, FirstName: "U", Username: fmt.Sprintf("user_%d", i)}
		u.SetFlags()
		out[i] = u
	}
	return out
}

func BenchmarkPeersLearnKnown(b *testing.B) {
	b.Run("mtgo", func(b *testing.B) {
		c := peers.NewCache(peers.Options{})
		users := mtgoUsers(peersBatch)
		c.Learn(users, nil)
		b.ReportAllocs()
		for b.Loop() {
			c.Learn(users, nil)
		}
	})
	b.Run("gotd", func(b *testing.B) {
		m := gotdpeers.Options{Cache: &gotdpeers.InmemoryCache{}}.Build(nil)
		users := gotdUsers(peersBatch)
		ctx := context.Background()
		if err := m.Apply(ctx, users, nil); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := m.Apply(ctx, users, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkPeersLookupKnown(b *testing.B) {
	const n = 1000
	b.Run("mtgo", func(b *testing.B) {
		c := peers.NewCache(peers.Options{})
		c.Learn(mtgoUsers(n), nil)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok := c.Lookup(int64(i%n + 1)); !ok {
				b.Fatal("miss")
			}
		}
	})
	b.Run("gotd", func(b *testing.B) {
		m := gotdpeers.Options{Cache: &gotdpeers.InmemoryCache{}}.Build(nil)
		ctx := context.Background()
		if err := m.Apply(ctx, gotdUsers(n), nil); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			u, err := m.ResolveUserID(ctx, int64(i%n+1))
			if err != nil {
				b.Fatal(err)
			}
			_ = u.InputPeer()
		}
	})
}
