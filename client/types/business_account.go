package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// BusinessBotRights are what a connected business bot may do on the account's behalf, one
// field per flag of businessBotRights.
type BusinessBotRights struct {
	Reply                   bool // send, edit, pin and show chat actions in the served chats
	ReadMessages            bool // mark the served chats read
	DeleteSentMessages      bool // delete the account's own messages
	DeleteReceivedMessages  bool // delete the other party's messages
	EditName                bool
	EditBio                 bool
	EditProfilePhoto        bool
	EditUsername            bool
	ViewGifts               bool
	SellGifts               bool
	ChangeGiftSettings      bool
	TransferAndUpgradeGifts bool
	TransferStars           bool
	ManageStories           bool
}

// BusinessBotRightsFrom converts businessBotRights.
func BusinessBotRightsFrom(r tg.BusinessBotRights) BusinessBotRights { return BusinessBotRights(r) }

// TG returns the rights as businessBotRights.
func (r BusinessBotRights) TG() tg.BusinessBotRights { return tg.BusinessBotRights(r) }

// BusinessBotRecipients names the private chats a connected business bot serves: those
// BusinessRecipients selects (or, with ExcludeSelected, all others), never those of
// ExcludeUsers.
type BusinessBotRecipients struct {
	BusinessRecipients
	// ExcludeUsers are users whose chats the bot never serves. With ExcludeSelected
	// Telegram moves them into Users.
	ExcludeUsers []int64
}

// newBusinessBotRecipients converts businessBotRecipients.
func newBusinessBotRecipients(r tg.BusinessBotRecipients) BusinessBotRecipients {
	return BusinessBotRecipients{
		BusinessRecipients: newBusinessRecipients(tg.BusinessRecipients{
			ExistingChats: r.ExistingChats, NewChats: r.NewChats, Contacts: r.Contacts, NonContacts: r.NonContacts,
			ExcludeSelected: r.ExcludeSelected, Users: r.Users,
		}),
		ExcludeUsers: r.ExcludeUsers,
	}
}

// ConnectedBusinessBot is the business bot connected to the account (connectedBot), as the
// account sees it.
type ConnectedBusinessBot struct {
	// Bot is the bot (only its ID when the answer did not carry it).
	Bot *User
	// Rights are what the bot may do on the account's behalf.
	Rights BusinessBotRights
	// Recipients are the private chats the bot serves.
	Recipients BusinessBotRecipients
	// Date is when the bot was connected; zero when not told.
	Date time.Time
	// Device and Location tell where the bot was connected from, when told.
	Device, Location string
	// Raw is the value it was built from.
	Raw *tg.ConnectedBot
}

// NewConnectedBusinessBot builds a ConnectedBusinessBot from connectedBot with the users in
// e; nil for nil.
func NewConnectedBusinessBot(b *tg.ConnectedBot, e Entities) *ConnectedBusinessBot {
	if b == nil {
		return nil
	}
	return &ConnectedBusinessBot{
		Bot: e.userOrID(b.BotID), Rights: BusinessBotRightsFrom(b.Rights), Recipients: newBusinessBotRecipients(b.Recipients),
		Date: unix(b.Date.Value), Device: b.Device.Value, Location: b.Location.Value, Raw: b,
	}
}
