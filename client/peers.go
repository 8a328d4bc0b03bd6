package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ResolvePeer turns an identifier into an input peer for requests: an int64 (or int) id in
// Bot API form (positive users, negative basic groups, -100... channels), a username with or
// without "@", a t.me link, a phone number, "me" or "self", a *types.User or *types.Chat, or
// a tg peer value. Unknown peers give an error matching ErrPeerNotFound.
func (c *Client) ResolvePeer(ctx context.Context, peerID interface{}) (tg.InputPeerClass, error) {
	p, err := c.peers.Resolve(ctx, peerID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: resolve %s: %w", clipPeerID(peerID), err)
	}
	return c.migratedPeer(p), nil
}

// maxPeerIDText is how much of an identifier ResolvePeer's error repeats.
const maxPeerIDText = 64

// clipPeerID formats an identifier for an error, cut to maxPeerIDText bytes: a bot may be
// handed any text to resolve, a megabyte of it too.
func clipPeerID(peerID any) string {
	s := fmt.Sprint(peerID)
	if len(s) <= maxPeerIDText {
		return s
	}
	return fmt.Sprintf("%q... (%d bytes)", s[:maxPeerIDText], len(s))
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
