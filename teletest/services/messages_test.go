package services

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// pair returns two accounts that know each other: "carol" has a username, and "dave" wrote
// to her first.
func pair(t *testing.T) (*harness, *account, *account) {
	h := newHarness(t)
	cu, err := h.w.CreateUser(world.UserSpec{FirstName: "Carol", Username: "carol", Phone: "79990001001"})
	if err != nil {
		t.Fatal(err)
	}
	carol := h.login(cu)
	dave := h.user("Dave", "79990001002")
	h.send(dave, dave.peerOf(carol), "hi carol")
	return h, carol, dave
}

func messageTexts(t *testing.T, res tg.MessagesMessagesClass) []string {
	t.Helper()
	var ms []tg.MessageClass
	switch r := res.(type) {
	case *tg.MessagesMessages:
		ms = r.Messages
	case *tg.MessagesMessagesSlice:
		ms = r.Messages
	case *tg.MessagesChannelMessages:
		ms = r.Messages
	default:
		t.Fatalf("unexpected %T", res)
	}
	var out []string
	for _, m := range ms {
		switch m := m.(type) {
		case *tg.Message:
			out = append(out, m.Message)
		case *tg.MessageEmpty:
			out = append(out, "<empty>")
		}
	}
	return out
}

func TestUsersAndResolve(t *testing.T) {
	h, carol, dave := pair(t)
	cp := dave.peerOf(carol).(*tg.InputPeerUser)
	tests := []struct {
		name string
		in   []tg.InputUserClass
		want []int64
		err  *RPCError
	}{
		{"self", []tg.InputUserClass{&tg.InputUserSelf{}}, []int64{dave.id}, nil},
		{"by hash", []tg.InputUserClass{&tg.InputUser{UserID: cp.UserID, AccessHash: cp.AccessHash}}, []int64{carol.id}, nil},
		{"wrong hash", []tg.InputUserClass{&tg.InputUser{UserID: cp.UserID, AccessHash: cp.AccessHash + 1}}, nil, world.ErrUserIDInvalid},
		{"skip unknown in a list", []tg.InputUserClass{&tg.InputUserSelf{}, &tg.InputUser{UserID: 1}}, []int64{dave.id}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, err := dave.api.UsersGetUsers(ctx(), &tg.UsersGetUsersRequest{ID: tt.in})
			if tt.err != nil {
				wantRPC(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, u := range us {
				ids = append(ids, u.(*tg.User).ID)
			}
			if diff := cmp.Diff(tt.want, ids); diff != "" {
				t.Fatalf("ids (-want +got):\n%s", diff)
			}
		})
	}
	// Access hashes differ per viewer: Carol's hash for herself is not Dave's.
	self, _ := carol.api.UsersGetUsers(ctx(), &tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}})
	if self[0].(*tg.User).AccessHash.Value == cp.AccessHash {
		t.Fatal("access hash is the same for two viewers")
	}

	full, err := dave.api.UsersGetFullUser(ctx(), &tg.UsersGetFullUserRequest{ID: &tg.InputUser{UserID: cp.UserID, AccessHash: cp.AccessHash}})
	if err != nil {
		t.Fatal(err)
	}
	if full.FullUser.ID != carol.id || len(full.Users) != 1 {
		t.Fatalf("full user %+v", full)
	}

	for _, tc := range []struct {
		name string
		err  *RPCError
	}{{"nobody_here", world.ErrUsernameNotOccupied}, {"x", world.ErrUsernameInvalid}} {
		_, err := dave.api.ContactsResolveUsername(ctx(), &tg.ContactsResolveUsernameRequest{Username: tc.name})
		wantRPC(t, err, tc.err)
	}
	res, err := dave.api.ContactsResolveUsername(ctx(), &tg.ContactsResolveUsernameRequest{Username: "@Carol"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&tg.PeerUser{UserID: carol.id}, res.Peer); diff != "" {
		t.Fatal(diff)
	}
	_ = h
}

