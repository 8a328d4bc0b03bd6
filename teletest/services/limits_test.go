package services

import (
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// seq returns n ids 1..n as int32 and n distinct random ids starting at base.
func seq(n int, base int64) ([]int32, []int64) {
	ids, rnd := make([]int32, n), make([]int64, n)
	for i := range n {
		ids[i], rnd[i] = int32(i+1), base+int64(i)
	}
	return ids, rnd
}

func TestForwardMessagesCountLimit(t *testing.T) {
	h, carol, dave := pair(t)
	// Carol's box: 1 is Dave's "hi carol"; she sends 2..MaxForwardIDs.
	for range world.MaxForwardIDs - 1 {
		h.send(carol, carol.peerOf(dave), "x")
	}
	cfg, err := carol.api.HelpGetConfig(ctx(), &tg.HelpGetConfigRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ForwardedCountMax != world.MaxForwardIDs {
		t.Fatalf("forwarded_count_max = %d, want %d", cfg.ForwardedCountMax, world.MaxForwardIDs)
	}
	full, fullRnd := seq(world.MaxForwardIDs, 1000)
	over, overRnd := seq(world.MaxForwardIDs, 2000)
	over, overRnd = append(over, 1), append(overRnd, 9999) // a valid id once more
	tests := []struct {
		name string
		ids  []int32
		rnd  []int64
		want *RPCError
	}{
		{"none", nil, nil, world.ErrMessageIDsEmpty},
		{"one too many", over, overRnd, world.ErrMessageIDInvalid},
		{"the most", full, fullRnd, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := carol.api.MessagesForwardMessages(ctx(), &tg.MessagesForwardMessagesRequest{
				FromPeer: carol.peerOf(dave), ID: tt.ids, RandomID: tt.rnd, ToPeer: carol.peerOf(dave),
			})
			if tt.want != nil {
				wantRPC(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(res.(*tg.Updates).Updates); got != 2*world.MaxForwardIDs {
				t.Fatalf("%d updates, want %d", got, 2*world.MaxForwardIDs)
			}
		})
	}
}

func TestIDListsCapped(t *testing.T) {
	h, carol, _ := pair(t)
	made, err := h.w.CreateChannel(carol.id, world.ChannelSpec{Title: "Capped"})
	if err != nil {
		t.Fatal(err)
	}
	ch := inputChannel(channelPeer(t, carol, made.ID))
	msgIDs := func(n int) []tg.InputMessageClass {
		in := make([]tg.InputMessageClass, n)
		for i := range in {
			in[i] = &tg.InputMessageID{ID: 1} // repeated ids cost as much as distinct ones
		}
		return in
	}
	users := func(n int) []tg.InputUserClass {
		in := make([]tg.InputUserClass, n)
		for i := range in {
			in[i] = &tg.InputUserSelf{}
		}
		return in
	}
	calls := map[string]func(n int) error{
		"messages.getMessages": func(n int) error {
			_, err := carol.api.MessagesGetMessages(ctx(), &tg.MessagesGetMessagesRequest{ID: msgIDs(n)})
			return err
		},
		"channels.getMessages": func(n int) error {
			_, err := carol.api.ChannelsGetMessages(ctx(), &tg.ChannelsGetMessagesRequest{Channel: ch, ID: msgIDs(n)})
			return err
		},
		"users.getUsers": func(n int) error {
			_, err := carol.api.UsersGetUsers(ctx(), &tg.UsersGetUsersRequest{ID: users(n)})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(world.MaxGetIDs); err != nil {
				t.Fatalf("%d ids: %v", world.MaxGetIDs, err)
			}
			wantRPC(t, call(world.MaxGetIDs+1), world.ErrLimitInvalid)
		})
	}
}

func TestChannelsTooMuch(t *testing.T) {
	h, carol, dave := pair(t)
	if _, err := h.w.CreateChannel(dave.id, world.ChannelSpec{Title: "Open", Username: "open_club"}); err != nil {
		t.Fatal(err)
	}
	private, err := h.w.CreateChannel(dave.id, world.ChannelSpec{Title: "Closed"})
	if err != nil {
		t.Fatal(err)
	}
	link, err := dave.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: channelPeer(t, dave, private.ID)})
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.TrimPrefix(link.(*tg.ChatInviteExported).Link, "https://t.me/+")
	open := inputChannel(resolveChannel(t, carol, "open_club"))

	// Carol is in MaxChannelsPerUser channels: one she made through the API, the rest by setup.
	made, err := carol.api.ChannelsCreateChannel(ctx(), &tg.ChannelsCreateChannelRequest{Title: "Mine"})
	if err != nil {
		t.Fatal(err)
	}
	mine := made.(*tg.Updates).Chats[0].(*tg.Channel)
	for range world.MaxChannelsPerUser - 1 {
		if _, err := h.w.CreateChannel(carol.id, world.ChannelSpec{Title: "Filler"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"channels.createChannel", func() error {
			_, err := carol.api.ChannelsCreateChannel(ctx(), &tg.ChannelsCreateChannelRequest{Title: "One more"})
			return err
		}},
		{"channels.joinChannel", func() error {
			_, err := carol.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: open})
			return err
		}},
		{"messages.importChatInvite", func() error {
			_, err := carol.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRPC(t, tt.call(), world.ErrChannelsTooMuch)
		})
	}
	// Deleting one makes room again.
	if _, err := carol.api.ChannelsDeleteChannel(ctx(), &tg.ChannelsDeleteChannelRequest{
		Channel: &tg.InputChannel{ChannelID: mine.ID, AccessHash: mine.AccessHash.Value},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: open}); err != nil {
		t.Fatalf("join after deleting a channel: %v", err)
	}
}

