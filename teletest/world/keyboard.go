package world

import "github.com/mtgo-labs/mtgo/tl/tg"

// shownMarkup is a bot's keyboard as a message shows it: the buttons a bot sends in their
// input form (a user profile by input user, a login button naming its bot, a request-peer
// button with the fields to share) become the forms Telegram stores, a login button getting
// its button id (its position in the keyboard). from is the sender, for inputUserSelf.
// Markup without input buttons is returned as it is.
func shownMarkup(m tg.ReplyMarkupClass, from int64) tg.ReplyMarkupClass {
	var rows []tg.KeyboardButtonRow
	switch k := m.(type) {
	case *tg.ReplyInlineMarkup:
		rows = k.Rows
	case *tg.ReplyKeyboardMarkup:
		rows = k.Rows
	default:
		return m
	}
	if !hasInputButton(rows) {
		return m
	}
	out := make([]tg.KeyboardButtonRow, len(rows))
	id := int32(0)
	for i, r := range rows {
		out[i].Buttons = make([]tg.KeyboardButtonClass, len(r.Buttons))
		for j, b := range r.Buttons {
			out[i].Buttons[j] = shownButton(b, from, id)
			id++
		}
	}
	switch k := m.(type) {
	case *tg.ReplyInlineMarkup:
		return &tg.ReplyInlineMarkup{Rows: out}
	case *tg.ReplyKeyboardMarkup:
		c := *k
		c.Rows = out
		return &c
	}
	return m
}

func hasInputButton(rows []tg.KeyboardButtonRow) bool {
	for _, r := range rows {
		for _, b := range r.Buttons {
			switch b.(type) {
			case *tg.InputKeyboardButtonUserProfile, *tg.InputKeyboardButtonURLAuth, *tg.InputKeyboardButtonRequestPeer:
				return true
			}
		}
	}
	return false
}

func shownButton(b tg.KeyboardButtonClass, from int64, id int32) tg.KeyboardButtonClass {
	switch b := b.(type) {
	case *tg.InputKeyboardButtonUserProfile:
		return &tg.KeyboardButtonUserProfile{Text: b.Text, Style: b.Style, UserID: inputUserID(b.UserID, from)}
	case *tg.InputKeyboardButtonURLAuth:
		return &tg.KeyboardButtonURLAuth{Text: b.Text, Style: b.Style, FwdText: b.FwdText, URL: b.URL, ButtonID: id}
	case *tg.InputKeyboardButtonRequestPeer:
		return &tg.KeyboardButtonRequestPeer{Text: b.Text, Style: b.Style, ButtonID: b.ButtonID, PeerType: b.PeerType, MaxQuantity: b.MaxQuantity}
	}
	return b
}

// inputUserID is the id an input user names; self for inputUserSelf.
func inputUserID(u tg.InputUserClass, self int64) int64 {
	switch u := u.(type) {
	case *tg.InputUser:
		return u.UserID
	case *tg.InputUserFromMessage:
		return u.UserID
	}
	return self
}
