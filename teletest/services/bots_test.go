package services

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// keyboard is an inline keyboard of callback buttons, one per data string.
func keyboard(data ...string) *tg.ReplyInlineMarkup {
	row := tg.KeyboardButtonRow{}
	for _, d := range data {
		row.Buttons = append(row.Buttons, &tg.KeyboardButtonCallback{Text: strings.ToUpper(d), Data: []byte(d)})
	}
	return &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{row}}
}

// flatten lists the updates inside pushed containers.
func flatten(ups []tg.UpdatesClass) []tg.UpdateClass {
	var out []tg.UpdateClass
	for _, u := range ups {
		switch u := u.(type) {
		case *tg.Updates:
			out = append(out, u.Updates...)
		case *tg.UpdatesCombined:
			out = append(out, u.Updates...)
		case *tg.UpdateShort:
			out = append(out, u.Update)
		}
	}
	return out
}

// waitFor returns the next pushed update of type T for a, discarding others, waiting for a
// push signal (never a sleep); the deadline only turns a hang into a failure.
func waitFor[T tg.UpdateClass](t testing.TB, a *account) T {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		a.backlog = append(a.backlog, flatten(a.c.sub.Take())...)
		for i, u := range a.backlog {
			if v, ok := u.(T); ok {
				a.backlog = slices.Delete(a.backlog, i, i+1)
				return v
			}
		}
		select {
		case <-a.c.sub.Ready():
		case <-deadline:
			var zero T
			t.Fatalf("account %d got no %T", a.id, zero)
		}
	}
}

// result is the outcome of a call made on another goroutine.
type result[T any] struct {
	v   T
	err error
}

// async runs a blocking call (a person waiting for a bot) on its own goroutine.
func async[T any](f func() (T, error)) <-chan result[T] {
	ch := make(chan result[T], 1)
	go func() {
		v, err := f()
		ch <- result[T]{v, err}
	}()
	return ch
}

// botSays sends text with markup from bot to peer and returns the id in the bot's box and
// the message as the updates pushed to reader show it.
func botSays(t testing.TB, h *harness, bot *account, peer tg.InputPeerClass, text string, markup tg.ReplyMarkupClass, reader *account) (int32, *tg.Message) {
	t.Helper()
	h.randomID++
	res, err := bot.api.MessagesSendMessage(ctx(), &tg.MessagesSendMessageRequest{
		Peer: peer, Message: text, RandomID: h.randomID, ReplyMarkup: markup,
	})
	if err != nil {
		t.Fatalf("bot sends %q: %v", text, err)
	}
	var own int32
	for _, u := range flatten([]tg.UpdatesClass{res}) {
		if u, ok := u.(*tg.UpdateMessageID); ok {
			own = u.ID
		}
	}
	if own == 0 {
		t.Fatalf("bot's send result %T has no updateMessageID", res)
	}
	for {
		var m tg.MessageClass
		switch u := any(waitFor[tg.UpdateClass](t, reader)).(type) {
		case *tg.UpdateNewMessage:
			m = u.Message
		case *tg.UpdateNewChannelMessage:
			m = u.Message
		default:
			continue
		}
		if m, ok := m.(*tg.Message); ok && m.Message == text {
			return own, m
		}
	}
}

// press asks for the callback answer of data on message id in peer, on another goroutine.
func press(a *account, peer tg.InputPeerClass, id int32, data string) <-chan result[*tg.MessagesBotCallbackAnswer] {
	return async(func() (*tg.MessagesBotCallbackAnswer, error) {
		return a.api.MessagesGetBotCallbackAnswer(ctx(), &tg.MessagesGetBotCallbackAnswerRequest{
			Peer: peer, MsgID: id, Data: tl.Some([]byte(data)),
		})
	})
}

