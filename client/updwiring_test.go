package mtgo_test

import (
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestUnknownSenderCompletedByWorker checks that a message from a sender the client does not
// know (a short push names the sender by id only) reaches the handlers with the full sender,
// fetched with one messages.getMessages by the chat's worker, and that the peer cache learned
// the sender so handlers can answer.
func TestUnknownSenderCompletedByWorker(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("quiet_bot")
	stranger := h.user(world.UserSpec{FirstName: "Stranger", Phone: "15550091"})
	var fetches atomic.Int32
	h.f.hook = func(_ mtgo.ConnConfig, req tl.Object) error {
		if _, ok := req.(*tg.MessagesGetMessagesRequest); ok {
			fetches.Add(1)
		}
		return nil
	}
	c := h.client(func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	got := make(chan *types.Message, 1)
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	if err := c.Start0(t); err != nil {
		t.Fatal(err)
	}
	key := world.KeyID{0x5e, 0x4d, 1, 2, 3, 4, 5, 6}
	if err := h.w.Authorize(key, stranger.ID); err != nil {
		t.Fatal(err)
	}
	res, err := h.w.ResolveUsername(key, "quiet_bot")
	if err != nil {
		t.Fatal(err)
	}
	hash := res.Users[0].(*tg.User).AccessHash.Value
	if _, err := h.w.SendMessage(key, &tg.InputPeerUser{UserID: bot.ID, AccessHash: hash}, world.Draft{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-got:
		if m.Text != "hello" || m.From == nil || m.From.ID != stranger.ID || m.From.FirstName != "Stranger" {
			t.Fatalf("delivered %+v (from %+v), want hello from %d", m, m.From, stranger.ID)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("message not delivered")
	}
	if n := fetches.Load(); n != 1 {
		t.Fatalf("made %d messages.getMessages calls for the unknown sender, want 1", n)
	}
	if _, err := c.ResolvePeerCache(stranger.ID); err != nil {
		t.Fatalf("sender not learned: %v", err)
	}
}

// TestDeliverWaitsForHandlers checks that the update engine's handler (the client's deliver)
// returns only after the OnMessage handlers finished every message of the batch, so the
// engine commits the batch only after it was handled.
func TestDeliverWaitsForHandlers(t *testing.T) {
	c := offlineClient(t, 2)
	release := make(chan struct{})
	var handled atomic.Int32
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		<-release
		handled.Add(1)
		return nil
	})
	batch := incoming(1, 1, 2, 3)
	other := incoming(2, 1, 2)
	batch.Updates = append(batch.Updates, other.Updates...)
	batch.Users = append(batch.Users, other.Users...)
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		if err := mtgo.Deliver(t.Context(), c, batch); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-returned:
		t.Fatal("Deliver returned before the handlers ran")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("Deliver did not return after the handlers finished")
	}
	if n := handled.Load(); n != 5 {
		t.Fatalf("Deliver returned after %d of 5 messages were handled", n)
	}
}
