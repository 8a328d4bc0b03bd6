package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Session is one logged-in device of the account (account.getAuthorizations).
type Session struct {
	// Hash names the session for ResetSession; 0 for the current one.
	Hash    int64
	Current bool
	// Device, Platform, System, App and AppVersion describe the application.
	Device, Platform, System, App, AppVersion string
	APIID                                     int
	Created, Active                           time.Time
	IP, Country, Region                       string
	// PasswordPending marks a session that still owes the 2FA password.
	PasswordPending bool
}

// ActiveSessions lists the account's sessions; TTL is after how long unused sessions end.
type ActiveSessions struct {
	Sessions []Session
	TTL      time.Duration
}

// NewActiveSessions converts account.authorizations.
func NewActiveSessions(a *tg.AccountAuthorizations) *ActiveSessions {
	out := &ActiveSessions{TTL: time.Duration(a.AuthorizationTTLDays) * 24 * time.Hour}
	for _, s := range a.Authorizations {
		out.Sessions = append(out.Sessions, Session{
			Hash: s.Hash, Current: s.Current, Device: s.DeviceModel, Platform: s.Platform, System: s.SystemVersion,
			App: s.AppName, AppVersion: s.AppVersion, APIID: int(s.APIID),
			Created: time.Unix(int64(s.DateCreated), 0), Active: time.Unix(int64(s.DateActive), 0),
			IP: s.IP, Country: s.Country, Region: s.Region, PasswordPending: s.PasswordPending,
		})
	}
	return out
}

// WebSession is a website the account logged in to with a bot's login widget.
type WebSession struct {
	Hash            int64
	Bot             *User
	Domain          string
	Browser         string
	Platform        string
	Created, Active time.Time
	IP, Region      string
}
