package types

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

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