func TestCallbackQuery(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("button_bot")
	alice := h.named("Alice", "alice_b", "79990002001")
	bob := h.user("Bob", "79990002002")
	h.send(alice, alice.peerOf(bot), "/start")
	grp, err := h.w.CreateChat(alice.id, "buttons", bob.id, bot.id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.w.CreateChannel(alice.id, world.ChannelSpec{Title: "SG", Username: "sg_buttons", Megagroup: true, Members: []int64{bot.id}}); err != nil {
		t.Fatal(err)
	}
	sg := resolveChannel(t, alice, "sg_buttons")
	tests := []struct {
		name     string
		botPeer  tg.InputPeerClass // where the bot posts
		userPeer tg.InputPeerClass // the same chat for alice
		wantPeer tg.PeerClass      // the chat in the bot's update
	}{
		{"private", bot.peerOf(alice), alice.peerOf(bot), &tg.PeerUser{UserID: alice.id}},
		{"basic group", &tg.InputPeerChat{ChatID: grp.ID}, &tg.InputPeerChat{ChatID: grp.ID}, &tg.PeerChat{ChatID: grp.ID}},
		{"supergroup", resolveChannel(t, bot, "sg_buttons"), sg, &tg.PeerChannel{ChannelID: sg.ChannelID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb := keyboard("yes", "no")
			botMsg, seen := botSays(t, h, bot, tt.botPeer, "choose "+tt.name, kb, alice)
			if diff := cmp.Diff(tg.ReplyMarkupClass(kb), seen.ReplyMarkup); diff != "" {
				t.Fatalf("markup as the user sees it (-want +got):\n%s", diff)
			}
			answer := press(alice, tt.userPeer, seen.ID, "no")

			q := waitFor[*tg.UpdateBotCallbackQuery](t, bot)
			want := &tg.UpdateBotCallbackQuery{
				QueryID: q.QueryID, UserID: alice.id, Peer: tt.wantPeer, MsgID: botMsg,
				ChatInstance: q.ChatInstance, Data: tl.Some([]byte("no")),
			}
			if diff := cmp.Diff(want, q); diff != "" {
				t.Fatalf("callback query (-want +got):\n%s", diff)
			}
			if _, err := bot.api.MessagesSetBotCallbackAnswer(ctx(), &tg.MessagesSetBotCallbackAnswerRequest{
				QueryID: q.QueryID, Message: someStr("you said no"), Alert: true, CacheTime: 5,
			}); err != nil {
				t.Fatal(err)
			}
			got := <-answer
			if got.err != nil {
				t.Fatal(got.err)
			}
			wantAns := &tg.MessagesBotCallbackAnswer{Alert: true, Message: someStr("you said no"), CacheTime: 5}
			if diff := cmp.Diff(wantAns, got.v); diff != "" {
				t.Fatalf("answer (-want +got):\n%s", diff)
			}
			// Answered once: a second answer is refused.
			_, err := bot.api.MessagesSetBotCallbackAnswer(ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID})
			wantRPC(t, err, world.ErrQueryIDInvalid)

			// The bot edits the message: new text and keyboard reach the user.
			kb2 := keyboard("again")
			if _, err := bot.api.MessagesEditMessage(ctx(), &tg.MessagesEditMessageRequest{
				Peer: tt.botPeer, ID: botMsg, Message: someStr("you chose no"), ReplyMarkup: kb2,
			}); err != nil {
				t.Fatal(err)
			}
			var edited tg.MessageClass
			switch u := any(waitForEdit(t, alice)).(type) {
			case *tg.UpdateEditMessage:
				edited = u.Message
			case *tg.UpdateEditChannelMessage:
				edited = u.Message
			}
			em := edited.(*tg.Message)
			if em.ID != seen.ID || em.Message != "you chose no" || !cmp.Equal(tg.ReplyMarkupClass(kb2), em.ReplyMarkup) {
				t.Fatalf("edit seen by the user: id %d text %q markup %v", em.ID, em.Message, em.ReplyMarkup)
			}
			if h.w.PendingQueries() != 0 {
				t.Fatalf("%d queries left pending", h.w.PendingQueries())
			}
		})
	}
}

// waitForEdit returns the next edit pushed to a.
func waitForEdit(t testing.TB, a *account) tg.UpdateClass {
	t.Helper()
	for {
		switch u := waitFor[tg.UpdateClass](t, a).(type) {
		case *tg.UpdateEditMessage, *tg.UpdateEditChannelMessage:
			return u
		}
	}
}

