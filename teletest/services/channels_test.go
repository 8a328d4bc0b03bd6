package services

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func inputChannel(p *tg.InputPeerChannel) *tg.InputChannel {
	return &tg.InputChannel{ChannelID: p.ChannelID, AccessHash: p.AccessHash}
}

// resolveChannel finds a public channel by username, as a non-member does.
func resolveChannel(t *testing.T, a *account, username string) *tg.InputPeerChannel {
	t.Helper()
	res, err := a.api.ContactsResolveUsername(ctx(), &tg.ContactsResolveUsernameRequest{Username: username})
	if err != nil {
		t.Fatal(err)
	}
	ch := res.Chats[0].(*tg.Channel)
	return &tg.InputPeerChannel{ChannelID: ch.ID, AccessHash: ch.AccessHash.Value}
}

func TestChannelJoinBanParticipant(t *testing.T) {
	h := newHarness(t)
	owner := h.user("Owner", "79990002001")
	fan := h.user("Fan", "79990002002")
	news, err := h.w.CreateChannel(owner.id, world.ChannelSpec{Title: "News", Username: "news_channel"})
	if err != nil {
		t.Fatal(err)
	}
	h.send(owner, channelPeer(t, owner, news.ID), "first post")

	peer := resolveChannel(t, fan, "news_channel")
	in := inputChannel(peer)
	// Public: readable before joining; posting needs membership and, in a broadcast, admin.
	msgs, err := fan.api.ChannelsGetMessages(ctx(), &tg.ChannelsGetMessagesRequest{Channel: in, ID: []tg.InputMessageClass{&tg.InputMessageID{ID: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"first post"}, messageTexts(t, msgs)); diff != "" {
		t.Fatal(diff)
	}
	post := msgs.(*tg.MessagesChannelMessages).Messages[0].(*tg.Message)
	if !post.Post || post.FromID != nil {
		t.Fatalf("broadcast post %+v", post)
	}
	_, err = fan.api.ChannelsGetParticipant(ctx(), &tg.ChannelsGetParticipantRequest{Channel: in, Participant: &tg.InputPeerSelf{}})
	wantRPC(t, err, world.ErrUserNotParticipant)

	res, err := fan.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: in})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]tg.UpdateClass{&tg.UpdateChannel{ChannelID: news.ID}}, res.(*tg.MessagesChatInviteJoinResultOk).Updates.(*tg.Updates).Updates); diff != "" {
		t.Fatal(diff)
	}
	_, err = fan.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: in})
	wantRPC(t, err, world.ErrUserAlreadyParticipant)
	_, err = fan.api.MessagesSendMessage(ctx(), &tg.MessagesSendMessageRequest{Peer: peer, Message: "can I?", RandomID: 1})
	wantRPC(t, err, world.ErrChatAdminRequired)

	part, err := fan.api.ChannelsGetParticipant(ctx(), &tg.ChannelsGetParticipantRequest{Channel: in, Participant: &tg.InputPeerSelf{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := part.Participant.(*tg.ChannelParticipantSelf); !ok {
		t.Fatalf("participant %T", part.Participant)
	}
	ownerIn := inputChannel(channelPeer(t, owner, news.ID))
	part, err = owner.api.ChannelsGetParticipant(ctx(), &tg.ChannelsGetParticipantRequest{Channel: ownerIn, Participant: &tg.InputPeerSelf{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := part.Participant.(*tg.ChannelParticipantCreator); !ok {
		t.Fatalf("creator participant %T", part.Participant)
	}

	// Non-admins cannot ban; the owner bans the fan from viewing.
	_, err = fan.api.ChannelsEditBanned(ctx(), &tg.ChannelsEditBannedRequest{Channel: in, Participant: &tg.InputPeerSelf{}, BannedRights: tg.ChatBannedRights{ViewMessages: true}})
	wantRPC(t, err, world.ErrChatAdminRequired)
	fan.updates()
	grp, err := h.w.CreateChat(fan.id, "intro", owner.id)
	if err != nil {
		t.Fatal(err)
	}
	h.send(fan, &tg.InputPeerChat{ChatID: grp.ID}, "hello owner")
	fanPeer := owner.peerOf(fan)
	if _, err := owner.api.ChannelsEditBanned(ctx(), &tg.ChannelsEditBannedRequest{
		Channel: ownerIn, Participant: fanPeer, BannedRights: tg.ChatBannedRights{ViewMessages: true},
	}); err != nil {
		t.Fatal(err)
	}
	if got := fan.updates(); len(got) != 1 {
		t.Fatalf("banned fan got %d updates, want updateChannel", len(got))
	}
	_, err = fan.api.ChannelsGetMessages(ctx(), &tg.ChannelsGetMessagesRequest{Channel: in, ID: []tg.InputMessageClass{&tg.InputMessageID{ID: 1}}})
	wantRPC(t, err, world.ErrChannelPrivate)
	_, err = fan.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: in})
	wantRPC(t, err, world.ErrChannelPrivate)
	part, err = owner.api.ChannelsGetParticipant(ctx(), &tg.ChannelsGetParticipantRequest{Channel: ownerIn, Participant: fanPeer})
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := part.Participant.(*tg.ChannelParticipantBanned); !ok || !b.Left || !b.BannedRights.ViewMessages {
		t.Fatalf("banned participant %#v", part.Participant)
	}
	// Lifting the ban lets the fan join again.
	if _, err := owner.api.ChannelsEditBanned(ctx(), &tg.ChannelsEditBannedRequest{Channel: ownerIn, Participant: fanPeer}); err != nil {
		t.Fatal(err)
	}
	if _, err := fan.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: in}); err != nil {
		t.Fatal(err)
	}
}

func TestSupergroupDifference(t *testing.T) {
	h := newHarnessWith(t, world.Config{TooLongAfter: 8})
	owner := h.user("Owner", "79990002101")
	member := h.user("Member", "79990002102")
	sg, err := h.w.CreateChannel(owner.id, world.ChannelSpec{Title: "SG", Megagroup: true, Members: []int64{member.id}})
	if err != nil {
		t.Fatal(err)
	}
	peer := channelPeer(t, owner, sg.ID)
	for i := range 5 {
		h.send(owner, peer, fmt.Sprintf("m%d", i+1))
	}
	in := inputChannel(channelPeer(t, member, sg.ID))
	// pts 1 is the creation; messages are pts 2..6.
	tests := []struct {
		name    string
		pts     int32
		limit   int32
		want    []string
		final   bool
		wantPts int32
	}{
		{"all", 1, 100, []string{"m1", "m2", "m3", "m4", "m5"}, true, 6},
		{"limited", 1, 2, []string{"m1", "m2"}, false, 3},
		{"rest", 3, 100, []string{"m2", "m3", "m4", "m5"}[1:], true, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := member.api.UpdatesGetChannelDifference(ctx(), &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: tt.pts, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			d, ok := res.(*tg.UpdatesChannelDifference)
			if !ok {
				t.Fatalf("got %T", res)
			}
			var texts []string
			for _, m := range d.NewMessages {
				texts = append(texts, m.(*tg.Message).Message)
			}
			if diff := cmp.Diff(tt.want, texts); diff != "" {
				t.Fatalf("texts (-want +got):\n%s", diff)
			}
			if d.Final != tt.final || d.Pts != tt.wantPts {
				t.Fatalf("final %v pts %d, want %v %d", d.Final, d.Pts, tt.final, tt.wantPts)
			}
		})
	}
	res, _ := member.api.UpdatesGetChannelDifference(ctx(), &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: 6, Limit: 10})
	if e, ok := res.(*tg.UpdatesChannelDifferenceEmpty); !ok || e.Pts != 6 || !e.Final {
		t.Fatalf("up to date: %#v", res)
	}
	_, err = member.api.UpdatesGetChannelDifference(ctx(), &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: 60, Limit: 10})
	wantRPC(t, err, world.ErrPersistentTimestampInvalid)

	// More than TooLongAfter behind: channelDifferenceTooLong with the latest messages.
	for i := range 10 {
		h.send(owner, peer, fmt.Sprintf("n%d", i+1))
	}
	res, err = member.api.UpdatesGetChannelDifference(ctx(), &tg.UpdatesGetChannelDifferenceRequest{Channel: in, Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: 2, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	tl, ok := res.(*tg.UpdatesChannelDifferenceTooLong)
	if !ok {
		t.Fatalf("far behind: %T", res)
	}
	if len(tl.Messages) != 3 || tl.Messages[0].(*tg.Message).Message != "n10" || tl.Dialog.(*tg.Dialog).Pts.Value != 16 {
		t.Fatalf("too long %+v", tl)
	}
}

func TestDifferenceSliceAndTooLong(t *testing.T) {
	h := newHarnessWith(t, world.Config{DifferenceLimit: 3, TooLongAfter: 6})
	a := h.user("A", "79990002201")
	bu, _ := h.w.CreateUser(world.UserSpec{FirstName: "B", Username: "bbbbb", Phone: "79990002202"})
	b := h.login(bu)
	for i := range 5 {
		h.send(a, a.peerOf(b), fmt.Sprintf("%d", i+1))
	}
	st, err := b.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Pts != 5 || st.UnreadCount != 5 {
		t.Fatalf("state %+v", st)
	}
	res, err := b.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 0})
	if err != nil {
		t.Fatal(err)
	}
	sl, ok := res.(*tg.UpdatesDifferenceSlice)
	if !ok || len(sl.NewMessages) != 3 || sl.IntermediateState.Pts != 3 {
		t.Fatalf("slice %#v", res)
	}
	res, _ = b.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 3})
	if d, ok := res.(*tg.UpdatesDifference); !ok || len(d.NewMessages) != 2 || d.State.Pts != 5 || len(d.Users) != 1 {
		t.Fatalf("rest %#v", res)
	}
	res, _ = b.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 5})
	if _, ok := res.(*tg.UpdatesDifferenceEmpty); !ok {
		t.Fatalf("empty %#v", res)
	}
	for i := range 5 {
		h.send(a, a.peerOf(b), fmt.Sprintf("x%d", i))
	}
	res, _ = b.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 1})
	if diff := cmp.Diff(&tg.UpdatesDifferenceTooLong{Pts: 10}, res); diff != "" {
		t.Fatal(diff)
	}
	// pts_total_limit lowers the threshold.
	res, _ = b.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 8, PtsTotalLimit: tl.Some[int32](1)})
	if diff := cmp.Diff(&tg.UpdatesDifferenceTooLong{Pts: 10}, res); diff != "" {
		t.Fatal(diff)
	}
}

