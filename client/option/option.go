// Package option is the vocabulary the client's message methods share: the option interfaces
// and the parameters they set. Package mtgo builds the options (mtgo.WithReplyTo,
// mtgo.WithParseMode, ...); package types takes them in Message.Reply and Message.Edit; the
// client reads the collected parameters when it builds a request. Keeping the vocabulary here,
// below both, lets every send-like and edit-like method take the same options without an
// import cycle and without one option type per method.
//
// Two lists, one per kind of call:
//
//   - Send: calls that post a message (text, each media kind, albums, polls, dice, forwards,
//     copies). Reply-to, topic, silent, schedule, protect, send-as, effect and caption live
//     here only.
//   - Edit: calls that change a message already sent (text, caption, media, reply markup).
//
// An option that means the same thing for both (parse mode, entities, reply markup, link
// preview, media above text, schedule) implements both interfaces, so the compiler accepts
// it in either list and rejects a send-only option passed to an edit.
package option

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Send configures a call that posts a message.
type Send interface {
	ApplySend(*SendParams)
}

// Edit configures a call that changes a message already sent.
type Edit interface {
	ApplyEdit(*EditParams)
}

// SendEdit is an option that works in both lists.
type SendEdit interface {
	Send
	Edit
}

// Text says how a text or caption is read into entities.
type Text struct {
	// ParseMode overrides the client's Config.ParseMode when ParseModeSet.
	ParseMode    int
	ParseModeSet bool
	// Entities, when set, are sent as they are and no parse mode applies.
	Entities    []tg.MessageEntityClass
	EntitiesSet bool
}

// Common holds the parameters both kinds of call take.
type Common struct {
	Text
	// ReplyMarkup is the keyboard or the inline buttons attached to the message (a typed
	// keyboard, or RawMarkup); nil for none.
	ReplyMarkup Markup
	// NoWebpage turns the link preview off.
	NoWebpage bool
	// InvertMedia shows the media (or link preview) above the text.
	InvertMedia bool
	// Schedule, when not zero, schedules the message (or moves a scheduled one) to that time.
	Schedule time.Time
	// Live holds the direction and proximity alert of a live location (SendLiveLocation,
	// EditMessageLiveLocation).
	Live Live
	// BusinessConnectionID sends (or edits) on behalf of the business account of this
	// connection (invokeWithBusinessConnection); empty for the account itself.
	BusinessConnectionID string
}

// Live is what a live location shows besides its point. Zero values for none.
type Live struct {
	// Heading is the direction of travel in degrees, 1 to 360.
	Heading int
	// ProximityRadius alerts the chat's other members who come this close, in meters (up to
	// 100 000).
	ProximityRadius int
}

// Reply names the message a new one answers.
type Reply struct {
	// MessageID is the message replied to; zero for no reply.
	MessageID int
	// Chat is the chat of that message when it is another chat than the one sent to, in any
	// form ResolvePeer takes; nil for the same chat.
	Chat any
	// Quote is the part of the replied message's text to quote; empty for none.
	Quote string
}

// SendParams is what the options of a send-like call set.
type SendParams struct {
	Common
	// Reply is the message replied to.
	Reply Reply
	// TopicID is the forum topic (its first message id) to post in; zero for none.
	TopicID int
	// Silent sends without a notification sound.
	Silent bool
	// Protect forbids forwarding and saving the message.
	Protect bool
	// SendAs is the chat or channel to post as, in any form ResolvePeer takes; nil for the
	// account itself.
	SendAs any
	// Effect is the id of the message effect to play; zero for none.
	Effect int64
	// Caption is the text of a media message; CaptionSet tells an empty caption from none.
	Caption    string
	CaptionSet bool
	// PaidStars is the price in Stars the sender agrees to pay where the recipient charges
	// for messages; zero for none.
	PaidStars int64
	// Media holds the attributes of an uploaded file (SendPhoto, SendDocument, ...,
	// SendMediaGroup).
	Media Media
	// Poll holds the settings of SendPoll.
	Poll Poll
}

// Media is what the options of a media send say about the file: how it is shown and the
// attributes the receiver sees. Zero values leave the defaults.
type Media struct {
	// Spoiler hides a photo or video behind a spoiler animation.
	Spoiler bool
	// TTL makes a photo or video self-destruct this long after it is opened (private chats).
	TTL time.Duration
	// Duration is the play time of a video, audio, voice message or video note.
	Duration time.Duration
	// Width and Height are a video's or animation's dimensions.
	Width, Height int
	// Performer and Title name a music file.
	Performer, Title string
	// FileName replaces the name the file is shown under.
	FileName string
	// MimeType replaces the MIME type guessed from the file name.
	MimeType string
	// Thumbnail is a JPEG preview of a document or video (any media argument that is a
	// local file: a path, a types.InputFile, bytes); nil for none.
	Thumbnail any
	// Progress is called after each uploaded part with the bytes done and the total (-1 when
	// unknown); nil for none.
	Progress func(done, total int64)
}

// Poll is how SendPoll's poll behaves.
type Poll struct {
	// Public shows who voted (polls are anonymous by default).
	Public bool
	// Multiple lets a voter choose several answers.
	Multiple bool
	// Quiz makes a quiz with Correct (an index into the answers) the right answer and
	// Explanation (read with the parse mode) shown after a wrong one.
	Quiz        bool
	Correct     int
	Explanation string
	// OpenFor closes the poll this long after it is sent (5 to 600 seconds); CloseAt closes
	// it at that time. Zero values for none.
	OpenFor time.Duration
	CloseAt time.Time
	// Closed sends the poll already closed.
	Closed bool
}

// EditParams is what the options of an edit-like call set.
type EditParams struct {
	Common
}

// CollectSend applies opts in order to a zero SendParams; later options win. Nil options are
// skipped.
func CollectSend(opts []Send) SendParams { return collect(opts, Send.ApplySend) }

// CollectEdit applies opts in order to a zero EditParams; later options win. Nil options are
// skipped.
func CollectEdit(opts []Edit) EditParams { return collect(opts, Edit.ApplyEdit) }

// collect applies the non-nil opts in order to a zero P.
func collect[O comparable, P any](opts []O, apply func(O, *P)) P {
	var p P
	var none O
	for _, o := range opts {
		if o != none {
			apply(o, &p)
		}
	}
	return p
}

// CommonFunc is a SendEdit built from a function over the parameters both calls share.
type CommonFunc func(*Common)

// ApplySend implements Send.
func (f CommonFunc) ApplySend(p *SendParams) { f(&p.Common) }

// ApplyEdit implements Edit.
func (f CommonFunc) ApplyEdit(p *EditParams) { f(&p.Common) }

// SendFunc is a Send built from a function.
type SendFunc func(*SendParams)

// ApplySend implements Send.
func (f SendFunc) ApplySend(p *SendParams) { f(p) }

// EditFunc is an Edit built from a function.
type EditFunc func(*EditParams)

// ApplyEdit implements Edit.
func (f EditFunc) ApplyEdit(p *EditParams) { f(p) }

var (
	_ SendEdit = CommonFunc(nil)
	_ Send     = SendFunc(nil)
	_ Edit     = EditFunc(nil)
)
