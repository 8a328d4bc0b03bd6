package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// article is an inline result sending text, with an optional keyboard.
func article(id, title, text string, markup tg.ReplyMarkupClass) *tg.InputBotInlineResult {
	return &tg.InputBotInlineResult{
		ID: id, Type: "article", Title: tl.Some(title),
		SendMessage: &tg.InputBotInlineMessageText{Message: text, ReplyMarkup: markup},
	}
}

func inputUser(p tg.InputPeerClass) tg.InputUserClass {
	u := p.(*tg.InputPeerUser)
	return &tg.InputUser{UserID: u.UserID, AccessHash: u.AccessHash}
}

func TestInlineQuery(t *testing.T) {
	h := newHarness(t)
	bot := h.botWith(world.BotSpec{Username: "search_bot", Inline: true, InlineFeedback: true})
	alice := h.named("Alice", "alice_i", "79990003001")
	bob := h.user("Bob", "79990003002")
	grp, err := h.w.CreateChat(alice.id, "inline", bob.id)
	if err != nil {
		t.Fatal(err)
	}
	gp := &tg.InputPeerChat{ChatID: grp.ID}
	botUser := inputUser(alice.peerOf(bot))

	results := async(func() (*tg.MessagesBotResults, error) {
		return alice.api.MessagesGetInlineBotResults(ctx(), &tg.MessagesGetInlineBotResultsRequest{
			Bot: botUser, Peer: gp, Query: "cats", Offset: "",
		})
	})
	q := waitFor[*tg.UpdateBotInlineQuery](t, bot)
	want := &tg.UpdateBotInlineQuery{QueryID: q.QueryID, UserID: alice.id, Query: "cats", PeerType: &tg.InlineQueryPeerTypeChat{}}
	if diff := cmp.Diff(want, q); diff != "" {
		t.Fatalf("inline query (-want +got):\n%s", diff)
	}
	kb := keyboard("like")
	if _, err := bot.api.MessagesSetInlineBotResults(ctx(), &tg.MessagesSetInlineBotResultsRequest{
		QueryID: q.QueryID, CacheTime: 30, NextOffset: someStr("10"),
		Results: []tg.InputBotInlineResultClass{
			article("1", "Cat", "a cat", nil),
			article("2", "Cat with a button", "a cat to like", kb),
		},
	}); err != nil {
		t.Fatal(err)
	}
	got := <-results
	if got.err != nil {
		t.Fatal(got.err)
	}
	res := got.v
	if res.QueryID != q.QueryID || res.NextOffset.Value != "10" || res.CacheTime != 30 || len(res.Results) != 2 {
		t.Fatalf("results = %+v", res)
	}
	if r := res.Results[1].(*tg.BotInlineResult); r.ID != "2" || r.SendMessage.(*tg.BotInlineMessageText).Message != "a cat to like" {
		t.Fatalf("result 2 = %+v", r)
	}
	if len(res.Users) != 1 || res.Users[0].(*tg.User).ID != bot.id {
		t.Fatalf("results carry users %v", res.Users)
	}

	// Alice sends result 2 into the group: Bob sees it via the bot, with its keyboard.
	sent, err := alice.api.MessagesSendInlineBotResult(ctx(), &tg.MessagesSendInlineBotResultRequest{
		Peer: gp, RandomID: 77, QueryID: q.QueryID, ID: "2",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sent.(*tg.Updates); !ok {
		t.Fatalf("send result is %T", sent)
	}
	seen := waitForNew(t, bob)
	if seen.Message != "a cat to like" || seen.ViaBotID.Value != bot.id || !cmp.Equal(tg.ReplyMarkupClass(kb), seen.ReplyMarkup) {
		t.Fatalf("bob sees %+v", seen)
	}
	// The bot has inline feedback: it learns which result was chosen, with the inline
	// message id of the message with the keyboard.
	chosen := waitFor[*tg.UpdateBotInlineSend](t, bot)
	if chosen.UserID != alice.id || chosen.Query != "cats" || chosen.ID != "2" || chosen.MsgID == nil {
		t.Fatalf("inline send = %+v", chosen)
	}

	// Bob presses the button: the bot gets updateInlineBotCallbackQuery naming that message.
	answer := press(bob, gp, seen.ID, "like")
	cq := waitFor[*tg.UpdateInlineBotCallbackQuery](t, bot)
	if cq.UserID != bob.id || !cmp.Equal(chosen.MsgID, cq.MsgID) || string(cq.Data.Value) != "like" {
		t.Fatalf("inline callback = %+v", cq)
	}
	if _, err := bot.api.MessagesSetBotCallbackAnswer(ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: cq.QueryID, Message: someStr("liked")}); err != nil {
		t.Fatal(err)
	}
	if got := <-answer; got.err != nil || got.v.Message.Value != "liked" {
		t.Fatalf("answer = %+v, %v", got.v, got.err)
	}

	// The bot edits the inline message: every copy changes.
	if _, err := bot.api.MessagesEditInlineBotMessage(ctx(), &tg.MessagesEditInlineBotMessageRequest{
		ID: chosen.MsgID, Message: someStr("a liked cat"), ReplyMarkup: keyboard("unlike"),
	}); err != nil {
		t.Fatal(err)
	}
	e := waitFor[*tg.UpdateEditMessage](t, bob).Message.(*tg.Message)
	if e.ID != seen.ID || e.Message != "a liked cat" {
		t.Fatalf("bob sees edit %+v", e)
	}
	if h.w.PendingQueries() != 0 {
		t.Fatalf("%d queries pending", h.w.PendingQueries())
	}
}

func TestInlineErrors(t *testing.T) {
	h := newHarness(t)
	bot := h.botWith(world.BotSpec{Username: "search_bot", Inline: true})
	plain := h.bot("plain_bot")
	alice := h.named("Alice", "alice_j", "79990003101")
	carol := h.named("Carol", "carol_j", "79990003102")
	ask := func(who *account, b tg.InputUserClass) error {
		_, err := who.api.MessagesGetInlineBotResults(ctx(), &tg.MessagesGetInlineBotResultsRequest{
			Bot: b, Peer: &tg.InputPeerSelf{}, Query: "x",
		})
		return err
	}
	wantRPC(t, ask(alice, inputUser(alice.peerOf(plain))), world.ErrBotInlineDisabled)
	wantRPC(t, ask(alice, inputUser(alice.peerOf(carol))), world.ErrBotInvalid)
	wantRPC(t, ask(plain, inputUser(plain.peerOf(bot))), world.ErrBotMethodInvalid)

	results := async(func() (*tg.MessagesBotResults, error) {
		return alice.api.MessagesGetInlineBotResults(ctx(), &tg.MessagesGetInlineBotResultsRequest{
			Bot: inputUser(alice.peerOf(bot)), Peer: &tg.InputPeerSelf{}, Query: "dogs",
		})
	})
	q := waitFor[*tg.UpdateBotInlineQuery](t, bot)
	if _, ok := q.PeerType.(*tg.InlineQueryPeerTypePM); !ok {
		t.Fatalf("peer type %T, want PM", q.PeerType)
	}
	bad := []struct {
		name string
		who  *account
		req  tg.MessagesSetInlineBotResultsRequest
		want *RPCError
	}{
		{"a person", alice, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID}, world.ErrUserBotRequired},
		{"another bot", plain, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID}, world.ErrQueryIDInvalid},
		{"unknown query", bot, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID ^ 1}, world.ErrQueryIDInvalid},
		{"duplicate id", bot, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{
			article("a", "A", "a", nil), article("a", "B", "b", nil)}}, world.ErrResultIDDuplicate},
		{"empty id", bot, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{
			article("", "A", "a", nil)}}, world.ErrResultIDEmpty},
		{"article without title", bot, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{
			article("a", "", "a", nil)}}, world.ErrArticleTitleEmpty},
		{"empty text", bot, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{
			article("a", "A", "", nil)}}, world.ErrMessageEmpty},
		{"bad type", bot, tg.MessagesSetInlineBotResultsRequest{QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{
			&tg.InputBotInlineResult{ID: "a", Type: "hologram", SendMessage: &tg.InputBotInlineMessageText{Message: "a"}}}}, world.ErrResultTypeInvalid},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.who.api.MessagesSetInlineBotResults(ctx(), &tt.req)
			wantRPC(t, err, tt.want)
		})
	}
	if _, err := bot.api.MessagesSetInlineBotResults(ctx(), &tg.MessagesSetInlineBotResultsRequest{
		QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{article("d", "Dog", "a dog", nil)},
	}); err != nil {
		t.Fatal(err)
	}
	if got := <-results; got.err != nil {
		t.Fatal(got.err)
	}
	sends := []struct {
		name string
		who  *account
		qid  int64
		id   string
		want *RPCError
	}{
		{"no query", alice, 0, "d", world.ErrQueryIDEmpty},
		{"someone else's results", carol, q.QueryID, "d", world.ErrInlineResultExpired},
		{"unknown result", alice, q.QueryID, "zz", &RPCError{Code: 400, Message: "RESULT_ID_INVALID"}},
	}
	for _, tt := range sends {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.who.api.MessagesSendInlineBotResult(ctx(), &tg.MessagesSendInlineBotResultRequest{
				Peer: &tg.InputPeerSelf{}, RandomID: 1, QueryID: tt.qid, ID: tt.id,
			})
			wantRPC(t, err, tt.want)
		})
	}
	// Without inline feedback the bot hears nothing of the choice.
	if _, err := alice.api.MessagesSendInlineBotResult(ctx(), &tg.MessagesSendInlineBotResultRequest{
		Peer: alice.peerOf(carol), RandomID: 2, QueryID: q.QueryID, ID: "d",
	}); err != nil {
		t.Fatal(err)
	}
	for _, u := range flatten(bot.updates()) {
		if _, ok := u.(*tg.UpdateBotInlineSend); ok {
			t.Fatal("bot without inline feedback got updateBotInlineSend")
		}
	}
	if m := waitForNew(t, carol); m.Message != "a dog" || m.ViaBotID.Value != bot.id {
		t.Fatalf("carol sees %+v", m)
	}
}

