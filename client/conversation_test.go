package mtgo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/filters"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// takeEvents returns the next n events, failing the test when they do not all come within
// ten seconds.
func takeEvents(t *testing.T, events <-chan string, n int) []string {
	t.Helper()
	var got []string
	for range n {
		select {
		case e := <-events:
			got = append(got, e)
		case <-time.After(10 * time.Second):
			t.Fatalf("events so far: %v", got)
		}
	}
	return got
}

// deliverUpdate hands c the update u, with users, as the update engine would.
func deliverUpdate(t *testing.T, c *mtgo.Client, users []tg.UserClass, u tg.UpdateClass) {
	t.Helper()
	if err := mtgo.Deliver(context.Background(), c, &tg.Updates{Users: users, Updates: []tg.UpdateClass{u}}); err != nil {
		t.Fatal(err)
	}
}

// groupMessage is one new message in basic group 40 from user from.
func groupMessage(from int64, id int32, text string) *tg.Updates {
	return &tg.Updates{
		Users: []tg.UserClass{&tg.User{ID: from, FirstName: tl.Some("u"), AccessHash: tl.Some(from)}},
		Chats: []tg.ChatClass{&tg.Chat{ID: 40, Title: "g"}},
		Updates: []tg.UpdateClass{&tg.UpdateNewMessage{Message: &tg.Message{
			ID: id, PeerID: &tg.PeerChat{ChatID: 40}, FromID: &tg.PeerUser{UserID: from}, Message: text, Date: 1,
		}}},
	}
}

func TestConversationWaitInHandler(t *testing.T) {
	c := offlineClient(t, 2)
	events := make(chan string, 8)
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		if m.Text != "start" {
			events <- "handler:" + m.Text
			return nil
		}
		conv, err := ctx.Conversation()
		if err != nil {
			return err
		}
		yes, err := conv.WaitMessage(ctx, func(ctx *mtgo.Context) bool { return ctx.Message.Text == "yes" })
		if err != nil {
			return err
		}
		events <- "conversation:" + yes.Text
		return nil
	})
	deliver := func(u tg.UpdatesClass) {
		t.Helper()
		// Deliver returns although the handler of "start" still waits: its update was released.
		if err := mtgo.Deliver(context.Background(), c, u); err != nil {
			t.Fatal(err)
		}
	}
	deliver(groupMessage(5, 1, "start"))
	deliver(groupMessage(6, 2, "yes"))  // another user: not the conversation's
	deliver(groupMessage(5, 3, "no"))   // the user, but the filter says no
	deliver(groupMessage(5, 4, "yes"))  // taken by the conversation, no handler sees it
	deliver(groupMessage(5, 5, "next")) // after the conversation
	got := takeEvents(t, events, 4)
	// The chat's updates that were not taken ran after the conversation, in order.
	want := []string{"conversation:yes", "handler:yes", "handler:no", "handler:next"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

func TestConversationWaitEnds(t *testing.T) {
	c := offlineClient(t, 1)
	conv := c.Conversation(&types.Chat{ID: 5, Type: types.ChatPrivate}, 5)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := conv.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait after the deadline: %v", err)
	}
	// The expired wait took nothing: the next message goes to the handlers.
	got := make(chan string, 1)
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m.Text; return nil })
	if err := mtgo.Deliver(context.Background(), c, newMessage()); err != nil {
		t.Fatal(err)
	}
	if text := <-got; text != "hi" {
		t.Fatalf("handler got %q", text)
	}

	done := make(chan error, 1)
	go func() {
		_, err := conv.Wait(context.Background())
		done <- err
	}()
	c.Stop()
	if err := <-done; !errors.Is(err, mtgo.ErrClientClosed) {
		t.Fatalf("Wait when the client stops: %v", err)
	}
}

func TestConversationSentinels(t *testing.T) {
	if _, err := mtgo.NewContext(context.Background()).Conversation(); !errors.Is(err, mtgo.ErrContextNoClient) {
		t.Fatalf("without client: %v", err)
	}
	ctx := mtgo.NewContext(context.Background())
	ctx.Client = offlineClient(t, 1)
	if _, err := ctx.Conversation(); !errors.Is(err, mtgo.ErrContextNoChat) {
		t.Fatalf("without chat: %v", err)
	}
}

// TestConversationReleasesWithAnyContext waits with context.Background inside a handler: the
// conversation still releases its handler's update, so the answer can arrive.
func TestConversationReleasesWithAnyContext(t *testing.T) {
	c := offlineClient(t, 1)
	got := make(chan string, 1)
	c.OnMessage(func(ctx *mtgo.Context, m *types.Message) error {
		conv, err := ctx.Conversation()
		if err != nil {
			return err
		}
		wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		answer, err := conv.WaitMessage(wait)
		if err != nil {
			return err
		}
		got <- answer.Text
		return nil
	})
	for i, text := range []string{"start", "answer"} {
		if err := mtgo.Deliver(context.Background(), c, groupMessage(5, int32(i+1), text)); err != nil {
			t.Fatal(err)
		}
	}
	if text := <-got; text != "answer" {
		t.Fatalf("conversation got %q", text)
	}
}

