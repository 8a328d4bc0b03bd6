package mtgo_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// chatUsers starts n people on cl, named and reachable by username (chatuser_<prefix><i>).
func chatUsers(t *testing.T, cl *teletest.Cluster, prefix string, names ...string) ([]*testClient, []world.User) {
	t.Helper()
	var cs []*testClient
	var us []world.User
	for i, name := range names {
		c, u := e2eUser(t, cl, world.UserSpec{
			FirstName: name, Username: "chatuser_" + prefix + name, Phone: "1555140" + prefix + string(rune('0'+i)),
		})
		cs, us = append(cs, c), append(us, u)
	}
	return cs, us
}

// channelNews signals, with the channel's Bot API id, each new message in a channel c
// receives (after c learned the channel from it): a member added by someone else waits for
// the service message announcing it before it names the chat by id.
func channelNews(c *testClient) <-chan int64 {
	out := make(chan int64, 64)
	c.OnRawUpdate(func(_ *mtgo.Context, u tg.UpdateClass) error {
		x, ok := u.(*tg.UpdateNewChannelMessage)
		if !ok {
			return nil
		}
		var peer tg.PeerClass
		switch m := x.Message.(type) {
		case *tg.Message:
			peer = m.PeerID
		case *tg.MessageService:
			peer = m.PeerID
		}
		if p, ok := peer.(*tg.PeerChannel); ok {
			select {
			case out <- types.ChannelChatID(p.ChannelID):
			default:
			}
		}
		return nil
	})
	return out
}

// waitChannel reads news until chat's.
func waitChannel(t *testing.T, news <-chan int64, chat int64) {
	t.Helper()
	for recv(t, news, "news of the chat") != chat {
	}
}

// at returns "@username" of u.
func at(u world.User) string { return "@" + u.Username }

// wantRPCType fails unless err is the RPC error typ.
func wantRPCType(t *testing.T, what string, err error, typ string) {
	t.Helper()
	if !rpcerr.IsType(err, typ) {
		t.Fatalf("%s: err = %v, want %s", what, err, typ)
	}
}

