package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// serviceAction returns the action of the next service message pushed to a.
func serviceAction(t *testing.T, a *account) tg.MessageActionClass {
	t.Helper()
	for {
		var m tg.MessageClass
		switch u := waitFor[tg.UpdateClass](t, a).(type) {
		case *tg.UpdateNewMessage:
			m = u.Message
		case *tg.UpdateNewChannelMessage:
			m = u.Message
		}
		if s, ok := m.(*tg.MessageService); ok {
			return s.Action
		}
	}
}

func TestPinsAndTitles(t *testing.T) {
	h := newHarness(t)
	alice := h.named("Alice", "alice_x", "79990008001")
	bob := h.user("Bob", "79990008002")
	bot := h.bot("pin_bot")
	grp, err := h.w.CreateChat(alice.id, "pins", bob.id, bot.id)
	if err != nil {
		t.Fatal(err)
	}
	gp := &tg.InputPeerChat{ChatID: grp.ID}
	h.send(alice, gp, "pin me")
	bobsCopy := waitForNew(t, bob).ID
	botsCopy := waitForNew(t, bot).ID

	// Bob pins his copy: every member's copy is pinned, each with its own pts event.
	if _, err := bob.api.MessagesUpdatePinnedMessage(ctx(), &tg.MessagesUpdatePinnedMessageRequest{Peer: gp, ID: bobsCopy}); err != nil {
		t.Fatal(err)
	}
	pin := waitFor[*tg.UpdatePinnedMessages](t, bot)
	if !pin.Pinned || pin.Messages[0] != botsCopy || pin.PtsCount != 1 {
		t.Fatalf("bot sees pin %+v", pin)
	}
	if _, ok := serviceAction(t, bot).(*tg.MessageActionPinMessage); !ok {
		t.Fatal("no pin service message")
	}
	_, err = bob.api.MessagesUpdatePinnedMessage(ctx(), &tg.MessagesUpdatePinnedMessageRequest{Peer: gp, ID: bobsCopy})
	wantRPC(t, err, world.ErrMessageNotModified)
	hist, err := alice.api.MessagesGetHistory(ctx(), &tg.MessagesGetHistoryRequest{Peer: gp, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var pinned []string
	for _, m := range hist.(*tg.MessagesMessages).Messages {
		if m, ok := m.(*tg.Message); ok && m.Pinned {
			pinned = append(pinned, m.Message)
		}
	}
	if diff := cmp.Diff([]string{"pin me"}, pinned); diff != "" {
		t.Fatalf("pinned in alice's history (-want +got):\n%s", diff)
	}
	if _, err := alice.api.MessagesUpdatePinnedMessage(ctx(), &tg.MessagesUpdatePinnedMessageRequest{Peer: gp, ID: 1, Unpin: true}); err != nil {
		t.Fatal(err)
	}
	if u := waitFor[*tg.UpdatePinnedMessages](t, bot); u.Pinned {
		t.Fatalf("unpin seen as %+v", u)
	}

	// Titles: a basic group and a channel.
	if _, err := bob.api.MessagesEditChatTitle(ctx(), &tg.MessagesEditChatTitleRequest{ChatID: grp.ID, Title: "renamed"}); err != nil {
		t.Fatal(err)
	}
	if a, ok := serviceAction(t, bot).(*tg.MessageActionChatEditTitle); !ok || a.Title != "renamed" {
		t.Fatalf("title action %+v", a)
	}
	_, err = bob.api.MessagesEditChatTitle(ctx(), &tg.MessagesEditChatTitleRequest{ChatID: grp.ID, Title: "renamed"})
	wantRPC(t, err, &RPCError{Code: 400, Message: "CHAT_NOT_MODIFIED"})
	if _, err := h.w.CreateChannel(alice.id, world.ChannelSpec{Title: "News", Username: "news_x", Members: []int64{bob.id}}); err != nil {
		t.Fatal(err)
	}
	_, err = bob.api.ChannelsEditTitle(ctx(), &tg.ChannelsEditTitleRequest{Channel: inputChannel(resolveChannel(t, bob, "news_x")), Title: "Mine"})
	wantRPC(t, err, world.ErrChatAdminRequired)
	bob.backlog, _ = nil, bob.updates() // the group's service messages
	if _, err := alice.api.ChannelsEditTitle(ctx(), &tg.ChannelsEditTitleRequest{Channel: inputChannel(resolveChannel(t, alice, "news_x")), Title: "Daily"}); err != nil {
		t.Fatal(err)
	}
	if a, ok := serviceAction(t, bob).(*tg.MessageActionChatEditTitle); !ok || a.Title != "Daily" {
		t.Fatalf("channel title action %+v", a)
	}
}

func TestUserStatus(t *testing.T) {
	h, carol, dave := pair(t)
	if _, err := dave.api.AccountUpdateStatus(ctx(), &tg.AccountUpdateStatusRequest{}); err != nil {
		t.Fatal(err)
	}
	u := waitFor[*tg.UpdateUserStatus](t, carol)
	on, ok := u.Status.(*tg.UserStatusOnline)
	if u.UserID != dave.id || !ok || on.Expires != int32(h.clock.Now().Unix())+300 {
		t.Fatalf("carol sees %+v", u)
	}
	h.clock.Advance(60e9)
	if _, err := dave.api.AccountUpdateStatus(ctx(), &tg.AccountUpdateStatusRequest{Offline: true}); err != nil {
		t.Fatal(err)
	}
	if off, ok := waitFor[*tg.UpdateUserStatus](t, carol).Status.(*tg.UserStatusOffline); !ok || off.WasOnline != int32(h.clock.Now().Unix()) {
		t.Fatalf("carol sees offline as %+v", off)
	}
	us, err := carol.api.UsersGetUsers(ctx(), &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{inputUser(carol.peerOf(dave))}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := us[0].(*tg.User).Status.(*tg.UserStatusOffline); !ok {
		t.Fatalf("dave's status %T", us[0].(*tg.User).Status)
	}
}

func TestBasicGroupMembers(t *testing.T) {
	h := newHarness(t)
	alice := h.named("Alice", "alice_m", "79990008101")
	bob := h.named("Bob", "bob_m", "79990008102")
	carol := h.named("Carol", "carol_m", "79990008103")
	bot := h.bot("member_bot")
	grp, err := h.w.CreateChat(alice.id, "members", bob.id, carol.id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := bob.api.MessagesAddChatUser(ctx(), &tg.MessagesAddChatUserRequest{ChatID: grp.ID, UserID: inputUser(bob.peerOf(bot))})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.MissingInvitees) != 0 {
		t.Fatalf("missing invitees %v", res.MissingInvitees)
	}
	cp := waitFor[*tg.UpdateChatParticipant](t, bot)
	if cp.ActorID != bob.id || cp.UserID != bot.id || cp.PrevParticipant != nil || cp.NewParticipant == nil || cp.Qts != 1 {
		t.Fatalf("bot's my_chat_member %+v", cp)
	}
	if a, ok := serviceAction(t, bot).(*tg.MessageActionChatAddUser); !ok || a.Users[0] != bot.id {
		t.Fatalf("bot sees action %+v", a)
	}
	if a, ok := serviceAction(t, carol).(*tg.MessageActionChatAddUser); !ok || a.Users[0] != bot.id {
		t.Fatalf("carol sees action %+v", a)
	}
	_, err = carol.api.MessagesAddChatUser(ctx(), &tg.MessagesAddChatUserRequest{ChatID: grp.ID, UserID: inputUser(carol.peerOf(bot))})
	wantRPC(t, err, world.ErrUserAlreadyParticipant)
	_, err = carol.api.MessagesDeleteChatUser(ctx(), &tg.MessagesDeleteChatUserRequest{ChatID: grp.ID, UserID: inputUser(carol.peerOf(bob))})
	wantRPC(t, err, world.ErrChatAdminRequired)

	// Carol leaves; the creator removes the bot.
	if _, err := carol.api.MessagesDeleteChatUser(ctx(), &tg.MessagesDeleteChatUserRequest{ChatID: grp.ID, UserID: &tg.InputUserSelf{}}); err != nil {
		t.Fatal(err)
	}
	if a, ok := serviceAction(t, bob).(*tg.MessageActionChatDeleteUser); !ok || a.UserID != carol.id {
		t.Fatalf("bob sees %+v", a)
	}
	if _, err := alice.api.MessagesDeleteChatUser(ctx(), &tg.MessagesDeleteChatUserRequest{ChatID: grp.ID, UserID: inputUser(alice.peerOf(bot))}); err != nil {
		t.Fatal(err)
	}
	if cp := waitFor[*tg.UpdateChatParticipant](t, bot); cp.NewParticipant != nil || cp.ActorID != alice.id || cp.Qts != 2 {
		t.Fatalf("bot removed: %+v", cp)
	}
	_, err = carol.api.MessagesAddChatUser(ctx(), &tg.MessagesAddChatUserRequest{ChatID: grp.ID, UserID: inputUser(carol.peerOf(bot))})
	wantRPC(t, err, world.ErrChatWriteForbidden)
	if c, _ := h.w.Chat(grp.ID); len(c.Members) != 2 {
		t.Fatalf("members left: %v", c.Members)
	}
}
