package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Reactor is one reaction put on a message by a user or a chat, as
// Client.GetMessageReactionsList lists them.
type Reactor struct {
	// User is who reacted; nil when a chat did (see Chat).
	User *User
	// Chat is the chat that reacted (a channel, an anonymous administrator's group); nil
	// when a user did.
	Chat *Chat
	// Emoji is the reaction's emoji; empty for a custom emoji (CustomEmojiID) or a paid
	// reaction (Paid).
	Emoji string
	// CustomEmojiID is the document id of a custom emoji reaction.
	CustomEmojiID int64
	// Paid is a paid (Telegram Stars) reaction.
	Paid bool
	// Date is when the reaction was put.
	Date time.Time
	// Big is a reaction sent with the big animation; My is the account's own reaction.
	Big, My bool
	// Raw is the reaction the value was built from.
	Raw tg.MessagePeerReaction
}

// NewReactor builds a Reactor from a messagePeerReaction and the users and chats of the
// answer that carried it.
func NewReactor(r tg.MessagePeerReaction, e Entities) *Reactor {
	v := &Reactor{Date: unix(r.Date), Big: r.Big, My: r.My, Raw: r}
	if p, ok := r.PeerID.(*tg.PeerUser); ok {
		v.User = e.userOrID(p.UserID)
	} else if r.PeerID != nil {
		v.Chat = e.Chat(r.PeerID)
	}
	switch re := r.Reaction.(type) {
	case *tg.ReactionEmoji:
		v.Emoji = re.Emoticon
	case *tg.ReactionCustomEmoji:
		v.CustomEmojiID = re.DocumentID
	case *tg.ReactionPaid:
		v.Paid = true
	}
	return v
}

// MessageViews is the view, forward and reply counters of a message, as
// Client.GetMessagesViews returns them.
type MessageViews struct {
	// MessageID is the message.
	MessageID int
	// Views is how many accounts saw the message (channel posts; 0 elsewhere).
	Views int
	// Forwards is how many times it was forwarded.
	Forwards int
	// Replies is how many comments or replies it has (0 when the answer does not say).
	Replies int
}

// NewMessageViews builds the counters of message id from a messageViews.
func NewMessageViews(id int, v tg.MessageViews) MessageViews {
	out := MessageViews{MessageID: id, Views: int(v.Views.Value), Forwards: int(v.Forwards.Value)}
	if v.Replies != nil {
		out.Replies = int(v.Replies.Replies)
	}
	return out
}
