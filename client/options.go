package mtgo

import (
	"time"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// SendOption configures a call that posts a message: SendMessage and every method that sends
// media, an album, a poll, a dice, a forward or a copy. Build them with the With functions.
type SendOption = option.Send

// EditOption configures a call that changes a message already sent.
type EditOption = option.Edit

// SendEditOption is an option both kinds of call take (parse mode, entities, reply markup,
// link preview, media position, schedule).
type SendEditOption = option.SendEdit

// WithParseMode reads the text (or caption) with mode instead of Config.ParseMode.
func WithParseMode(mode int) SendEditOption {
	return option.CommonFunc(func(p *option.Common) { p.ParseMode, p.ParseModeSet = mode, true })
}

// WithEntities sends the text (or caption) with these entities as they are; no parse mode
// applies.
func WithEntities(e []tg.MessageEntityClass) SendEditOption {
	return option.CommonFunc(func(p *option.Common) { p.Entities, p.EntitiesSet = e, true })
}

// WithReplyMarkup attaches a keyboard or inline buttons given as TL markup, sent as it is;
// WithKeyboard takes the typed keyboards of package types.
func WithReplyMarkup(m tg.ReplyMarkupClass) SendEditOption {
	return &option.RawMarkup{Markup: m}
}

// WithNoWebpage turns the link preview off.
func WithNoWebpage() SendEditOption {
	return option.CommonFunc(func(p *option.Common) { p.NoWebpage = true })
}

// WithInvertMedia shows the media or link preview above the text instead of below.
func WithInvertMedia() SendEditOption {
	return option.CommonFunc(func(p *option.Common) { p.InvertMedia = true })
}

// WithSchedule schedules the message for t (or moves a scheduled message there when editing).
// A zero t sends at once.
func WithSchedule(t time.Time) SendEditOption {
	return option.CommonFunc(func(p *option.Common) { p.Schedule = t })
}

// WithReplyTo sends the message as a reply to message id of the same chat.
func WithReplyTo(id int) SendOption {
	return option.SendFunc(func(p *option.SendParams) { p.Reply = option.Reply{MessageID: id} })
}

// WithReplyToIn sends the message as a reply to message id of another chat (any form
// ResolvePeer takes), quoting quote from its text when quote is not empty.
func WithReplyToIn(chat any, id int, quote string) SendOption {
	return option.SendFunc(func(p *option.SendParams) {
		p.Reply = option.Reply{MessageID: id, Chat: chat, Quote: quote}
	})
}

// WithBusinessConnection sends, edits (StopPoll too) or pins on behalf of the business
// account connected to the bot through connection id (types.BusinessConnection.ID): the
// request goes inside invokeWithBusinessConnection. Context.Reply, Answer and Pin on a
// business message, and Message.Reply, Answer, Edit, Pin, Unpin and Delete of one, add it
// themselves.
func WithBusinessConnection(id string) BusinessOption { return option.Business(id) }

// BusinessOption is an option for sends, edits and pins alike (WithBusinessConnection).
type BusinessOption interface {
	SendOption
	EditOption
	PinOption
}

// WithTopic posts in the forum topic whose first message is topicID.
func WithTopic(topicID int) SendOption {
	return option.SendFunc(func(p *option.SendParams) { p.TopicID = topicID })
}

// WithSilent sends (or pins, for PinChatMessage) without a notification sound.
func WithSilent() SendPinOption { return option.Silent{} }

// SendPinOption is an option that works both for a send and for a pin (WithSilent).
type SendPinOption interface {
	SendOption
	PinOption
}

// PinOption configures PinChatMessage, Context.Pin and types.Message.Pin.
type PinOption = option.Pin

// WithPinOneSide pins a message of a private chat for the account only, not for the other
// side.
func WithPinOneSide() PinOption {
	return option.PinFunc(func(p *option.PinParams) { p.OneSide = true })
}

// WithProtect forbids forwarding and saving the message.
func WithProtect() SendOption {
	return option.SendFunc(func(p *option.SendParams) { p.Protect = true })
}

// WithSendAs posts as chat (a channel or a group the account may speak for), in any form
// ResolvePeer takes.
func WithSendAs(chat any) SendOption {
	return option.SendFunc(func(p *option.SendParams) { p.SendAs = chat })
}

// WithEffect plays the message effect id when the message arrives (private chats).
func WithEffect(id int64) SendOption {
	return option.SendFunc(func(p *option.SendParams) { p.Effect = id })
}

// WithCaption sets the caption of a media message, read with the parse mode like a text.
func WithCaption(text string) SendOption {
	return option.SendFunc(func(p *option.SendParams) { p.Caption, p.CaptionSet = text, true })
}

// WithPaidStars agrees to pay up to stars Stars per message where the recipient charges for
// messages.
func WithPaidStars(stars int64) SendOption {
	return option.SendFunc(func(p *option.SendParams) { p.PaidStars = stars })
}
