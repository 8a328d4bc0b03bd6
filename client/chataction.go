package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// SendChatAction shows chat (anything ResolvePeer accepts) what the account is doing:
// types.ActionTyping, types.ActionUploadPhoto.Progress(40), ..., types.ActionCancel to stop.
// Telegram shows an action for about 5 seconds; repeat it while the work goes on.
func (c *Client) SendChatAction(ctx context.Context, chat any, action types.ChatAction) error {
	return c.sendChatAction(ctx, chat, 0, action)
}

// SendTopicChatAction is SendChatAction in the forum topic whose first message is topicID.
func (c *Client) SendTopicChatAction(ctx context.Context, chat any, topicID int, action types.ChatAction) error {
	return c.sendChatAction(ctx, chat, topicID, action)
}

func (c *Client) sendChatAction(ctx context.Context, chat any, topicID int, action types.ChatAction) error {
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesSetTypingRequest{Peer: ip, Action: action.TL()}
	if topicID != 0 {
		req.TopMsgID = tl.Some(int32(topicID))
	}
	return c.boolCall(ctx, "send chat action", req)
}
