package fanout

import (
	"context"
	"sync"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestChatKeyMatchesDispatcher checks that every update the client's dispatcher orders by a
// chat (or user) is sharded by that same key: updates the dispatcher runs in one queue must
// share a shard, or a worker may handle them out of the order a single process keeps.
func TestChatKeyMatchesDispatcher(t *testing.T) {
	user := &tg.PeerUser{UserID: 21}
	group := &tg.PeerChat{ChatID: 22}
	channel := &tg.PeerChannel{ChannelID: 23}
	msg := func(p tg.PeerClass) *tg.Message {
		return &tg.Message{ID: 5, PeerID: p, FromID: &tg.PeerUser{UserID: 21}, Date: 1700000000, Message: "m"}
	}
	tests := []struct {
		name string
		u    tg.UpdateClass
	}{
		{"new message", &tg.UpdateNewMessage{Message: msg(group)}},
		{"channel message", &tg.UpdateNewChannelMessage{Message: msg(channel)}},
		{"edit", &tg.UpdateEditMessage{Message: msg(user)}},
		{"callback", &tg.UpdateBotCallbackQuery{QueryID: 1, UserID: 21, Peer: group, MsgID: 5}},
		{"inline callback", &tg.UpdateInlineBotCallbackQuery{QueryID: 1, UserID: 24}},
		{"inline query", &tg.UpdateBotInlineQuery{QueryID: 1, UserID: 25}},
		{"channel deletion", &tg.UpdateDeleteChannelMessages{ChannelID: 23, Messages: []int32{1}}},
		{"deletion", &tg.UpdateDeleteMessages{Messages: []int32{1}}},
		{"status", &tg.UpdateUserStatus{UserID: 26, Status: &tg.UserStatusOnline{Expires: 1}}},
		{"join request", &tg.UpdateBotChatInviteRequester{Peer: channel, UserID: 21, Invite: &tg.ChatInvitePublicJoinRequests{}}},
		{"chosen inline", &tg.UpdateBotInlineSend{UserID: 27, ID: "r"}},
		{"reaction", &tg.UpdateBotMessageReaction{Peer: group, MsgID: 5, Actor: user}},
		{"poll vote", &tg.UpdateMessagePollVote{PollID: 1, Peer: &tg.PeerUser{UserID: 28}}},
		{"poll vote by a channel", &tg.UpdateMessagePollVote{PollID: 1, Peer: channel}},
		{"member", &tg.UpdateChatParticipant{ChatID: 22, UserID: 21, ActorID: 21}},
		{"channel member", &tg.UpdateChannelParticipant{ChannelID: 23, UserID: 21, ActorID: 21}},
		{"reaction counts", &tg.UpdateBotMessageReactions{Peer: channel, MsgID: 5}},
		{"poll", &tg.UpdateMessagePoll{PollID: 1, Peer: group, Poll: &tg.Poll{ID: 1}}},
		{"poll without chat", &tg.UpdateMessagePoll{PollID: 1, Poll: &tg.Poll{ID: 1}}},
		{"story", &tg.UpdateStory{Peer: channel, Story: &tg.StoryItemDeleted{ID: 1}}},
		{"boost", &tg.UpdateBotChatBoost{Peer: channel}},
		{"pre-checkout", &tg.UpdateBotPrecheckoutQuery{QueryID: 1, UserID: 29, Currency: "XTR"}},
		{"paid media", &tg.UpdateBotPurchasedPaidMedia{UserID: 30, Payload: "p"}},
		{"guest query", &tg.UpdateBotGuestChatQuery{QueryID: 1, Message: msg(group)}},
		{"managed bot", &tg.UpdateManagedBot{UserID: 31, BotID: 32}},
		{"shipping", &tg.UpdateBotShippingQuery{QueryID: 1, UserID: 33}},
		{"business connection", &tg.UpdateBotBusinessConnect{Connection: tg.BotBusinessConnection{ConnectionID: "c", UserID: 34}}},
		{"business message", &tg.UpdateBotNewBusinessMessage{ConnectionID: "c", Message: msg(user)}},
		{"business deletion", &tg.UpdateBotDeleteBusinessMessage{ConnectionID: "c", Peer: user, Messages: []int32{1}}},
	}
	c := offlineWorkerClient(t)
	var mu sync.Mutex
	var got int64
	seen := false
	c.OnRawUpdate(func(ctx *mtgo.Context, _ tg.UpdateClass) error {
		// the dispatcher's queue: the update's chat, else its user, else the shared one
		key := int64(0)
		if ch := ctx.Chat(); ch != nil {
			key = ch.ID
		} else if u := ctx.From(); u != nil {
			key = u.ID
		}
		mu.Lock()
		got, seen = key, true
		mu.Unlock()
		return nil
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			seen = false
			mu.Unlock()
			if err := c.HandleUpdatesWait(context.Background(), &tg.Updates{Updates: []tg.UpdateClass{tt.u}, Date: 1700000000}); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			want, ok := got, seen
			mu.Unlock()
			if !ok {
				t.Fatal("the dispatcher did not run the handler")
			}
			if k := chatKey(tt.u); k != want {
				t.Errorf("chatKey = %d, the dispatcher queues it under %d", k, want)
			}
		})
	}
}
