package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ResolvePeer turns an identifier into an input peer for requests: an int64 (or int) id in
// Bot API form (positive users, negative basic groups, -100... channels), a username with or
// without "@", a t.me link, a phone number, "me" or "self", a *types.User or *types.Chat, or
// a tg peer value. Unknown peers give an error matching ErrPeerNotFound.
func (c *Client) ResolvePeer(ctx context.Context, peerID interface{}) (tg.InputPeerClass, error) {
	if p, ok := peerID.(tg.InputPeerClass); ok && p != nil {
		return p, nil
	}
	p, err := c.peers.Resolve(ctx, peerID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: resolve %v: %w", peerID, err)
	}
	return p, nil
}

// ResolvePeerCache returns the cached peer with id (Bot API form), without network requests,
// or ErrPeerNotFound.
func (c *Client) ResolvePeerCache(id int64) (tg.InputPeerClass, error) {
	if p, ok := c.peers.Lookup(id); ok {
		return p, nil
	}
	return nil, fmt.Errorf("%w: %d not cached", ErrPeerNotFound, id)
}

// CachePeer adds peer to the cache under id (Bot API form for chats and channels).
func (c *Client) CachePeer(id int64, peer tg.InputPeerClass) {
	if peer == nil {
		return
	}
	c.peers.Add(id, peer)
}

// extractPeers returns the users and chats a result carries, for the peer cache.
func extractPeers(obj tl.Object) ([]tg.UserClass, []tg.ChatClass) {
	switch r := obj.(type) {
	case *tg.MessagesDialogs:
		return r.Users, r.Chats
	case *tg.MessagesDialogsSlice:
		return r.Users, r.Chats
	case *tg.MessagesPeerDialogs:
		return r.Users, r.Chats
	case *tg.MessagesMessages:
		return r.Users, r.Chats
	case *tg.MessagesMessagesSlice:
		return r.Users, r.Chats
	case *tg.MessagesChannelMessages:
		return r.Users, r.Chats
	case *tg.ContactsResolvedPeer:
		return r.Users, r.Chats
	case *tg.ContactsFound:
		return r.Users, r.Chats
	case *tg.ContactsContacts:
		return r.Users, nil
	case *tg.UsersUserFull:
		return r.Users, r.Chats
	case *tg.MessagesChats:
		return nil, r.Chats
	case *tg.MessagesChatsSlice:
		return nil, r.Chats
	case *tg.MessagesChatFull:
		return r.Users, r.Chats
	case *tg.ChannelsChannelParticipants:
		return r.Users, r.Chats
	case *tg.UpdatesDifference:
		return r.Users, r.Chats
	case *tg.UpdatesDifferenceSlice:
		return r.Users, r.Chats
	case *tg.UpdatesChannelDifference:
		return r.Users, r.Chats
	case *tg.UpdatesChannelDifferenceTooLong:
		return r.Users, r.Chats
	case *tg.AuthAuthorization:
		return []tg.UserClass{r.User}, nil
	case *Vector:
		var users []tg.UserClass
		var chats []tg.ChatClass
		for _, e := range r.Elems {
			switch e := e.(type) {
			case tg.UserClass:
				users = append(users, e)
			case tg.ChatClass:
				chats = append(chats, e)
			}
		}
		return users, chats
	}
	return nil, nil
}
