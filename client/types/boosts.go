package types

import (
	"time"

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

// BoostSlot is one of a premium account's boost slots (Client.GetBoosts, ApplyBoost).
type BoostSlot struct {
	// Slot is the slot's number (1-based).
	Slot int
	// Chat is the channel it boosts; nil for a free slot.
	Chat *Chat
	// Date is when it was applied, Expires when it ends; CooldownUntil is when it can be
	// moved to another channel (zero when it can now).
	Date, Expires, CooldownUntil time.Time
	Raw                          tg.MyBoost
}

// NewBoostSlots types premium.myBoosts.
func NewBoostSlots(r *tg.PremiumMyBoosts) []*BoostSlot {
	if r == nil {
		return nil
	}
	e := NewEntities(r.Users, r.Chats)
	out := make([]*BoostSlot, 0, len(r.MyBoosts))
	for _, b := range r.MyBoosts {
		s := &BoostSlot{
			Slot: int(b.Slot), Date: unix(b.Date), Expires: unix(b.Expires),
			CooldownUntil: unix(b.CooldownUntilDate.Value), Raw: b,
		}
		if b.Peer != nil {
			s.Chat = e.Chat(b.Peer)
		}
		out = append(out, s)
	}
	return out
}

// Boost is one boost of a channel, as Client.GetChatBoosts lists them.
type Boost struct {
	// ID names the boost; User is the booster (nil for a giveaway's unclaimed boost).
	ID   string
	User *User
	// Gift and Giveaway mark boosts that came with a gifted premium subscription.
	Gift, Giveaway bool
	// Multiplier is how many boosts it counts for.
	Multiplier    int
	Date, Expires time.Time
	Raw           tg.Boost
}

// NewBoost types one boost of a channel.
func NewBoost(b tg.Boost, e Entities) *Boost {
	out := &Boost{
		ID: b.ID, Gift: b.Gift, Giveaway: b.Giveaway, Multiplier: max(int(b.Multiplier.Value), 1),
		Date: unix(b.Date), Expires: unix(b.Expires), Raw: b,
	}
	if id, ok := b.UserID.Get(); ok {
		out.User = e.userOrID(id)
	}
	return out
}

// BoostsStatus is a channel's boost level, as Client.GetBoostsStatus returns it.
type BoostsStatus struct {
	// Level is reached with CurrentLevelBoosts; Boosts is the count now; NextLevelBoosts is
	// needed for the next level (0 at the top).
	Level                                       int
	Boosts, CurrentLevelBoosts, NextLevelBoosts int
	// GiftBoosts came with gifted premium subscriptions.
	GiftBoosts int
	// MyBoost: the account boosts the channel, with MyBoostSlots.
	MyBoost      bool
	MyBoostSlots []int
	// BoostURL is the link that asks people to boost it.
	BoostURL string
	Raw      *tg.PremiumBoostsStatus
}

// NewBoostsStatus types premium.boostsStatus; nil for nil.
func NewBoostsStatus(s *tg.PremiumBoostsStatus) *BoostsStatus {
	if s == nil {
		return nil
	}
	out := &BoostsStatus{
		Level: int(s.Level), Boosts: int(s.Boosts), CurrentLevelBoosts: int(s.CurrentLevelBoosts),
		NextLevelBoosts: int(s.NextLevelBoosts.Value), GiftBoosts: int(s.GiftBoosts.Value), MyBoost: s.MyBoost,
		BoostURL: s.BoostURL, Raw: s,
	}
	for _, slot := range s.MyBoostSlots {
		out.MyBoostSlots = append(out.MyBoostSlots, int(slot))
	}
	return out
}