// drain drains an iterator.
func drain[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// TestE2EChatSentinels triggers each chat sentinel of the API page: GetChat on a user,
// joins with neither a username nor an invite, an answer without the chat, and bans,
// unbans and restrictions in a basic group.
func TestE2EChatSentinels(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "1", "owner", "member")
	owner := cs[0]
	grp, err := cl.World().CreateChat(us[0].ID, "basic", us[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := cl.World().CreateChannel(us[0].ID, world.ChannelSpec{Title: "open", Megagroup: true})
	if err != nil {
		t.Fatal(err)
	}
	basic := -grp.ID
	if _, err := owner.ResolvePeer(ctxT(t), at(us[1])); err != nil {
		t.Fatal(err)
	}
	// An answer to importChatInvite without the chat.
	cl.Dispatcher().Use(func(next services.Handler) services.Handler {
		return func(ctx context.Context, c *services.Caller, req tl.Object) (tl.Encoder, error) {
			if _, ok := req.(*tg.MessagesImportChatInviteRequest); ok {
				return &tg.MessagesChatInviteJoinResultOk{Updates: &tg.Updates{Updates: []tg.UpdateClass{}, Users: []tg.UserClass{}, Chats: []tg.ChatClass{}, Date: 1}}, nil
			}
			return next(ctx, c, req)
		}
	})
	_ = ch
	tests := []struct {
		name string
		call func(ctx context.Context) error
		want error
	}{
		{"GetChat on a user", func(ctx context.Context) error { _, err := owner.GetChat(ctx, at(us[1])); return err }, mtgo.ErrGetChatNotChat},
		{"JoinChat empty", func(ctx context.Context) error { _, err := owner.JoinChat(ctx, ""); return err }, mtgo.ErrJoinRequiresInvite},
		{"JoinChat neither", func(ctx context.Context) error { _, err := owner.JoinChat(ctx, "not a link!"); return err }, mtgo.ErrJoinRequiresInvite},
		{"JoinChat answer without chat", func(ctx context.Context) error {
			_, err := owner.JoinChat(ctx, "https://t.me/+abcdef0123")
			return err
		}, mtgo.ErrJoinNoInfo},
		{"BanChatMember in a basic group", func(ctx context.Context) error { return owner.BanChatMember(ctx, basic, at(us[1])) }, mtgo.ErrBanSupergroupOnly},
		{"UnbanChatMember in a basic group", func(ctx context.Context) error { return owner.UnbanChatMember(ctx, basic, at(us[1])) }, mtgo.ErrUnbanSupergroupOnly},
		{"RestrictChatMember in a basic group", func(ctx context.Context) error {
			return owner.RestrictChatMember(ctx, basic, at(us[1]), types.ChatPermissions{}, time.Time{})
		}, mtgo.ErrRestrictSupergroupOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(ctxT(t)); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	// In a basic group a member is removed with KickChatMember instead.
	if err := owner.KickChatMember(ctxT(t), basic, at(us[1])); err != nil {
		t.Fatal(err)
	}
	if m, err := owner.GetChatMember(ctxT(t), basic, at(us[1])); err != nil || m.Status != types.MemberLeft {
		t.Fatalf("kicked member = %+v, %v", m, err)
	}
}

// TestE2EChatCreateAndSettings: a person creates a supergroup, adds two people, changes its
// settings, and everyone sees them through GetFullChat; the settings are enforced on the
// members (no text with send_plain off) and edits need the right (CHAT_ADMIN_REQUIRED).
func TestE2EChatCreateAndSettings(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "2", "owner", "ann", "bob")
	owner, ann := cs[0], cs[1]
	ctx := ctxT(t)
	annNews, bobNews := channelNews(ann), channelNews(cs[2])
	sg, err := owner.CreateSupergroup(ctx, "Builders", "we build")
	if err != nil {
		t.Fatal(err)
	}
	if sg.Type != types.ChatSupergroup || sg.Title != "Builders" {
		t.Fatalf("created %+v", sg)
	}
	if err := owner.AddChatMember(ctx, sg, at(us[1]), at(us[2])); err != nil {
		t.Fatal(err)
	}
	waitChannel(t, annNews, sg.ID)
	waitChannel(t, bobNews, sg.ID)
	steps := []struct {
		name string
		do   func() error
	}{
		{"title", func() error { return owner.SetChatTitle(ctx, sg, "Builders 2") }},
		{"description", func() error { return owner.SetChatDescription(ctx, sg, "we build things") }},
		{"permissions", func() error {
			p := types.AllPermissions()
			p.SendPlain = false
			return owner.SetChatPermissions(ctx, sg, p)
		}},
		{"slow mode", func() error { return owner.SetSlowMode(ctx, sg, 30*time.Second) }},
		{"protected content", func() error { return owner.SetProtectedContent(ctx, sg, true) }},
		{"ttl", func() error { return owner.SetChatTTL(ctx, sg, 24*time.Hour) }},
		{"reactions", func() error { return owner.SetChatAvailableReactions(ctx, sg, []string{"👍", "🔥"}, false, false) }},
		{"history hidden", func() error { return owner.SetChatHistoryHidden(ctx, sg, true) }},
		{"username", func() error { return owner.SetChatUsername(ctx, sg, "builders_club") }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	full, err := ann.GetFullChat(ctx, sg.ID)
	if err != nil {
		t.Fatal(err)
	}
	noPlain := types.AllPermissions()
	noPlain.SendPlain = false
	got := struct {
		Title, Description, Username string
		Members                      int
		SlowMode, TTL                time.Duration
		Reactions                    []string
		Permissions                  *types.ChatPermissions
		Hidden, Protected            bool
	}{full.Chat.Title, full.Description, full.Chat.Username, full.MembersCount, full.SlowMode, full.TTL, full.AvailableReactions, full.Permissions, full.HiddenHistory, full.Chat.Raw.(*tg.Channel).Noforwards}
	want := got
	want.Title, want.Description, want.Username, want.Members = "Builders 2", "we build things", "builders_club", 3
	want.SlowMode, want.TTL, want.Reactions, want.Permissions = 30*time.Second, 24*time.Hour, []string{"👍", "🔥"}, &noPlain
	want.Hidden, want.Protected = true, true
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("full chat (-want +got):\n%s", diff)
	}
	// The settings hold: no text from members, no edits without the right.
	_, err = ann.SendMessage(ctx, sg.ID, "hello")
	wantRPCType(t, "text without send_plain", err, "CHAT_SEND_PLAIN_FORBIDDEN")
	wantRPCType(t, "member edits the title", ann.SetChatTitle(ctx, sg.ID, "mine"), "CHAT_ADMIN_REQUIRED")
	rule, err := owner.SendMessage(ctx, sg, "admins may")
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.PinChatMessage(ctx, sg, rule.ID); err != nil {
		t.Fatal(err)
	}
	if full, err := ann.GetFullChat(ctx, sg.ID); err != nil || full.PinnedMessageID != rule.ID {
		t.Fatalf("pinned message %d, %v; want %d", full.PinnedMessageID, err, rule.ID)
	}
	// A private chat is described by GetFullChat too (GetChat refuses users).
	if full, err := ann.GetFullChat(ctx, at(us[0])); err != nil || full.Chat.Type != types.ChatPrivate || full.Chat.ID != us[0].ID {
		t.Fatalf("private chat full info %+v, %v", full, err)
	}
	// GetChat by the public username and by id; count and online count.
	for _, ref := range []any{"@builders_club", sg.ID} {
		c, err := cs[2].GetChat(ctx, ref)
		if err != nil || c.ID != sg.ID {
			t.Fatalf("GetChat(%v) = %+v, %v", ref, c, err)
		}
	}
	if n, err := ann.GetChatMembersCount(ctx, sg.ID); err != nil || n != 3 {
		t.Fatalf("members count = %d, %v", n, err)
	}
	if _, err := ann.GetChatOnlineCount(ctx, sg.ID); err != nil {
		t.Fatal(err)
	}
	// A basic group and a channel too.
	grp, err := owner.CreateGroup(ctx, "Friends", at(us[1]))
	if err != nil || grp.Type != types.ChatGroup {
		t.Fatalf("group %+v, %v", grp, err)
	}
	if full, err := ann.GetFullChat(ctx, grp.ID); err != nil || full.MembersCount != 2 {
		t.Fatalf("group full %+v, %v", full, err)
	}
	chn, err := owner.CreateChannel(ctx, "News", "", false)
	if err != nil || chn.Type != types.ChatChannel {
		t.Fatalf("channel %+v, %v", chn, err)
	}
	if err := owner.DeleteChat(ctx, chn); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.GetChat(ctx, chn); err == nil {
		t.Fatal("deleted channel still there")
	}
	if err := cs[2].LeaveChat(ctx, sg.ID); err != nil {
		t.Fatal(err)
	}
	if m, err := owner.GetChatMember(ctx, sg, at(us[2])); err == nil && m.Status != types.MemberLeft {
		t.Fatalf("left member %+v", m)
	}
}

// TestE2EChatAdministration: an owner, an admin who may only delete messages, a member and
// a bot in a supergroup. Ban rights are enforced, restrictions and bans show in the members'
// statuses and filters, a banned person cannot come back, and the event log lists it all.
func TestE2EChatAdministration(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "3", "owner", "mod", "joe")
	owner, mod, joe := cs[0], cs[1], cs[2]
	_, bot := e2eBot(t, cl, "chats_admin_bot")
	ctx := ctxT(t)
	ch, err := cl.World().CreateChannel(us[0].ID, world.ChannelSpec{
		Title: "Guild", Username: "chat_guild", Megagroup: true, Members: []int64{us[1].ID, us[2].ID, bot.ID},
	})
	if err != nil {
		t.Fatal(err)
	}
	sg := types.ChannelChatID(ch.ID)
	if _, err := owner.ResolvePeer(ctx, "@chat_guild"); err != nil {
		t.Fatal(err)
	}
	if err := owner.PromoteChatMember(ctx, sg, at(us[1]), types.AdminRights{DeleteMessages: true, PinMessages: true}); err != nil {
		t.Fatal(err)
	}
	if err := owner.SetAdministratorTitle(ctx, sg, at(us[1]), "janitor"); err != nil {
		t.Fatal(err)
	}
	if _, err := mod.ResolvePeer(ctx, "@chat_guild"); err != nil {
		t.Fatal(err)
	}
	wantRPCType(t, "admin without ban rights bans", mod.BanChatMember(ctx, sg, at(us[2])), "CHAT_ADMIN_REQUIRED")

	until := time.Unix(cl.Now().Add(time.Hour).Unix(), 0)
	perms := types.AllPermissions()
	perms.SendPlain = false
	if err := owner.RestrictChatMember(ctx, sg, at(us[2]), perms, until); err != nil {
		t.Fatal(err)
	}
	if _, err := joe.ResolvePeer(ctx, "@chat_guild"); err != nil {
		t.Fatal(err)
	}
	_, err = joe.SendMessage(ctx, sg, "can I talk?")
	wantRPCType(t, "restricted member sends text", err, "CHAT_SEND_PLAIN_FORBIDDEN")

	type status struct {
		Status      types.MemberStatus
		Title       string
		Rights      *types.AdminRights
		Permissions *types.ChatPermissions
		Until       time.Time
	}
	tests := []struct {
		who  string
		want status
	}{
		{at(us[0]), status{Status: types.MemberOwner, Rights: chatPtr(types.AdminRightsFrom(fullRights()))}},
		{at(us[1]), status{Status: types.MemberAdministrator, Title: "janitor", Rights: &types.AdminRights{DeleteMessages: true, PinMessages: true}}},
		{at(us[2]), status{Status: types.MemberRestricted, Permissions: &perms, Until: until}},
		{"@" + bot.Username, status{Status: types.MemberMember}},
	}
	for _, tt := range tests {
		t.Run(tt.who, func(t *testing.T) {
			m, err := owner.GetChatMember(ctxT(t), sg, tt.who)
			if err != nil {
				t.Fatal(err)
			}
			got := status{m.Status, m.Title, m.AdminRights, m.Permissions, m.Until}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("member (-want +got):\n%s", diff)
			}
		})
	}

	// The ban: joe is out, and stays out by username and by link.
	link, err := owner.CreateChatInviteLink(ctx, sg, types.InviteLinkSpec{Title: "door"})
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.BanChatMember(ctx, sg, at(us[2]), mtgo.WithRevokeMessages()); err != nil {
		t.Fatal(err)
	}
	_, err = joe.JoinChat(ctx, "@chat_guild")
	wantRPCType(t, "banned joins by username", err, "CHANNEL_PRIVATE")
	_, err = joe.JoinChat(ctx, link.Link)
	wantRPCType(t, "banned joins by link", err, "USER_BANNED_IN_CHANNEL")

	names := func(ms []*types.ChatMember) []int64 {
		var out []int64
		for _, m := range ms {
			out = append(out, m.User.ID)
		}
		return out
	}
	filters := []struct {
		name   string
		filter types.MemberFilter
		want   []int64
	}{
		{"admins", types.MemberFilter{Kind: types.MembersAdmins}, []int64{us[0].ID, us[1].ID}},
		{"bots", types.MemberFilter{Kind: types.MembersBots}, []int64{bot.ID}},
		{"banned", types.MemberFilter{Kind: types.MembersBanned}, []int64{us[2].ID}},
		{"restricted", types.MemberFilter{Kind: types.MembersRestricted}, nil},
		{"search", types.MemberFilter{Kind: types.MembersSearch, Query: "mod"}, []int64{us[1].ID}},
		{"contacts", types.MemberFilter{Kind: types.MembersContacts}, []int64{us[1].ID}},
		{"mentions", types.MemberFilter{Kind: types.MembersMentions, Query: "mod"}, []int64{us[1].ID}},
		{"all", types.MemberFilter{}, []int64{us[0].ID, us[1].ID, bot.ID}},
	}
	if err := owner.AddContact(ctx, at(us[1]), "Mod", "", "", false); err != nil {
		t.Fatal(err)
	}
	for _, f := range filters {
		t.Run(f.name, func(t *testing.T) {
			got := names(drain(t, owner.GetChatMembers(ctxT(t), sg, f.filter)))
			slices.Sort(got)
			if diff := cmp.Diff(f.want, got); diff != "" {
				t.Fatalf("members (-want +got):\n%s", diff)
			}
		})
	}

	// The event log: the promotion, the restriction and the ban, newest first.
	var kinds []string
	for ev, err := range owner.GetChatEventLog(ctx, sg, types.ChatEventFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, ev.Action.TypeName())
	}
	wantKinds := []string{
		"channelAdminLogEventActionParticipantToggleBan", "channelAdminLogEventActionParticipantToggleBan",
		"channelAdminLogEventActionParticipantToggleAdmin", "channelAdminLogEventActionParticipantToggleAdmin",
	}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Fatalf("event log (-want +got):\n%s", diff)
	}
	bans := drain(t, owner.GetChatEventLog(ctx, sg, types.ChatEventFilter{Kinds: tg.ChannelAdminLogEventsFilter{Ban: true}}))
	if len(bans) != 2 || bans[0].Member == nil || bans[0].Member.Status != types.MemberBanned {
		t.Fatalf("ban events %+v", bans)
	}
	// Another admin reads it too, narrowed to the owner's actions.
	if byOwner := drain(t, mod.GetChatEventLog(ctx, sg, types.ChatEventFilter{Admins: []any{at(us[0])}})); len(byOwner) != 4 {
		t.Fatalf("owner's events: %d", len(byOwner))
	}

	// Unbanned, joe may come back through the link.
	if err := owner.UnbanChatMember(ctx, sg, at(us[2])); err != nil {
		t.Fatal(err)
	}
	if _, err := joe.JoinChat(ctx, link.Link); err != nil {
		t.Fatal(err)
	}
	if m, err := owner.GetChatMember(ctx, sg, at(us[2])); err != nil || m.Status != types.MemberMember {
		t.Fatalf("back: %+v, %v", m, err)
	}
}

