package peers

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestMinPeersFromMessage(t *testing.T) {
	const (
		channelID, channelHash = 100, 555
		userID, userHash       = 7, 777
		groupID                = 40
		otherChannel           = 200
	)
	channel := &tg.Channel{ID: channelID, AccessHash: tl.Some(int64(channelHash))}
	minUser := &tg.User{ID: userID, Min: true, AccessHash: tl.Some(int64(1))}
	fullUser := &tg.User{ID: userID, AccessHash: tl.Some(int64(userHash))}
	inChannel := func(id int32, from tg.PeerClass) *tg.Message {
		return &tg.Message{ID: id, PeerID: &tg.PeerChannel{ChannelID: channelID}, FromID: from}
	}
	chanPeer := &tg.InputPeerChannel{ChannelID: channelID, AccessHash: channelHash}
	tests := []struct {
		name  string
		users []tg.UserClass
		chats []tg.ChatClass
		msgs  []tg.MessageClass
		key   Key
		want  tg.InputPeerClass // nil: not addressable
	}{
		{
			name: "min sender in a channel", users: []tg.UserClass{minUser}, chats: []tg.ChatClass{channel},
			msgs: []tg.MessageClass{inChannel(5, &tg.PeerUser{UserID: userID})}, key: UserKey(userID),
			want: &tg.InputPeerUserFromMessage{Peer: chanPeer, MsgID: 5, UserID: userID},
		},
		{
			name: "the last message wins", chats: []tg.ChatClass{channel},
			msgs: []tg.MessageClass{inChannel(5, &tg.PeerUser{UserID: userID}), inChannel(9, &tg.PeerUser{UserID: userID})},
			key:  UserKey(userID), want: &tg.InputPeerUserFromMessage{Peer: chanPeer, MsgID: 9, UserID: userID},
		},
		{
			name: "sender in a basic group", users: []tg.UserClass{minUser},
			msgs: []tg.MessageClass{&tg.MessageService{ID: 3, PeerID: &tg.PeerChat{ChatID: groupID}, FromID: &tg.PeerUser{UserID: userID}}},
			key:  UserKey(userID), want: &tg.InputPeerUserFromMessage{Peer: &tg.InputPeerChat{ChatID: groupID}, MsgID: 3, UserID: userID},
		},
		{
			name: "forwarded from a min channel", chats: []tg.ChatClass{channel, &tg.Channel{ID: otherChannel, Min: true}},
			msgs: []tg.MessageClass{&tg.Message{ID: 11, PeerID: &tg.PeerChannel{ChannelID: channelID},
				FwdFrom: &tg.MessageFwdHeader{FromID: &tg.PeerChannel{ChannelID: otherChannel}}}},
			key:  ChannelKey(otherChannel),
			want: &tg.InputPeerChannelFromMessage{Peer: chanPeer, MsgID: 11, ChannelID: otherChannel},
		},
		{
			name: "the chat itself is not addressable", users: []tg.UserClass{minUser},
			msgs: []tg.MessageClass{inChannel(5, &tg.PeerUser{UserID: userID})}, key: UserKey(userID),
		},
		{
			name: "a full user needs no message", users: []tg.UserClass{fullUser}, chats: []tg.ChatClass{channel},
			msgs: []tg.MessageClass{inChannel(5, &tg.PeerUser{UserID: userID})}, key: UserKey(userID),
			want: &tg.InputPeerUser{UserID: userID, AccessHash: userHash},
		},
		{
			name: "replaced when the full user arrives", users: []tg.UserClass{minUser, fullUser}, chats: []tg.ChatClass{channel},
			msgs: []tg.MessageClass{inChannel(5, &tg.PeerUser{UserID: userID})}, key: UserKey(userID),
			want: &tg.InputPeerUser{UserID: userID, AccessHash: userHash},
		},
		{
			name: "messages without a sender or id", chats: []tg.ChatClass{channel},
			msgs: []tg.MessageClass{inChannel(0, &tg.PeerUser{UserID: userID}), inChannel(4, nil), &tg.MessageEmpty{ID: 3}, (*tg.Message)(nil)},
			key:  UserKey(userID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCache(Options{})
			if tt.name == "sender in a basic group" { // the same through SeenIn, as for a short message
				c.SeenIn(UserKey(userID), ChatKey(groupID), 3)
				c.SeenIn(UserKey(userID), ChatKey(groupID), 0) // ignored
				if got, ok := c.LookupKey(UserKey(userID)); !ok || cmp.Diff(tt.want, got) != "" {
					t.Fatalf("after SeenIn: %#v, %v", got, ok)
				}
				c = NewCache(Options{})
			}
			c.Learn(nil, tt.chats)
			if len(tt.users) > 0 {
				c.Learn(tt.users[:1], nil)
			}
			for _, m := range tt.msgs {
				c.LearnMessage(m)
			}
			if len(tt.users) > 1 {
				c.Learn(tt.users[1:], nil)
			}
			got, ok := c.LookupKey(tt.key)
			if tt.want == nil {
				if ok {
					t.Fatalf("LookupKey = %#v, want none", got)
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); !ok || diff != "" {
				t.Fatalf("LookupKey (-want +got):\n%s", diff)
			}
			// The resolver answers the same without asking the server.
			api := &fakeAPI{}
			r := NewResolver(c, api, ResolverOptions{})
			res, err := r.Resolve(context.Background(), tt.key.BotAPIID())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res); diff != "" || api.calls.Load() != 0 {
				t.Fatalf("Resolve (-want +got), %d server calls:\n%s", api.calls.Load(), diff)
			}
		})
	}
}

// Reset is for logging out: where min peers were seen belongs to the account that saw the
// messages (message ids of basic groups and private chats are per account), so it goes too.
func TestResetForgetsWhereMinPeersWereSeen(t *testing.T) {
	const userID, groupID = 7, 40
	c := NewCache(Options{})
	c.Learn([]tg.UserClass{&tg.User{ID: userID, Min: true, AccessHash: tl.Some(int64(1))}}, nil)
	c.LearnMessage(&tg.Message{ID: 3, PeerID: &tg.PeerChat{ChatID: groupID}, FromID: &tg.PeerUser{UserID: userID}})
	if _, ok := c.LookupKey(UserKey(userID)); !ok {
		t.Fatal("before Reset: the min user is not addressable through its message")
	}
	c.Reset()
	if p, ok := c.LookupKey(UserKey(userID)); ok {
		t.Fatalf("after Reset: LookupKey = %#v, want nothing from the previous account", p)
	}
}
