package mtgo

import (
	"context"
	"fmt"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// outgoing is what the options of a send-like call come to in TL terms. Every send-like
// request (sendMessage, sendMedia, sendMultiMedia, forwardMessages, ...) takes its fields from
// one of these, so an option is resolved in one place whatever the method.
type outgoing struct {
	replyTo     tg.InputReplyToClass
	replyHeader tg.MessageReplyHeaderClass // what the server will show, for short answers
	schedule    tl.Opt[int32]
	sendAs      tg.InputPeerClass
	effect      tl.Opt[int64]
	paidStars   tl.Opt[int64]
	markup      tg.ReplyMarkupClass
	silent      bool
	protect     bool
	noWebpage   bool
	invertMedia bool
	business    string // business connection id: the request goes inside invokeWithBusinessConnection
}

// resolveSend turns send options into request fields, resolving the peers they name.
func (c *Client) resolveSend(ctx context.Context, p option.SendParams) (outgoing, error) {
	o := outgoing{
		silent:      p.Silent,
		protect:     p.Protect,
		noWebpage:   p.NoWebpage || c.cfg.LinkPreview.disabled(),
		invertMedia: p.InvertMedia || c.cfg.LinkPreview.above(),
		business:    p.BusinessConnectionID,
	}
	var err error
	if o.schedule, err = scheduleDate(p.Schedule); err != nil {
		return o, err
	}
	if o.markup, err = c.replyMarkup(ctx, p.ReplyMarkup); err != nil {
		return o, err
	}
	if p.Effect != 0 {
		o.effect = tl.Some(p.Effect)
	}
	if p.PaidStars != 0 {
		o.paidStars = tl.Some(p.PaidStars)
	}
	if p.SendAs != nil {
		as, err := c.ResolvePeer(ctx, p.SendAs)
		if err != nil {
			return o, fmt.Errorf("mtgo: send as: %w", err)
		}
		o.sendAs = as
	}
	if p.Reply.MessageID != 0 || p.TopicID != 0 {
		reply, err := wireMaxMessageID(p.Reply.MessageID)
		if err != nil {
			return o, fmt.Errorf("mtgo: reply to: %w", err)
		}
		topic, err := wireMaxMessageID(p.TopicID)
		if err != nil {
			return o, fmt.Errorf("mtgo: topic: %w", err)
		}
		in := &tg.InputReplyToMessage{ReplyToMsgID: reply}
		hdr := &tg.MessageReplyHeader{}
		if p.Reply.MessageID != 0 {
			hdr.ReplyToMsgID = tl.Some(reply)
		}
		if p.TopicID != 0 {
			in.TopMsgID, hdr.ForumTopic = tl.Some(topic), true
			if p.Reply.MessageID == 0 { // a plain post in a topic replies to its first message
				in.ReplyToMsgID, hdr.ReplyToMsgID = topic, tl.Some(topic)
			} else {
				hdr.ReplyToTopID = tl.Some(topic)
			}
		}
		if p.Reply.Chat != nil {
			chat, err := c.ResolvePeer(ctx, p.Reply.Chat)
			if err != nil {
				return o, fmt.Errorf("mtgo: reply to: %w", err)
			}
			in.ReplyToPeerID = chat
			hdr.ReplyToPeerID = inputToPeer(chat, c.selfID())
		}
		if p.Reply.Quote != "" {
			in.QuoteText = tl.Some(p.Reply.Quote)
			hdr.Quote, hdr.QuoteText = true, tl.Some(p.Reply.Quote)
		}
		o.replyTo, o.replyHeader = in, hdr
	}
	return o, nil
}

// scheduleDate is the schedule_date of a request: absent for the zero time ("now"), ErrDate
// for a time a request cannot carry.
func scheduleDate(t time.Time) (tl.Opt[int32], error) { return tgdate.Opt("schedule", t) }

// toMessage copies the fields into messages.sendMessage.
func (o *outgoing) toMessage(r *tg.MessagesSendMessageRequest) {
	r.ReplyTo, r.ScheduleDate, r.SendAs, r.Effect, r.AllowPaidStars = o.replyTo, o.schedule, o.sendAs, o.effect, o.paidStars
	r.ReplyMarkup, r.Silent, r.Noforwards, r.NoWebpage, r.InvertMedia = o.markup, o.silent, o.protect, o.noWebpage, o.invertMedia
}

// toMedia copies the fields into messages.sendMedia (a media message has no link preview).
func (o *outgoing) toMedia(r *tg.MessagesSendMediaRequest) {
	r.ReplyTo, r.ScheduleDate, r.SendAs, r.Effect, r.AllowPaidStars = o.replyTo, o.schedule, o.sendAs, o.effect, o.paidStars
	r.ReplyMarkup, r.Silent, r.Noforwards, r.InvertMedia = o.markup, o.silent, o.protect, o.invertMedia
}

// toForward copies the fields into messages.forwardMessages, which has no reply markup, link
// preview or media position (forwardable rejects those options).
func (o *outgoing) toForward(r *tg.MessagesForwardMessagesRequest) {
	r.ReplyTo, r.ScheduleDate, r.SendAs, r.Effect, r.AllowPaidStars = o.replyTo, o.schedule, o.sendAs, o.effect, o.paidStars
	r.Silent, r.Noforwards = o.silent, o.protect
}

// messageText reads text with the options' parse mode (Config.ParseMode by default) or takes
// their entities as they are, and turns mentions of cached users into input mentions.
func (c *Client) messageText(ctx context.Context, text string, t option.Text) (string, []tg.MessageEntityClass, error) {
	ents := t.Entities
	if !t.EntitiesSet {
		mode := c.cfg.ParseMode
		if t.ParseModeSet {
			mode = t.ParseMode
		}
		var err error
		if text, ents, err = ParseText(mode, text); err != nil {
			return "", nil, err
		}
	}
	return text, c.inputEntities(ctx, ents), nil
}
