package types

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/mtgo-labs/mtgo/client/markup"
	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// API is what the bound methods of Message need from the client that created it. The client
// implements it; tests may pass their own.
type API interface {
	// SendText sends text to peer, as a reply to message replyTo when it is not zero, with
	// the options of the client's SendMessage.
	SendText(ctx context.Context, peer tg.InputPeerClass, text string, replyTo int, opts ...option.Send) (*Message, error)
	// EditText replaces the text of message id in peer, with the options of the client's
	// EditMessageText.
	EditText(ctx context.Context, peer tg.InputPeerClass, id int, text string, opts ...option.Edit) (*Message, error)
	// DeleteMessages deletes messages ids in peer for everyone.
	DeleteMessages(ctx context.Context, peer tg.InputPeerClass, ids []int) error
	// AnswerCallback answers the callback query queryID with text (a toast, or an alert),
	// with the options of the client's AnswerCallbackQuery.
	AnswerCallback(ctx context.Context, queryID int64, text string, opts ...option.CallbackAnswer) error
	// AnswerInline answers the inline query queryID with results, with the options of the
	// client's AnswerInlineQuery.
	AnswerInline(ctx context.Context, queryID int64, results []tg.InputBotInlineResultClass, opts ...option.InlineAnswer) error
	// EditInline replaces the text of the inline message id, with the options of the
	// client's EditInlineMessageText.
	EditInline(ctx context.Context, id tg.InputBotInlineMessageIDClass, text string, opts ...option.Edit) error
	// AnswerPreCheckout confirms the pre-checkout query queryID (errMessage empty) or
	// refuses it.
	AnswerPreCheckout(ctx context.Context, queryID int64, errMessage string) error
	// AnswerShipping offers options for the shipping query queryID (errMessage empty) or
	// refuses it.
	AnswerShipping(ctx context.Context, queryID int64, options []tg.ShippingOption, errMessage string) error
	// HideJoinRequest approves (or declines) the request of user to join peer.
	HideJoinRequest(ctx context.Context, peer tg.InputPeerClass, user tg.InputUserClass, approve bool) error
	// MediaAPI downloads the message's media.
	MediaAPI
	// ActionAPI forwards, copies, pins, reacts to and edits the message.
	ActionAPI
}

// Message is a message in a chat.
type Message struct {
	// ID is the message id, unique within its chat (per account for private chats and
	// basic groups).
	ID int
	// Date is when the message was sent.
	Date time.Time
	// EditDate is when the message was last edited, zero if never.
	EditDate time.Time
	// Chat is the chat the message belongs to.
	Chat *Chat
	// From is the user who sent the message; nil for messages sent on behalf of a chat
	// (see SenderChat) or when the sender is unknown.
	From *User
	// SenderChat is the chat a message was sent on behalf of (channel posts, anonymous
	// admins), nil otherwise.
	SenderChat *Chat
	// Text is the text of the message or the caption of its media.
	Text string
	// Entities mark up Text (bold, links, mentions, ...).
	Entities []tg.MessageEntityClass
	// ReplyToMessageID is the id of the message this one replies to, zero if none.
	ReplyToMessageID int
	// ReplyTo is what the message replies to (a message, maybe in another chat or quoted, or
	// a story) and its thread; nil when it replies to nothing.
	ReplyTo *ReplyTo
	// Outgoing is true for messages sent by the logged-in account.
	Outgoing bool
	// Mentioned is true when the logged-in account is mentioned.
	Mentioned bool
	// IsChannelPost is true for a post in a broadcast channel (not a message in a group or
	// supergroup, even one sent on behalf of a channel).
	IsChannelPost bool
	// Media is the attached media, typed (*Photo, *Video, *Document, *Poll, ...; see Media),
	// nil when there is none. RawMedia returns the tl/tg object.
	Media Media
	// Action is what a service message records, typed (*ActionNewMembers, *ActionPinned,
	// ...; see ServiceAction), nil for ordinary messages.
	Action ServiceAction
	// Forward is where a forwarded message comes from (user, hidden user, chat or channel,
	// with the original's date), nil for messages not forwarded.
	Forward *ForwardOrigin
	// ReplyMarkup is the keyboard or the inline buttons attached to the message, nil if none:
	// *InlineKeyboard, *ReplyKeyboard, *RemoveKeyboard or *ForceReply.
	ReplyMarkup ReplyMarkup
	// ViaBotID is the inline bot the message was sent through, zero if none; ViaBot the bot
	// as the message's users describe it (nil if none).
	ViaBotID int64
	ViaBot   *User
	// AuthorSignature is the signature of a channel post's author or of an anonymous
	// administrator, "" if none.
	AuthorSignature string
	// Views and Forwards count the views and forwards of a channel post, 0 elsewhere.
	Views, Forwards int
	// Reactions summarises the reactions to the message, nil when there are none.
	Reactions *Reactions
	// EffectID is the message effect shown when the message arrives, 0 if none.
	EffectID int64
	// HasProtectedContent is true when the message cannot be forwarded or saved.
	HasProtectedContent bool
	// Silent is true for a message sent without notification, Pinned for a pinned one,
	// FromScheduled for one sent by the scheduler, EditHidden when its edit date is not
	// shown, ShowCaptionAboveMedia when the caption goes above the media.
	Silent, Pinned, FromScheduled, EditHidden, ShowCaptionAboveMedia bool
	// TTLPeriod is the auto-delete period of the message, 0 if none.
	TTLPeriod time.Duration
	// SenderBoostCount is how many times the sender boosted the group, 0 if none.
	SenderBoostCount int
	// MediaGroupID groups the messages of one album, zero outside albums.
	MediaGroupID int64
	// TopicID is the forum topic (its first message's id) the message was posted in, zero
	// outside forum topics (and in the General topic).
	TopicID int
	// BusinessConnectionID is the business connection a business message came through
	// (OnBusinessMessage, OnEditedBusinessMessage), empty for other messages.
	BusinessConnectionID string

	// raw (or service, for a service message) is the object the message was built from
	// (Raw), nil for one built by hand. A message of a listing keeps wire instead, the TL
	// bytes it was decoded from, and Raw decodes them into raw once.
	raw     atomic.Pointer[tg.Message]
	service *tg.MessageService
	wire    string

	api API
}