func chatPtr[T any](v T) *T { return &v }

// fullRights are the rights of a channel's owner in the test world.
func fullRights() tg.ChatAdminRights {
	return tg.ChatAdminRights{
		ChangeInfo: true, PostMessages: true, EditMessages: true, DeleteMessages: true,
		BanUsers: true, InviteUsers: true, PinMessages: true, AddAdmins: true, ManageCall: true,
		PostStories: true, EditStories: true, DeleteStories: true,
	}
}

// TestE2EChatInviteLinks: links with a usage limit (the second joiner finds it expired),
// edits, revocation, deletion, the joiners of a link, and a link needing approval whose
// requests are listed and approved in bulk.
func TestE2EChatInviteLinks(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "4", "owner", "first", "second", "third")
	owner, first, second, third := cs[0], cs[1], cs[2], cs[3]
	ctx := ctxT(t)
	sg, err := owner.CreateSupergroup(ctx, "Club", "")
	if err != nil {
		t.Fatal(err)
	}
	primary, err := owner.ExportChatInviteLink(ctx, sg)
	if err != nil {
		t.Fatal(err)
	}
	if full, err := owner.GetFullChat(ctx, sg); err != nil || full.InviteLink != primary {
		t.Fatalf("full chat link %q, want %q (%v)", full.InviteLink, primary, err)
	}
	once, err := owner.CreateChatInviteLink(ctx, sg, types.InviteLinkSpec{Title: "once", UsageLimit: 1, Expires: cl.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if once.Title != "once" || once.UsageLimit != 1 || once.Creator.ID != us[0].ID || once.Primary {
		t.Fatalf("created link %+v", once)
	}
	joined, err := first.JoinChat(ctx, once.Link)
	if err != nil || joined.ID != sg.ID {
		t.Fatalf("join = %+v, %v", joined, err)
	}
	_, err = second.JoinChat(ctx, once.Link)
	wantRPCType(t, "used-up link", err, "INVITE_HASH_EXPIRED")
	joiners := drain(t, owner.GetChatInviteLinkJoiners(ctx, sg, once.Link))
	if len(joiners) != 1 || joiners[0].User.ID != us[1].ID {
		t.Fatalf("joiners %+v", joiners)
	}

	edited, err := owner.EditChatInviteLink(ctx, sg, once.Link, types.InviteLinkSpec{Title: "used", UsageLimit: 5})
	if err != nil || edited.Title != "used" || edited.UsageLimit != 5 || edited.Usage != 1 {
		t.Fatalf("edited %+v, %v", edited, err)
	}
	revoked, err := owner.RevokeChatInviteLink(ctx, sg, once.Link)
	if err != nil || !revoked.Revoked {
		t.Fatalf("revoked %+v, %v", revoked, err)
	}
	_, err = second.JoinChat(ctx, once.Link)
	wantRPCType(t, "revoked link", err, "INVITE_HASH_EXPIRED")
	old := drain(t, owner.GetChatAdminInviteLinks(ctx, sg, "me", true))
	if len(old) != 1 || old[0].Link != once.Link {
		t.Fatalf("revoked links %+v", old)
	}
	if err := owner.DeleteChatInviteLink(ctx, sg, once.Link); err != nil {
		t.Fatal(err)
	}
	if left := drain(t, owner.GetChatAdminInviteLinks(ctx, sg, "me", true)); len(left) != 0 {
		t.Fatalf("revoked links after delete %+v", left)
	}

	// Approval: two requests, listed, approved together.
	gate, err := owner.CreateChatInviteLink(ctx, sg, types.InviteLinkSpec{Title: "gate", RequiresApproval: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*testClient{second, third} {
		_, err := c.JoinChat(ctx, gate.Hash())
		wantRPCType(t, "join request", err, "INVITE_REQUEST_SENT")
	}
	var asked []int64
	for j, err := range owner.GetChatJoinRequests(ctx, sg, "") {
		if err != nil {
			t.Fatal(err)
		}
		if !j.Requested {
			t.Fatalf("request %+v", j)
		}
		asked = append(asked, j.User.ID)
	}
	slices.Sort(asked)
	if diff := cmp.Diff([]int64{us[2].ID, us[3].ID}, asked); diff != "" {
		t.Fatalf("requests (-want +got):\n%s", diff)
	}
	if err := owner.ApproveAllChatJoinRequests(ctx, sg, gate.Link); err != nil {
		t.Fatal(err)
	}
	if n, err := owner.GetChatMembersCount(ctx, sg); err != nil || n != 4 {
		t.Fatalf("members after approval = %d, %v", n, err)
	}
	links := drain(t, owner.GetChatAdminInviteLinks(ctx, sg, "me", false))
	if len(links) != 2 { // the primary link and the gate
		t.Fatalf("working links %+v", links)
	}
	paid, err := owner.CreateChatInviteLink(ctx, sg, types.InviteLinkSpec{Title: "paid", SubscriptionPeriod: 30 * 24 * time.Hour, SubscriptionStars: 50})
	if err != nil || paid.SubscriptionStars != 50 || paid.SubscriptionPeriod != 30*24*time.Hour {
		t.Fatalf("subscription link %+v, %v", paid, err)
	}
	admins, err := owner.GetChatAdminsWithInvites(ctx, sg)
	if err != nil || len(admins) != 1 || admins[0].Links != 3 {
		t.Fatalf("admins with invites %+v, %v", admins, err)
	}
}

// TestE2EMigrateChat: a basic group becomes a supergroup; the old id goes on working for the
// caller, and the members are there.
func TestE2EMigrateChat(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "5", "owner", "pal")
	owner := cs[0]
	ctx := ctxT(t)
	grp, err := owner.CreateGroup(ctx, "Small", at(us[1]))
	if err != nil {
		t.Fatal(err)
	}
	wantRPCType(t, "member migrates", func() error { _, err := cs[1].MigrateChat(ctx, grp.ID); return err }(), "CHAT_ADMIN_REQUIRED")
	// The basic group's rules hold there and move to the supergroup with its admins.
	noText := types.AllPermissions()
	noText.SendPlain = false
	if err := owner.SetChatPermissions(ctx, grp, noText); err != nil {
		t.Fatal(err)
	}
	_, err = cs[1].SendMessage(ctx, grp.ID, "hi")
	wantRPCType(t, "text in the basic group", err, "CHAT_SEND_PLAIN_FORBIDDEN")
	if err := owner.PromoteChatMember(ctx, grp, at(us[1]), types.AdminRights{BanUsers: true}); err != nil {
		t.Fatal(err)
	}
	if m, err := owner.GetChatMember(ctx, grp, at(us[1])); err != nil || m.Status != types.MemberAdministrator {
		t.Fatalf("pal in the group = %+v, %v", m, err)
	}
	palNews := channelNews(cs[1])
	sg, err := owner.MigrateChat(ctx, grp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sg.Type != types.ChatSupergroup || sg.Title != "Small" {
		t.Fatalf("migrated to %+v", sg)
	}
	// The old id now names the supergroup.
	c, err := owner.GetChat(ctx, grp.ID)
	if err != nil || c.ID != sg.ID {
		t.Fatalf("GetChat(old id) = %+v, %v", c, err)
	}
	m, err := owner.SendMessage(ctx, grp.ID, "bigger now")
	if err != nil || m.Chat.ID != sg.ID {
		t.Fatalf("sent to the old id: %+v, %v", m, err)
	}
	full, err := owner.GetFullChat(ctx, sg)
	if err != nil || full.MigratedFromChatID != grp.ID || full.MembersCount != 2 {
		t.Fatalf("full %+v, %v", full, err)
	}
	if diff := cmp.Diff(&noText, full.Permissions); diff != "" {
		t.Fatalf("permissions after migration (-want +got):\n%s", diff)
	}
	if m, err := owner.GetChatMember(ctx, sg, at(us[1])); err != nil || m.Status != types.MemberAdministrator {
		t.Fatalf("pal = %+v, %v", m, err)
	}
	// pal learns the supergroup from its first message; admins may still write.
	waitChannel(t, palNews, sg.ID)
	if _, err := cs[1].SendMessage(ctx, sg.ID, "admin text"); err != nil {
		t.Fatal(err)
	}
	// pal's client follows the migration when it looks the old group up.
	if c, err := cs[1].GetChat(ctx, grp.ID); err != nil || c.ID != sg.ID {
		t.Fatalf("pal: GetChat(old id) = %+v, %v", c, err)
	}
	if m, err := cs[1].SendMessage(ctx, grp.ID, "via the old id"); err != nil || m.Chat.ID != sg.ID {
		t.Fatalf("pal sent to the old id: %+v, %v", m, err)
	}
}

// TestE2EForumTopics: topics created, edited, closed, pinned and deleted; General hidden;
// the list in order; a member may not close someone else's topic.
func TestE2EForumTopics(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "6", "owner", "ann")
	owner, ann := cs[0], cs[1]
	ctx := ctxT(t)
	forum, err := owner.CreateForum(ctx, "Forum", "topics")
	if err != nil {
		t.Fatal(err)
	}
	if !forum.IsForum {
		t.Fatalf("forum %+v", forum)
	}
	annNews := channelNews(ann)
	if err := owner.AddChatMember(ctx, forum, at(us[1])); err != nil {
		t.Fatal(err)
	}
	waitChannel(t, annNews, forum.ID)
	news, err := owner.CreateForumTopic(ctx, forum, mtgo.TopicSpec{Title: "News", IconColor: 0x6FB9F0})
	if err != nil {
		t.Fatal(err)
	}
	chat, err := ann.CreateForumTopic(ctx, forum.ID, mtgo.TopicSpec{Title: "Chat"})
	if err != nil {
		t.Fatal(err)
	}
	if news.Title != "News" || !news.My || chat.ID <= news.ID {
		t.Fatalf("topics %+v %+v", news, chat)
	}
	// The topic cache: created topics are there; a rename drops the entry and GetForumTopic
	// fetches the new title; another member fetches by id.
	if got, ok := owner.CachedForumTopic(forum.ID, news.ID); !ok || got.Title != "News" {
		t.Fatalf("cached topic %+v, %v", got, ok)
	}
	wantRPCType(t, "member closes another's topic", ann.CloseForumTopic(ctx, forum.ID, news.ID), "CHAT_ADMIN_REQUIRED")
	steps := []struct {
		name string
		do   func() error
	}{
		{"rename", func() error { return owner.EditForumTopic(ctx, forum, news.ID, mtgo.TopicSpec{Title: "Announcements"}) }},
		{"close", func() error { return owner.CloseForumTopic(ctx, forum, chat.ID) }},
		{"reopen", func() error { return owner.ReopenForumTopic(ctx, forum, chat.ID) }},
		{"close again", func() error { return ann.CloseForumTopic(ctx, forum.ID, chat.ID) }},
		{"pin", func() error { return owner.PinForumTopic(ctx, forum, news.ID, true) }},
		{"hide general", func() error { return owner.HideGeneralTopic(ctx, forum, true) }},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	if _, ok := owner.CachedForumTopic(forum.ID, news.ID); ok {
		t.Fatal("a renamed topic is still cached")
	}
	for _, c := range []*testClient{owner, ann} {
		got, err := c.GetForumTopic(ctx, forum.ID, news.ID)
		if err != nil || got.Title != "Announcements" || !got.Pinned {
			t.Fatalf("GetForumTopic: %+v, %v", got, err)
		}
		if cached, ok := c.CachedForumTopic(forum.ID, news.ID); !ok || cached != got {
			t.Fatalf("fetched topic not cached: %+v", cached)
		}
	}
	type row struct {
		Title                  string
		Closed, Pinned, Hidden bool
	}
	var got []row
	for tp, err := range ann.GetForumTopics(ctx, forum.ID, "") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, row{tp.Title, tp.Closed, tp.Pinned, tp.Hidden})
	}
	want := []row{{"Announcements", false, true, false}, {"Chat", true, false, false}, {"General", false, false, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("topics (-want +got):\n%s", diff)
	}
	if found := drain(t, ann.GetForumTopics(ctx, forum.ID, "chat")); len(found) != 1 || found[0].ID != chat.ID {
		t.Fatalf("search %+v", found)
	}
	if err := owner.DeleteForumTopic(ctx, forum, news.ID); err != nil {
		t.Fatal(err)
	}
	if left := drain(t, ann.GetForumTopics(ctx, forum.ID, "")); len(left) != 2 {
		t.Fatalf("after delete %d topics", len(left))
	}
	if _, err := owner.GetForumTopic(ctx, forum, news.ID); !errors.Is(err, mtgo.ErrTopicNotFound) {
		t.Fatalf("deleted topic: %v, want ErrTopicNotFound", err)
	}
}

// TestE2EDialogsAndFolders: the chat list of a person with three chats: a pinned one first,
// an archived one in the archive only, unread counts and marks, mutes; and folders created,
// listed, reordered and deleted.
func TestE2EDialogsAndFolders(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "7", "me", "amy", "ben", "cat")
	me := cs[0]
	ctx := ctxT(t)
	got := make(chan *types.Message, 8)
	me.OnMessage(func(_ *mtgo.Context, m *types.Message) error { got <- m; return nil })
	for i, c := range cs[1:] {
		for range i + 1 {
			if _, err := c.SendMessage(ctx, at(us[0]), "hi"); err != nil {
				t.Fatal(err)
			}
			recv(t, got, "a message")
		}
	}
	if err := me.PinChat(ctx, at(us[1]), true); err != nil { // amy: oldest, pinned
		t.Fatal(err)
	}
	if err := me.ArchiveChat(ctx, at(us[2])); err != nil { // ben: archived
		t.Fatal(err)
	}
	if err := me.MarkChatUnread(ctx, at(us[1]), true); err != nil {
		t.Fatal(err)
	}
	if err := me.MuteChat(ctx, at(us[3]), time.Time{}); err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID                       int64
		Unread                   int
		Pinned, Marked, Archived bool
		Muted                    bool
		Top                      string
	}
	list := func(f mtgo.DialogFilter) []row {
		var out []row
		for d, err := range me.GetDialogs(ctx, f) {
			if err != nil {
				t.Fatal(err)
			}
			top := ""
			if d.TopMessage != nil {
				top = d.TopMessage.Text
			}
			out = append(out, row{d.Chat.ID, d.UnreadCount, d.Pinned, d.MarkedUnread, d.Archived, d.Muted, top})
		}
		return out
	}
	main := []row{
		{us[1].ID, 1, true, true, false, false, "hi"},
		{us[3].ID, 3, false, false, false, true, "hi"},
	}
	if diff := cmp.Diff(main, list(mtgo.DialogFilter{})); diff != "" {
		t.Fatalf("main list (-want +got):\n%s", diff)
	}
	archived := []row{{us[2].ID, 2, false, false, true, false, "hi"}}
	if diff := cmp.Diff(archived, list(mtgo.DialogFilter{Archived: true})); diff != "" {
		t.Fatalf("archive (-want +got):\n%s", diff)
	}
	if err := me.UnarchiveChat(ctx, at(us[2])); err != nil {
		t.Fatal(err)
	}
	if err := me.UnmuteChat(ctx, at(us[3])); err != nil {
		t.Fatal(err)
	}
	if n := len(list(mtgo.DialogFilter{ExcludePinned: true})); n != 2 {
		t.Fatalf("unpinned dialogs: %d", n)
	}

	// Folders.
	peers, err := me.ChatFolderPeers(ctx, at(us[1]), at(us[2]))
	if err != nil {
		t.Fatal(err)
	}
	work, err := me.CreateChatFolder(ctx, types.ChatFolder{Title: "Work", Emoticon: "💼", Included: peers})
	if err != nil {
		t.Fatal(err)
	}
	bots, err := me.CreateChatFolder(ctx, types.ChatFolder{Title: "Bots", Bots: true})
	if err != nil {
		t.Fatal(err)
	}
	if work != 2 || bots != 3 {
		t.Fatalf("folder ids %d %d", work, bots)
	}
	if err := me.EditChatFolder(ctx, types.ChatFolder{ID: work, Title: "Job", Included: peers[:1]}); err != nil {
		t.Fatal(err)
	}
	if err := me.ReorderChatFolders(ctx, bots, 0, work); err != nil {
		t.Fatal(err)
	}
	titles := func() []string {
		fs, err := me.GetChatFolders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range fs {
			if f.Default {
				out = append(out, "*")
				continue
			}
			out = append(out, f.Title+"/"+string(rune('0'+len(f.Included))))
		}
		return out
	}
	if diff := cmp.Diff([]string{"Bots/0", "*", "Job/1"}, titles()); diff != "" {
		t.Fatalf("folders (-want +got):\n%s", diff)
	}
	if err := me.DeleteChatFolder(ctx, bots); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"*", "Job/1"}, titles()); diff != "" {
		t.Fatalf("folders after delete (-want +got):\n%s", diff)
	}
	wantRPCType(t, "folder without chats", me.EditChatFolder(ctx, types.ChatFolder{ID: 9, Title: "Empty"}), "FILTER_INCLUDE_EMPTY")
}

