package types

import (
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChatBoost is a boost of a channel the bot administers.
type ChatBoost struct {
	Chat  *Chat
	Boost tg.Boost
	Raw   *tg.UpdateBotChatBoost
}

// NewChatBoost builds a ChatBoost from updateBotChatBoost; nil for any other update.
func NewChatBoost(u tg.UpdateClass, e Entities) *ChatBoost {
	b, ok := u.(*tg.UpdateBotChatBoost)
	if !ok || b == nil {
		return nil
	}
	return &ChatBoost{Chat: e.Chat(b.Peer), Boost: b.Boost, Raw: b}
}
