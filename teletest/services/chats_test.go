package services

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestChatMethodsRefuseBots checks that the chat methods only people may call answer
// BOT_METHOD_INVALID to a bot, even one administering the chat (method-usability-errors.csv).
func TestChatMethodsRefuseBots(t *testing.T) {
	h := newHarness(t)
	owner := h.user("Owner", "15550100")
	bot := h.bot("chat_rights_bot")
	if _, err := h.w.CreateChannel(owner.id, world.ChannelSpec{Title: "Bots", Username: "bots_here", Megagroup: true, Members: []int64{bot.id}, Admins: []int64{bot.id}}); err != nil {
		t.Fatal(err)
	}
	in := bot.channelByUsername(t, "bots_here")
	peer := &tg.InputPeerChannel{ChannelID: in.ChannelID, AccessHash: in.AccessHash}
	calls := []tl.Object{
		&tg.ChannelsCreateChannelRequest{Title: "x", Megagroup: true},
		&tg.MessagesCreateChatRequest{Title: "x", Users: []tg.InputUserClass{&tg.InputUserSelf{}}},
		&tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 10},
		&tg.MessagesGetDialogFiltersRequest{},
		&tg.ChannelsToggleSlowModeRequest{Channel: in, Seconds: 10},
		&tg.ChannelsGetAdminLogRequest{Channel: in, Limit: 10},
		&tg.ChannelsDeleteChannelRequest{Channel: in},
		&tg.MessagesHideAllChatJoinRequestsRequest{Peer: peer, Approved: true},
		&tg.FoldersEditPeerFoldersRequest{FolderPeers: []tg.InputFolderPeer{{Peer: peer, FolderID: 1}}},
	}
	for _, req := range calls {
		t.Run(req.TypeName(), func(t *testing.T) {
			_, err := h.d.Handle(ctx(), bot.c.caller, req)
			wantRPC(t, err, world.ErrBotMethodInvalid)
		})
	}
	// The same bot may do what bots may: list the members it administers.
	if _, err := bot.api.ChannelsGetParticipants(ctx(), &tg.ChannelsGetParticipantsRequest{Channel: in, Filter: &tg.ChannelParticipantsAdmins{}, Limit: 10}); err != nil {
		t.Fatal(err)
	}
}

// TestInviteLinkExpiry: a link works until its expiry date, then answers
// INVITE_HASH_EXPIRED to messages.checkChatInvite and messages.importChatInvite; an edit
// extending it makes it work again.
func TestInviteLinkExpiry(t *testing.T) {
	h := newHarness(t)
	owner := h.user("Owner", "15550200")
	early, late := h.user("Early", "15550201"), h.user("Late", "15550202")
	if _, err := h.w.CreateChannel(owner.id, world.ChannelSpec{Title: "Timed", Username: "timed_club", Megagroup: true}); err != nil {
		t.Fatal(err)
	}
	in := owner.channelByUsername(t, "timed_club")
	peer := &tg.InputPeerChannel{ChannelID: in.ChannelID, AccessHash: in.AccessHash}
	now := int32(h.clock.Now().Unix())
	inv, err := owner.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: peer, ExpireDate: someI32(now + 60)})
	if err != nil {
		t.Fatal(err)
	}
	link := inv.(*tg.ChatInviteExported).Link
	hash := link[len("https://t.me/+"):]
	if _, err := early.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash}); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(2 * time.Minute)
	for _, call := range []func() error{
		func() error {
			_, err := late.api.MessagesCheckChatInvite(ctx(), &tg.MessagesCheckChatInviteRequest{Hash: hash})
			return err
		},
		func() error {
			_, err := late.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
			return err
		},
	} {
		wantRPC(t, call(), &RPCError{Code: 400, Message: "INVITE_HASH_EXPIRED"})
	}
	_, err = owner.api.MessagesEditExportedChatInvite(ctx(), &tg.MessagesEditExportedChatInviteRequest{Peer: peer, Link: link, ExpireDate: someI32(now)})
	wantRPC(t, err, &RPCError{Code: 400, Message: "EXPIRE_DATE_INVALID"})
	if _, err := owner.api.MessagesEditExportedChatInvite(ctx(), &tg.MessagesEditExportedChatInviteRequest{Peer: peer, Link: link, ExpireDate: someI32(now + 3600)}); err != nil {
		t.Fatal(err)
	}
	if _, err := late.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash}); err != nil {
		t.Fatal(err)
	}
}

// channelByUsername resolves the public channel @name as a sees it.
func (a *account) channelByUsername(t *testing.T, name string) *tg.InputChannel {
	t.Helper()
	res, err := a.api.ContactsResolveUsername(ctx(), &tg.ContactsResolveUsernameRequest{Username: name})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Chats {
		if x, ok := c.(*tg.Channel); ok {
			return &tg.InputChannel{ChannelID: x.ID, AccessHash: x.AccessHash.Value}
		}
	}
	t.Fatalf("@%s is not a channel", name)
	return nil
}
