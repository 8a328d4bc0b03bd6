package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MessageReaction is a change of one user's (or chat's) reactions to a message, received by
// bots administering the chat.
type MessageReaction struct {
	// Chat is the chat of the message.
	Chat *Chat
	// MessageID is the message.
	MessageID int
	// Date is when the reactions changed.
	Date time.Time
	// User is who reacted, nil when a chat reacted anonymously (see ActorChat).
	User *User
	// ActorChat is the chat that reacted (anonymous administrators, channels), nil otherwise.
	ActorChat *Chat
	// Old and New are the reactions before and after.
	Old, New []tg.ReactionClass
	// Raw is the update the value was built from.
	Raw *tg.UpdateBotMessageReaction
}

// NewMessageReaction builds a MessageReaction from updateBotMessageReaction; nil for any
// other update.
func NewMessageReaction(u tg.UpdateClass, e Entities) *MessageReaction {
	r, ok := u.(*tg.UpdateBotMessageReaction)
	if !ok || r == nil {
		return nil
	}
	v := &MessageReaction{
		Chat: e.Chat(r.Peer), MessageID: int(r.MsgID), Date: unix(r.Date),
		Old: r.OldReactions, New: r.NewReactions, Raw: r,
	}
	if p, ok := r.Actor.(*tg.PeerUser); ok {
		v.User = e.userOrID(p.UserID)
	} else {
		v.ActorChat = e.Chat(r.Actor)
	}
	return v
}

// MessageReactionCount is the new reaction counts of a message in a chat whose reactions are
// anonymous, received by bots administering the chat.
type MessageReactionCount struct {
	Chat      *Chat
	MessageID int
	Date      time.Time
	Reactions []tg.ReactionCount
	Raw       *tg.UpdateBotMessageReactions
}

// NewMessageReactionCount builds a MessageReactionCount from updateBotMessageReactions; nil
// for any other update.
func NewMessageReactionCount(u tg.UpdateClass, e Entities) *MessageReactionCount {
	r, ok := u.(*tg.UpdateBotMessageReactions)
	if !ok || r == nil {
		return nil
	}
	return &MessageReactionCount{Chat: e.Chat(r.Peer), MessageID: int(r.MsgID), Date: unix(r.Date), Reactions: r.Reactions, Raw: r}
}
