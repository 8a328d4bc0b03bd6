package mtgo_test

import (
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EChatMemberBannedAndPromoted checks that an admin bot hears, as OnChatMember values
// with the old and new status, of a member its owner bans and of one the owner promotes.
func TestE2EChatMemberBannedAndPromoted(t *testing.T) {
	cl := cluster(t)
	b, bot := e2eBot(t, cl, "e2e_guard_bot")
	members := make(chan *types.ChatMemberUpdated, 8)
	b.OnChatMember(func(_ *mtgo.Context, m *types.ChatMemberUpdated) error { members <- m; return nil })

	owner, ownerUser := e2eUser(t, cl, world.UserSpec{FirstName: "Owner", Phone: "15551120"})
	spamClient, spammer := e2eUser(t, cl, world.UserSpec{FirstName: "Spam", Phone: "15551121"})
	helpClient, helper := e2eUser(t, cl, world.UserSpec{FirstName: "Help", Phone: "15551122"})
	heard := make(chan *types.Message, 4)
	owner.OnMessage(func(_ *mtgo.Context, m *types.Message) error { heard <- m; return nil })
	if _, err := cl.World().CreateChannel(ownerUser.ID, world.ChannelSpec{
		Title: "Guarded", Username: "e2e_guarded", Megagroup: true,
		Members: []int64{bot.ID, spammer.ID, helper.ID}, Admins: []int64{bot.ID},
	}); err != nil {
		t.Fatal(err)
	}
	peer, err := owner.ResolvePeer(ctxT(t), "@e2e_guarded")
	if err != nil {
		t.Fatal(err)
	}
	ch := peer.(*tg.InputPeerChannel)
	channel := &tg.InputChannel{ChannelID: ch.ChannelID, AccessHash: ch.AccessHash}
	// The owner meets the members (and their access hashes) through their messages.
	for _, c := range []*testClient{spamClient, helpClient} {
		if _, err := c.SendMessage(ctxT(t), "@e2e_guarded", "hello"); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		recv(t, heard, "a member's message")
	}
	userOf := func(id int64) tg.InputUserClass {
		p, err := owner.ResolvePeer(ctxT(t), id)
		if err != nil {
			t.Fatal(err)
		}
		u := p.(*tg.InputPeerUser)
		return &tg.InputUser{UserID: u.UserID, AccessHash: u.AccessHash}
	}
	spamPeer, err := owner.ResolvePeer(ctxT(t), spammer.ID)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := owner.InvokeContext(ctxT(t), &tg.ChannelsEditBannedRequest{
		Channel: channel, Participant: spamPeer, BannedRights: tg.ChatBannedRights{ViewMessages: true},
	}, 0, 0); err != nil {
		t.Fatal(err)
	}
	wantChange(t, members, spammer.ID, ownerUser.ID, types.MemberMember, types.MemberBanned)

	if _, err := owner.InvokeContext(ctxT(t), &tg.ChannelsEditAdminRequest{
		Channel: channel, UserID: userOf(helper.ID), AdminRights: tg.ChatAdminRights{DeleteMessages: true},
	}, 0, 0); err != nil {
		t.Fatal(err)
	}
	wantChange(t, members, helper.ID, ownerUser.ID, types.MemberMember, types.MemberAdministrator)
}

// wantChange reads member updates until the one of user, and checks it.
func wantChange(t *testing.T, members <-chan *types.ChatMemberUpdated, user, actor int64, from, to types.MemberStatus) {
	t.Helper()
	for {
		m := recv(t, members, "member update")
		if m.User == nil || m.User.ID != user {
			continue
		}
		if m.Old != from || m.New != to || m.Actor == nil || m.Actor.ID != actor || m.Chat == nil {
			t.Fatalf("member update of %d = %+v (%v -> %v), want %v -> %v by %d", user, m, m.Old, m.New, from, to, actor)
		}
		return
	}
}