func TestHistoryPaging(t *testing.T) {
	h, carol, dave := pair(t)
	peer := dave.peerOf(carol)
	for _, s := range []string{"2", "3", "4", "5"} {
		h.send(dave, peer, s)
	}
	// Dave's box: ids 1..5 with texts "hi carol","2".."5".
	tests := []struct {
		name string
		q    tg.MessagesGetHistoryRequest
		want []string
	}{
		{"latest", tg.MessagesGetHistoryRequest{Limit: 2}, []string{"5", "4"}},
		{"all", tg.MessagesGetHistoryRequest{}, []string{"5", "4", "3", "2", "hi carol"}},
		{"before id 4", tg.MessagesGetHistoryRequest{OffsetID: 4, Limit: 10}, []string{"3", "2", "hi carol"}},
		{"add offset -2 around id 3", tg.MessagesGetHistoryRequest{OffsetID: 3, AddOffset: -2, Limit: 3}, []string{"4", "3", "2"}},
		{"min id", tg.MessagesGetHistoryRequest{MinID: 3}, []string{"5", "4"}},
		{"max id", tg.MessagesGetHistoryRequest{MaxID: 3}, []string{"2", "hi carol"}},
		{"past the end", tg.MessagesGetHistoryRequest{OffsetID: 1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Peer = peer
			res, err := dave.api.MessagesGetHistory(ctx(), &q)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, messageTexts(t, res)); diff != "" {
				t.Fatalf("texts (-want +got):\n%s", diff)
			}
		})
	}
	res, _ := dave.api.MessagesGetHistory(ctx(), &tg.MessagesGetHistoryRequest{Peer: peer, Limit: 2})
	if s, ok := res.(*tg.MessagesMessagesSlice); !ok || s.Count != 5 {
		t.Fatalf("partial page = %#v, want messagesSlice with count 5", res)
	}
	// getMessages by id, missing ids as messageEmpty.
	got, err := carol.api.MessagesGetMessages(ctx(), &tg.MessagesGetMessagesRequest{ID: []tg.InputMessageClass{
		&tg.InputMessageID{ID: 2}, &tg.InputMessageID{ID: 99},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2", "<empty>"}, messageTexts(t, got)); diff != "" {
		t.Fatal(diff)
	}
}

func TestDialogs(t *testing.T) {
	h, carol, dave := pair(t)
	erin := h.user("Erin", "79990001003")
	h.send(erin, erin.peerOf(carol), "erin here")
	grp, err := h.w.CreateChat(carol.id, "g", dave.id)
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Second)
	h.send(dave, &tg.InputPeerChat{ChatID: grp.ID}, "group msg")

	ds, err := carol.api.MessagesGetDialogs(ctx(), &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	d := ds.(*tg.MessagesDialogs)
	var peers []tg.PeerClass
	for _, dl := range d.Dialogs {
		peers = append(peers, dl.(*tg.Dialog).Peer)
	}
	want := []tg.PeerClass{&tg.PeerChat{ChatID: grp.ID}, &tg.PeerUser{UserID: erin.id}, &tg.PeerUser{UserID: dave.id}}
	if diff := cmp.Diff(want, peers); diff != "" {
		t.Fatalf("dialog order (-want +got):\n%s", diff)
	}
	if len(d.Messages) != 3 || len(d.Users) != 2 || len(d.Chats) != 1 {
		t.Fatalf("dialogs carry %d messages, %d users, %d chats", len(d.Messages), len(d.Users), len(d.Chats))
	}
	page, _ := carol.api.MessagesGetDialogs(ctx(), &tg.MessagesGetDialogsRequest{OffsetPeer: &tg.InputPeerEmpty{}, Limit: 1})
	if s, ok := page.(*tg.MessagesDialogsSlice); !ok || s.Count != 3 || len(s.Dialogs) != 1 {
		t.Fatalf("first page = %#v", page)
	}
}

func TestEditAndDelete(t *testing.T) {
	h, carol, dave := pair(t)
	peer := dave.peerOf(carol)
	carol.updates()
	text := "hi carol (edited)"
	res, err := dave.api.MessagesEditMessage(ctx(), &tg.MessagesEditMessageRequest{Peer: peer, ID: 1, Message: tl.Some(text)})
	if err != nil {
		t.Fatal(err)
	}
	ed := res.(*tg.Updates).Updates[0].(*tg.UpdateEditMessage)
	if ed.Pts != 2 || ed.Message.(*tg.Message).Message != text || !ed.Message.(*tg.Message).EditDate.Set {
		t.Fatalf("edit result %+v", ed)
	}
	pushed := carol.updates()
	if len(pushed) != 1 {
		t.Fatalf("carol got %d updates", len(pushed))
	}
	ced := pushed[0].(*tg.Updates).Updates[0].(*tg.UpdateEditMessage)
	if ced.Pts != 2 || ced.Message.(*tg.Message).Message != text {
		t.Fatalf("carol's edit %+v", ced)
	}
	// Errors.
	for _, tc := range []struct {
		name string
		who  *account
		req  tg.MessagesEditMessageRequest
		want *RPCError
	}{
		{"not modified", dave, tg.MessagesEditMessageRequest{Peer: peer, ID: 1, Message: tl.Some(text)}, world.ErrMessageNotModified},
		{"unknown id", dave, tg.MessagesEditMessageRequest{Peer: peer, ID: 42, Message: tl.Some("x")}, world.ErrMessageIDInvalid},
		{"not the author", carol, tg.MessagesEditMessageRequest{Peer: carol.peerOf(dave), ID: 1, Message: tl.Some("x")}, world.ErrMessageAuthorRequired},
	} {
		_, err := tc.who.api.MessagesEditMessage(ctx(), &tc.req)
		if tc.want == nil {
			t.Fatal("no error expected in table")
		}
		wantRPC(t, err, tc.want)
	}

	// Delete for both sides.
	h.send(dave, peer, "second")
	carol.updates()
	aff, err := dave.api.MessagesDeleteMessages(ctx(), &tg.MessagesDeleteMessagesRequest{ID: []int32{1, 2, 77}, Revoke: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&tg.MessagesAffectedMessages{Pts: 5, PtsCount: 2}, aff); diff != "" {
		t.Fatalf("affected (-want +got):\n%s", diff)
	}
	pushed = carol.updates()
	del := pushed[0].(*tg.Updates).Updates[0].(*tg.UpdateDeleteMessages)
	if diff := cmp.Diff(&tg.UpdateDeleteMessages{Messages: []int32{1, 2}, Pts: 5, PtsCount: 2}, del); diff != "" {
		t.Fatalf("carol's delete (-want +got):\n%s", diff)
	}
	// Nothing left to delete: pts unchanged, count 0.
	aff, _ = dave.api.MessagesDeleteMessages(ctx(), &tg.MessagesDeleteMessagesRequest{ID: []int32{1}})
	if diff := cmp.Diff(&tg.MessagesAffectedMessages{Pts: 5}, aff); diff != "" {
		t.Fatal(diff)
	}
}

func TestForward(t *testing.T) {
	h, carol, dave := pair(t)
	erin := h.user("Erin", "79990001003")
	h.send(erin, erin.peerOf(carol), "hello")
	// Carol forwards Dave's message (her id 1) to Erin.
	res, err := carol.api.MessagesForwardMessages(ctx(), &tg.MessagesForwardMessagesRequest{
		FromPeer: carol.peerOf(dave), ID: []int32{1}, RandomID: []int64{555}, ToPeer: carol.peerOf(erin),
	})
	if err != nil {
		t.Fatal(err)
	}
	ups := res.(*tg.Updates).Updates
	if diff := cmp.Diff(&tg.UpdateMessageID{ID: 3, RandomID: 555}, ups[0]); diff != "" {
		t.Fatal(diff)
	}
	m := ups[1].(*tg.UpdateNewMessage).Message.(*tg.Message)
	if m.FwdFrom == nil || m.Message != "hi carol" {
		t.Fatalf("forwarded message %+v", m)
	}
	if diff := cmp.Diff(&tg.PeerUser{UserID: dave.id}, m.FwdFrom.FromID); diff != "" {
		t.Fatal(diff)
	}
	got := erin.updates()
	short := got[len(got)-1].(*tg.UpdateShortMessage)
	if short.FwdFrom == nil || short.Message != "hi carol" {
		t.Fatalf("erin got %+v", short)
	}
	_, err = carol.api.MessagesForwardMessages(ctx(), &tg.MessagesForwardMessagesRequest{
		FromPeer: carol.peerOf(dave), ID: []int32{1}, RandomID: []int64{555}, ToPeer: carol.peerOf(erin),
	})
	wantRPC(t, err, world.ErrRandomIDDuplicate)
	_, err = carol.api.MessagesForwardMessages(ctx(), &tg.MessagesForwardMessagesRequest{
		FromPeer: carol.peerOf(dave), ID: []int32{99}, RandomID: []int64{556}, ToPeer: carol.peerOf(erin),
	})
	wantRPC(t, err, world.ErrMessageIDInvalid)
}

func TestSendErrors(t *testing.T) {
	h, carol, dave := pair(t)
	b1 := h.bot("first_bot")
	b2 := h.bot("second_bot")
	tests := []struct {
		name string
		from *account
		req  tg.MessagesSendMessageRequest
		want *RPCError
	}{
		{"empty", dave, tg.MessagesSendMessageRequest{Peer: dave.peerOf(carol), RandomID: 1000}, world.ErrMessageEmpty},
		{"too long", dave, tg.MessagesSendMessageRequest{Peer: dave.peerOf(carol), RandomID: 1001, Message: string(make([]byte, 4097))}, world.ErrMessageTooLong},
		{"bad hash", dave, tg.MessagesSendMessageRequest{Peer: &tg.InputPeerUser{UserID: carol.id, AccessHash: 1}, RandomID: 1002, Message: "x"}, world.ErrPeerIDInvalid},
		{"not in chat", dave, tg.MessagesSendMessageRequest{Peer: &tg.InputPeerChat{ChatID: 12345}, RandomID: 1003, Message: "x"}, world.ErrChatIDInvalid},
		{"bot to bot", b1, tg.MessagesSendMessageRequest{Peer: b1.peerOf(b2), RandomID: 1004, Message: "x"}, &RPCError{Code: 400, Message: "USER_IS_BOT"}},
		{"duplicate random id", dave, tg.MessagesSendMessageRequest{Peer: dave.peerOf(carol), RandomID: h.randomID, Message: "x"}, world.ErrRandomIDDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.from.api.MessagesSendMessage(ctx(), &tt.req)
			wantRPC(t, err, tt.want)
		})
	}
	// Unauthorized keys cannot send.
	api := tg.NewClient(h.conn(2))
	_, err := api.MessagesSendMessage(ctx(), &tg.MessagesSendMessageRequest{Peer: &tg.InputPeerSelf{}, Message: "x"})
	wantRPC(t, err, world.ErrAuthKeyUnregistered)
}

func TestResolvePhone(t *testing.T) {
	h, carol, dave := pair(t)
	bot := h.bot("phone_bot")
	tests := []struct {
		name  string
		who   *account
		phone string
		want  int64
		err   *RPCError
	}{
		{"digits", dave, "79990001001", carol.id, nil},
		{"with plus", dave, "+79990001001", carol.id, nil},
		{"nobody", dave, "79990001999", 0, &RPCError{Code: 400, Message: "PHONE_NOT_OCCUPIED"}},
		{"not a number", dave, "+7 999", 0, world.ErrPhoneNumberInvalid},
		{"bots may not", bot, "79990001001", 0, world.ErrBotMethodInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.who.api.ContactsResolvePhone(ctx(), &tg.ContactsResolvePhoneRequest{Phone: tt.phone})
			if tt.err != nil {
				wantRPC(t, err, tt.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u := res.Users[0].(*tg.User)
			if res.Peer.(*tg.PeerUser).UserID != tt.want || u.ID != tt.want || !u.AccessHash.Set {
				t.Fatalf("resolved %+v", res)
			}
		})
	}
}
