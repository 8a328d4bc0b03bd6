package peers_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// directory stands in for Telegram: it knows one public username. A real program passes
// tg.NewClient(invoker), which has the same methods.
type directory struct {
	calls int
}

func (d *directory) ContactsResolveUsername(_ context.Context, req *tg.ContactsResolveUsernameRequest) (*tg.ContactsResolvedPeer, error) {
	d.calls++
	if req.Username != "gopher_news" {
		return nil, rpcerr.Parse(400, "USERNAME_NOT_OCCUPIED")
	}
	return &tg.ContactsResolvedPeer{
		Peer: &tg.PeerChannel{ChannelID: 5005},
		Chats: []tg.ChatClass{&tg.Channel{
			Broadcast:  true,
			ID:         5005,
			AccessHash: tl.Some[int64](-77),
			Title:      "Gopher News",
			Username:   tl.Some("gopher_news"),
		}},
	}, nil
}

func (d *directory) ContactsResolvePhone(context.Context, *tg.ContactsResolvePhoneRequest) (*tg.ContactsResolvedPeer, error) {
	d.calls++
	return nil, rpcerr.Parse(400, "PHONE_NOT_OCCUPIED")
}

func (d *directory) UsersGetUsers(context.Context, *tg.UsersGetUsersRequest) ([]tg.UserClass, error) {
	d.calls++
	return nil, rpcerr.Parse(400, "USER_ID_INVALID")
}

func (d *directory) ChannelsGetChannels(context.Context, *tg.ChannelsGetChannelsRequest) (tg.MessagesChatsClass, error) {
	d.calls++
	return nil, rpcerr.Parse(400, "CHANNEL_INVALID")
}

func (d *directory) MessagesCheckChatInvite(context.Context, *tg.MessagesCheckChatInviteRequest) (tg.ChatInviteClass, error) {
	d.calls++
	return nil, rpcerr.Parse(400, "INVITE_HASH_INVALID")
}

// The resolver learns users and chats from every result that passes by, and turns ids,
// usernames and links into the input peers requests need, asking the server only for what it
// does not know.
func ExampleResolver_Resolve() {
	ctx := context.Background()
	api := &directory{}
	r := peers.NewResolver(peers.NewCache(peers.Options{}), api, peers.ResolverOptions{})

	// Users arrive with results and updates; the client feeds them all to Learn.
	r.Learn([]tg.UserClass{
		&tg.User{Self: true, ID: 1000, AccessHash: tl.Some[int64](11), FirstName: tl.Some("Me")},
		&tg.User{ID: 2000, AccessHash: tl.Some[int64](22), FirstName: tl.Some("Alice"), Username: tl.Some("alice")},
	}, nil)

	for _, id := range []any{"me", int64(2000), "@alice", "https://t.me/gopher_news", int64(-1000000005005)} {
		p, err := r.Resolve(ctx, id)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-28v -> %s\n", id, describe(p))
	}
	fmt.Println("server calls:", api.calls)

	_, err := r.Resolve(ctx, "@nobody_here")
	fmt.Println("unknown:", errors.Is(err, peers.ErrPeerNotFound))

	// Output:
	// me                           -> self
	// 2000                         -> user 2000 (hash 22)
	// @alice                       -> user 2000 (hash 22)
	// https://t.me/gopher_news     -> channel 5005 (hash -77)
	// -1000000005005               -> channel 5005 (hash -77)
	// server calls: 1
	// unknown: true
}

func describe(p tg.InputPeerClass) string {
	switch p := p.(type) {
	case *tg.InputPeerSelf:
		return "self"
	case *tg.InputPeerUser:
		return fmt.Sprintf("user %d (hash %d)", p.UserID, p.AccessHash)
	case *tg.InputPeerChannel:
		return fmt.Sprintf("channel %d (hash %d)", p.ChannelID, p.AccessHash)
	default:
		return fmt.Sprintf("%T", p)
	}
}

// ParseQuery tells what kind of identifier a string is without any network access.
func ExampleParseQuery() {
	for _, s := range []string{"me", "@Durov", "-1001234567890", "+1 (555) 010-0000", "t.me/joinchat/AbCdEf"} {
		q, err := peers.ParseQuery(s)
		if err != nil {
			panic(err)
		}
		switch q.Kind {
		case peers.QuerySelf:
			fmt.Println(s, "=> self")
		case peers.QueryKey:
			fmt.Println(s, "=> key", q.Key.Kind, q.Key.ID)
		case peers.QueryUsername:
			fmt.Println(s, "=> username", q.Username)
		case peers.QueryPhone:
			fmt.Println(s, "=> phone", q.Phone)
		case peers.QueryInvite:
			fmt.Println(s, "=> invite", q.Invite)
		}
	}

	// Output:
	// me => self
	// @Durov => username durov
	// -1001234567890 => key channel 1234567890
	// +1 (555) 010-0000 => phone 15550100000
	// t.me/joinchat/AbCdEf => invite AbCdEf
}