// Raw returns the object the message was built from (*tg.Message or *tg.MessageService), nil
// for a Message built by hand. The messages of listings (GetChatHistory, SearchMessages, ...)
// keep the message's TL bytes instead of the decoded object, which halves what a page costs;
// the first call decodes them, and every later one returns the same object.
func (m *Message) Raw() tg.MessageClass {
	if m == nil {
		return nil
	}
	if m.service != nil {
		return m.service
	}
	if r := m.raw.Load(); r != nil {
		return r
	}
	if m.wire == "" {
		return nil
	}
	var b tl.Buffer
	b.ResetTo(unsafe.Slice(unsafe.StringData(m.wire), len(m.wire))) // decoding only reads it
	v, err := tg.DecodeMessageClass(&b)
	r, ok := v.(*tg.Message)
	if err != nil || !ok { // cannot be: the bytes were decoded once already
		return nil
	}
	if !m.raw.CompareAndSwap(nil, r) {
		return m.raw.Load() // another caller decoded it first: everyone gets one object
	}
	return r
}

// Markdown returns Text with its Entities as Markdown that the Markdown parse mode reads back
// to the same formatting (what Markdown cannot write is left out; see markup.Format).
func (m *Message) Markdown() string {
	s, _ := markup.Format(markup.Markdown, m.Text, m.Entities)
	return s
}

// HTML returns Text with its Entities as HTML that the HTML parse mode reads back to the same
// formatting.
func (m *Message) HTML() string {
	s, _ := markup.Format(markup.HTML, m.Text, m.Entities)
	return s
}

// Entities are the users and chats that came with messages or updates, by id, so that
// messages can name their senders and chats.
type Entities struct {
	// Users by user id.
	Users map[int64]*tg.User
	// Chats holds basic groups by chat id.
	Chats map[int64]tg.ChatClass
	// Channels holds channels and supergroups by channel id.
	Channels map[int64]tg.ChatClass

	// built shares the values built from these users and chats among the messages of one
	// result (nil: every call builds its own).
	built *built
}

// built memoizes Entities.User and Entities.Chat for the entities present; its lock lets the
// handlers of one batch, on different goroutines, share it. A solo one (NewPageEntities) is
// used by one goroutine only: it takes no lock and remembers the chat and the user it returned
// last, which in a page of history are the same for most messages.
type built struct {
	mu    sync.Mutex
	solo  bool
	users map[int64]*User
	chats map[int64]*Chat // by Bot API id
	msgs  []Message       // the unused rest of the current slab of messages
	slab  int             // the size of the last slab
	want  int             // messages still expected (NewPageEntities): the next slabs' sizes

	// solo only: the last memoized chat (by Bot API id) and user returned
	lastChatID, lastUserID int64
	lastChat               *Chat
	lastUser               *User
}

