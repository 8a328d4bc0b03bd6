package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// GetPeerSettings returns the action bar of the chat with chat (anything ResolvePeer
// accepts; messages.getPeerSettings): what an app offers above the chat, and in a business
// account's chat with a customer the connected business bot managing it
// (PeerSettings.BusinessBot: paused there or not, whether it may reply, its management
// link). User accounts only.
func (c *Client) GetPeerSettings(ctx context.Context, chat any) (*types.PeerSettings, error) {
	const what = "get peer settings"
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, fmt.Errorf("mtgo: %s: %w", what, err)
	}
	var res tg.MessagesPeerSettings
	if err := c.invoker().Invoke(ctx, &tg.MessagesGetPeerSettingsRequest{Peer: peer}, &res); err != nil {
		return nil, fmt.Errorf("mtgo: %s %v: %w", what, chat, err)
	}
	return types.NewPeerSettings(&res.Settings, types.NewEntities(res.Users, res.Chats)), nil
}
