package mtgo

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Copies of business messages. Telegram forwards nothing through a business connection, and
// the bot cannot forward the business account's messages as itself, so a copy is the
// message's text or media sent anew: through its connection when the target is its own chat
// (an explicit WithBusinessConnection in the options wins), as the bot itself elsewhere.

// CopyBusinessMessage implements types.BusinessCopier.
func (a clientAPI) CopyBusinessMessage(ctx context.Context, m *types.Message, to any, opts ...SendOption) (*types.Message, error) {
	return a.c.copyBusiness(ctx, m, to, opts)
}

// copyBusiness copies business message m to to (anything ResolvePeer accepts) with
// messages.sendMessage or sendMedia.
func (c *Client) copyBusiness(ctx context.Context, m *types.Message, to any, opts []SendOption) (*types.Message, error) {
	raw, ok := m.Raw().(*tg.Message)
	if !ok {
		return nil, fmt.Errorf("mtgo: copy business message %d: %w: a service message, or one built by hand", m.ID, ErrForwardOption)
	}
	peer, err := c.ResolvePeer(ctx, to)
	if err != nil {
		return nil, err
	}
	opts = c.businessCopyOpts(m, peer, opts)
	return c.sendAnew(ctx, peer, raw, option.CollectSend(opts), opts)
}

// businessCopyOpts returns opts for a copy of business message m to peer: through m's
// connection when peer is m's private chat, as they are (the bot's own send) elsewhere.
func (c *Client) businessCopyOpts(m *types.Message, peer tg.InputPeerClass, opts []SendOption) []SendOption {
	if m.Chat != nil && m.Chat.Type == types.ChatPrivate && inputPeerID(peer, c.selfID()) == m.Chat.ID {
		return types.BusinessSendOptions(m.BusinessConnectionID, opts)
	}
	return opts
}

// CopyBusinessMediaGroup copies a business album to to (anything ResolvePeer accepts) as one
// new album (messages.sendMultiMedia), every item with its media and its caption as they
// were. album holds the album's items as the bot received them (OnBusinessMessage: business
// messages of one connection's chat sharing a MediaGroupID), in any order; the bot cannot
// read the business account's chat, so it gathers them itself. As Message.Copy of one
// business message, the copy goes through the connection when to is the album's chat (an
// explicit WithBusinessConnection in opts wins), as the bot itself elsewhere. The send
// options are SendMediaGroup's. ErrAlbumSize for fewer than MinAlbumItems or more than
// MaxAlbumItems messages, ErrNotMediaGroup when they are not the distinct items of one
// business album, ErrForwardOption for an item whose media cannot be sent anew.
func (c *Client) CopyBusinessMediaGroup(ctx context.Context, to any, album []*types.Message, opts ...SendOption) ([]*types.Message, error) {
	const what = "copy business album"
	if len(album) < MinAlbumItems || len(album) > MaxAlbumItems {
		return nil, fmt.Errorf("mtgo: %s: %w: got %d", what, ErrAlbumSize, len(album))
	}
	if slices.Contains(album, nil) {
		return nil, fmt.Errorf("mtgo: %s: %w: a nil message", what, ErrNotMediaGroup)
	}
	sorted := slices.SortedFunc(slices.Values(album), func(a, b *types.Message) int { return cmp.Compare(a.ID, b.ID) })
	first := sorted[0]
	items := make([]types.AlbumItem, len(sorted))
	for i, m := range sorted {
		if !sameBusinessAlbum(first, m) || (i > 0 && m.ID == sorted[i-1].ID) {
			return nil, fmt.Errorf("mtgo: %s: %w: message %d is not another item of the business album of %d", what, ErrNotMediaGroup, m.ID, first.ID)
		}
		raw, ok := m.Raw().(*tg.Message)
		if !ok || raw.Media == nil {
			return nil, fmt.Errorf("mtgo: %s: %w: message %d has no media", what, ErrForwardOption, m.ID)
		}
		ents := raw.Entities
		if ents == nil {
			ents = []tg.MessageEntityClass{} // the caption as it was, not read with a parse mode
		}
		items[i] = types.AlbumItem{Kind: m.MediaKind(), Media: raw.Media, Caption: raw.Message, Entities: ents}
	}
	peer, err := c.ResolvePeer(ctx, to)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return c.SendMediaGroup(ctx, peer, items, c.businessCopyOpts(first, peer, opts)...)
}

// sameBusinessAlbum reports whether m is a business message of the same connection, chat and
// album as first.
func sameBusinessAlbum(first, m *types.Message) bool {
	return m.BusinessConnectionID != "" && m.MediaGroupID != 0 && m.Chat != nil && first.Chat != nil &&
		m.BusinessConnectionID == first.BusinessConnectionID && m.MediaGroupID == first.MediaGroupID && m.Chat.ID == first.Chat.ID
}