func (b *built) lock() {
	if !b.solo {
		b.mu.Lock()
	}
}

func (b *built) unlock() {
	if !b.solo {
		b.mu.Unlock()
	}
}

// msgSlabMax bounds a slab of messages: about 16 KB, a size class of the runtime's allocator.
const msgSlabMax = 16 << 10 / int(unsafe.Sizeof(Message{}))

// newMessage returns a zero Message: from a slab shared by the messages of one result (a
// history page, a batch of updates), so that a page of 100 messages costs a few allocations
// instead of 100. The slab starts at 4 messages and doubles, so that a result of one message
// keeps a small one; NewPageEntities's are cut to the size of its answer.
func (e Entities) newMessage() *Message {
	b := e.built
	if b == nil {
		return new(Message)
	}
	b.lock()
	defer b.unlock()
	if len(b.msgs) == 0 {
		if b.want > 0 {
			b.slab = min(b.want, msgSlabMax)
			b.want -= b.slab
		} else {
			b.slab = min(max(4, 2*b.slab), msgSlabMax)
		}
		b.msgs = make([]Message, b.slab)
	}
	m := &b.msgs[0]
	b.msgs = b.msgs[1:]
	return m
}

// NewPageEntities is NewEntities for the messages of one answer (a page of history or of
// search results) built on one goroutine: the value must not be used by two goroutines at
// once. It takes no lock, remembers the last chat and sender it returned, and takes the first
// n messages (n: the answer's count) from one block. Chats and Channels are nil when chats is
// empty.
func NewPageEntities(users []tg.UserClass, chats []tg.ChatClass, n int) Entities {
	e := newEntities(users, chats, len(chats) > 0)
	e.built.solo = true
	e.built.want = n
	return e
}

// NewEntities indexes users and chats.
func NewEntities(users []tg.UserClass, chats []tg.ChatClass) Entities {
	return newEntities(users, chats, true)
}

// newEntities indexes users and chats; the chat maps are made only with chatMaps.
func newEntities(users []tg.UserClass, chats []tg.ChatClass, chatMaps bool) Entities {
	e := Entities{
		Users: make(map[int64]*tg.User, len(users)),
		built: &built{users: map[int64]*User{}, chats: map[int64]*Chat{}},
	}
	if chatMaps {
		e.Chats, e.Channels = make(map[int64]tg.ChatClass), make(map[int64]tg.ChatClass)
	}
	for _, u := range users {
		if u, ok := u.(*tg.User); ok && u != nil {
			e.Users[u.ID] = u
		}
	}
	for _, c := range chats {
		switch c := c.(type) {
		case *tg.Chat:
			e.Chats[c.ID] = c
		case *tg.ChatForbidden:
			e.Chats[c.ID] = c
		case *tg.Channel:
			e.Channels[c.ID] = c
		case *tg.ChannelForbidden:
			e.Channels[c.ID] = c
		}
	}
	return e
}

// User returns the user with id, or nil.
func (e Entities) User(id int64) *User {
	if b := e.built; b != nil && b.solo && b.lastUser != nil && b.lastUserID == id {
		return b.lastUser
	}
	u, ok := e.Users[id]
	if !ok {
		return nil
	}
	b := e.built
	if b == nil {
		return NewUser(u)
	}
	b.lock()
	defer b.unlock()
	v, ok := b.users[id]
	if !ok {
		v = NewUser(u)
		b.users[id] = v
	}
	if b.solo {
		b.lastUserID, b.lastUser = id, v
	}
	return v
}

// Chat returns the chat p names. A user or chat missing from e still yields a Chat with its
// id and kind (and no access hash); nil is returned only for a nil peer.
func (e Entities) Chat(p tg.PeerClass) *Chat {
	b := e.built
	if b != nil && b.solo && b.lastChat != nil && b.lastChatID == PeerChatID(p) {
		return b.lastChat
	}
	id, known := e.known(p)
	if b == nil || !known {
		return e.chat(p)
	}
	b.lock()
	c, ok := b.chats[id]
	b.unlock()
	if !ok {
		c = e.chat(p)
		b.lock()
		b.chats[id] = c
		b.unlock()
	}
	if b.solo {
		b.lastChatID, b.lastChat = id, c
	}
	return c
}

// known returns the Bot API id of the chat p names and whether e holds it.
func (e Entities) known(p tg.PeerClass) (int64, bool) {
	var ok bool
	switch p := p.(type) {
	case *tg.PeerUser:
		_, ok = e.Users[p.UserID]
	case *tg.PeerChat:
		_, ok = e.Chats[p.ChatID]
	case *tg.PeerChannel:
		_, ok = e.Channels[p.ChannelID]
	}
	return PeerChatID(p), ok
}

