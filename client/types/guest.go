package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// GuestQuery is a message addressed to the bot in a chat it is not a member of
// (updateBotGuestChatQuery); the bot answers it once with the client's AnswerGuestQuery.
type GuestQuery struct {
	ID int64
	// Message is the message that asked; References the messages it refers to.
	Message    *Message
	References []*Message
	Raw        *tg.UpdateBotGuestChatQuery
}

// NewGuestQuery builds a GuestQuery from updateBotGuestChatQuery, its messages bound to api;
// nil for any other update.
func NewGuestQuery(api API, u tg.UpdateClass, e Entities) *GuestQuery {
	g, ok := u.(*tg.UpdateBotGuestChatQuery)
	if !ok || g == nil {
		return nil
	}
	out := &GuestQuery{ID: g.QueryID, Message: NewMessage(api, g.Message, e), Raw: g}
	for _, m := range g.ReferenceMessages {
		if rm := NewMessage(api, m, e); rm != nil {
			out.References = append(out.References, rm)
		}
	}
	return out
}

// ManagedBot reports a bot that User created to be managed by this bot
// (updateManagedBot).
type ManagedBot struct {
	User *User
	Bot  *User
	Raw  *tg.UpdateManagedBot
}

// NewManagedBot builds a ManagedBot from updateManagedBot; nil for any other update.
func NewManagedBot(u tg.UpdateClass, e Entities) *ManagedBot {
	m, ok := u.(*tg.UpdateManagedBot)
	if !ok || m == nil {
		return nil
	}
	return &ManagedBot{User: e.userOrID(m.UserID), Bot: e.userOrID(m.BotID), Raw: m}
}
