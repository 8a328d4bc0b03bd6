package types_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestEventValues(t *testing.T) {
	ents := types.NewEntities(
		[]tg.UserClass{&tg.User{ID: 7, FirstName: tl.Some("Ann"), AccessHash: tl.Some(int64(70))}},
		[]tg.ChatClass{&tg.Channel{ID: 6, Title: "chat", Megagroup: true, AccessHash: tl.Some(int64(60))}},
	)
	super := &tg.PeerChannel{ChannelID: 6}

	online := types.NewUserStatus(&tg.UpdateUserStatus{UserID: 7, Status: &tg.UserStatusOnline{Expires: 100}}, ents)
	if online.User.FirstName != "Ann" || !online.Online || !online.Expires.Equal(time.Unix(100, 0)) {
		t.Fatalf("online = %+v", online)
	}
	offline := types.NewUserStatus(&tg.UpdateUserStatus{UserID: 8, Status: &tg.UserStatusOffline{WasOnline: 50}}, ents)
	if offline.User.ID != 8 || offline.Online || !offline.LastSeen.Equal(time.Unix(50, 0)) {
		t.Fatalf("offline = %+v", offline)
	}

	api := &fakeAPI{}
	join := types.NewChatJoinRequest(api, &tg.UpdateBotChatInviteRequester{Peer: super, Date: 9, UserID: 7, About: "hi"}, ents)
	if join.Chat.Type != types.ChatSupergroup || join.From.ID != 7 || join.Bio != "hi" || !join.Date.Equal(time.Unix(9, 0)) {
		t.Fatalf("join = %+v", join)
	}
	if err := join.Approve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := join.Decline(context.Background()); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"7 true", "7 false"}, api.joins); diff != "" {
		t.Fatalf("join answers (-want +got):\n%s", diff)
	}
	if err := (&types.ChatJoinRequest{}).Approve(context.Background()); err != types.ErrContextNoClient {
		t.Fatalf("unbound Approve: %v", err)
	}

	chosen := types.NewChosenInlineResult(&tg.UpdateBotInlineSend{UserID: 7, Query: "q", ID: "r1",
		MsgID: &tg.InputBotInlineMessageID{DCID: 2, ID: 99, AccessHash: 5}}, ents)
	if chosen.ResultID != "r1" || chosen.From.ID != 7 || chosen.InlineMessageID != "AgAAAGMAAAAAAAAABQAAAAAAAAA" {
		t.Fatalf("chosen = %+v", chosen)
	}

	byUser := types.NewMessageReaction(&tg.UpdateBotMessageReaction{Peer: super, MsgID: 3, Actor: &tg.PeerUser{UserID: 7},
		NewReactions: []tg.ReactionClass{&tg.ReactionEmoji{Emoticon: "👍"}}}, ents)
	if byUser.User.ID != 7 || byUser.ActorChat != nil || byUser.MessageID != 3 || len(byUser.New) != 1 {
		t.Fatalf("reaction by a user = %+v", byUser)
	}
	byChat := types.NewMessageReaction(&tg.UpdateBotMessageReaction{Peer: super, MsgID: 3, Actor: super}, ents)
	if byChat.User != nil || byChat.ActorChat == nil || byChat.ActorChat.ID != types.ChannelChatID(6) {
		t.Fatalf("reaction by a chat = %+v", byChat)
	}

	vote := types.NewPollAnswer(&tg.UpdateMessagePollVote{PollID: 11, Peer: &tg.PeerUser{UserID: 7}, Options: [][]byte{{1}}}, ents)
	if vote.PollID != 11 || vote.User.ID != 7 || len(vote.Options) != 1 {
		t.Fatalf("vote = %+v", vote)
	}

	// Every constructor refuses other updates.
	other := &tg.UpdateNewMessage{}
	if types.NewUserStatus(other, ents) != nil || types.NewChatJoinRequest(api, other, ents) != nil ||
		types.NewChosenInlineResult(other, ents) != nil || types.NewMessageReaction(other, ents) != nil ||
		types.NewPollAnswer(other, ents) != nil {
		t.Fatal("a constructor built a value from another update")
	}
}

func TestServiceKind(t *testing.T) {
	tests := []struct {
		action tg.MessageActionClass
		want   types.ServiceKind
	}{
		{nil, types.NotService},
		{&tg.MessageActionChatAddUser{Users: []int64{1}}, types.ServiceNewMembers},
		{&tg.MessageActionChatJoinedByLink{}, types.ServiceNewMembers},
		{&tg.MessageActionChatJoinedByRequest{}, types.ServiceNewMembers},
		{&tg.MessageActionChatDeleteUser{UserID: 1}, types.ServiceLeftMember},
		{&tg.MessageActionChatEditTitle{Title: "t"}, types.ServiceNewTitle},
		{&tg.MessageActionChatEditPhoto{}, types.ServiceNewPhoto},
		{&tg.MessageActionChatDeletePhoto{}, types.ServiceDeletePhoto},
		{&tg.MessageActionChannelCreate{}, types.ServiceChatCreated},
		{&tg.MessageActionChatMigrateTo{}, types.ServiceMigrate},
		{&tg.MessageActionPinMessage{}, types.ServicePinned},
		{&tg.MessageActionPhoneCall{}, types.ServicePhoneCall},
		{&tg.MessageActionGroupCall{}, types.ServiceVideoChat},
		{&tg.MessageActionTopicCreate{}, types.ServiceTopic},
		{&tg.MessageActionSetMessagesTTL{}, types.ServiceTTL},
		{&tg.MessageActionBoostApply{}, types.ServiceBoost},
		{&tg.MessageActionContactSignUp{}, types.ServiceOtherKind},
	}
	for _, tt := range tests {
		t.Run(tt.want.String(), func(t *testing.T) {
			if got := (&types.Message{Action: tt.action}).Service(); got != tt.want {
				t.Fatalf("Service of %T = %v, want %v", tt.action, got, tt.want)
			}
		})
	}
	add := &types.Message{Action: &tg.MessageActionChatAddUser{Users: []int64{4, 5}}}
	byLink := &types.Message{From: &types.User{ID: 9}, Action: &tg.MessageActionChatJoinedByLink{}}
	if diff := cmp.Diff([]int64{4, 5}, add.NewMembers()); diff != "" {
		t.Fatalf("NewMembers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{9}, byLink.NewMembers()); diff != "" {
		t.Fatalf("NewMembers by link (-want +got):\n%s", diff)
	}
	if got := (&types.Message{Action: &tg.MessageActionChatDeleteUser{UserID: 3}}).LeftMember(); got != 3 {
		t.Fatalf("LeftMember = %d", got)
	}
	if got := (&types.Message{Action: &tg.MessageActionChatEditTitle{Title: "new"}}).NewTitle(); got != "new" {
		t.Fatalf("NewTitle = %q", got)
	}
	if (*types.Message)(nil).NewMembers() != nil || (*types.Message)(nil).LeftMember() != 0 || (*types.Message)(nil).NewTitle() != "" {
		t.Fatal("nil message")
	}
}
