package services

import (
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// seq returns n ids 1..n as int32 and n distinct random ids starting at base.
func seq(n int, base int64) ([]int32, []int64) {
	ids, rnd := make([]int32, n), make([]int64, n)
	for i := range n {
		ids[i], rnd[i] = int32(i+1), base+int64(i)
	}
	return ids, rnd
}

func TestForwardMessagesCountLimit(t *testing.T) {
	h, carol, dave := pair(t)
	// Carol's box: 1 is Dave's "hi carol"; she sends 2..MaxForwardIDs.
	for range world.MaxForwardIDs - 1 {
		h.send(carol, carol.peerOf(dave), "x")
	}
	cfg, err := carol.api.HelpGetConfig(ctx(), &tg.HelpGetConfigRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ForwardedCountMax != world.MaxForwardIDs {
		t.Fatalf("forwarded_count_max = %d, want %d", cfg.ForwardedCountMax, world.MaxForwardIDs)
	}
	full, fullRnd := seq(world.MaxForwardIDs, 1000)
	over, overRnd := seq(world.MaxForwardIDs, 2000)
	over, overRnd = append(over, 1), append(overRnd, 9999) // a valid id once more
	tests := []struct {
		name string
		ids  []int32
		rnd  []int64
		want *RPCError
	}{
		{"none", nil, nil, world.ErrMessageIDsEmpty},
		{"one too many", over, overRnd, world.ErrMessageIDInvalid},
		{"the most", full, fullRnd, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := carol.api.MessagesForwardMessages(ctx(), &tg.MessagesForwardMessagesRequest{
				FromPeer: carol.peerOf(dave), ID: tt.ids, RandomID: tt.rnd, ToPeer: carol.peerOf(dave),
			})
			if tt.want != nil {
				wantRPC(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := len(res.(*tg.Updates).Updates); got != 2*world.MaxForwardIDs {
				t.Fatalf("%d updates, want %d", got, 2*world.MaxForwardIDs)
			}
		})
	}
}

func TestIDListsCapped(t *testing.T) {
	h, carol, _ := pair(t)
	made, err := h.w.CreateChannel(carol.id, world.ChannelSpec{Title: "Capped"})
	if err != nil {
		t.Fatal(err)
	}
	ch := inputChannel(channelPeer(t, carol, made.ID))
	msgIDs := func(n int) []tg.InputMessageClass {
		in := make([]tg.InputMessageClass, n)
		for i := range in {
			in[i] = &tg.InputMessageID{ID: 1} // repeated ids cost as much as distinct ones
		}
		return in
	}
	users := func(n int) []tg.InputUserClass {
		in := make([]tg.InputUserClass, n)
		for i := range in {
			in[i] = &tg.InputUserSelf{}
		}
		return in
	}
	calls := map[string]func(n int) error{
		"messages.getMessages": func(n int) error {
			_, err := carol.api.MessagesGetMessages(ctx(), &tg.MessagesGetMessagesRequest{ID: msgIDs(n)})
			return err
		},
		"channels.getMessages": func(n int) error {
			_, err := carol.api.ChannelsGetMessages(ctx(), &tg.ChannelsGetMessagesRequest{Channel: ch, ID: msgIDs(n)})
			return err
		},
		"users.getUsers": func(n int) error {
			_, err := carol.api.UsersGetUsers(ctx(), &tg.UsersGetUsersRequest{ID: users(n)})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(world.MaxGetIDs); err != nil {
				t.Fatalf("%d ids: %v", world.MaxGetIDs, err)
			}
			wantRPC(t, call(world.MaxGetIDs+1), world.ErrLimitInvalid)
		})
	}
}

func TestChannelsTooMuch(t *testing.T) {
	h, carol, dave := pair(t)
	if _, err := h.w.CreateChannel(dave.id, world.ChannelSpec{Title: "Open", Username: "open_club"}); err != nil {
		t.Fatal(err)
	}
	private, err := h.w.CreateChannel(dave.id, world.ChannelSpec{Title: "Closed"})
	if err != nil {
		t.Fatal(err)
	}
	link, err := dave.api.MessagesExportChatInvite(ctx(), &tg.MessagesExportChatInviteRequest{Peer: channelPeer(t, dave, private.ID)})
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.TrimPrefix(link.(*tg.ChatInviteExported).Link, "https://t.me/+")
	open := inputChannel(resolveChannel(t, carol, "open_club"))

	// Carol is in MaxChannelsPerUser channels: one she made through the API, the rest by setup.
	made, err := carol.api.ChannelsCreateChannel(ctx(), &tg.ChannelsCreateChannelRequest{Title: "Mine"})
	if err != nil {
		t.Fatal(err)
	}
	mine := made.(*tg.Updates).Chats[0].(*tg.Channel)
	for range world.MaxChannelsPerUser - 1 {
		if _, err := h.w.CreateChannel(carol.id, world.ChannelSpec{Title: "Filler"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"channels.createChannel", func() error {
			_, err := carol.api.ChannelsCreateChannel(ctx(), &tg.ChannelsCreateChannelRequest{Title: "One more"})
			return err
		}},
		{"channels.joinChannel", func() error {
			_, err := carol.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: open})
			return err
		}},
		{"messages.importChatInvite", func() error {
			_, err := carol.api.MessagesImportChatInvite(ctx(), &tg.MessagesImportChatInviteRequest{Hash: hash})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantRPC(t, tt.call(), world.ErrChannelsTooMuch)
		})
	}
	// Deleting one makes room again.
	if _, err := carol.api.ChannelsDeleteChannel(ctx(), &tg.ChannelsDeleteChannelRequest{
		Channel: &tg.InputChannel{ChannelID: mine.ID, AccessHash: mine.AccessHash.Value},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := carol.api.ChannelsJoinChannel(ctx(), &tg.ChannelsJoinChannelRequest{Channel: open}); err != nil {
		t.Fatalf("join after deleting a channel: %v", err)
	}
}
