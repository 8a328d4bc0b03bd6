package mtgo_test

import (
	"context"
	"fmt"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
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
	users := filters.NewUserSet(int64(5), "ann")
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