// TestE2ETransferOwnership: the owner hands a supergroup over with its 2FA password (a
// wrong one is refused), and becomes an admin.
func TestE2ETransferOwnership(t *testing.T) {
	cl := cluster(t)
	owner, ou := e2eUser(t, cl, world.UserSpec{FirstName: "Boss", Username: "chatuser_boss", Phone: "15551490", Password: "hunter2"})
	heir, hu := e2eUser(t, cl, world.UserSpec{FirstName: "Heir", Username: "chatuser_heir", Phone: "15551491"})
	ctx := ctxT(t)
	sg, err := owner.CreateSupergroup(ctx, "Estate", "")
	if err != nil {
		t.Fatal(err)
	}
	news := channelNews(heir)
	if err := owner.AddChatMember(ctx, sg, at(hu)); err != nil {
		t.Fatal(err)
	}
	waitChannel(t, news, sg.ID)
	wantRPCType(t, "wrong password", owner.TransferChatOwnership(ctx, sg, at(hu), "hunter3"), "PASSWORD_HASH_INVALID")
	if err := owner.TransferChatOwnership(ctx, sg, at(hu), "hunter2"); err != nil {
		t.Fatal(err)
	}
	for who, want := range map[string]types.MemberStatus{at(hu): types.MemberOwner, at(ou): types.MemberAdministrator} {
		m, err := heir.GetChatMember(ctx, sg.ID, who)
		if err != nil || m.Status != want {
			t.Fatalf("%s: %+v, %v; want %v", who, m, err, want)
		}
	}
	wantRPCType(t, "no longer the owner", owner.TransferChatOwnership(ctx, sg, at(hu), "hunter2"), "CHAT_ADMIN_REQUIRED")
	// Without a password there is nothing to prove.
	wantErr := heir.TransferChatOwnership(ctx, sg.ID, at(ou), "x")
	if !errors.Is(wantErr, mtgo.ErrPasswordNotSet) {
		t.Fatalf("transfer without password: %v", wantErr)
	}
}