func TestWithholdAndReorder(t *testing.T) {
	h := newHarness(t)
	a := h.user("A", "79990002301")
	bu, _ := h.w.CreateUser(world.UserSpec{FirstName: "B", Username: "bbbbb", Phone: "79990002302"})
	b := h.login(bu)
	h.w.Withhold(b.id)
	for i := range 3 {
		h.send(a, a.peerOf(b), fmt.Sprintf("%d", i+1))
	}
	if got := b.updates(); len(got) != 0 {
		t.Fatalf("withheld updates leaked: %v", got)
	}
	if n := h.w.Release(b.id, true); n != 3 {
		t.Fatalf("released %d", n)
	}
	var pts []int32
	for _, u := range b.updates() {
		pts = append(pts, u.(*tg.UpdateShortMessage).Pts)
	}
	if diff := cmp.Diff([]int32{3, 2, 1}, pts); diff != "" {
		t.Fatalf("released order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(world.DeliveryStats{Held: 3, Released: 3}, h.w.DeliveryFaults()); diff != "" {
		t.Fatalf("delivery fault counts (-want +got):\n%s", diff)
	}
}

func TestChannelEditAndForwardPost(t *testing.T) {
	h := newHarness(t)
	owner := h.user("Owner", "79990002401")
	reader := h.user("Reader", "79990002402")
	news, err := h.w.CreateChannel(owner.id, world.ChannelSpec{Title: "News", Members: []int64{reader.id}})
	if err != nil {
		t.Fatal(err)
	}
	op := channelPeer(t, owner, news.ID)
	h.send(owner, op, "draft")
	reader.updates()
	res, err := owner.api.MessagesEditMessage(ctx(), &tg.MessagesEditMessageRequest{Peer: op, ID: 1, Message: tl.Some("final")})
	if err != nil {
		t.Fatal(err)
	}
	ed := res.(*tg.Updates).Updates[0].(*tg.UpdateEditChannelMessage)
	if ed.Pts != 3 || ed.Message.(*tg.Message).Message != "final" || !ed.Message.(*tg.Message).Out {
		t.Fatalf("owner's edit %+v", ed)
	}
	pushed := reader.updates()
	red := pushed[0].(*tg.Updates).Updates[0].(*tg.UpdateEditChannelMessage)
	if red.Pts != 3 || red.Message.(*tg.Message).Out {
		t.Fatalf("reader's edit %+v", red)
	}
	_, err = reader.api.MessagesEditMessage(ctx(), &tg.MessagesEditMessageRequest{Peer: channelPeer(t, reader, news.ID), ID: 1, Message: tl.Some("hack")})
	wantRPC(t, err, world.ErrMessageAuthorRequired)

	// The reader forwards the post to Saved Messages: the header names the channel post.
	fw, err := reader.api.MessagesForwardMessages(ctx(), &tg.MessagesForwardMessagesRequest{
		FromPeer: channelPeer(t, reader, news.ID), ID: []int32{1}, RandomID: []int64{1}, ToPeer: &tg.InputPeerSelf{},
	})
	if err != nil {
		t.Fatal(err)
	}
	m := fw.(*tg.Updates).Updates[1].(*tg.UpdateNewMessage).Message.(*tg.Message)
	want := &tg.MessageFwdHeader{FromID: &tg.PeerChannel{ChannelID: news.ID}, Date: m.FwdFrom.Date, ChannelPost: tl.Some[int32](1)}
	if diff := cmp.Diff(want, m.FwdFrom); diff != "" {
		t.Fatalf("forward header (-want +got):\n%s", diff)
	}
	// The channel difference shows the post as it is now, rendered for the reader.
	cd, err := reader.api.UpdatesGetChannelDifference(ctx(), &tg.UpdatesGetChannelDifferenceRequest{
		Channel: inputChannel(channelPeer(t, reader, news.ID)), Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: 1, Limit: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := cd.(*tg.UpdatesChannelDifference)
	if len(d.NewMessages) != 1 || len(d.OtherUpdates) != 1 || d.Pts != 3 {
		t.Fatalf("channel difference %+v", d)
	}
}

func TestChannelDeleteMessages(t *testing.T) {
	h := newHarness(t)
	owner := h.user("Owner", "79990002501")
	member := h.user("Member", "79990002502")
	sg, err := h.w.CreateChannel(owner.id, world.ChannelSpec{Title: "SG", Megagroup: true, Members: []int64{member.id}})
	if err != nil {
		t.Fatal(err)
	}
	op := channelPeer(t, owner, sg.ID)
	h.send(owner, op, "owner's")
	mp := channelPeer(t, member, sg.ID)
	h.send(member, mp, "mine 1")
	h.send(member, mp, "mine 2")
	owner.updates()
	member.updates()

	_, err = member.api.ChannelsDeleteMessages(ctx(), &tg.ChannelsDeleteMessagesRequest{Channel: inputChannel(mp), ID: []int32{1}})
	wantRPC(t, err, &RPCError{Code: 403, Message: "MESSAGE_DELETE_FORBIDDEN"})
	res, err := member.api.ChannelsDeleteMessages(ctx(), &tg.ChannelsDeleteMessagesRequest{Channel: inputChannel(mp), ID: []int32{2, 99}})
	if err != nil {
		t.Fatal(err)
	}
	if res.PtsCount != 1 || res.Pts != 5 {
		t.Fatalf("member's delete %+v", res)
	}
	got := flatten(owner.updates())
	want := []tg.UpdateClass{&tg.UpdateDeleteChannelMessages{ChannelID: sg.ID, Messages: []int32{2}, Pts: 5, PtsCount: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("owner sees (-want +got):\n%s", diff)
	}
	// The admin deletes the member's other message and its own.
	if res, err = owner.api.ChannelsDeleteMessages(ctx(), &tg.ChannelsDeleteMessagesRequest{Channel: inputChannel(op), ID: []int32{3, 1}}); err != nil || res.PtsCount != 2 {
		t.Fatalf("admin's delete %+v, %v", res, err)
	}
	cd, err := member.api.UpdatesGetChannelDifference(ctx(), &tg.UpdatesGetChannelDifferenceRequest{
		Channel: inputChannel(mp), Filter: &tg.ChannelMessagesFilterEmpty{}, Pts: 4, Limit: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := cd.(*tg.UpdatesChannelDifference)
	if len(d.OtherUpdates) != 2 || d.Pts != 7 {
		t.Fatalf("channel difference %+v", d)
	}
	hist, err := member.api.MessagesGetHistory(ctx(), &tg.MessagesGetHistoryRequest{Peer: mp, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if texts := messageTexts(t, hist); len(texts) != 0 {
		t.Fatalf("history after deleting everything: %q", texts)
	}
}
