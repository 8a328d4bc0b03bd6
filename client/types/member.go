package types

import (
	"errors"
	"math"
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/wirenum"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ErrMessageID reports a message id no message can have: Telegram numbers a chat's messages
// from 1 to 2^31-1, and cut to the request's 32 bits a larger int would name another message.
// MemberFilter.TG returns it for a TopMessage out of range. Package mtgo re-exports it.
var ErrMessageID = errors.New("mtgo: message id out of range")

// ChatMember is one user's standing in a chat: its status and, by status, the admin rights
// and title (administrators, the owner), the permissions and until date (restricted
// members), who banned it and until when (banned users).
type ChatMember struct {
	// User is the member (nil when the participant is a chat, as a banned channel can be;
	// Chat names it then).
	User *User
	// Chat is the participant when it is a chat or channel rather than a user.
	Chat *Chat
	// Status is the member's standing.
	Status MemberStatus
	// Title is the custom title (rank) of an administrator or owner.
	Title string
	// AdminRights are the rights of an administrator or owner, nil otherwise.
	AdminRights *AdminRights
	// Permissions are what a restricted member may do, nil otherwise.
	Permissions *ChatPermissions
	// Until is when a restriction or ban ends (the zero time: for ever).
	Until time.Time
	// Joined is when the member joined (or was restricted, banned or promoted).
	Joined time.Time
	// InvitedBy, PromotedBy and BannedBy name who added, promoted or restricted the member
	// (0 when unknown).
	InvitedBy, PromotedBy, BannedBy int64
	// CanBeEdited says the viewer may change this administrator's rights.
	CanBeEdited bool
	// Raw is the participant object (tg.ChatParticipantClass or tg.ChannelParticipantClass).
	Raw any
}

// NewChatMember builds a ChatMember from a basic group or channel participant object, with
// the users and chats in e; nil for nil input or an unknown kind.
func NewChatMember(p any, e Entities) *ChatMember {
	m := &ChatMember{Raw: p, Status: memberStatus(p)}
	switch p := p.(type) {
	case *tg.ChatParticipant:
		m.User, m.InvitedBy, m.Joined = e.userOrID(p.UserID), p.InviterID, unix(p.Date)
	case *tg.ChatParticipantCreator:
		m.User, m.AdminRights = e.userOrID(p.UserID), ownerRights()
	case *tg.ChatParticipantAdmin:
		m.User, m.InvitedBy, m.Joined = e.userOrID(p.UserID), p.InviterID, unix(p.Date)
		m.AdminRights = basicAdminRights()
	case *tg.ChannelParticipant:
		m.User, m.Joined = e.userOrID(p.UserID), unix(p.Date)
	case *tg.ChannelParticipantSelf:
		m.User, m.InvitedBy, m.Joined = e.userOrID(p.UserID), p.InviterID, unix(p.Date)
	case *tg.ChannelParticipantCreator:
		r := AdminRightsFrom(p.AdminRights)
		m.User, m.AdminRights, m.Title = e.userOrID(p.UserID), &r, p.Rank.Value
	case *tg.ChannelParticipantAdmin:
		r := AdminRightsFrom(p.AdminRights)
		m.User, m.AdminRights, m.Title = e.userOrID(p.UserID), &r, p.Rank.Value
		m.InvitedBy, m.PromotedBy, m.Joined, m.CanBeEdited = p.InviterID.Value, p.PromotedBy, unix(p.Date), p.CanEdit
	case *tg.ChannelParticipantBanned:
		m.setPeer(p.Peer, e)
		m.BannedBy, m.Joined, m.Until = p.KickedBy, unix(p.Date), unix(p.BannedRights.UntilDate)
		if m.Status == MemberRestricted {
			perms := PermissionsFromBanned(p.BannedRights)
			m.Permissions = &perms
		}
	case *tg.ChannelParticipantLeft:
		m.setPeer(p.Peer, e)
	default:
		return nil
	}
	return m
}

func (m *ChatMember) setPeer(p tg.PeerClass, e Entities) {
	if u, ok := p.(*tg.PeerUser); ok {
		m.User = e.userOrID(u.UserID)
		return
	}
	m.Chat = e.Chat(p)
}

// ownerRights are the rights of a basic group's creator: all of them.
func ownerRights() *AdminRights {
	r := AdminRights{
		ChangeInfo: true, DeleteMessages: true, BanUsers: true, InviteUsers: true, PinMessages: true,
		AddAdmins: true, ManageCall: true, Other: true,
	}
	return &r
}

// basicAdminRights are the rights of a basic group's administrators, who all have the same.
func basicAdminRights() *AdminRights {
	r := *ownerRights()
	r.AddAdmins = false
	return &r
}

// MemberFilter picks which members GetChatMembers lists.
type MemberFilter struct {
	// Kind is the group of members.
	Kind MemberKind
	// Query narrows MembersAll, MembersSearch, MembersBanned, MembersRestricted,
	// MembersContacts and MembersMentions to names matching it.
	Query string
	// TopMessage is the message (thread) of MembersMentions; TG and GetChatMembers refuse
	// one outside 0..2^31-1 (0: no thread) with ErrMessageID.
	TopMessage int
}

// MemberKind names a group of members.
type MemberKind uint8

// Member groups (channels.getParticipants filters).
const (
	MembersAll MemberKind = iota
	MembersSearch
	MembersAdmins
	MembersBots
	MembersRestricted
	MembersBanned
	MembersContacts
	MembersMentions
	MembersRecent
)

// TG returns the filter as channelParticipantsFilter, or ErrMessageID for a MembersMentions
// TopMessage outside 0..2^31-1.
func (f MemberFilter) TG() (tg.ChannelParticipantsFilterClass, error) {
	if f.Kind == MembersMentions {
		return f.mentions()
	}
	return f.tg(), nil
}

// mentions is TG for MembersMentions.
func (f MemberFilter) mentions() (tg.ChannelParticipantsFilterClass, error) {
	out := &tg.ChannelParticipantsMentions{}
	if f.Query != "" {
		out.Q.Set, out.Q.Value = true, f.Query
	}
	if f.TopMessage != 0 {
		top, err := wirenum.Within(ErrMessageID, "", f.TopMessage, 1, math.MaxInt32)
		if err != nil {
			return nil, err
		}
		out.TopMsgID.Set, out.TopMsgID.Value = true, top
	}
	return out, nil
}

// tg is TG for the kinds that carry no number.
func (f MemberFilter) tg() tg.ChannelParticipantsFilterClass {
	switch f.Kind {
	case MembersSearch:
		return &tg.ChannelParticipantsSearch{Q: f.Query}
	case MembersAdmins:
		return &tg.ChannelParticipantsAdmins{}
	case MembersBots:
		return &tg.ChannelParticipantsBots{}
	case MembersRestricted:
		return &tg.ChannelParticipantsBanned{Q: f.Query}
	case MembersBanned:
		return &tg.ChannelParticipantsKicked{Q: f.Query}
	case MembersContacts:
		return &tg.ChannelParticipantsContacts{Q: f.Query}
	case MembersRecent:
		return &tg.ChannelParticipantsRecent{}
	}
	if f.Query != "" {
		return &tg.ChannelParticipantsSearch{Q: f.Query}
	}
	return &tg.ChannelParticipantsRecent{}
}