func (e Entities) chat(p tg.PeerClass) *Chat {
	switch p := p.(type) {
	case *tg.PeerUser:
		if u := e.User(p.UserID); u != nil {
			return u.Chat()
		}
		return &Chat{ID: p.UserID, Type: ChatPrivate}
	case *tg.PeerChat:
		if c := NewChat(e.Chats[p.ChatID]); c != nil {
			return c
		}
		return &Chat{ID: -p.ChatID, Type: ChatGroup}
	case *tg.PeerChannel:
		if c := NewChat(e.Channels[p.ChannelID]); c != nil {
			return c
		}
		return &Chat{ID: ChannelChatID(p.ChannelID), Type: ChatChannel}
	}
	return nil
}

// NewMessage builds a Message from m with the users and chats in e, bound to api (which may be
// nil for an unbound value). It returns nil for messageEmpty and nil input.
func NewMessage(api API, m tg.MessageClass, e Entities) *Message {
	switch m := m.(type) {
	case *tg.Message:
		if m == nil {
			return nil
		}
		msg := e.newMessage()
		msg.fill(api, m, e)
		msg.raw.Store(m)
		return msg
	case *tg.MessageService:
		if m == nil {
			return nil
		}
		msg := e.newMessage()
		*msg = Message{
			ID:        int(m.ID),
			Date:      unix(m.Date),
			Chat:      e.Chat(m.PeerID),
			Outgoing:  m.Out,
			Mentioned: m.Mentioned,
			service:   m,
			api:       api,
			Silent:    m.Silent,
			TTLPeriod: time.Duration(m.TTLPeriod.Value) * time.Second,
		}
		msg.IsChannelPost = isChannelPost(m.Post, msg.Chat)
		msg.setSender(m.FromID, m.PeerID, e)
		msg.setReply(m.ReplyTo, e)
		msg.Reactions = NewReactions(m.Reactions)
		msg.Action = NewServiceAction(m.Action, msg.From, msg.ReplyToMessageID, e)
		return msg
	}
	return nil
}

// NewMessageFromWire builds a Message like NewMessage from m, a message decoded from wire
// (its boxed TL bytes), for a decoder that reuses the struct m: the Message keeps the values
// m's fields point to, never m itself, and keeps wire, which must not change, for Raw.
func NewMessageFromWire(api API, m *tg.Message, wire string, e Entities) *Message {
	if m == nil || wire == "" {
		return nil
	}
	msg := e.newMessage()
	msg.fill(api, m, e)
	msg.wire = wire
	return msg
}

// fill sets the fields of msg, a zero Message, from m. Field by field: a composite literal
// would be built aside and copied over it with a write barrier per pointer word; and the
// fields whose value is absent keep their zero without a write.
func (msg *Message) fill(api API, m *tg.Message, e Entities) {
	msg.ID, msg.Date = int(m.ID), unix(m.Date)
	if m.EditDate.Value != 0 {
		msg.EditDate = unix(m.EditDate.Value)
	}
	msg.Chat = e.Chat(m.PeerID)
	msg.Text = m.Message
	if m.Entities != nil {
		msg.Entities = m.Entities
	}
	msg.Outgoing, msg.Mentioned = m.Out, m.Mentioned
	msg.api = api
	if m.ReplyMarkup != nil {
		msg.ReplyMarkup = ParseReplyMarkup(m.ReplyMarkup)
	}
	msg.ViaBotID, msg.MediaGroupID = m.ViaBotID.Value, m.GroupedID.Value
	if m.PostAuthor.Value != "" {
		msg.AuthorSignature = m.PostAuthor.Value
	}
	msg.Views, msg.Forwards = int(m.Views.Value), int(m.Forwards.Value)
	msg.EffectID = m.Effect.Value
	msg.TTLPeriod = time.Duration(m.TTLPeriod.Value) * time.Second
	msg.HasProtectedContent, msg.Silent, msg.Pinned = m.Noforwards, m.Silent, m.Pinned
	msg.FromScheduled, msg.EditHidden, msg.ShowCaptionAboveMedia = m.FromScheduled, m.EditHide, m.InvertMedia
	msg.SenderBoostCount = int(m.FromBoostsApplied.Value)
	msg.IsChannelPost = isChannelPost(m.Post, msg.Chat)
	msg.setSender(m.FromID, m.PeerID, e)
	msg.setReply(m.ReplyTo, e)
	if m.Media != nil {
		msg.Media = newMedia(m.Media, msg.Chat, msg.ID, e)
	}
	if m.FwdFrom != nil {
		msg.Forward = NewForwardOrigin(m.FwdFrom, e)
	}
	if m.Reactions != nil {
		msg.Reactions = NewReactions(m.Reactions)
	}
	if m.ViaBotID.Set {
		msg.ViaBot = e.userOrID(m.ViaBotID.Value)
	}
}

