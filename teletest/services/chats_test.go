package services

import (
	"testing"

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
	ch, err := h.w.CreateChannel(owner.id, world.ChannelSpec{Title: "Bots", Username: "bots_here", Megagroup: true, Members: []int64{bot.id}, Admins: []int64{bot.id}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := bot.api.ContactsResolveUsername(ctx(), &tg.ContactsResolveUsernameRequest{Username: "bots_here"})
	if err != nil {
		t.Fatal(err)
	}
	var in *tg.InputChannel
	for _, c := range res.Chats {
		if x, ok := c.(*tg.Channel); ok && x.ID == ch.ID {
			in = &tg.InputChannel{ChannelID: x.ID, AccessHash: x.AccessHash.Value}
		}
	}
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
