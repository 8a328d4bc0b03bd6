package types

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// UserStatus tells that a user went online or offline (to accounts that may see it).
type UserStatus struct {
	// User is the user (with its id only when the update did not carry the user).
	User *User
	// Online is true while the user is online, until Expires.
	Online  bool
	Expires time.Time
	// LastSeen is when an offline user was last online; zero when hidden (see Status).
	LastSeen time.Time
	// Status is the status as received (recently, last week, ... when the exact time is
	// hidden).
	Status tg.UserStatusClass
	// Raw is the update the value was built from.
	Raw *tg.UpdateUserStatus
}

// NewUserStatus builds a UserStatus from updateUserStatus; nil for any other update.
func NewUserStatus(u tg.UpdateClass, e Entities) *UserStatus {
	s, ok := u.(*tg.UpdateUserStatus)
	if !ok || s == nil {
		return nil
	}
	v := &UserStatus{User: e.userOrID(s.UserID), Status: s.Status, Raw: s}
	switch st := s.Status.(type) {
	case *tg.UserStatusOnline:
		v.Online, v.Expires = true, unix(st.Expires)
	case *tg.UserStatusOffline:
		v.LastSeen = unix(st.WasOnline)
	}
	return v
}

// ChatJoinRequest is a user asking to join a chat through an invite link that needs an
// administrator's approval, received by the bots administering the chat.
type ChatJoinRequest struct {
	// Chat is the chat to join.
	Chat *Chat
	// From is the user asking.
	From *User
	// Date is when the user asked.
	Date time.Time
	// Bio is the user's bio.
	Bio string
	// Invite is the link the user followed.
	Invite tg.ExportedChatInviteClass
	// Raw is the update the value was built from.
	Raw *tg.UpdateBotChatInviteRequester

	api API
}

// NewChatJoinRequest builds a ChatJoinRequest from updateBotChatInviteRequester, bound to api
// (nil for an unbound value); nil for any other update.
func NewChatJoinRequest(api API, u tg.UpdateClass, e Entities) *ChatJoinRequest {
	r, ok := u.(*tg.UpdateBotChatInviteRequester)
	if !ok || r == nil {
		return nil
	}
	return &ChatJoinRequest{
		Chat: e.Chat(r.Peer), From: e.userOrID(r.UserID), Date: unix(r.Date), Bio: r.About,
		Invite: r.Invite, Raw: r, api: api,
	}
}

// Approve lets the user in.
func (r *ChatJoinRequest) Approve(ctx context.Context) error { return r.hide(ctx, true) }

// Decline refuses the user.
func (r *ChatJoinRequest) Decline(ctx context.Context) error { return r.hide(ctx, false) }

func (r *ChatJoinRequest) hide(ctx context.Context, approve bool) error {
	if r == nil || r.api == nil {
		return ErrContextNoClient
	}
	if r.Chat == nil {
		return ErrContextNoChat
	}
	return r.api.HideJoinRequest(ctx, r.Chat.InputPeer(), r.From.InputUser(), approve)
}

// ChosenInlineResult is an inline result a user sent, received by bots with inline feedback
// on.
type ChosenInlineResult struct {
	// ResultID is the id the bot gave the result.
	ResultID string
	// From is the user who sent it.
	From *User
	// Query is the query the result answered.
	Query string
	// InlineMessageID identifies the sent message (Bot API form), empty when the result had
	// no buttons; InlineMessage is the same id as a TL value.
	InlineMessageID string
	InlineMessage   tg.InputBotInlineMessageIDClass
	// Geo is the user's location, for bots that ask for it.
	Geo tg.GeoPointClass
	// Raw is the update the value was built from.
	Raw *tg.UpdateBotInlineSend
}

// NewChosenInlineResult builds a ChosenInlineResult from updateBotInlineSend; nil for any
// other update.
func NewChosenInlineResult(u tg.UpdateClass, e Entities) *ChosenInlineResult {
	s, ok := u.(*tg.UpdateBotInlineSend)
	if !ok || s == nil {
		return nil
	}
	return &ChosenInlineResult{
		ResultID: s.ID, From: e.userOrID(s.UserID), Query: s.Query,
		InlineMessageID: InlineMessageID(s.MsgID), InlineMessage: s.MsgID, Geo: s.Geo, Raw: s,
	}
}

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

// PollAnswer is a vote (or a retracted vote: no Options) in a non-anonymous poll, received by
// the bot that sent the poll.
type PollAnswer struct {
	// PollID is the poll.
	PollID int64
	// User is who voted, nil when a chat voted (see VoterChat).
	User *User
	// VoterChat is the chat that voted, nil otherwise.
	VoterChat *Chat
	// Options are the chosen options' values; empty when the vote was retracted.
	Options [][]byte
	// Raw is the update the value was built from.
	Raw *tg.UpdateMessagePollVote
}

// NewPollAnswer builds a PollAnswer from updateMessagePollVote; nil for any other update.
func NewPollAnswer(u tg.UpdateClass, e Entities) *PollAnswer {
	v, ok := u.(*tg.UpdateMessagePollVote)
	if !ok || v == nil {
		return nil
	}
	a := &PollAnswer{PollID: v.PollID, Options: v.Options, Raw: v}
	if p, ok := v.Peer.(*tg.PeerUser); ok {
		a.User = e.userOrID(p.UserID)
	} else {
		a.VoterChat = e.Chat(v.Peer)
	}
	return a
}