// TestE2EChannelExtras: the rest of a channel's settings, each followed by what it changed:
// photo, usernames (a collectible one activated and reordered), signatures, the discussion
// group, send-as, a link looked up and revoked links cleared, a member's history deleted
// and reported, requests declined in bulk.
func TestE2EChannelExtras(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "8", "owner", "fan")
	owner, fan := cs[0], cs[1]
	ctx := ctxT(t)
	chn, err := owner.CreateChannel(ctx, "Daily", "news", false)
	if err != nil {
		t.Fatal(err)
	}
	grp, err := owner.CreateSupergroup(ctx, "Daily chat", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := owner.SetChatUsername(ctx, chn, "daily_news"); err != nil {
		t.Fatal(err)
	}
	if err := cl.World().AddCollectibleUsername(chn.PeerID(), "daily"); err != nil {
		t.Fatal(err)
	}
	raw := func(chat any) *tg.Channel {
		t.Helper()
		c, err := owner.GetChat(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		return c.Raw.(*tg.Channel)
	}
	steps := []struct {
		name  string
		do    func() error
		check func() bool
	}{
		{"photo", func() error {
			return owner.SetChatPhoto(ctx, chn, types.InputFile{Reader: strings.NewReader("\xff\xd8 jpeg"), Name: "p.jpg", Size: 7})
		}, func() bool { _, ok := raw(chn).Photo.(*tg.ChatPhoto); return ok }},
		{"photo removed", func() error { return owner.DeleteChatPhoto(ctx, chn) }, func() bool { _, ok := raw(chn).Photo.(*tg.ChatPhotoEmpty); return ok }},
		{"collectible username on", func() error { return owner.ToggleChatUsername(ctx, chn, "daily", true) }, func() bool { return len(raw(chn).Usernames) == 2 && raw(chn).Usernames[1].Active }},
		{"usernames reordered", func() error { return owner.ReorderChatUsernames(ctx, chn, []string{"daily", "daily_news"}) }, func() bool { return raw(chn).Usernames[0].Username == "daily" }},
		{"signatures", func() error { return owner.SetChatSignatures(ctx, chn, true, false) }, func() bool { return raw(chn).Signatures }},
		{"discussion group", func() error { return owner.SetChatDiscussionGroup(ctx, chn, grp) }, func() bool {
			full, err := owner.GetFullChat(ctx, chn)
			return err == nil && full.LinkedChatID == grp.ID
		}},
		{"send as the channel", func() error { return owner.SetSendAsChat(ctx, grp, chn) }, func() bool {
			full, err := owner.GetFullChat(ctx, grp)
			p, ok := full.SendAs.(*tg.PeerChannel)
			return err == nil && ok && types.ChannelChatID(p.ChannelID) == chn.ID
		}},
	}
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if !st.check() {
			t.Fatalf("%s: not seen", st.name)
		}
	}
	groups, err := owner.GetSuitableDiscussionChats(ctx)
	if err != nil || len(groups) != 1 || groups[0].ID != grp.ID {
		t.Fatalf("discussion chats %+v, %v", groups, err)
	}
	sendAs, err := owner.GetSendAsChats(ctx, grp)
	if err != nil || len(sendAs) < 2 {
		t.Fatalf("send-as chats %+v, %v", sendAs, err)
	}

	// Links: one looked up, revoked links cleared, requests declined together.
	l, err := owner.CreateChatInviteLink(ctx, grp, types.InviteLinkSpec{Title: "t", RequiresApproval: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := owner.GetChatInviteLink(ctx, grp, l.Link); err != nil || got.Title != "t" || !got.RequiresApproval {
		t.Fatalf("link %+v, %v", got, err)
	}
	_, err = fan.JoinChat(ctx, l.Link)
	wantRPCType(t, "request", err, "INVITE_REQUEST_SENT")
	if err := owner.DeclineAllChatJoinRequests(ctx, grp, ""); err != nil {
		t.Fatal(err)
	}
	if left := drain(t, owner.GetChatJoinRequests(ctx, grp, "")); len(left) != 0 {
		t.Fatalf("requests after declining %+v", left)
	}
	if _, err := owner.RevokeChatInviteLink(ctx, grp, l.Link); err != nil {
		t.Fatal(err)
	}
	if err := owner.DeleteRevokedChatInviteLinks(ctx, grp, "me"); err != nil {
		t.Fatal(err)
	}
	if left := drain(t, owner.GetChatAdminInviteLinks(ctx, grp, "me", true)); len(left) != 0 {
		t.Fatalf("revoked links left %+v", left)
	}

	// A member's messages reported and deleted.
	news := channelNews(fan)
	if err := owner.AddChatMember(ctx, grp, at(us[1])); err != nil {
		t.Fatal(err)
	}
	waitChannel(t, news, grp.ID)
	ownerNews := channelNews(owner)
	m, err := fan.SendMessage(ctx, grp.ID, "spam")
	if err != nil {
		t.Fatal(err)
	}
	waitChannel(t, ownerNews, grp.ID)
	if err := owner.ReportChatSpam(ctx, grp, at(us[1]), m.ID); err != nil {
		t.Fatal(err)
	}
	if err := owner.DeleteChatMemberHistory(ctx, grp, at(us[1])); err != nil {
		t.Fatal(err)
	}
	wantRPCType(t, "report a deleted message", owner.ReportChatSpam(ctx, grp, at(us[1]), m.ID), "MESSAGE_ID_INVALID")
}

// TestE2EPagersStopOnARepeatingServer: a server answering every channels.getAdminLog and
// messages.getForumTopics with the same full page does not keep the iterators going: they
// stop once the cursor no longer moves.
func TestE2EPagersStopOnARepeatingServer(t *testing.T) {
	cl := cluster(t)
	cs, _ := chatUsers(t, cl, "9", "owner")
	owner := cs[0]
	ctx := ctxT(t)
	forum, err := owner.CreateForum(ctx, "Loop", "")
	if err != nil {
		t.Fatal(err)
	}
	events := make([]tg.ChannelAdminLogEvent, 100)
	topics := make([]tg.ForumTopicClass, 100)
	for i := range events {
		events[i] = tg.ChannelAdminLogEvent{ID: int64(1000 - i), Date: 1, UserID: 1, Action: &tg.ChannelAdminLogEventActionParticipantJoin{}}
		topics[i] = &tg.ForumTopic{ID: int32(1000 - i), Date: 1, Peer: &tg.PeerChannel{ChannelID: forum.PeerID()}, Title: "t", FromID: &tg.PeerUser{UserID: 1}}
	}
	cl.Dispatcher().Use(func(next services.Handler) services.Handler {
		return func(ctx context.Context, c *services.Caller, req tl.Object) (tl.Encoder, error) {
			switch req.(type) {
			case *tg.ChannelsGetAdminLogRequest:
				return &tg.ChannelsAdminLogResults{Events: events, Chats: []tg.ChatClass{}, Users: []tg.UserClass{}}, nil
			case *tg.MessagesGetForumTopicsRequest:
				return &tg.MessagesForumTopics{Count: 1 << 30, Topics: topics, Messages: []tg.MessageClass{}, Chats: []tg.ChatClass{}, Users: []tg.UserClass{}}, nil
			}
			return next(ctx, c, req)
		}
	})
	if n := len(drain(t, owner.GetChatEventLog(ctx, forum, types.ChatEventFilter{}))); n != 200 {
		t.Fatalf("event log gave %d events, want two pages", n)
	}
	if n := len(drain(t, owner.GetForumTopics(ctx, forum, ""))); n != 200 {
		t.Fatalf("topics gave %d, want two pages", n)
	}
}

// TestE2EBotAdministers: a bot made admin with ban rights restricts and bans through the
// client like a person; the methods only people may call answer BOT_METHOD_INVALID.
func TestE2EBotAdministers(t *testing.T) {
	cl := cluster(t)
	cs, us := chatUsers(t, cl, "0", "owner", "troll")
	owner := cs[0]
	b, bot := e2eBot(t, cl, "chats_guard_bot")
	ctx := ctxT(t)
	if _, err := cl.World().CreateChannel(us[0].ID, world.ChannelSpec{
		Title: "Guarded", Username: "chat_guarded", Megagroup: true, Members: []int64{us[1].ID, bot.ID},
	}); err != nil {
		t.Fatal(err)
	}
	if err := owner.PromoteChatMember(ctx, "@chat_guarded", "@"+bot.Username, types.AdminRights{BanUsers: true, DeleteMessages: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.ResolvePeer(ctx, "@chat_guarded"); err != nil {
		t.Fatal(err)
	}
	troll := at(us[1])
	if err := b.RestrictChatMember(ctx, "@chat_guarded", troll, types.ChatPermissions{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if m, err := b.GetChatMember(ctx, "@chat_guarded", troll); err != nil || m.Status != types.MemberRestricted || m.Permissions.SendMessages {
		t.Fatalf("restricted by the bot: %+v, %v", m, err)
	}
	_, err := cs[1].SendMessage(ctx, "@chat_guarded", "let me")
	wantRPCType(t, "restricted from everything", err, "USER_BANNED_IN_CHANNEL")
	if err := b.BanChatMember(ctx, "@chat_guarded", troll); err != nil {
		t.Fatal(err)
	}
	if m, err := owner.GetChatMember(ctx, "@chat_guarded", troll); err != nil || m.Status != types.MemberBanned || m.BannedBy != bot.ID {
		t.Fatalf("banned by the bot: %+v, %v", m, err)
	}
	for name, call := range map[string]func() error{
		"GetDialogs":       func() error { _, err := drainErr(b.GetDialogs(ctx, mtgo.DialogFilter{})); return err },
		"CreateSupergroup": func() error { _, err := b.CreateSupergroup(ctx, "x", ""); return err },
		"GetChatFolders":   func() error { _, err := b.GetChatFolders(ctx); return err },
		"SetSlowMode":      func() error { return b.SetSlowMode(ctx, "@chat_guarded", 10*time.Second) },
	} {
		wantRPCType(t, "bot calls "+name, call(), "BOT_METHOD_INVALID")
	}
}

// drainErr drains an iterator and returns the first error.
func drainErr[T any](seq func(func(T, error) bool)) (int, error) {
	n := 0
	for _, err := range seq {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
