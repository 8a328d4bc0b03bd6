package world

import (
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// tgUser returns account a as viewer sees it: self flag, per-viewer access hash, and the
// phone only for the account itself.
func (w *World) tgUser(viewer int64, a *account) *tg.User {
	u := &tg.User{
		Self:       viewer == a.id,
		Bot:        a.bot,
		ID:         a.id,
		AccessHash: tl.Some(w.accessHash(viewer, PeerUser, a.id)),
		FirstName:  tl.Some(a.firstName),
		Status:     a.status(),
		Premium:    a.premium,
	}
	if a.lastName != "" {
		u.LastName = tl.Some(a.lastName)
	}
	if a.username != "" {
		u.Username = tl.Some(a.username)
	}
	if viewer == a.id && a.phone != "" {
		u.Phone = tl.Some(a.phone)
	}
	if a.bot {
		u.BotInfoVersion = tl.Some[int32](1)
		u.Status = nil
		u.BotBusiness = a.botBusiness
		if a.inline {
			u.BotInlinePlaceholder = tl.Some(a.inlinePlaceholder)
		}
	}
	w.decorateUser(viewer, a, u) // privacy.go
	return u
}
