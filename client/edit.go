package mtgo

import (
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// EditMessageText replaces the text of message messageID in chat (anything ResolvePeer
// accepts) and returns the edited message. The text is read like SendMessage's; the
// EditOptions apply (parse mode, entities, reply markup, link preview, media position and,
// for a scheduled message, its new time). A bot's edit without a reply markup removes the
// message's inline buttons, as Telegram does: pass them again (WithReplyMarkup,
// WithKeyboard) to keep them.
func (c *Client) EditMessageText(ctx context.Context, chat any, messageID int, text string, opts ...EditOption) (*types.Message, error) {
	return c.editMessage(ctx, chat, messageID, &text, nil, nil, opts)
}

// EditMessageCaption replaces the caption of media message messageID in chat; the text and
// the options are read as for EditMessageText.
func (c *Client) EditMessageCaption(ctx context.Context, chat any, messageID int, caption string, opts ...EditOption) (*types.Message, error) {
	return c.editMessage(ctx, chat, messageID, &caption, nil, nil, opts)
}

// EditMessageReplyMarkup replaces the reply markup (inline buttons) of message messageID in
// chat, leaving its text. A nil markup takes the markup of opts (WithKeyboard,
// WithReplyMarkup), and without one removes the buttons; a markup given overrides opts'.
func (c *Client) EditMessageReplyMarkup(ctx context.Context, chat any, messageID int, markup tg.ReplyMarkupClass, opts ...EditOption) (*types.Message, error) {
	return c.editMessage(ctx, chat, messageID, nil, markup, nil, opts)
}

// editMessage sends messages.editMessage: the new text when text is not nil, the markup
// when it is not nil (else the options' reply markup), the new media when media is not nil.
func (c *Client) editMessage(ctx context.Context, chat any, messageID int, text *string, markup tg.ReplyMarkupClass, media tg.InputMediaClass, opts []EditOption) (*types.Message, error) {
	id, err := wireMessageID(messageID)
	if err != nil {
		return nil, fmt.Errorf("mtgo: edit message: %w", err)
	}
	p := option.CollectEdit(opts)
	if markup != nil {
		p.ReplyMarkup = option.Raw(markup)
	}
	schedule, err := scheduleDate(p.Schedule)
	if err != nil {
		return nil, fmt.Errorf("mtgo: edit message: %w", err)
	}
	ip, err := c.ResolvePeer(ctx, chat)
	if err != nil {
		return nil, err
	}
	rm, err := c.replyMarkup(ctx, p.ReplyMarkup)
	if err != nil {
		return nil, err
	}
	if rm == nil && text == nil && media == nil {
		rm = &tg.ReplyInlineMarkup{} // EditMessageReplyMarkup without markup removes the buttons
	}
	req := &tg.MessagesEditMessageRequest{
		Peer: ip, ID: id, Media: media, NoWebpage: p.NoWebpage, InvertMedia: p.InvertMedia, ReplyMarkup: rm,
		ScheduleDate: schedule,
	}
	var s string
	if text != nil {
		if s, req.Entities, err = c.messageText(ctx, *text, p.Text); err != nil {
			return nil, err
		}
		req.Message = tl.Some(s)
	}
	var res tg.UpdatesClassBox
	if err := c.businessCall(ctx, p.BusinessConnectionID, req, &res); err != nil {
		return nil, fmt.Errorf("mtgo: edit message: %w", err)
	}
	msg, err := c.sentMessage(res.Updates, 0, ip, s, req.Entities)
	if err == nil {
		msg.BusinessConnectionID = p.BusinessConnectionID
	}
	return msg, err
}

// EditCaption implements types.API.
func (a clientAPI) EditCaption(ctx context.Context, peer tg.InputPeerClass, id int, caption string, opts ...EditOption) (*types.Message, error) {
	return a.c.EditMessageCaption(ctx, peer, id, caption, opts...)
}

// EditReplyMarkup implements types.API.
func (a clientAPI) EditReplyMarkup(ctx context.Context, peer tg.InputPeerClass, id int, markup tg.ReplyMarkupClass, opts ...EditOption) (*types.Message, error) {
	return a.c.EditMessageReplyMarkup(ctx, peer, id, markup, opts...)
}
