package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/client/internal/tgdate"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChatPermissions says what the members of a group may do (the chat's default permissions)
// or what one restricted member may do: every field true is allowed. It is the positive form
// of Telegram's chatBannedRights, where a set flag forbids; the view_messages flag (a ban)
// has no field here, a ban being BanChatMember's business.
type ChatPermissions struct {
	SendMessages      bool // any message at all (send_messages)
	SendPlain         bool // text messages (send_plain)
	SendMedia         bool // any media (send_media)
	SendPhotos        bool
	SendVideos        bool
	SendRoundVideos   bool
	SendAudios        bool
	SendVoices        bool
	SendDocs          bool
	SendStickers      bool
	SendGifs          bool
	SendGames         bool
	SendInline        bool
	SendPolls         bool
	SendReactions     bool
	EmbedLinks        bool
	ChangeInfo        bool
	InviteUsers       bool
	PinMessages       bool
	ManageTopics      bool
	EditRank          bool
	ManageLinkedPeers bool
}

// AllPermissions returns permissions allowing everything.
func AllPermissions() ChatPermissions {
	return PermissionsFromBanned(tg.ChatBannedRights{})
}

// PermissionsFromBanned turns chatBannedRights into the permissions they leave.
func PermissionsFromBanned(r tg.ChatBannedRights) ChatPermissions {
	return ChatPermissions{
		SendMessages: !r.SendMessages, SendPlain: !r.SendPlain, SendMedia: !r.SendMedia,
		SendPhotos: !r.SendPhotos, SendVideos: !r.SendVideos, SendRoundVideos: !r.SendRoundvideos,
		SendAudios: !r.SendAudios, SendVoices: !r.SendVoices, SendDocs: !r.SendDocs,
		SendStickers: !r.SendStickers, SendGifs: !r.SendGifs, SendGames: !r.SendGames,
		SendInline: !r.SendInline, SendPolls: !r.SendPolls, SendReactions: !r.SendReactions,
		EmbedLinks: !r.EmbedLinks, ChangeInfo: !r.ChangeInfo, InviteUsers: !r.InviteUsers,
		PinMessages: !r.PinMessages, ManageTopics: !r.ManageTopics, EditRank: !r.EditRank,
		ManageLinkedPeers: !r.ManageLinkedPeers,
	}
}

// BannedRights returns the chatBannedRights forbidding what p does not allow, until the
// given time (the zero time: for ever; so is a time outside 1901-12-13..2038-01-19, which a
// request cannot carry, as Telegram takes any end more than 366 days ahead or already past
// for ever).
func (p ChatPermissions) BannedRights(until time.Time) tg.ChatBannedRights {
	return tg.ChatBannedRights{
		SendMessages: !p.SendMessages, SendPlain: !p.SendPlain, SendMedia: !p.SendMedia,
		SendPhotos: !p.SendPhotos, SendVideos: !p.SendVideos, SendRoundvideos: !p.SendRoundVideos,
		SendAudios: !p.SendAudios, SendVoices: !p.SendVoices, SendDocs: !p.SendDocs,
		SendStickers: !p.SendStickers, SendGifs: !p.SendGifs, SendGames: !p.SendGames,
		SendInline: !p.SendInline, SendPolls: !p.SendPolls, SendReactions: !p.SendReactions,
		EmbedLinks: !p.EmbedLinks, ChangeInfo: !p.ChangeInfo, InviteUsers: !p.InviteUsers,
		PinMessages: !p.PinMessages, ManageTopics: !p.ManageTopics, EditRank: !p.EditRank,
		ManageLinkedPeers: !p.ManageLinkedPeers,
		UntilDate:         tgdate.Until(until),
	}
}

// AdminRights are the rights of a chat administrator, one field per flag of
// chatAdminRights.
type AdminRights struct {
	ChangeInfo           bool
	PostMessages         bool // channels
	EditMessages         bool // channels
	DeleteMessages       bool
	BanUsers             bool
	InviteUsers          bool
	PinMessages          bool
	AddAdmins            bool
	Anonymous            bool
	ManageCall           bool
	Other                bool // manage the chat: see members, the event log, ...
	ManageTopics         bool
	PostStories          bool
	EditStories          bool
	DeleteStories        bool
	ManageDirectMessages bool
	ManageRanks          bool
	ManageLinkedPeers    bool
}

// AdminRightsFrom converts chatAdminRights.
func AdminRightsFrom(r tg.ChatAdminRights) AdminRights {
	return AdminRights{
		ChangeInfo: r.ChangeInfo, PostMessages: r.PostMessages, EditMessages: r.EditMessages,
		DeleteMessages: r.DeleteMessages, BanUsers: r.BanUsers, InviteUsers: r.InviteUsers,
		PinMessages: r.PinMessages, AddAdmins: r.AddAdmins, Anonymous: r.Anonymous,
		ManageCall: r.ManageCall, Other: r.Other, ManageTopics: r.ManageTopics,
		PostStories: r.PostStories, EditStories: r.EditStories, DeleteStories: r.DeleteStories,
		ManageDirectMessages: r.ManageDirectMessages, ManageRanks: r.ManageRanks,
		ManageLinkedPeers: r.ManageLinkedPeers,
	}
}

// TG returns the rights as chatAdminRights.
func (a AdminRights) TG() tg.ChatAdminRights {
	return tg.ChatAdminRights{
		ChangeInfo: a.ChangeInfo, PostMessages: a.PostMessages, EditMessages: a.EditMessages,
		DeleteMessages: a.DeleteMessages, BanUsers: a.BanUsers, InviteUsers: a.InviteUsers,
		PinMessages: a.PinMessages, AddAdmins: a.AddAdmins, Anonymous: a.Anonymous,
		ManageCall: a.ManageCall, Other: a.Other, ManageTopics: a.ManageTopics,
		PostStories: a.PostStories, EditStories: a.EditStories, DeleteStories: a.DeleteStories,
		ManageDirectMessages: a.ManageDirectMessages, ManageRanks: a.ManageRanks,
		ManageLinkedPeers: a.ManageLinkedPeers,
	}
}
