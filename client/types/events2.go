package types

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// MemberStatus is a user's standing in a chat.
type MemberStatus uint8

// Member statuses.
const (
	// MemberLeft is not a member (never joined, left, or removed without a ban).
	MemberLeft MemberStatus = iota
	MemberMember
	MemberAdministrator
	MemberOwner
	// MemberRestricted is a member with restricted rights.
	MemberRestricted
	// MemberBanned is removed and may not come back.
	MemberBanned
)

var memberStatusNames = [...]string{
	MemberLeft: "left", MemberMember: "member", MemberAdministrator: "administrator",
	MemberOwner: "owner", MemberRestricted: "restricted", MemberBanned: "banned",
}

// String returns the status's name.
func (s MemberStatus) String() string {
	if int(s) < len(memberStatusNames) {
		return memberStatusNames[s]
	}
	return "unknown"
}

// memberStatus returns the status a participant object (of a basic group or a channel) says;
// nil is MemberLeft.
func memberStatus(p any) MemberStatus {
	switch p := p.(type) {
	case *tg.ChatParticipant, *tg.ChannelParticipant, *tg.ChannelParticipantSelf:
		return MemberMember
	case *tg.ChatParticipantAdmin, *tg.ChannelParticipantAdmin:
		return MemberAdministrator
	case *tg.ChatParticipantCreator, *tg.ChannelParticipantCreator:
		return MemberOwner
	case *tg.ChannelParticipantBanned:
		if p.BannedRights.ViewMessages {
			return MemberBanned
		}
		if p.Left {
			return MemberLeft
		}
		return MemberRestricted
	}
	return MemberLeft
}

// ChatMemberUpdated is a change of a user's standing in a chat: a join, a leave, a ban, a
// promotion, as old and new statuses.
type ChatMemberUpdated struct {
	// Chat is the chat.
	Chat *Chat
	// Actor is who made the change (the user themselves for joins and leaves).
	Actor *User
	// User is whose standing changed.
	User *User
	// Date is when.
	Date time.Time
	// Old and New are the statuses before and after.
	Old, New MemberStatus
	// Raw is the update the value was built from (*tg.UpdateChatParticipant or
	// *tg.UpdateChannelParticipant), with the participant objects and the invite used.
	Raw tg.UpdateClass
}

// NewChatMemberUpdated builds a ChatMemberUpdated from updateChatParticipant or
// updateChannelParticipant; nil for any other update.
func NewChatMemberUpdated(u tg.UpdateClass, e Entities) *ChatMemberUpdated {
	switch u := u.(type) {
	case *tg.UpdateChatParticipant:
		if u == nil {
			return nil
		}
		return &ChatMemberUpdated{
			Chat: e.Chat(&tg.PeerChat{ChatID: u.ChatID}), Actor: e.userOrID(u.ActorID), User: e.userOrID(u.UserID),
			Date: unix(u.Date), Old: memberStatus(u.PrevParticipant), New: memberStatus(u.NewParticipant), Raw: u,
		}
	case *tg.UpdateChannelParticipant:
		if u == nil {
			return nil
		}
		return &ChatMemberUpdated{
			Chat: e.Chat(&tg.PeerChannel{ChannelID: u.ChannelID}), Actor: e.userOrID(u.ActorID), User: e.userOrID(u.UserID),
			Date: unix(u.Date), Old: memberStatus(u.PrevParticipant), New: memberStatus(u.NewParticipant), Raw: u,
		}
	}
	return nil
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

// Poll is the new state of a poll: its results, and the poll itself when it changed (closed).
type Poll struct {
	// ID is the poll.
	ID int64
	// Chat and MessageID name the message with the poll when the update says it; nil and 0
	// otherwise.
	Chat      *Chat
	MessageID int
	// Poll is the poll, nil when only the results changed.
	Poll *tg.Poll
	// Results are the poll's results.
	Results tg.PollResults
	Raw     *tg.UpdateMessagePoll
}

// NewPoll builds a Poll from updateMessagePoll; nil for any other update.
func NewPoll(u tg.UpdateClass, e Entities) *Poll {
	p, ok := u.(*tg.UpdateMessagePoll)
	if !ok || p == nil {
		return nil
	}
	v := &Poll{ID: p.PollID, MessageID: int(p.MsgID.Value), Poll: p.Poll, Results: p.Results, Raw: p}
	if p.Peer != nil {
		v.Chat = e.Chat(p.Peer)
	}
	return v
}

// Story is a story posted or changed by a user or a channel.
type Story struct {
	// Chat is who posted it: the user's private chat, or the channel.
	Chat  *Chat
	Story tg.StoryItemClass
	Raw   *tg.UpdateStory
}

// NewStory builds a Story from updateStory; nil for any other update.
func NewStory(u tg.UpdateClass, e Entities) *Story {
	s, ok := u.(*tg.UpdateStory)
	if !ok || s == nil {
		return nil
	}
	return &Story{Chat: e.Chat(s.Peer), Story: s.Story, Raw: s}
}

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

// PreCheckoutQuery is the last step of a payment: the bot confirms (or refuses) the order
// before the user is charged, within 10 seconds.
type PreCheckoutQuery struct {
	ID               int64
	From             *User
	Currency         string
	TotalAmount      int64 // in the currency's smallest units
	Payload          []byte
	ShippingOptionID string
	Info             *tg.PaymentRequestedInfo
	Raw              *tg.UpdateBotPrecheckoutQuery

	api API
}

// NewPreCheckoutQuery builds a PreCheckoutQuery from updateBotPrecheckoutQuery, bound to api
// (nil for an unbound value); nil for any other update.
func NewPreCheckoutQuery(api API, u tg.UpdateClass, e Entities) *PreCheckoutQuery {
	q, ok := u.(*tg.UpdateBotPrecheckoutQuery)
	if !ok || q == nil {
		return nil
	}
	return &PreCheckoutQuery{
		ID: q.QueryID, From: e.userOrID(q.UserID), Currency: q.Currency, TotalAmount: q.TotalAmount,
		Payload: q.Payload, ShippingOptionID: q.ShippingOptionID.Value, Info: q.Info, Raw: q, api: api,
	}
}

// Answer confirms the order when errMessage is empty, else refuses it with errMessage shown
// to the user.
func (q *PreCheckoutQuery) Answer(ctx context.Context, errMessage string) error {
	if q == nil || q.api == nil {
		return ErrContextNoClient
	}
	return q.api.AnswerPreCheckout(ctx, q.ID, errMessage)
}

// ShippingQuery asks a bot for the shipping options to an address, for invoices with
// flexible prices.
type ShippingQuery struct {
	ID      int64
	From    *User
	Payload []byte
	Address tg.PostAddress
	Raw     *tg.UpdateBotShippingQuery

	api API
}

// NewShippingQuery builds a ShippingQuery from updateBotShippingQuery, bound to api (nil for
// an unbound value); nil for any other update.
func NewShippingQuery(api API, u tg.UpdateClass, e Entities) *ShippingQuery {
	q, ok := u.(*tg.UpdateBotShippingQuery)
	if !ok || q == nil {
		return nil
	}
	return &ShippingQuery{ID: q.QueryID, From: e.userOrID(q.UserID), Payload: q.Payload, Address: q.ShippingAddress, Raw: q, api: api}
}

// Answer offers options when errMessage is empty, else refuses delivery with errMessage.
func (q *ShippingQuery) Answer(ctx context.Context, options []tg.ShippingOption, errMessage string) error {
	if q == nil || q.api == nil {
		return ErrContextNoClient
	}
	return q.api.AnswerShipping(ctx, q.ID, options, errMessage)
}