// TestChatInstance: chat_instance names the chat, whoever presses: both people of a private
// chat see the same one, another chat another one.
func TestChatInstance(t *testing.T) {
	h := newHarness(t)
	bot := h.botWith(world.BotSpec{Username: "same_bot", Inline: true})
	alice := h.named("Alice", "alice_c", "79990003201")
	carol := h.named("Carol", "carol_c", "79990003202")
	dave := h.named("Dave", "dave_c", "79990003203")
	// send has from send an inline result with a button to to; it returns both ids.
	send := func(from, to *account) (fromID, toID int32) {
		results := async(func() (*tg.MessagesBotResults, error) {
			return from.api.MessagesGetInlineBotResults(ctx(), &tg.MessagesGetInlineBotResultsRequest{Bot: inputUser(from.peerOf(bot)), Peer: from.peerOf(to), Query: "x"})
		})
		q := waitFor[*tg.UpdateBotInlineQuery](t, bot)
		if _, err := bot.api.MessagesSetInlineBotResults(ctx(), &tg.MessagesSetInlineBotResultsRequest{
			QueryID: q.QueryID, Results: []tg.InputBotInlineResultClass{article("a", "A", "press", keyboard("p"))},
		}); err != nil {
			t.Fatal(err)
		}
		res := <-results
		h.randomID++
		sent, err := from.api.MessagesSendInlineBotResult(ctx(), &tg.MessagesSendInlineBotResultRequest{
			Peer: from.peerOf(to), RandomID: h.randomID, QueryID: res.v.QueryID, ID: "a",
		})
		if err != nil {
			t.Fatal(err)
		}
		return flatten([]tg.UpdatesClass{sent})[0].(*tg.UpdateMessageID).ID, waitForNew(t, to).ID
	}
	// instance presses as who on message id of the chat with other.
	instance := func(who, other *account, id int32) int64 {
		answer := press(who, who.peerOf(other), id, "p")
		cq := waitFor[*tg.UpdateInlineBotCallbackQuery](t, bot)
		if _, err := bot.api.MessagesSetBotCallbackAnswer(ctx(), &tg.MessagesSetBotCallbackAnswerRequest{QueryID: cq.QueryID}); err != nil {
			t.Fatal(err)
		}
		if got := <-answer; got.err != nil {
			t.Fatal(got.err)
		}
		return cq.ChatInstance
	}
	aID, cID := send(alice, carol)
	byAlice, byCarol := instance(alice, carol, aID), instance(carol, alice, cID)
	if byAlice != byCarol {
		t.Fatalf("the two people of one chat see chat instances %d and %d", byAlice, byCarol)
	}
	aID, _ = send(alice, dave)
	if instance(alice, dave, aID) == byAlice {
		t.Fatal("two chats share a chat instance")
	}
}
