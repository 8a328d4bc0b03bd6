package mtgo_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// BenchmarkDispatch20Handlers hands one new message to the default dispatcher with 20
// handlers in 10 groups, each with filters (a command, chat kinds, a sender set, text): the
// message passes the filters of one handler per group. It measures the whole path of an
// update: the typed message built, queued for its chat, a worker goroutine started, the
// groups walked and the batch waited for.
func BenchmarkDispatch20Handlers(b *testing.B) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoUpdates, cfg.Workers = true, true, 1
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	nop := func(*mtgo.Context, *types.Message) error { return nil }
	users := filters.NewUserSet(filters.ID(5), filters.Username("ann"))
	for g := range 10 {
		c.AddHandler(mtgo.NewMessageHandler(nop, filters.Command(fmt.Sprint("cmd", g)), filters.Private), g)
		c.AddHandler(mtgo.NewMessageHandler(nop, filters.Or(filters.Group, filters.Private), users.Match, filters.Text), g)
	}
	u := newMessage()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := mtgo.Deliver(ctx, c, u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDispatchThroughput delivers batches of 100 new messages spread over 10 000 chats
// to a no-op handler, on Workers goroutines, and reports updates per second; each chat's
// messages are checked to arrive in order.
func BenchmarkDispatchThroughput(b *testing.B) {
	const chats, perBatch = 10_000, 100
	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoUpdates = true, true
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	last := make([]atomic.Int32, chats+1)
	var disorder atomic.Int64
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		if prev := last[m.Chat.ID].Swap(int32(m.ID)); prev >= int32(m.ID) {
			disorder.Add(1)
		}
		return nil
	})
	users := make([]tg.UserClass, chats+1)
	for i := range users {
		users[i] = &tg.User{ID: int64(i), AccessHash: tl.Some(int64(i))}
	}
	batches := make([]*tg.Updates, 0, 64)
	id := int32(0)
	for range cap(batches) {
		u := &tg.Updates{}
		for range perBatch {
			id++
			chat := int64(id)%chats + 1
			u.Users = append(u.Users, users[chat])
			u.Updates = append(u.Updates, &tg.UpdateNewMessage{Message: &tg.Message{
				ID: id, PeerID: &tg.PeerUser{UserID: chat}, Message: "m", Date: 1,
			}})
		}
		batches = append(batches, u)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%len(batches) == 0 && i > 0 {
			// Ids repeat from here: start each chat's order check again.
			for j := range last {
				last[j].Store(0)
			}
		}
		if err := mtgo.Deliver(ctx, c, batches[i%len(batches)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n := disorder.Load(); n > 0 {
		b.Fatalf("%d messages out of order in their chat", n)
	}
	b.ReportMetric(float64(b.N*perBatch)/b.Elapsed().Seconds(), "updates/s")
}
