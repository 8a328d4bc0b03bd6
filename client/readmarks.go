package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ReadChatHistory marks the messages of chat (anything ResolvePeer accepts) up to maxID
// (0: all) as read: messages.readHistory, channels.readHistory in channels.
func (c *Client) ReadChatHistory(ctx context.Context, chat any, maxID int) error {
	max32, err := wireMaxMessageID(maxID)
	if err != nil {
		return fmt.Errorf("mtgo: read chat history: %w", err)
	}
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	if ch, ok := peer.(*tg.InputPeerChannel); ok {
		req := &tg.ChannelsReadHistoryRequest{Channel: &tg.InputChannel{ChannelID: ch.ChannelID, AccessHash: ch.AccessHash}, MaxID: max32}
		return c.readMark(ctx, "read chat history", req, &tg.BoolBox{})
	}
	return c.readMark(ctx, "read chat history", &tg.MessagesReadHistoryRequest{Peer: peer, MaxID: max32}, &tg.MessagesAffectedMessages{})
}

// ReadMentions marks every mention of the account in chat as read (messages.readMentions).
func (c *Client) ReadMentions(ctx context.Context, chat any) error {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	return c.readMark(ctx, "read mentions", &tg.MessagesReadMentionsRequest{Peer: peer}, &tg.MessagesAffectedHistory{})
}

// ReadReactions marks every reaction to the account's messages in chat as seen
// (messages.readReactions).
func (c *Client) ReadReactions(ctx context.Context, chat any) error {
	peer, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	return c.readMark(ctx, "read reactions", &tg.MessagesReadReactionsRequest{Peer: peer}, &tg.MessagesAffectedHistory{})
}

// readMark runs one read-mark request.
func (c *Client) readMark(ctx context.Context, what string, req tl.Encoder, res tl.Decoder) error {
	if err := c.invoker().Invoke(ctx, req, res); err != nil {
		return fmt.Errorf("mtgo: %s: %w", what, err)
	}
	return nil
}
