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
			if got := (&types.Message{Action: action(tt.action, nil)}).Service(); got != tt.want {
				t.Fatalf("Service of %T = %v, want %v", tt.action, got, tt.want)
			}
		})
	}
	add := &types.Message{Action: action(&tg.MessageActionChatAddUser{Users: []int64{4, 5}}, nil)}
	byLink := &types.Message{Action: action(&tg.MessageActionChatJoinedByLink{}, &types.User{ID: 9})}
	if diff := cmp.Diff([]int64{4, 5}, add.NewMembers()); diff != "" {
		t.Fatalf("NewMembers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{9}, byLink.NewMembers()); diff != "" {
		t.Fatalf("NewMembers by link (-want +got):\n%s", diff)
	}
	if got := (&types.Message{Action: action(&tg.MessageActionChatDeleteUser{UserID: 3}, nil)}).LeftMember(); got != 3 {
		t.Fatalf("LeftMember = %d", got)
	}
	if got := (&types.Message{Action: action(&tg.MessageActionChatEditTitle{Title: "new"}, nil)}).NewTitle(); got != "new" {
		t.Fatalf("NewTitle = %q", got)
	}
	if (*types.Message)(nil).NewMembers() != nil || (*types.Message)(nil).LeftMember() != 0 || (*types.Message)(nil).NewTitle() != "" {
		t.Fatal("nil message")
	}
}

func TestEventValues2(t *testing.T) {
	ents := types.NewEntities(
		[]tg.UserClass{&tg.User{ID: 7, FirstName: tl.Some("Ann")}, &tg.User{ID: 8, FirstName: tl.Some("Bob")}},
		[]tg.ChatClass{&tg.Channel{ID: 6, Title: "chat", Megagroup: true}, &tg.Chat{ID: 5, Title: "g"}},
	)
	super := &tg.PeerChannel{ChannelID: 6}
	members := []struct {
		name     string
		in       tg.UpdateClass
		old, new types.MemberStatus
	}{
		{"join", &tg.UpdateChannelParticipant{ChannelID: 6, ActorID: 7, UserID: 7, NewParticipant: &tg.ChannelParticipant{}}, types.MemberLeft, types.MemberMember},
		{"promote", &tg.UpdateChannelParticipant{ChannelID: 6, ActorID: 8, UserID: 7, PrevParticipant: &tg.ChannelParticipant{}, NewParticipant: &tg.ChannelParticipantAdmin{}}, types.MemberMember, types.MemberAdministrator},
		{"ban", &tg.UpdateChannelParticipant{ChannelID: 6, ActorID: 8, UserID: 7, PrevParticipant: &tg.ChannelParticipant{},
			NewParticipant: &tg.ChannelParticipantBanned{BannedRights: tg.ChatBannedRights{ViewMessages: true}}}, types.MemberMember, types.MemberBanned},
		{"restrict", &tg.UpdateChannelParticipant{ChannelID: 6, ActorID: 8, UserID: 7, PrevParticipant: &tg.ChannelParticipant{},
			NewParticipant: &tg.ChannelParticipantBanned{BannedRights: tg.ChatBannedRights{SendMessages: true}}}, types.MemberMember, types.MemberRestricted},
		{"leave basic group", &tg.UpdateChatParticipant{ChatID: 5, ActorID: 7, UserID: 7, PrevParticipant: &tg.ChatParticipant{}}, types.MemberMember, types.MemberLeft},
		{"owner", &tg.UpdateChatParticipant{ChatID: 5, ActorID: 7, UserID: 7, NewParticipant: &tg.ChatParticipantCreator{}}, types.MemberLeft, types.MemberOwner},
	}
	for _, tt := range members {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewChatMemberUpdated(tt.in, ents)
			if m.Old != tt.old || m.New != tt.new || m.User.FirstName != "Ann" || m.Chat == nil {
				t.Fatalf("= %+v (old %v new %v)", m, m.Old, m.New)
			}
		})
	}

	count := types.NewMessageReactionCount(&tg.UpdateBotMessageReactions{Peer: super, MsgID: 4, Reactions: []tg.ReactionCount{{Count: 2}}}, ents)
	if count.Chat.ID != types.ChannelChatID(6) || count.MessageID != 4 || count.Reactions[0].Count != 2 {
		t.Fatalf("reaction count = %+v", count)
	}
	poll := types.NewPoll(&tg.UpdateMessagePoll{PollID: 3, Peer: super, MsgID: tl.Some(int32(9))}, ents)
	if poll.ID != 3 || poll.Chat == nil || poll.MessageID != 9 {
		t.Fatalf("poll = %+v", poll)
	}
	if p := types.NewPoll(&tg.UpdateMessagePoll{PollID: 3}, ents); p.Chat != nil || p.MessageID != 0 {
		t.Fatalf("poll without peer = %+v", p)
	}
	story := types.NewStory(&tg.UpdateStory{Peer: &tg.PeerUser{UserID: 7}, Story: &tg.StoryItemDeleted{ID: 1}}, ents)
	if story.Chat.ID != 7 || story.Story == nil {
		t.Fatalf("story = %+v", story)
	}
	boost := types.NewChatBoost(&tg.UpdateBotChatBoost{Peer: super, Boost: tg.Boost{ID: "b"}}, ents)
	if boost.Chat.ID != types.ChannelChatID(6) || boost.Boost.ID != "b" {
		t.Fatalf("boost = %+v", boost)
	}

	api := &fakeAPI{}
	checkout := types.NewPreCheckoutQuery(api, &tg.UpdateBotPrecheckoutQuery{QueryID: 1, UserID: 7, Currency: "EUR", TotalAmount: 500}, ents)
	if checkout.From.FirstName != "Ann" || checkout.TotalAmount != 500 {
		t.Fatalf("checkout = %+v", checkout)
	}
	shipping := types.NewShippingQuery(api, &tg.UpdateBotShippingQuery{QueryID: 2, UserID: 8}, ents)
	ctx := context.Background()
	if err := checkout.Answer(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if err := shipping.Answer(ctx, nil, "no delivery there"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"checkout 1 ", "shipping 2 0 no delivery there"}, api.payments); diff != "" {
		t.Fatalf("answers (-want +got):\n%s", diff)
	}
	if (&types.PreCheckoutQuery{}).Answer(ctx, "") != types.ErrContextNoClient || (&types.ShippingQuery{}).Answer(ctx, nil, "") != types.ErrContextNoClient {
		t.Fatal("unbound answers")
	}

	other := &tg.UpdateNewMessage{}
	if types.NewChatMemberUpdated(other, ents) != nil || types.NewMessageReactionCount(other, ents) != nil ||
		types.NewPoll(other, ents) != nil || types.NewStory(other, ents) != nil || types.NewChatBoost(other, ents) != nil ||
		types.NewPreCheckoutQuery(api, other, ents) != nil || types.NewShippingQuery(api, other, ents) != nil {
		t.Fatal("a constructor built a value from another update")
	}
}

