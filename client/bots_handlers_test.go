package mtgo_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestBotUpdateHandlers: the updates of paid media purchases, guest queries and managed bots
// reach their handlers with their values, user and chat.
func TestBotUpdateHandlers(t *testing.T) {
	c := offlineClient(t, 1)
	var mu sync.Mutex
	got := map[string]string{}
	record := func(kind string, ctx *mtgo.Context, detail string) {
		mu.Lock()
		defer mu.Unlock()
		var chat, from int64
		if ch := ctx.Chat(); ch != nil {
			chat = ch.ID
		}
		if u := ctx.From(); u != nil {
			from = u.ID
		}
		got[kind] = fmt.Sprint("chat=", chat, " from=", from, " ", detail)
	}
	c.OnPurchasedPaidMedia(func(ctx *mtgo.Context, p *types.PurchasedPaidMedia) error {
		record("paid", ctx, p.Payload)
		return nil
	})
	c.OnGuestMessage(func(ctx *mtgo.Context, q *types.GuestQuery) error {
		record("guest", ctx, fmt.Sprint(q.ID, " ", q.Message.Text, " refs=", len(q.References)))
		return nil
	})
	c.OnManagedBot(func(ctx *mtgo.Context, m *types.ManagedBot) error {
		record("managed", ctx, fmt.Sprint("bot=", m.Bot.ID, " ", m.Bot.Username))
		return nil
	})
	user := &tg.PeerUser{UserID: 5}
	group := &tg.PeerChat{ChatID: 9}
	u := &tg.Updates{
		Users: []tg.UserClass{
			&tg.User{ID: 5, FirstName: tl.Some("u"), AccessHash: tl.Some(int64(35))},
			&tg.User{ID: 7, Bot: true, FirstName: tl.Some("b"), Username: tl.Some("made_bot"), AccessHash: tl.Some(int64(77))},
		},
		Chats: []tg.ChatClass{&tg.Chat{ID: 9, Title: "g"}},
		Updates: []tg.UpdateClass{
			&tg.UpdateBotPurchasedPaidMedia{UserID: 5, Payload: "album-1", Qts: 1},
			&tg.UpdateBotGuestChatQuery{QueryID: 11, Qts: 2,
				Message:           &tg.Message{ID: 3, PeerID: group, FromID: user, Message: "@bot help"},
				ReferenceMessages: []tg.MessageClass{&tg.Message{ID: 2, PeerID: group, FromID: user, Message: "earlier"}}},
			&tg.UpdateManagedBot{UserID: 5, BotID: 7, Qts: 3},
		},
	}
	if err := mtgo.Deliver(context.Background(), c, u); err != nil {
		t.Fatal(err)
	}
	groupID := int64(-9) // a basic group's Bot API id
	want := map[string]string{
		"paid":    "chat=0 from=5 album-1",
		"guest":   fmt.Sprint("chat=", groupID, " from=5 11 @bot help refs=1"),
		"managed": "chat=0 from=5 bot=7 made_bot",
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
