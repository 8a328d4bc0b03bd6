package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// User is a Telegram user or bot.
type User struct {
	// ID is the user id.
	ID int64
	// AccessHash authorizes the use of this user in requests; zero when unknown.
	AccessHash int64
	// FirstName, LastName and Username are the public names ("" when absent). Username is
	// without the "@".
	FirstName, LastName, Username string
	// Phone is the phone number, when visible.
	Phone string
	// LanguageCode is the user's IETF language tag, when the server sends it (to bots).
	LanguageCode string
	// IsBot, IsSelf, IsContact, IsVerified, IsPremium, IsDeleted and IsMin mirror the flags of
	// the user object. IsMin marks a "min" user whose AccessHash may only be used in the
	// context of the message it came with.
	IsBot, IsSelf, IsContact, IsVerified, IsPremium, IsDeleted, IsMin bool
	// Raw is the object the user was built from, nil for values built by hand.
	Raw *tg.User
}

// NewUser builds a User from a tg.UserClass; it returns nil for nil input.
func NewUser(u tg.UserClass) *User {
	switch u := u.(type) {
	case *tg.User:
		if u == nil {
			return nil
		}
		return &User{
			ID:           u.ID,
			AccessHash:   u.AccessHash.Value,
			FirstName:    u.FirstName.Value,
			LastName:     u.LastName.Value,
			Username:     firstUsername(u.Username.Value, u.Usernames),
			Phone:        u.Phone.Value,
			LanguageCode: u.LangCode.Value,
			IsBot:        u.Bot,
			IsSelf:       u.Self,
			IsContact:    u.Contact,
			IsVerified:   u.Verified,
			IsPremium:    u.Premium,
			IsDeleted:    u.Deleted,
			IsMin:        u.Min,
			Raw:          u,
		}
	case *tg.UserEmpty:
		if u == nil {
			return nil
		}
		return &User{ID: u.ID, IsDeleted: true}
	}
	return nil
}

// firstUsername returns the main username, or the first active collectible one.
func firstUsername(main string, all []tg.Username) string {
	if main != "" {
		return main
	}
	for _, u := range all {
		if u.Active {
			return u.Username
		}
	}
	return ""
}

// FullName returns the first and last name separated by a space.
func (u *User) FullName() string {
	if u == nil {
		return ""
	}
	if u.LastName == "" {
		return u.FirstName
	}
	if u.FirstName == "" {
		return u.LastName
	}
	return u.FirstName + " " + u.LastName
}

// InputPeer returns the peer to use in requests: inputPeerSelf for the logged-in account,
// inputPeerUser otherwise.
func (u *User) InputPeer() tg.InputPeerClass {
	if u.IsSelf {
		return &tg.InputPeerSelf{}
	}
	return &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash}
}

// InputUser returns the user as a tg.InputUserClass.
func (u *User) InputUser() tg.InputUserClass {
	if u.IsSelf {
		return &tg.InputUserSelf{}
	}
	return &tg.InputUser{UserID: u.ID, AccessHash: u.AccessHash}
}

// Chat returns the private chat with u.
func (u *User) Chat() *Chat {
	t := ChatPrivate
	if u.IsBot {
		t = ChatBot
	}
	return &Chat{
		ID:         u.ID,
		Type:       t,
		FirstName:  u.FirstName,
		LastName:   u.LastName,
		Username:   u.Username,
		AccessHash: u.AccessHash,
		self:       u.IsSelf,
	}
}
