package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
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
	topic, err := wireMaxMessageID(topicID)
	if err != nil {
		return fmt.Errorf("mtgo: send chat action: topic: %w", err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	req := &tg.MessagesSetTypingRequest{Peer: ip, Action: action.TL()}
	if topicID != 0 {
		req.TopMsgID = tl.Some(topic)
	}
	return c.boolCall(ctx, "send chat action", req)
}

// SendMessageDraft streams a message being written to chat (a private chat with a bot's
// user, as the Bot API's sendMessageDraft): the other side shows text, read with the parse
// mode, as a draft that each call with the same draftID (not zero) replaces, until the bot
// sends the real message. Of the SendOptions the parse mode and entities apply.
func (c *Client) SendMessageDraft(ctx context.Context, chat any, draftID int64, text string, opts ...SendOption) error {
	if draftID == 0 {
		return fmt.Errorf("%w: draft id 0", ErrEmptyField)
	}
	p := option.CollectSend(opts)
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return err
	}
	text, ents, err := c.messageText(ctx, text, p.Text)
	if err != nil {
		return err
	}
	if ents == nil {
		ents = []tg.MessageEntityClass{}
	}
	action := &tg.SendMessageTextDraftAction{RandomID: draftID, Text: tg.TextWithEntities{Text: text, Entities: ents}}
	return c.boolCall(ctx, "send message draft", &tg.MessagesSetTypingRequest{Peer: ip, Action: action})
}
