package types

import (
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
