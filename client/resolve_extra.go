package mtgo

import (
	"context"
	"strings"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ResolveUsername returns the peer with username (with or without "@"): from the peer cache
// when it learned the name recently, else with contacts.resolveUsername, as ResolvePeer
// resolves "@username". A malformed or unknown username gives an error matching
// ErrPeerNotFound.
func (c *Client) ResolveUsername(ctx context.Context, username string) (tg.InputPeerClass, error) {
	return c.ResolvePeer(ctx, "@"+strings.TrimPrefix(strings.TrimSpace(username), "@"))
}

// ResolvePhone returns the user with the phone number (digits, with or without "+", spaces,
// dashes, dots and parentheses ignored): from the peer cache when it learned the number
// recently, else with contacts.resolvePhone (users only: bots may not). A malformed number or
// one no account has gives an error matching ErrPeerNotFound.
func (c *Client) ResolvePhone(ctx context.Context, phone string) (tg.InputPeerClass, error) {
	return c.ResolvePeer(ctx, "+"+strings.TrimPrefix(strings.TrimSpace(phone), "+"))
}
