package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// GetMessagesViews returns the view, forward and reply counters of messages ids of chat
// (anything ResolvePeer accepts), in the order of ids (messages.getMessagesViews). Only
// channel posts count views.
func (c *Client) GetMessagesViews(ctx context.Context, chat any, ids ...int) ([]types.MessageViews, error) {
	return c.messagesViews(ctx, chat, ids, false)
}

// IncrementViews counts the account as a viewer of messages ids of a channel (once per
// account, as Telegram counts them) and returns their counters afterwards.
func (c *Client) IncrementViews(ctx context.Context, chat any, ids ...int) ([]types.MessageViews, error) {
	return c.messagesViews(ctx, chat, ids, true)
}

func (c *Client) messagesViews(ctx context.Context, chat any, ids []int, increment bool) ([]types.MessageViews, error) {
	list, err := wireMessageIDs(ids)
	if err != nil {
		return nil, fmt.Errorf("mtgo: get message views: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	req := &tg.MessagesGetMessagesViewsRequest{Peer: peer, ID: list, Increment: increment}
	var res tg.MessagesMessageViews
	if err := c.invoker().Invoke(ctx, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: get messages views: %w", err)
	}
	out := make([]types.MessageViews, 0, len(ids))
	for i, v := range res.Views {
		if i == len(ids) {
			break // more counters than ids asked for: the server's fault, not kept
		}
		out = append(out, types.NewMessageViews(ids[i], v))
	}
	return out, nil
}
