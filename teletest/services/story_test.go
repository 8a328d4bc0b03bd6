package services

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestStory plays a small scenario end to end through the dispatcher: two people and a bot
// talk privately, in a basic group and in a supergroup, and every pushed update and result
// carries the ids and pts Telegram would give.
func TestStory(t *testing.T) {
	h := newHarness(t)
	alice := h.user("Alice", "79990000001")
	bob, err := h.w.CreateUser(world.UserSpec{FirstName: "Bob", Username: "bobby", Phone: "79990000002"})
	if err != nil {
		t.Fatal(err)
	}
	bobAcc := h.login(bob)
	bot := h.bot("story_bot")
	aliceTablet := alice.second()
	date := func() int32 { return int32(h.clock.Now().Unix()) }

	// 1. Alice writes to Bob: she gets updateShortSentMessage, Bob updateShortMessage, her
	// tablet an outgoing updateShortMessage; everyone at pts 1, message id 1.
	d0 := date()
	res := h.send(alice, alice.peerOf(bobAcc), "hello bob")
	want := &tg.UpdateShortSentMessage{Out: true, ID: 1, Pts: 1, PtsCount: 1, Date: d0}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Fatalf("alice result (-want +got):\n%s", diff)
	}
	wantBob := []tg.UpdatesClass{&tg.UpdateShortMessage{ID: 1, UserID: alice.id, Message: "hello bob", Pts: 1, PtsCount: 1, Date: d0}}
	if diff := cmp.Diff(wantBob, bobAcc.updates()); diff != "" {
		t.Fatalf("bob updates (-want +got):\n%s", diff)
	}
	wantTablet := []tg.UpdatesClass{&tg.UpdateShortMessage{Out: true, ID: 1, UserID: bobAcc.id, Message: "hello bob", Pts: 1, PtsCount: 1, Date: d0}}
	if diff := cmp.Diff(wantTablet, aliceTablet.updates()); diff != "" {
		t.Fatalf("alice tablet updates (-want +got):\n%s", diff)
	}
	if got := alice.updates(); len(got) != 0 {
		t.Fatalf("the sending connection got pushes too: %v", got)
	}

	// 2. Bob answers: his second message id and pts are 2, hers too.
	d1 := date()
	h.send(bobAcc, bobAcc.peerOf(alice), "hi alice")
	wantAlice := []tg.UpdatesClass{&tg.UpdateShortMessage{ID: 2, UserID: bobAcc.id, Message: "hi alice", Pts: 2, PtsCount: 1, Date: d1}}
	if diff := cmp.Diff(wantAlice, alice.updates()); diff != "" {
		t.Fatalf("alice updates (-want +got):\n%s", diff)
	}

	// 3. A basic group of the three: each member's copy has the member's next id and pts.
	grp, err := h.w.CreateChat(alice.id, "friends", bobAcc.id, bot.id)
	if err != nil {
		t.Fatal(err)
	}
	aliceTablet.updates()
	d2 := date()
	res = h.send(alice, &tg.InputPeerChat{ChatID: grp.ID}, "hello group")
	if diff := cmp.Diff(&tg.UpdateShortSentMessage{Out: true, ID: 3, Pts: 3, PtsCount: 1, Date: d2}, res); diff != "" {
		t.Fatalf("alice group result (-want +got):\n%s", diff)
	}
	wantBob = []tg.UpdatesClass{&tg.UpdateShortChatMessage{ID: 3, FromID: alice.id, ChatID: grp.ID, Message: "hello group", Pts: 3, PtsCount: 1, Date: d2}}
	if diff := cmp.Diff(wantBob, bobAcc.updates()); diff != "" {
		t.Fatalf("bob group updates (-want +got):\n%s", diff)
	}
	wantBot := []tg.UpdatesClass{&tg.UpdateShortChatMessage{ID: 1, FromID: alice.id, ChatID: grp.ID, Message: "hello group", Pts: 1, PtsCount: 1, Date: d2}}
	if diff := cmp.Diff(wantBot, bot.updates()); diff != "" {
		t.Fatalf("bot group updates (-want +got):\n%s", diff)
	}
	wantTablet = []tg.UpdatesClass{&tg.UpdateShortChatMessage{Out: true, ID: 3, FromID: alice.id, ChatID: grp.ID, Message: "hello group", Pts: 3, PtsCount: 1, Date: d2}}
	if diff := cmp.Diff(wantTablet, aliceTablet.updates()); diff != "" {
		t.Fatalf("alice tablet group updates (-want +got):\n%s", diff)
	}

	// 4. A supergroup: one id space and one pts for everybody; updates carry
	// updateNewChannelMessage.
	sg, err := h.w.CreateChannel(alice.id, world.ChannelSpec{Title: "club", Megagroup: true, Members: []int64{bobAcc.id}})
	if err != nil {
		t.Fatal(err)
	}
	chPeer := channelPeer(t, bobAcc, sg.ID)
	d3 := date()
	res = h.send(bobAcc, chPeer, "in the club")
	upd, ok := res.(*tg.Updates)
	if !ok || len(upd.Updates) != 2 {
		t.Fatalf("channel send result = %#v", res)
	}
	if diff := cmp.Diff(&tg.UpdateMessageID{ID: 1, RandomID: h.randomID}, upd.Updates[0]); diff != "" {
		t.Fatalf("updateMessageID (-want +got):\n%s", diff)
	}
	got := alice.updates()
	if len(got) != 1 {
		t.Fatalf("alice got %d channel updates, want 1", len(got))
	}
	nm := got[0].(*tg.Updates).Updates[0].(*tg.UpdateNewChannelMessage)
	wantMsg := &tg.Message{
		ID: 1, FromID: &tg.PeerUser{UserID: bobAcc.id}, PeerID: &tg.PeerChannel{ChannelID: sg.ID},
		Date: d3, Message: "in the club",
	}
	if diff := cmp.Diff(&tg.UpdateNewChannelMessage{Message: wantMsg, Pts: 2, PtsCount: 1}, nm); diff != "" {
		t.Fatalf("alice channel update (-want +got):\n%s", diff)
	}

	// 5. A gap: one update to Bob is lost; the next one jumps from pts 3 to 5 and
	// updates.getDifference from 3 returns the missing message and the current state.
	h.w.DropUpdates(bobAcc.id, 1)
	h.send(alice, alice.peerOf(bobAcc), "lost")
	h.send(alice, alice.peerOf(bobAcc), "arrives")
	got = bobAcc.updates()
	if len(got) != 1 || got[0].(*tg.UpdateShortMessage).Pts != 5 {
		t.Fatalf("bob after the drop got %#v, want one update at pts 5", got)
	}
	if n := h.w.DeliveryFaults().Dropped; n != 1 {
		t.Fatalf("%d updates dropped, want 1", n)
	}
	diff, err := bobAcc.api.UpdatesGetDifference(ctx(), &tg.UpdatesGetDifferenceRequest{Pts: 3, Date: d0})
	if err != nil {
		t.Fatal(err)
	}
	full, ok := diff.(*tg.UpdatesDifference)
	if !ok {
		t.Fatalf("difference = %T, want updates.difference", diff)
	}
	var texts []string
	for _, m := range full.NewMessages {
		texts = append(texts, m.(*tg.Message).Message)
	}
	if d := cmp.Diff([]string{"lost", "arrives"}, texts); d != "" {
		t.Fatalf("difference messages (-want +got):\n%s", d)
	}
	if full.State.Pts != 5 {
		t.Fatalf("difference state pts = %d, want 5", full.State.Pts)
	}
}

// channelPeer returns the InputPeer of a channel as a's dialogs show it.
func channelPeer(t testing.TB, a *account, id int64) *tg.InputPeerChannel {
	t.Helper()
	ds, err := a.api.MessagesGetDialogs(ctx(), &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}})
	if err != nil {
		t.Fatal(err)
	}
	var chats []tg.ChatClass
	switch ds := ds.(type) {
	case *tg.MessagesDialogs:
		chats = ds.Chats
	case *tg.MessagesDialogsSlice:
		chats = ds.Chats
	}
	for _, c := range chats {
		if c, ok := c.(*tg.Channel); ok && c.ID == id {
			return &tg.InputPeerChannel{ChannelID: id, AccessHash: c.AccessHash.Value}
		}
	}
	t.Fatalf("account %d has no dialog with channel %d", a.id, id)
	return nil
}
