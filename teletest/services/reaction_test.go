package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func emoji(s ...string) []tg.ReactionClass {
	out := []tg.ReactionClass{}
	for _, e := range s {
		out = append(out, &tg.ReactionEmoji{Emoticon: e})
	}
	return out
}

func TestReactions(t *testing.T) {
	h := newHarness(t)
	bot := h.bot("react_bot")
	alice := h.named("Alice", "alice_r", "79990004001")
	bob := h.user("Bob", "79990004002")
	grp, err := h.w.CreateChat(alice.id, "reactions", bob.id, bot.id)
	if err != nil {
		t.Fatal(err)
	}
	gp := &tg.InputPeerChat{ChatID: grp.ID}
	h.send(bot, gp, "react to me")
	seen := waitForNew(t, alice)
	bobMsg := waitForNew(t, bob)
	bot.updates()

	// Alice reacts: Bob sees the count, the bot (a member) gets updateBotMessageReaction.
	res, err := alice.api.MessagesSendReaction(ctx(), &tg.MessagesSendReactionRequest{Peer: gp, MsgID: seen.ID, Reaction: emoji("👍")})
	if err != nil {
		t.Fatal(err)
	}
	var mine *tg.UpdateMessageReactions
	for _, u := range flatten([]tg.UpdatesClass{res}) {
		if u, ok := u.(*tg.UpdateMessageReactions); ok {
			mine = u
		}
	}
	if mine == nil || mine.MsgID != seen.ID || len(mine.Reactions.Results) != 1 || !mine.Reactions.Results[0].ChosenOrder.Set {
		t.Fatalf("alice's result: %+v", mine)
	}
	got := waitFor[*tg.UpdateMessageReactions](t, bob)
	want := &tg.UpdateMessageReactions{Peer: &tg.PeerChat{ChatID: grp.ID}, MsgID: bobMsg.ID, Reactions: tg.MessageReactions{
		CanSeeList: true,
		Results:    []tg.ReactionCount{{Reaction: &tg.ReactionEmoji{Emoticon: "👍"}, Count: 1}},
		RecentReactions: []tg.MessagePeerReaction{{
			PeerID: &tg.PeerUser{UserID: alice.id}, Date: got.Reactions.RecentReactions[0].Date, Reaction: &tg.ReactionEmoji{Emoticon: "👍"},
		}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("bob sees (-want +got):\n%s", diff)
	}
	br := waitFor[*tg.UpdateBotMessageReaction](t, bot)
	if br.Actor.(*tg.PeerUser).UserID != alice.id || len(br.OldReactions) != 0 || len(br.NewReactions) != 1 || br.Qts != 1 {
		t.Fatalf("bot got %+v", br)
	}

	// Bob adds another; Alice changes hers; the message shows both counts.
	if _, err := bob.api.MessagesSendReaction(ctx(), &tg.MessagesSendReactionRequest{Peer: gp, MsgID: bobMsg.ID, Reaction: emoji("👍")}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.api.MessagesSendReaction(ctx(), &tg.MessagesSendReactionRequest{Peer: gp, MsgID: seen.ID, Reaction: emoji("🔥")}); err != nil {
		t.Fatal(err)
	}
	if bobs := waitFor[*tg.UpdateBotMessageReaction](t, bot); bobs.Actor.(*tg.PeerUser).UserID != bob.id || bobs.Qts != 2 {
		t.Fatalf("bot got %+v for bob's reaction", bobs)
	}
	br = waitFor[*tg.UpdateBotMessageReaction](t, bot)
	if diff := cmp.Diff(emoji("👍"), br.OldReactions); diff != "" || br.Qts != 3 {
		t.Fatalf("bot's old reactions (qts %d):\n%s", br.Qts, diff)
	}
	hist, err := bob.api.MessagesGetHistory(ctx(), &tg.MessagesGetHistoryRequest{Peer: gp, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	m := hist.(*tg.MessagesMessages).Messages[0].(*tg.Message)
	var counts []string
	for _, r := range m.Reactions.Results {
		counts = append(counts, r.Reaction.(*tg.ReactionEmoji).Emoticon+":"+string(rune('0'+r.Count)))
	}
	if diff := cmp.Diff([]string{"👍:1", "🔥:1"}, counts); diff != "" {
		t.Fatalf("history reactions (-want +got):\n%s", diff)
	}
	// The bot's qts events are in its difference too.
	st, err := bot.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	if err != nil || st.Qts != 3 {
		t.Fatalf("bot state %+v, %v", st, err)
	}

	// Removing: an empty list.
	if _, err := alice.api.MessagesSendReaction(ctx(), &tg.MessagesSendReactionRequest{Peer: gp, MsgID: seen.ID}); err != nil {
		t.Fatal(err)
	}
	if br := waitFor[*tg.UpdateBotMessageReaction](t, bot); len(br.NewReactions) != 0 {
		t.Fatalf("removal: %+v", br)
	}

	bad := []struct {
		name string
		req  tg.MessagesSendReactionRequest
		want *RPCError
	}{
		{"unknown message", tg.MessagesSendReactionRequest{Peer: gp, MsgID: 999, Reaction: emoji("👍")}, world.ErrMessageIDInvalid},
		{"empty emoticon", tg.MessagesSendReactionRequest{Peer: gp, MsgID: seen.ID, Reaction: emoji("")}, &RPCError{Code: 400, Message: "REACTION_INVALID"}},
		{"repeated", tg.MessagesSendReactionRequest{Peer: gp, MsgID: seen.ID, Reaction: emoji("👍", "👍")}, &RPCError{Code: 400, Message: "REACTION_INVALID"}},
		{"paid", tg.MessagesSendReactionRequest{Peer: gp, MsgID: seen.ID, Reaction: []tg.ReactionClass{&tg.ReactionPaid{}}}, &RPCError{Code: 400, Message: "REACTION_INVALID"}},
		{"too many", tg.MessagesSendReactionRequest{Peer: gp, MsgID: seen.ID, Reaction: emoji("1", "2", "3", "4")}, &RPCError{Code: 400, Message: "REACTIONS_TOO_MANY"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := alice.api.MessagesSendReaction(ctx(), &tt.req)
			wantRPC(t, err, tt.want)
		})
	}
}

// TestChannelReactionsAreAnonymous: in a broadcast channel the admin bot gets the counts
// (updateBotMessageReactions), not who reacted.
func TestChannelReactionsAreAnonymous(t *testing.T) {
	h := newHarness(t)
	owner := h.named("Owner", "owner_rc", "79990004101")
	reader := h.named("Reader", "reader_rc", "79990004102")
	bot := h.bot("count_bot")
	if _, err := h.w.CreateChannel(owner.id, world.ChannelSpec{
		Title: "News", Username: "news_rc", Members: []int64{reader.id, bot.id}, Admins: []int64{bot.id},
	}); err != nil {
		t.Fatal(err)
	}
	h.send(owner, resolveChannel(t, owner, "news_rc"), "post")
	if _, err := reader.api.MessagesSendReaction(ctx(), &tg.MessagesSendReactionRequest{
		Peer: resolveChannel(t, reader, "news_rc"), MsgID: 1, Reaction: emoji("❤"),
	}); err != nil {
		t.Fatal(err)
	}
	u := waitFor[*tg.UpdateBotMessageReactions](t, bot)
	want := []tg.ReactionCount{{Reaction: &tg.ReactionEmoji{Emoticon: "❤"}, Count: 1}}
	if diff := cmp.Diff(want, u.Reactions); diff != "" || u.MsgID != 1 || u.Qts != 1 {
		t.Fatalf("bot got %+v (-want +got):\n%s", u, diff)
	}
}
