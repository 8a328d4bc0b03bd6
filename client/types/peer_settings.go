package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// PeerSettings are the action bar an app shows above a chat (peerSettings): what it offers
// to do about the other party, and in a business account's chat with a customer the
// connected business bot managing it.
type PeerSettings struct {
	// ReportSpam, AddContact, BlockContact and ShareContact: the bar offers to report the
	// chat as spam, add the user to contacts, block the user, share the account's phone
	// number.
	ReportSpam, AddContact, BlockContact, ShareContact bool
	// NeedContactsException: sharing the phone number needs a privacy exception for the user.
	NeedContactsException bool
	// ReportGeo offers to report a location-based group as unrelated to its location;
	// GeoDistance is the distance to the user in meters, 0 when not told.
	ReportGeo   bool
	GeoDistance int
	// Autoarchived: the chat was archived automatically and may be unarchived.
	Autoarchived bool
	// InviteMembers offers to invite members to the group.
	InviteMembers bool
	// RequestChatTitle, RequestChatDate and RequestChatBroadcast: the user is an admin of a
	// group (or, with RequestChatBroadcast, a channel) the account asked to join; "" and zero
	// otherwise.
	RequestChatTitle     string
	RequestChatDate      time.Time
	RequestChatBroadcast bool
	// BusinessBot is the connected business bot managing this chat of a business account,
	// nil when none does.
	BusinessBot *BusinessBotBar
	// ChargePaidMessageStars is what each message to the user costs in Stars, 0 when free.
	ChargePaidMessageStars int64
	// RegistrationMonth ("MM.YYYY"), PhoneCountry, NameChangeDate and PhotoChangeDate tell
	// about a user who is not a contact, when Telegram shows them.
	RegistrationMonth, PhoneCountry string
	NameChangeDate, PhotoChangeDate time.Time
	// Raw is the value it was built from.
	Raw *tg.PeerSettings
}

// BusinessBotBar is the part of a chat's action bar about the business bot managing it.
type BusinessBotBar struct {
	// Bot is the bot (only its ID when the answer did not carry it).
	Bot *User
	// ManageURL is a deep link that opens the bot's management menu for the chat.
	ManageURL string
	// Paused: the account paused the bot in this chat (Client.PauseBusinessBot).
	Paused bool
	// CanReply: the bot may reply in this chat.
	CanReply bool
}

// NewPeerSettings builds PeerSettings from peerSettings with the users in e; nil for nil.
func NewPeerSettings(s *tg.PeerSettings, e Entities) *PeerSettings {
	if s == nil {
		return nil
	}
	out := &PeerSettings{
		ReportSpam: s.ReportSpam, AddContact: s.AddContact, BlockContact: s.BlockContact, ShareContact: s.ShareContact,
		NeedContactsException: s.NeedContactsException, ReportGeo: s.ReportGeo, GeoDistance: int(s.GeoDistance.Value),
		Autoarchived: s.Autoarchived, InviteMembers: s.InviteMembers,
		RequestChatTitle: s.RequestChatTitle.Value, RequestChatDate: unix(s.RequestChatDate.Value), RequestChatBroadcast: s.RequestChatBroadcast,
		ChargePaidMessageStars: s.ChargePaidMessageStars.Value,
		RegistrationMonth:      s.RegistrationMonth.Value, PhoneCountry: s.PhoneCountry.Value,
		NameChangeDate: unix(s.NameChangeDate.Value), PhotoChangeDate: unix(s.PhotoChangeDate.Value),
		Raw: s,
	}
	if s.BusinessBotID.Set {
		out.BusinessBot = &BusinessBotBar{
			Bot: e.userOrID(s.BusinessBotID.Value), ManageURL: s.BusinessBotManageURL.Value,
			Paused: s.BusinessBotPaused, CanReply: s.BusinessBotCanReply,
		}
	}
	return out
}
