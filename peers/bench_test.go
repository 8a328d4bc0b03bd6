package peers

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The baselines are the least a cache can do: a Go map under a mutex, without LRU order,
// indexes, min rules or persistence. The cache's numbers are read as ratios against them.

type mapBaseline struct {
	mu sync.Mutex
	m  map[Key]Peer
}

func (b *mapBaseline) lookup(id int64) (tg.InputPeerClass, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.m[UserKey(id)]
	if !ok {
		return nil, false
	}
	return &tg.InputPeerUser{UserID: p.ID, AccessHash: p.AccessHash}, true
}

func (b *mapBaseline) learn(users []tg.UserClass) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range users {
		if u, ok := u.(*tg.User); ok {
			b.m[UserKey(u.ID)] = Peer{Key: UserKey(u.ID), AccessHash: u.AccessHash.Value}
		}
	}
}

func benchUsers(n int) []tg.UserClass {
	users := make([]tg.UserClass, n)
	for i := range users {
		users[i] = fullUser(int64(i+1), int64(i)*7, fmt.Sprintf("user_%d", i))
	}
	return users
}

func BenchmarkLookup(b *testing.B) {
	users := benchUsers(1000)
	b.Run("baseline=map", func(b *testing.B) {
		m := &mapBaseline{m: map[Key]Peer{}}
		m.learn(users)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m.lookup(int64(i%1000 + 1))
		}
	})
	b.Run("cache", func(b *testing.B) {
		c := NewCache(Options{})
		c.Learn(users, nil)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c.Lookup(int64(i%1000 + 1))
		}
	})
	b.Run("cache+store/evicted", func(b *testing.B) {
		// Memory holds 100 of the 1000: most lookups read through the memory store.
		store := &MemoryStore{}
		c := NewCache(Options{Size: 100, Store: store, BatchSize: 1})
		c.Learn(users, nil)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c.Lookup(int64(i%1000 + 1))
		}
	})
}

// BenchmarkLearn measures what every update with users costs the cache: 10 users per
// container, all known (the common case) or all new.
func BenchmarkLearn(b *testing.B) {
	known := benchUsers(10)
	b.Run("baseline=map/known", func(b *testing.B) {
		m := &mapBaseline{m: map[Key]Peer{}}
		b.ReportAllocs()
		for b.Loop() {
			m.learn(known)
		}
	})
	b.Run("cache/known", func(b *testing.B) {
		c := NewCache(Options{})
		c.Learn(known, nil)
		b.ReportAllocs()
		for b.Loop() {
			c.Learn(known, nil)
		}
	})
	b.Run("cache+store/known", func(b *testing.B) {
		c := NewCache(Options{Store: &MemoryStore{}})
		c.Learn(known, nil)
		b.ReportAllocs()
		for b.Loop() {
			c.Learn(known, nil)
		}
	})
	b.Run("cache/new", func(b *testing.B) {
		fresh := benchUsers(100_000)
		c := NewCache(Options{})
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			j := i * 10 % len(fresh)
			c.Learn(fresh[j:j+10], nil)
		}
	})
}

func BenchmarkResolveUsernameCached(b *testing.B) {
	c := NewCache(Options{})
	c.Learn(benchUsers(1000), nil)
	r := NewResolver(c, newFakeAPI(), ResolverOptions{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(ctx, "@user_500"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseQuery(b *testing.B) {
	for _, s := range []string{"@durov", "-1001234567890", "https://t.me/durov/123"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseQuery(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
