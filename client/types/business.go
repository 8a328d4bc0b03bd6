package types

import (
	"context"
	"errors"
	"time"

	"github.com/mtgo-labs/mtgo/client/option"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// BusinessConnection is the state of a business account's connection to the bot
// (updateBotBusinessConnect): sent when a Telegram Business user connects the bot, changes
// its rights or recipients, or disconnects it (Enabled false).
type BusinessConnection struct {
	// ID identifies the connection; messages the bot sends on the account's behalf name it
	// (mtgo.WithBusinessConnection; Context.Reply on a business message does it itself).
	ID string
	// User is the business account that connected the bot.
	User *User
	// DC is the data center of the business account.
	DC int
	// Date is when the connection was made.
	Date time.Time
	// Rights are what the bot may do on the account's behalf; CanReply is Rights.Reply.
	Rights   BusinessBotRights
	CanReply bool
	// Enabled is false once the account disconnected the bot.
	Enabled bool
	// Raw is the update the value was built from.
	Raw *tg.UpdateBotBusinessConnect
}

// NewBusinessConnection builds a BusinessConnection from updateBotBusinessConnect with the
// users in e. It returns nil for any other update.
func NewBusinessConnection(u tg.UpdateClass, e Entities) *BusinessConnection {
	up, ok := u.(*tg.UpdateBotBusinessConnect)
	if !ok || up == nil {
		return nil
	}
	c := up.Connection
	bc := &BusinessConnection{
		ID: c.ConnectionID, User: e.userOrID(c.UserID), DC: int(c.DCID), Date: unix(c.Date),
		Enabled: !c.Disabled, Raw: up,
	}
	if c.Rights != nil {
		bc.Rights = BusinessBotRightsFrom(*c.Rights)
		bc.CanReply = c.Rights.Reply
	}
	return bc
}

// NewBusinessMessage builds the Message of updateBotNewBusinessMessage or
// updateBotEditBusinessMessage: the message as the business account sees it (Outgoing for
// its own), with BusinessConnectionID set, and in ReplyTo.Message the message it replies to
// when the update carries it. It returns nil for any other update.
func NewBusinessMessage(api API, u tg.UpdateClass, e Entities) *Message {
	var id string
	var raw, reply tg.MessageClass
	switch u := u.(type) {
	case *tg.UpdateBotNewBusinessMessage:
		if u == nil {
			return nil
		}
		id, raw, reply = u.ConnectionID, u.Message, u.ReplyToMessage
	case *tg.UpdateBotEditBusinessMessage:
		if u == nil {
			return nil
		}
		id, raw, reply = u.ConnectionID, u.Message, u.ReplyToMessage
	default:
		return nil
	}
	return newBusinessMessage(api, id, raw, reply, e)
}

// newBusinessMessage builds the business account's message raw seen through connection id,
// with reply (the message it replies to, nil when not carried) in ReplyTo.Message; nil when
// raw is not a message.
func newBusinessMessage(api API, id string, raw, reply tg.MessageClass, e Entities) *Message {
	m := NewMessage(api, raw, e)
	if m == nil {
		return nil
	}
	m.BusinessConnectionID = id
	if m.ReplyTo != nil && reply != nil {
		if r := NewMessage(api, reply, e); r != nil {
			r.BusinessConnectionID = id
			m.ReplyTo.Message = r
		}
	}
	return m
}

// DeletedBusinessMessages tells that messages of a business account's private chat were
// deleted (updateBotDeleteBusinessMessage).
type DeletedBusinessMessages struct {
	// ConnectionID is the business connection the chat belongs to.
	ConnectionID string
	// Chat is the private chat of the business account the messages were in.
	Chat *Chat
	// IDs are the ids of the deleted messages (as the business account numbers them).
	IDs []int
	// Raw is the update the value was built from.
	Raw *tg.UpdateBotDeleteBusinessMessage
}

// NewDeletedBusinessMessages builds DeletedBusinessMessages from
// updateBotDeleteBusinessMessage with the users and chats in e. It returns nil for any other
// update.
func NewDeletedBusinessMessages(u tg.UpdateClass, e Entities) *DeletedBusinessMessages {
	up, ok := u.(*tg.UpdateBotDeleteBusinessMessage)
	if !ok || up == nil {
		return nil
	}
	d := &DeletedBusinessMessages{ConnectionID: up.ConnectionID, Chat: e.Chat(up.Peer), Raw: up}
	d.IDs = make([]int, len(up.Messages))
	for i, id := range up.Messages {
		d.IDs[i] = int(id)
	}
	return d
}

// BusinessSendOptions returns send options that go through business connection id: opts
// led by option.Business(id), so that an explicit connection in opts wins; opts as they are
// when id is "". Message's actions use it for a business message, and so do the client's
// Context actions and conversations.
func BusinessSendOptions(id string, opts []option.Send) []option.Send {
	return businessFirst(id, opts, option.Send(option.Business(id)))
}

// BusinessEditOptions is BusinessSendOptions for an edit.
func BusinessEditOptions(id string, opts []option.Edit) []option.Edit {
	return businessFirst(id, opts, option.Edit(option.Business(id)))
}

// businessFirst returns opts led by conn, the option naming connection id; opts when id is
// "".
func businessFirst[O any](id string, opts []O, conn O) []O {
	if id == "" {
		return opts
	}
	return append([]O{conn}, opts...)
}

// businessOpts returns opts sending through m's business connection when m is a business
// message.
func (m *Message) businessOpts(opts []option.Send) []option.Send {
	return BusinessSendOptions(m.BusinessConnectionID, opts)
}

// businessEditOpts is businessOpts for an edit.
func (m *Message) businessEditOpts(opts []option.Edit) []option.Edit {
	return BusinessEditOptions(m.BusinessConnectionID, opts)
}

// businessPinOpts is businessOpts for a pin.
func (m *Message) businessPinOpts(opts []option.Pin) []option.Pin {
	return businessFirst(m.BusinessConnectionID, opts, option.Pin(option.Business(m.BusinessConnectionID)))
}

// DeleteThrough deletes the message for everyone through api: a business message through
// its connection (api must be a BusinessDeleter: ErrNoBusinessDelete otherwise), any other
// in its chat (messages.deleteMessages, or channels.deleteMessages). Message.Delete calls it
// with the API that built the message, mtgo.Context.Delete with its client's.
// ErrContextNoMessage for a nil message, ErrContextNoClient for a nil api, ErrContextNoChat
// for a message without a chat.
func (m *Message) DeleteThrough(ctx context.Context, api API) error {
	switch {
	case m == nil:
		return ErrContextNoMessage
	case api == nil:
		return ErrContextNoClient
	case m.Chat == nil:
		return ErrContextNoChat
	}
	if m.BusinessConnectionID != "" {
		bd, ok := api.(BusinessDeleter)
		if !ok {
			return ErrNoBusinessDelete
		}
		return bd.DeleteBusinessMessages(ctx, m.BusinessConnectionID, m.ID)
	}
	return api.DeleteMessages(ctx, m.Chat.InputPeer(), []int{m.ID})
}

// BusinessDeleter is what an API offers to delete business messages
// (mtgo.Client.DeleteBusinessMessages); Message.Delete uses it for a business message.
type BusinessDeleter interface {
	DeleteBusinessMessages(ctx context.Context, connectionID string, ids ...int) error
}

// ErrNoBusinessDelete reports Message.Delete of a business message through an API that
// cannot delete business messages.
var ErrNoBusinessDelete = errors.New("types: the API cannot delete business messages")

// BusinessRecipients names the private chats an automatic business message (or a connected
// bot) covers.
type BusinessRecipients struct {
	ExistingChats, NewChats, Contacts, NonContacts bool
	// ExcludeSelected makes Users the chats left out rather than the ones added.
	ExcludeSelected bool
	Users           []int64
}

func newBusinessRecipients(r tg.BusinessRecipients) BusinessRecipients {
	return BusinessRecipients{
		ExistingChats: r.ExistingChats, NewChats: r.NewChats, Contacts: r.Contacts, NonContacts: r.NonContacts,
		ExcludeSelected: r.ExcludeSelected, Users: r.Users,
	}
}

// BusinessGreeting is a business account's automatic greeting: the quick reply ShortcutID
// sent to a chat silent for NoActivityDays.
type BusinessGreeting struct {
	ShortcutID     int
	Recipients     BusinessRecipients
	NoActivityDays int
}

// BusinessAway is a business account's automatic away message: the quick reply ShortcutID,
// sent always, outside the work hours, or between From and Until.
type BusinessAway struct {
	ShortcutID int
	Recipients BusinessRecipients
	// OfflineOnly sends it only while the account is offline.
	OfflineOnly bool
	// Always, OutsideWorkHours or a custom period (From, Until: both required, ErrDate for a
	// zero time or one outside 1901-12-13..2038-01-19).
	Always, OutsideWorkHours bool
	From, Until              time.Time
}

// BusinessSettings are the automatic messages of a business account; nil fields are off.
type BusinessSettings struct {
	Greeting *BusinessGreeting
	Away     *BusinessAway
}

// NewBusinessSettings reads the automatic messages of a full profile; nil for nil.
func NewBusinessSettings(f *tg.UserFull) *BusinessSettings {
	if f == nil {
		return nil
	}
	out := &BusinessSettings{}
	if g := f.BusinessGreetingMessage; g != nil {
		out.Greeting = &BusinessGreeting{ShortcutID: int(g.ShortcutID), Recipients: newBusinessRecipients(g.Recipients), NoActivityDays: int(g.NoActivityDays)}
	}
	if a := f.BusinessAwayMessage; a != nil {
		away := &BusinessAway{ShortcutID: int(a.ShortcutID), Recipients: newBusinessRecipients(a.Recipients), OfflineOnly: a.OfflineOnly}
		switch s := a.Schedule.(type) {
		case *tg.BusinessAwayMessageScheduleAlways:
			away.Always = true
		case *tg.BusinessAwayMessageScheduleOutsideWorkHours:
			away.OutsideWorkHours = true
		case *tg.BusinessAwayMessageScheduleCustom:
			away.From, away.Until = time.Unix(int64(s.StartDate), 0), time.Unix(int64(s.EndDate), 0)
		}
		out.Away = away
	}
	return out
}

// BusinessChatLink is a link (https://t.me/m/...) that opens the chat with a business
// account with Message typed in.
type BusinessChatLink struct {
	Link     string
	Message  string
	Entities []tg.MessageEntityClass
	Title    string
	Views    int
}

// NewBusinessChatLink builds a BusinessChatLink.
func NewBusinessChatLink(l tg.BusinessChatLink) *BusinessChatLink {
	return &BusinessChatLink{Link: l.Link, Message: l.Message, Entities: l.Entities, Title: l.Title.Value, Views: int(l.Views)}
}

// ResolvedBusinessChatLink is what a business chat link opens: the chat and the prepared
// message.
type ResolvedBusinessChatLink struct {
	Chat     *Chat
	Message  string
	Entities []tg.MessageEntityClass
}