// setReply fills ReplyTo, ReplyToMessageID and TopicID from a reply header.
func (m *Message) setReply(h tg.MessageReplyHeaderClass, e Entities) {
	if h == nil {
		return
	}
	m.ReplyTo = NewReplyTo(h, e)
	m.ReplyToMessageID, m.TopicID = replyTo(h), topicOf(h)
}

// setSender fills From or SenderChat. In private chats an incoming message has no from_id:
// the sender is the peer.
func (m *Message) setSender(from, peer tg.PeerClass, e Entities) {
	if from == nil && !m.Outgoing {
		if _, ok := peer.(*tg.PeerUser); ok {
			from = peer
		} else if _, ok := peer.(*tg.PeerChannel); ok {
			m.SenderChat = m.Chat
			return
		}
	}
	switch p := from.(type) {
	case *tg.PeerUser:
		if m.From = e.User(p.UserID); m.From == nil {
			m.From = &User{ID: p.UserID}
		}
	case *tg.PeerChat, *tg.PeerChannel:
		m.SenderChat = e.Chat(p)
	}
}

func replyTo(h tg.MessageReplyHeaderClass) int {
	if h, ok := h.(*tg.MessageReplyHeader); ok && h != nil {
		return int(h.ReplyToMsgID.Value)
	}
	return 0
}

// topicOf returns the forum topic a reply header names: the top message of a reply inside a
// topic, or the topic itself for a plain post in it.
func topicOf(h tg.MessageReplyHeaderClass) int {
	r, ok := h.(*tg.MessageReplyHeader)
	if !ok || r == nil || !r.ForumTopic {
		return 0
	}
	if r.ReplyToTopID.Set {
		return int(r.ReplyToTopID.Value)
	}
	return int(r.ReplyToMsgID.Value)
}

func unix(sec int32) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(int64(sec), 0)
}

// Bound reports whether the message was created by a client, so that its bound methods work.
func (m *Message) Bound() bool { return m != nil && m.api != nil }

func (m *Message) target() (API, tg.InputPeerClass, error) {
	if m == nil || m.api == nil {
		return nil, nil, ErrContextNoClient
	}
	if m.Chat == nil {
		return nil, nil, ErrContextNoChat
	}
	return m.api, m.Chat.InputPeer(), nil
}

// Reply sends text to the message's chat as a reply to it; opts are the client's send
// options (mtgo.WithParseMode, mtgo.WithReplyMarkup, ...). A business message is answered on
// the business account's behalf.
func (m *Message) Reply(ctx context.Context, text string, opts ...option.Send) (*Message, error) {
	api, peer, err := m.target()
	if err != nil {
		return nil, err
	}
	return api.SendText(ctx, peer, text, m.ID, m.businessOpts(opts)...)
}

// Answer sends text to the message's chat without replying to it; opts as for Reply.
func (m *Message) Answer(ctx context.Context, text string, opts ...option.Send) (*Message, error) {
	api, peer, err := m.target()
	if err != nil {
		return nil, err
	}
	return api.SendText(ctx, peer, text, 0, m.businessOpts(opts)...)
}

// Edit replaces the message's text. Only messages the account sent (or, in channels, may
// edit) can be edited;
// opts are the client's edit options (mtgo.WithParseMode, mtgo.WithReplyMarkup, ...).
func (m *Message) Edit(ctx context.Context, text string, opts ...option.Edit) (*Message, error) {
	api, peer, err := m.target()
	if err != nil {
		return nil, err
	}
	return api.EditText(ctx, peer, m.ID, text, m.businessEditOpts(opts)...)
}

// Delete deletes the message for everyone (a business message through its connection).
func (m *Message) Delete(ctx context.Context) error {
	api, _, err := m.target()
	if err != nil {
		return err
	}
	return m.DeleteThrough(ctx, api)
}

// isChannelPost tells a broadcast channel's post: the server's post flag, or a chat known
// (from the users and chats that came with the message) to be a broadcast channel. A channel
// the update did not describe is not enough: it may be a supergroup.
func isChannelPost(post bool, chat *Chat) bool {
	return post || (chat != nil && chat.Type == ChatChannel && chat.Raw != nil)
}
