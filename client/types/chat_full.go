package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChatFull is the full information of a chat: a basic group, a supergroup, a channel or a
// private chat (from users.getFullUser).
type ChatFull struct {
	// Chat is the chat itself.
	Chat *Chat
	// Description is the chat's description (a user's bio for private chats).
	Description string
	// MembersCount, AdminsCount, BannedCount, RestrictedCount and OnlineCount are the
	// counts the server sent (0 when it sent none).
	MembersCount, AdminsCount, BannedCount, RestrictedCount, OnlineCount int
	// LinkedChatID is the Bot API id of the discussion group of a channel or of the channel
	// of a discussion group (0 for none).
	LinkedChatID int64
	// PinnedMessageID is the pinned message (0 for none).
	PinnedMessageID int
	// Permissions are the members' default permissions (groups), nil when unknown.
	Permissions *ChatPermissions
	// SlowMode is the delay between two messages of a member (0: off).
	SlowMode time.Duration
	// TTL is the auto-delete period of new messages (0: off).
	TTL time.Duration
	// InviteLink is the primary invite link, when the viewer may see it.
	InviteLink string
	// AvailableReactions are the reactions members may use: nil when all are allowed
	// (AllReactions) or unknown, empty when none.
	AvailableReactions []string
	// AllReactions says every reaction is allowed (custom ones too when AllowCustom).
	AllReactions, AllowCustom bool
	// StickerSet is the group's sticker set, nil for none.
	StickerSet *tg.StickerSet
	// MigratedFromChatID is the basic group (Bot API id) a supergroup was made from.
	MigratedFromChatID int64
	// SendAs is who the viewer sends as by default (nil: itself).
	SendAs tg.PeerClass
	// HiddenHistory says new members do not see the history from before they joined.
	HiddenHistory bool
	// CommonChatsCount is how many groups the viewer shares with the user (private chats).
	CommonChatsCount int
	// PendingJoinRequests is how many join requests wait for an administrator.
	PendingJoinRequests int
	// Raw is the full object (*tg.ChatFull, *tg.ChannelFull or *tg.UserFull).
	Raw any
}

// NewChatFull builds a ChatFull from messages.chatFull; nil for an unknown kind.
func NewChatFull(res *tg.MessagesChatFull) *ChatFull {
	if res == nil {
		return nil
	}
	e := NewEntities(res.Users, res.Chats)
	switch f := res.FullChat.(type) {
	case *tg.ChatFull:
		out := &ChatFull{
			Chat: e.Chat(&tg.PeerChat{ChatID: f.ID}), Description: f.About,
			PinnedMessageID: int(f.PinnedMsgID.Value), TTL: seconds(f.TTLPeriod.Value),
			InviteLink: inviteLink(f.ExportedInvite), PendingJoinRequests: int(f.RequestsPending.Value), Raw: f,
		}
		if p, ok := f.Participants.(*tg.ChatParticipants); ok {
			out.MembersCount = len(p.Participants)
			for _, m := range p.Participants {
				if _, ok := m.(*tg.ChatParticipantAdmin); ok {
					out.AdminsCount++
				}
			}
		}
		if c, ok := e.Chats[f.ID].(*tg.Chat); ok && c.DefaultBannedRights != nil {
			p := PermissionsFromBanned(*c.DefaultBannedRights)
			out.Permissions = &p
		}
		out.setReactions(f.AvailableReactions)
		return out
	case *tg.ChannelFull:
		out := &ChatFull{
			Chat: e.Chat(&tg.PeerChannel{ChannelID: f.ID}), Description: f.About,
			MembersCount: int(f.ParticipantsCount.Value), AdminsCount: int(f.AdminsCount.Value),
			BannedCount: int(f.KickedCount.Value), RestrictedCount: int(f.BannedCount.Value),
			OnlineCount: int(f.OnlineCount.Value), PinnedMessageID: int(f.PinnedMsgID.Value),
			SlowMode: seconds(f.SlowmodeSeconds.Value), TTL: seconds(f.TTLPeriod.Value),
			InviteLink: inviteLink(f.ExportedInvite), StickerSet: f.Stickerset, SendAs: f.DefaultSendAs,
			HiddenHistory: f.HiddenPrehistory, PendingJoinRequests: int(f.RequestsPending.Value), Raw: f,
		}
		if f.LinkedChatID.Set {
			out.LinkedChatID = ChannelChatID(f.LinkedChatID.Value)
		}
		if f.MigratedFromChatID.Set {
			out.MigratedFromChatID = -f.MigratedFromChatID.Value
		}
		if c, ok := e.Channels[f.ID].(*tg.Channel); ok && c.DefaultBannedRights != nil {
			p := PermissionsFromBanned(*c.DefaultBannedRights)
			out.Permissions = &p
		}
		out.setReactions(f.AvailableReactions)
		return out
	}
	return nil
}

// NewUserChatFull builds the ChatFull of a private chat from users.userFull.
func NewUserChatFull(res *tg.UsersUserFull) *ChatFull {
	if res == nil {
		return nil
	}
	e := NewEntities(res.Users, res.Chats)
	f := &res.FullUser
	return &ChatFull{
		Chat: e.Chat(&tg.PeerUser{UserID: f.ID}), Description: f.About.Value,
		PinnedMessageID: int(f.PinnedMsgID.Value), TTL: seconds(f.TTLPeriod.Value),
		CommonChatsCount: int(f.CommonChatsCount), Raw: f,
	}
}

func (c *ChatFull) setReactions(r tg.ChatReactionsClass) {
	switch r := r.(type) {
	case *tg.ChatReactionsAll:
		c.AllReactions, c.AllowCustom = true, r.AllowCustom
	case *tg.ChatReactionsSome:
		c.AvailableReactions = []string{}
		for _, x := range r.Reactions {
			if e, ok := x.(*tg.ReactionEmoji); ok {
				c.AvailableReactions = append(c.AvailableReactions, e.Emoticon)
			}
		}
	case *tg.ChatReactionsNone:
		c.AvailableReactions = []string{}
	}
}

func seconds(n int32) time.Duration { return time.Duration(n) * time.Second }

func inviteLink(inv tg.ExportedChatInviteClass) string {
	if e, ok := inv.(*tg.ChatInviteExported); ok {
		return e.Link
	}
	return ""
}
