package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChatEvent is one entry of a supergroup's or channel's event log (recent actions).
type ChatEvent struct {
	// ID is the event id (events are listed newest first, by falling id).
	ID int64
	// Date is when it happened.
	Date time.Time
	// User is who acted.
	User *User
	// Action is what happened (a tg.ChannelAdminLogEventAction* value).
	Action tg.ChannelAdminLogEventActionClass
	// Old and New are the values before and after, for the actions that change a text
	// (title, description, username).
	Old, New string
	// Member is the member concerned by a ban, restriction or promotion, with its new
	// standing.
	Member *ChatMember
}

// NewChatEvent builds a ChatEvent with the users and chats in e.
func NewChatEvent(ev *tg.ChannelAdminLogEvent, e Entities) *ChatEvent {
	if ev == nil {
		return nil
	}
	out := &ChatEvent{ID: ev.ID, Date: unix(ev.Date), User: e.userOrID(ev.UserID), Action: ev.Action}
	switch a := ev.Action.(type) {
	case *tg.ChannelAdminLogEventActionChangeTitle:
		out.Old, out.New = a.PrevValue, a.NewValue
	case *tg.ChannelAdminLogEventActionChangeAbout:
		out.Old, out.New = a.PrevValue, a.NewValue
	case *tg.ChannelAdminLogEventActionChangeUsername:
		out.Old, out.New = a.PrevValue, a.NewValue
	case *tg.ChannelAdminLogEventActionParticipantToggleBan:
		out.Member = NewChatMember(a.NewParticipant, e)
	case *tg.ChannelAdminLogEventActionParticipantToggleAdmin:
		out.Member = NewChatMember(a.NewParticipant, e)
	}
	return out
}

// ChatEventFilter selects the entries GetChatEventLog lists; the zero value lists all.
type ChatEventFilter struct {
	// Query keeps the events matching a text.
	Query string
	// Kinds keeps only the kinds of events set (zero: every kind).
	Kinds tg.ChannelAdminLogEventsFilter
	// Admins keeps only the actions of these administrators (anything ResolvePeer takes).
	Admins []any
}
