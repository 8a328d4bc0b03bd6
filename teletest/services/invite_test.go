package services

import (
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestJoinRequests(t *testing.T) {
	h := newHarness(t)
	owner := h.named("Owner", "owner_j", "79990005001")
	bot := h.bot("gate_bot")
	dan := h.named("Dan", "dan_j", "79990005002")
	eve := h.user("Eve", "79990005003")
	if _, err := h.w.CreateChannel(owner.id, world.ChannelSpec{
		Title: "Club", Username: "club_j", Megagroup: true, Members: []int64{bot.id}, Admins: []int64{bot.id},
	}); err != nil {
		t.Fatal(err)
	}
	clubOwner, clubBot := resolveChannel(t, owner, "club_j"), resolveChannel(t, bot, "club_j")

	// Only admins make links.
	_, err := dan.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: resolveChannel(t, dan, "club_j")})
	wantRPC(t, err, world.ErrChatAdminRequired)
	_, err = owner.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: clubOwner, RequestNeeded: true, UsageLimit: tl.Some[int32](5)})
	wantRPC(t, err, &RPCError{Code: 400, Message: "USAGE_LIMIT_INVALID"})
	link, err := owner.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: clubOwner, RequestNeeded: true, Title: someStr("apply")})
	if err != nil {
		t.Fatal(err)
	}
	inv := link.(*tg.ChatInviteExported)
	hash := strings.TrimPrefix(inv.Link, "https://t.me/+")
	if !inv.RequestNeeded || inv.AdminID != owner.id || hash == inv.Link {
		t.Fatalf("link %+v", inv)
	}

	ci, err := dan.api.MessagesCheckChatInvite(ctx(), &tg.MessagesCheckChatInviteRequest{Hash: hash})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := ci.(*tg.ChatInvite); !ok || !c.RequestNeeded || !c.Megagroup || c.Title != "Club" || c.ParticipantsCount != 2 {
		t.Fatalf("check before joining: %+v", ci)
	}
	_, err = dan.api.MessagesCheckChatInvite(ctx(), &tg.MessagesCheckChatInviteRequest{Hash: "nope"})
	wantRPC(t, err, &RPCError{Code: 400, Message: "INVITE_HASH_INVALID"})

	// Dan asks to join: the request is sent, the admin bot hears it with a qts.
	_, err = dan.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
	wantRPC(t, err, &RPCError{Code: 400, Message: "INVITE_REQUEST_SENT"})
	req := waitFor[*tg.UpdateBotChatInviteRequester](t, bot)
	if req.UserID != dan.id || req.Qts != 1 || req.Invite.(*tg.ChatInviteExported).Link != inv.Link {
		t.Fatalf("bot got %+v", req)
	}
	pending := waitFor[*tg.UpdatePendingJoinRequests](t, owner)
	if pending.RequestsPending != 1 || len(pending.RecentRequesters) != 1 || pending.RecentRequesters[0] != dan.id {
		t.Fatalf("owner sees %+v", pending)
	}
	_, err = dan.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
	wantRPC(t, err, &RPCError{Code: 400, Message: "INVITE_REQUEST_SENT"})
	_, err = eve.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
	wantRPC(t, err, &RPCError{Code: 400, Message: "INVITE_REQUEST_SENT"})
	waitFor[*tg.UpdateBotChatInviteRequester](t, bot)

	// The bot approves Dan (it knows him from the update) and dismisses Eve.
	danForBot := inputUser(bot.peerOf(dan))
	res, err := bot.api.MessagesHideChatJoinRequest(ctx(), &tg.MessagesHideChatJoinRequestRequest{Approved: true, Peer: clubBot, UserID: danForBot})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := res.(*tg.Updates); !ok {
		t.Fatalf("hide answered %T", res)
	}
	if u := waitFor[*tg.UpdateChannel](t, dan); u.ChannelID != clubBot.ChannelID {
		t.Fatalf("dan got %+v", u)
	}
	if u := waitFor[*tg.UpdateNewChannelMessage](t, owner); !isAction[*tg.MessageActionChatJoinedByRequest](u.Message) {
		t.Fatalf("owner sees %+v", u.Message)
	}
	if _, err := dan.api.ChannelsGetParticipant(ctx(), &tg.ChannelsGetParticipantRequest{
		Channel: inputChannel(resolveChannel(t, dan, "club_j")), Participant: &tg.InputPeerSelf{},
	}); err != nil {
		t.Fatalf("dan is not a member: %v", err)
	}
	_, err = bot.api.MessagesHideChatJoinRequest(ctx(), &tg.MessagesHideChatJoinRequestRequest{Approved: true, Peer: clubBot, UserID: danForBot})
	wantRPC(t, err, &RPCError{Code: 400, Message: "HIDE_REQUESTER_MISSING"})
	if ci, err := dan.api.MessagesCheckChatInvite(ctx(), &tg.MessagesCheckChatInviteRequest{Hash: hash}); err != nil {
		t.Fatal(err)
	} else if _, ok := ci.(*tg.ChatInviteAlready); !ok {
		t.Fatalf("check after joining: %T", ci)
	}
	_, err = dan.api.MessagesHideChatJoinRequest(ctx(), &tg.MessagesHideChatJoinRequestRequest{Peer: resolveChannel(t, dan, "club_j"), UserID: &tg.InputUserSelf{}})
	wantRPC(t, err, world.ErrChatAdminRequired)

	// Plain links join at once; bad hashes are refused.
	plain, err := bot.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: clubBot})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eve.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{
		Hash: strings.TrimPrefix(plain.(*tg.ChatInviteExported).Link, "https://t.me/+"),
	}); err != nil {
		t.Fatal(err)
	}
	if u := waitFor[*tg.UpdateNewChannelMessage](t, owner); !isAction[*tg.MessageActionChatJoinedByLink](u.Message) {
		t.Fatalf("owner sees %+v", u.Message)
	}
	_, err = eve.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: "nope"})
	wantRPC(t, err, &RPCError{Code: 400, Message: "INVITE_HASH_INVALID"})
	_, err = eve.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{})
	wantRPC(t, err, &RPCError{Code: 400, Message: "INVITE_HASH_EMPTY"})
	_, err = bot.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
	wantRPC(t, err, world.ErrBotMethodInvalid)
}

// isAction reports whether m is a service message with an action of type T.
func isAction[T tg.MessageActionClass](m tg.MessageClass) bool {
	s, ok := m.(*tg.MessageService)
	if !ok {
		return false
	}
	_, ok = s.Action.(T)
	return ok
}
