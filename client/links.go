package mtgo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrLinkNotChannel reports ExportMessageLink outside channels and supergroups: Telegram
// has no links to messages of private chats and basic groups.
var ErrLinkNotChannel = errors.New("mtgo: message links exist only in channels and supergroups")

// ExportMessageLink returns the t.me link of message id of a channel or supergroup
// (anything ResolvePeer accepts): https://t.me/<username>/<id> for public chats,
// https://t.me/c/<id>/<id> for private ones (channels.exportMessageLink).
func (c *Client) ExportMessageLink(ctx context.Context, chat any, id int) (string, error) {
	id32, err := wireMessageID(id)
	if err != nil {
		return "", fmt.Errorf("mtgo: export message link: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return "", err
	}
	ch, ok := peer.(*tg.InputPeerChannel)
	if !ok {
		return "", ErrLinkNotChannel
	}
	req := &tg.ChannelsExportMessageLinkRequest{Channel: &tg.InputChannel{ChannelID: ch.ChannelID, AccessHash: ch.AccessHash}, ID: id32}
	var res tg.ExportedMessageLink
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return "", fmt.Errorf("mtgo: export message link: %w", err)
	}
	return res.Link, nil
}
