package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestRoutineCalls(t *testing.T) {
	h, carol, dave := pair(t)
	grp, err := h.w.CreateChat(carol.id, "g", dave.id)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := h.w.CreateChannel(carol.id, world.ChannelSpec{Title: "c", Username: "some_channel"})
	if err != nil {
		t.Fatal(err)
	}
	chats, err := dave.api.MessagesGetChats(ctx(), &tg.MessagesGetChatsRequest{ID: []int64{grp.ID, 999}})
	if err != nil {
		t.Fatal(err)
	}
	if cs := chats.(*tg.MessagesChats).Chats; len(cs) != 1 || cs[0].(*tg.Chat).ID != grp.ID {
		t.Fatalf("getChats %+v", chats)
	}
	in := inputChannel(resolveChannel(t, dave, "some_channel"))
	chans, err := dave.api.ChannelsGetChannels(ctx(), &tg.ChannelsGetChannelsRequest{ID: []tg.InputChannelClass{in}})
	if err != nil {
		t.Fatal(err)
	}
	if c := chans.(*tg.MessagesChats).Chats[0].(*tg.Channel); c.ID != ch.ID || !c.Left {
		t.Fatalf("getChannels %+v", c)
	}
	_, err = dave.api.ChannelsGetChannels(ctx(), &tg.ChannelsGetChannelsRequest{ID: []tg.InputChannelClass{&tg.InputChannel{ChannelID: ch.ID, AccessHash: 1}}})
	wantRPC(t, err, world.ErrChannelInvalid)

	// Typing reaches the other side as updateShort.
	carol.updates()
	if ok, err := dave.api.MessagesSetTyping(ctx(), &tg.MessagesSetTypingRequest{Peer: dave.peerOf(carol), Action: &tg.SendMessageTypingAction{}}); err != nil || !ok {
		t.Fatal(ok, err)
	}
	got := carol.updates()
	want := []tg.UpdatesClass{&tg.UpdateShort{Update: &tg.UpdateUserTyping{UserID: dave.id, Action: &tg.SendMessageTypingAction{}}, Date: int32(h.clock.Now().Unix())}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("typing (-want +got):\n%s", diff)
	}
	if ok, err := dave.api.AccountUpdateStatus(ctx(), &tg.AccountUpdateStatusRequest{}); err != nil || !ok {
		t.Fatal(ok, err)
	}

	// Carol reads Dave's message: one pts, unread drops to 0.
	st, _ := carol.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	aff, err := carol.api.MessagesReadHistory(ctx(), &tg.MessagesReadHistoryRequest{Peer: carol.peerOf(dave)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&tg.MessagesAffectedMessages{Pts: st.Pts + 1, PtsCount: 1}, aff); diff != "" {
		t.Fatal(diff)
	}
	st2, _ := carol.api.UpdatesGetState(ctx(), &tg.UpdatesGetStateRequest{})
	if st2.UnreadCount != 0 || st2.Pts != st.Pts+1 {
		t.Fatalf("state after read %+v (before %+v)", st2, st)
	}
	// Reading again changes nothing.
	aff, _ = carol.api.MessagesReadHistory(ctx(), &tg.MessagesReadHistoryRequest{Peer: carol.peerOf(dave)})
	if aff.PtsCount != 0 {
		t.Fatalf("second read %+v", aff)
	}
	if ok, err := carol.api.ChannelsReadHistory(ctx(), &tg.ChannelsReadHistoryRequest{Channel: inputChannel(channelPeer(t, carol, ch.ID))}); err != nil || !ok {
		t.Fatal(ok, err)
	}
}
