package types

import "time"

// PhoneContact is a phone book entry to import (contacts.importContacts).
type PhoneContact struct {
	Phone, FirstName, LastName string
}

// ImportedContact is a phone book entry that matched a Telegram account.
type ImportedContact struct {
	// Index is the entry's position in the imported list.
	Index int
	User  *User
}

// BlockedPeer is an entry of the account's block list.
type BlockedPeer struct {
	// User is the blocked user; Chat is set instead for a blocked chat.
	User *User
	Chat *Chat
	Date time.Time
}

// TopPeerCategory names a list of frequently used peers.
type TopPeerCategory uint8

// Top peer categories.
const (
	TopCorrespondents TopPeerCategory = iota + 1
	TopBotsPM
	TopGroups
	TopChannels
)

// TopPeer is a frequently used chat and its rating (higher is more used).
type TopPeer struct {
	Category TopPeerCategory
	Chat     *Chat
	Rating   float64
}

// ContactsFound is the answer of a contacts search: the account's own contacts and chats
// that match, and public users and chats whose username matches.
type ContactsFound struct {
	Mine, Global []*Chat
}