// TestConversationSkipsBusinessChat: a bot's conversation in its private chat with user 5
// does not take a press in user 5's chat with a business account the bot serves (another
// chat with the same Bot API id): that press goes to the handlers, the next press in the
// bot's own chat to the conversation.
func TestConversationSkipsBusinessChat(t *testing.T) {
	c := offlineClient(t, 2)
	events := make(chan string, 8)
	users := []tg.UserClass{
		&tg.User{ID: 5, FirstName: tl.Some("u"), AccessHash: tl.Some[int64](5)},
		&tg.User{ID: 9, FirstName: tl.Some("shop"), AccessHash: tl.Some[int64](9)},
	}
	c.OnMessage(func(ctx *mtgo.Context, _ *types.Message) error {
		conv, err := ctx.Conversation()
		if err != nil {
			return err
		}
		got, err := conv.Wait(ctx, filters.CallbackPrefix("plan:"))
		if err != nil {
			return err
		}
		events <- "conversation:" + got.CallbackQuery.BusinessConnectionID
		return nil
	})
	c.OnCallbackQuery(func(_ *mtgo.Context, q *types.CallbackQuery) error {
		events <- "handler:" + q.BusinessConnectionID
		return nil
	})
	deliver := func(u tg.UpdateClass) { t.Helper(); deliverUpdate(t, c, users, u) }
	deliver(&tg.UpdateNewMessage{Message: &tg.Message{ID: 1, PeerID: &tg.PeerUser{UserID: 5}, FromID: &tg.PeerUser{UserID: 5}, Message: "start", Date: 1}})
	deliver(&tg.UpdateBusinessBotCallbackQuery{QueryID: 1, UserID: 5, ConnectionID: "c1", ChatInstance: 1, Data: tl.Some([]byte("plan:a")),
		Message: &tg.Message{ID: 7, Out: true, PeerID: &tg.PeerUser{UserID: 5}, FromID: &tg.PeerUser{UserID: 9}, Message: "pick", Date: 1}})
	deliver(&tg.UpdateBotCallbackQuery{QueryID: 2, UserID: 5, Peer: &tg.PeerUser{UserID: 5}, MsgID: 2, ChatInstance: 2, Data: tl.Some([]byte("plan:b"))})
	got := takeEvents(t, events, 2)
	if diff := cmp.Diff([]string{"conversation:", "handler:c1"}, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}

// TestConversationInBusinessChat: a conversation started from a business message takes the
// next business message of the same connection and chat, not the person's message in the
// bot's own chat nor one of another connection (those reach the handlers once it ends).
// Forward and React of the business message are refused (ErrBusinessUnsupported) before
// anything is sent.
func TestConversationInBusinessChat(t *testing.T) {
	c := offlineClient(t, 2)
	events := make(chan string, 8)
	users := []tg.UserClass{&tg.User{ID: 5, FirstName: tl.Some("u"), AccessHash: tl.Some[int64](5)}}
	c.OnBusinessMessage(func(ctx *mtgo.Context, m *types.Message) error {
		if m.Text != "start" {
			events <- "business:" + m.BusinessConnectionID + ":" + m.Text
			return nil
		}
		if _, err := ctx.Forward("me"); errors.Is(err, mtgo.ErrBusinessUnsupported) {
			events <- "forward refused"
		}
		if err := ctx.React("👍"); errors.Is(err, mtgo.ErrBusinessUnsupported) {
			events <- "react refused"
		}
		conv, err := ctx.Conversation()
		if err != nil {
			return err
		}
		got, err := conv.WaitMessage(ctx)
		if err != nil {
			return err
		}
		events <- "conversation:" + conv.BusinessConnectionID() + ":" + got.BusinessConnectionID + ":" + got.Text
		return nil
	})
	c.OnMessage(func(_ *mtgo.Context, m *types.Message) error {
		events <- "plain:" + m.Text
		return nil
	})
	deliver := func(u tg.UpdateClass) { t.Helper(); deliverUpdate(t, c, users, u) }
	business := func(conn string, id int32, text string) tg.UpdateClass {
		return &tg.UpdateBotNewBusinessMessage{ConnectionID: conn, Message: &tg.Message{
			ID: id, PeerID: &tg.PeerUser{UserID: 5}, FromID: &tg.PeerUser{UserID: 5}, Message: text, Date: 1,
		}}
	}
	deliver(business("c1", 1, "start"))
	deliver(&tg.UpdateNewMessage{Message: &tg.Message{ID: 2, PeerID: &tg.PeerUser{UserID: 5}, FromID: &tg.PeerUser{UserID: 5}, Message: "hi", Date: 1}})
	deliver(business("c2", 3, "other"))
	deliver(business("c1", 4, "answer"))
	got := takeEvents(t, events, 5)
	want := []string{"forward refused", "react refused", "conversation:c1:c1:answer", "plain:hi", "business:c2:other"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
}