func TestTopicAndForum(t *testing.T) {
	ents := types.NewEntities(nil, []tg.ChatClass{&tg.Channel{ID: 6, Title: "f", Megagroup: true, Forum: true}})
	peer := &tg.PeerChannel{ChannelID: 6}
	tests := []struct {
		name   string
		reply  tg.MessageReplyHeaderClass
		topic  int
		reply2 int
	}{
		{"post in topic", &tg.MessageReplyHeader{ForumTopic: true, ReplyToMsgID: tl.Some(int32(5))}, 5, 5},
		{"reply in topic", &tg.MessageReplyHeader{ForumTopic: true, ReplyToMsgID: tl.Some(int32(9)), ReplyToTopID: tl.Some(int32(5))}, 5, 9},
		{"plain reply", &tg.MessageReplyHeader{ReplyToMsgID: tl.Some(int32(9))}, 0, 9},
		{"general", nil, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := types.NewMessage(nil, &tg.Message{ID: 10, PeerID: peer, ReplyTo: tt.reply}, ents)
			if m.TopicID != tt.topic || m.ReplyToMessageID != tt.reply2 || !m.Chat.IsForum {
				t.Fatalf("TopicID %d ReplyTo %d IsForum %v", m.TopicID, m.ReplyToMessageID, m.Chat.IsForum)
			}
		})
	}
}

// action types a raw service action sent by from.
func action(a tg.MessageActionClass, from *types.User) types.ServiceAction {
	return types.NewServiceAction(a, from, 0, types.Entities{})
}