func TestUserChannelsTooMuch(t *testing.T) {
	h, carol, dave := pair(t)
	erin := h.user("Erin", "79990001003")
	if _, err := h.w.CreateChannel(dave.id, world.ChannelSpec{Title: "Club", Username: "club_u", Megagroup: true}); err != nil {
		t.Fatal(err)
	}
	club := resolveChannel(t, dave, "club_u")
	link, err := dave.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: club, RequestNeeded: true})
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.TrimPrefix(link.(*tg.ChatInviteExported).Link, "https://t.me/+")
	for _, a := range []*account{carol, erin} {
		_, err := a.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
		wantRPC(t, err, &RPCError{Code: 400, Message: "INVITE_REQUEST_SENT"})
	}
	davesGroup, err := h.w.CreateChat(dave.id, "Dave's", carol.id)
	if err != nil {
		t.Fatal(err)
	}
	carolsGroup, err := h.w.CreateChat(carol.id, "Carol's", dave.id)
	if err != nil {
		t.Fatal(err)
	}
	// Carol is in MaxChannelsPerUser channels now (made by the test setup).
	for i := range world.MaxChannelsPerUser {
		spec := world.ChannelSpec{Title: "Filler"}
		if i == 0 {
			spec.Username = "filler_u"
		}
		if _, err := h.w.CreateChannel(carol.id, spec); err != nil {
			t.Fatal(err)
		}
	}
	carolForDave := inputUser(dave.peerOf(carol))
	tests := []struct {
		name string
		call func() error
		want *RPCError
	}{
		{"channels.inviteToChannel", func() error {
			_, err := dave.api.ChannelsInviteToChannel(ctx(), &tg.ChannelsInviteToChannelRequest{Channel: inputChannel(club), Users: []tg.InputUserClass{carolForDave}})
			return err
		}, world.ErrUserChannelsTooMuch},
		{"messages.hideChatJoinRequest", func() error {
			_, err := dave.api.MessagesHideChatJoinRequest(ctx(), &tg.MessagesHideChatJoinRequestRequest{Approved: true, Peer: club, UserID: carolForDave})
			return err
		}, world.ErrUserChannelsTooMuch},
		{"messages.migrateChat of a member", func() error {
			_, err := dave.api.MessagesMigrateChat(ctx(), &tg.MessagesMigrateChatRequest{ChatID: davesGroup.ID})
			return err
		}, world.ErrUserChannelsTooMuch},
		{"messages.migrateChat of the creator", func() error {
			_, err := carol.api.MessagesMigrateChat(ctx(), &tg.MessagesMigrateChatRequest{ChatID: carolsGroup.ID})
			return err
		}, world.ErrChannelsTooMuch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRPC(t, tt.call(), tt.want)
		})
	}
	member := func(a *account) bool {
		_, err := a.api.ChannelsGetParticipant(ctx(), &tg.ChannelsGetParticipantRequest{
			Channel: inputChannel(resolveChannel(t, a, "club_u")), Participant: &tg.InputPeerSelf{},
		})
		return err == nil
	}
	// Approving every request admits Erin; Carol's request stays pending.
	res, err := dave.api.MessagesHideAllChatJoinRequests(ctx(), &tg.MessagesHideAllChatJoinRequestsRequest{Approved: true, Peer: club})
	if err != nil {
		t.Fatal(err)
	}
	var pending *tg.UpdatePendingJoinRequests
	for _, u := range res.(*tg.Updates).Updates {
		if p, ok := u.(*tg.UpdatePendingJoinRequests); ok {
			pending = p
		}
	}
	if pending == nil || pending.RequestsPending != 1 || !member(erin) || member(carol) {
		t.Fatalf("after approving all: pending %+v, erin in %v, carol in %v", pending, member(erin), member(carol))
	}
	// Once Carol deletes a channel of hers, she may be let in again.
	if _, err := carol.api.ChannelsDeleteChannel(ctx(), &tg.ChannelsDeleteChannelRequest{
		Channel: inputChannel(resolveChannel(t, carol, "filler_u")),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := dave.api.MessagesHideChatJoinRequest(ctx(), &tg.MessagesHideChatJoinRequestRequest{Approved: true, Peer: club, UserID: carolForDave}); err != nil {
		t.Fatalf("approve after deleting a channel: %v", err)
	}
	if !member(carol) {
		t.Fatal("carol approved but not a member")
	}
}