func TestCallbackErrors(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("errors_bot")
	other := h.bot("other_bot")
	alice := h.named("Alice", "alice_e", "79990002101")
	h.send(alice, alice.peerOf(bot), "/start")
	_, seen := botSays(t, h, bot, bot.peerOf(alice), "pick", keyboard("a"), alice)
	own := h.send(alice, alice.peerOf(bot), "plain").(*tg.UpdateShortSentMessage).ID
	peer := alice.peerOf(bot)
	tests := []struct {
		name string
		who  *account
		peer tg.InputPeerClass
		id   int32
		data string
		want *RPCError
	}{
		{"no such button", alice, peer, seen.ID, "b", world.ErrDataInvalid},
		{"message without keyboard", alice, peer, own, "a", world.ErrDataInvalid},
		{"unknown message", alice, peer, 9999, "a", world.ErrMessageIDInvalid},
		{"message of another chat", alice, &tg.InputPeerSelf{}, seen.ID, "a", world.ErrMessageIDInvalid},
		{"bots may not press", other, &tg.InputPeerSelf{}, 1, "a", world.ErrBotMethodInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.who.api.MessagesGetBotCallbackAnswer(ctx(), &tg.MessagesGetBotCallbackAnswerRequest{
				Peer: tt.peer, MsgID: tt.id, Data: tl.Some([]byte(tt.data)),
			})
			wantRPC(t, err, tt.want)
		})
	}

	answer := press(alice, peer, seen.ID, "a")
	q := waitFor[*tg.UpdateBotCallbackQuery](t, bot)
	answers := []struct {
		name string
		who  *account
		req  tg.MessagesSetBotCallbackAnswerRequest
		want *RPCError
	}{
		{"unknown query", bot, tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID + 1}, world.ErrQueryIDInvalid},
		{"another bot's query", other, tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID}, world.ErrQueryIDInvalid},
		{"a person", alice, tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID}, world.ErrQueryIDInvalid},
		{"bad url", bot, tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID, URL: someStr("ftp://x")}, world.ErrURLInvalid},
		{"long text", bot, tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID, Message: someStr(strings.Repeat("x", 201))}, world.ErrMessageTooLong},
	}
	for _, tt := range answers {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.who.api.MessagesSetBotCallbackAnswer(ctx(), &tt.req)
			wantRPC(t, err, tt.want)
		})
	}
	// The failed answers left the query open: the right one still completes it.
	if _, err := bot.api.MessagesSetBotCallbackAnswer(ctx(), &tg.MessagesSetBotCallbackAnswerRequest{
		QueryID: q.QueryID, URL: someStr("https://t.me/errors_bot?start=x"),
	}); err != nil {
		t.Fatal(err)
	}
	got := <-answer
	if got.err != nil || !got.v.HasURL || got.v.URL.Value != "https://t.me/errors_bot?start=x" {
		t.Fatalf("answer = %+v, %v", got.v, got.err)
	}

	// Bots' keyboards must carry 1..64 bytes of callback data.
	h.randomID++
	_, err := bot.api.MessagesSendMessage(ctx(), &tg.MessagesSendMessageRequest{
		Peer: bot.peerOf(alice), Message: "bad", RandomID: h.randomID, ReplyMarkup: keyboard(strings.Repeat("d", 65)),
	})
	wantRPC(t, err, world.ErrButtonDataInvalid)
	// A person's reply_markup is ignored, as on Telegram.
	h.randomID++
	if _, err := alice.api.MessagesSendMessage(ctx(), &tg.MessagesSendMessageRequest{
		Peer: peer, Message: "mine", RandomID: h.randomID, ReplyMarkup: keyboard("x"),
	}); err != nil {
		t.Fatal(err)
	}
	if m := waitForNew(t, bot); m.Message != "mine" || m.ReplyMarkup != nil {
		t.Fatalf("bot sees %q with markup %v", m.Message, m.ReplyMarkup)
	}
}

// waitForNew returns the next message pushed to a (any short or long form).
func waitForNew(t testing.TB, a *account) *tg.Message {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		for _, u := range a.c.sub.Take() {
			switch u := u.(type) {
			case *tg.UpdateShortMessage:
				return &tg.Message{ID: u.ID, Message: u.Message}
			case *tg.UpdateShortChatMessage:
				return &tg.Message{ID: u.ID, Message: u.Message}
			}
			for _, x := range flatten([]tg.UpdatesClass{u}) {
				switch x := x.(type) {
				case *tg.UpdateNewMessage:
					return x.Message.(*tg.Message)
				case *tg.UpdateNewChannelMessage:
					return x.Message.(*tg.Message)
				}
			}
		}
		select {
		case <-a.c.sub.Ready():
		case <-deadline:
			t.Fatalf("account %d got no message", a.id)
		}
	}
}

// TestCallbackTimeout runs in a synctest bubble: the handler's timer fires as soon as every
// goroutine waits, so the 15 s default costs nothing and nothing sleeps.
func TestCallbackTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		bot := h.bot("sleepy_bot")
		alice := h.named("Alice", "alice_t", "79990002201")
		h.send(alice, alice.peerOf(bot), "/start")
		_, seen := botSays(t, h, bot, bot.peerOf(alice), "pick", keyboard("a"), alice)
		start := time.Now()
		_, err := alice.api.MessagesGetBotCallbackAnswer(ctx(), &tg.MessagesGetBotCallbackAnswerRequest{
			Peer: alice.peerOf(bot), MsgID: seen.ID, Data: tl.Some([]byte("a")),
		})
		wantRPC(t, err, world.ErrBotResponseTimeout)
		if waited := time.Since(start); waited != DefaultBotTimeout {
			t.Fatalf("waited %v, want %v", waited, DefaultBotTimeout)
		}
		q := waitFor[*tg.UpdateBotCallbackQuery](t, bot)
		_, err = bot.api.MessagesSetBotCallbackAnswer(ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: q.QueryID})
		wantRPC(t, err, world.ErrQueryIDInvalid)
		if n := h.w.PendingQueries(); n != 0 {
			t.Fatalf("%d queries pending after the timeout", n)
		}
	})
}
