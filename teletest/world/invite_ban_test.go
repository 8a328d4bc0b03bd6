package world

import (
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestInviteRefusedKeepsBans: channels.inviteToChannel by an admin who may ban lifts the ban
// of a banned invitee only when the call succeeds; refused for another invitee (one the
// caller cannot name, one in MaxChannelsPerUser channels), it adds no one and lifts no ban.
func TestInviteRefusedKeepsBans(t *testing.T) {
	w := newWorld(t, Config{})
	carol, _ := w.CreateUser(UserSpec{FirstName: "C", Phone: "70000002001"})
	dave, _ := w.CreateUser(UserSpec{FirstName: "D", Phone: "70000002002"})
	key := KeyID{2, 1}
	if err := w.Authorize(key, carol.ID); err != nil {
		t.Fatal(err)
	}
	made, err := w.CreateChannel(carol.ID, ChannelSpec{Title: "Bans", Megagroup: true})
	if err != nil {
		t.Fatal(err)
	}
	ch := w.channels[made.ID]
	in := &tg.InputChannel{ChannelID: made.ID, AccessHash: w.accessHash(carol.ID, PeerChannel, made.ID)}
	banned := &ban{rights: tg.ChatBannedRights{ViewMessages: true}, by: carol.ID}
	ch.banned = map[int64]*ban{dave.ID: banned}
	invitees := []tg.InputUserClass{inputUser(t, w, key, dave.ID), &tg.InputUser{UserID: 1 << 40}}
	if _, err := w.InviteToChannel(key, in, invitees); err == nil {
		t.Fatal("inviting a user the caller cannot name succeeded")
	}
	if ch.banned[dave.ID] != banned {
		t.Error("a refused invitation lifted a ban")
	}
	if ch.members[dave.ID] != nil {
		t.Error("a refused invitation added a member")
	}
}
