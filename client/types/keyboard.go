package types

import (
	"errors"
	"fmt"
	"unicode/utf16"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ReplyMarkup is what a message carries besides its text for the receiver to press or
// answer: *InlineKeyboard (buttons under the message), *ReplyKeyboard (a keyboard replacing
// the receiver's), *RemoveKeyboard or *ForceReply. Send one with mtgo.WithKeyboard; a
// received message has it in Message.ReplyMarkup, parsed back into the same types.
type ReplyMarkup interface {
	// ToTL returns the markup as a request carries it, or an error matching
	// ErrInvalidKeyboard that names the row and button at fault.
	ToTL() (tg.ReplyMarkupClass, error)
	isReplyMarkup()
}

// ErrInvalidKeyboard reports reply markup Telegram would refuse: an empty row or button
// text, callback data over 64 bytes, a pay button not first, ... The error names the row
// and the button (counted from 1).
var ErrInvalidKeyboard = errors.New("mtgo: invalid keyboard")

// Limits of the Bot API that ToTL checks.
const (
	MaxCallbackData    = 64  // bytes of a callback button's data
	MaxCopyText        = 256 // characters a copy-text button copies
	MaxPlaceholder     = 64  // characters of an input field placeholder
	MaxSwitchQuery     = 256 // characters of a switch-inline query
	MaxRequestQuantity = 10  // users one request-users button may ask for
)

// InlineKeyboard is a grid of buttons shown under a message (Bot API
// InlineKeyboardMarkup). An empty keyboard removes the buttons of a message being edited.
type InlineKeyboard struct {
	Rows [][]InlineButton
}

// NewInlineKeyboard returns an inline keyboard with rows; add more with Row.
//
//	kb := types.NewInlineKeyboard().
//		Row(types.CallbackButton("Yes", "vote:yes"), types.CallbackButton("No", "vote:no")).
//		Row(types.URLButton("Results", "https://example.com/poll"))
func NewInlineKeyboard(rows ...[]InlineButton) *InlineKeyboard {
	return &InlineKeyboard{Rows: rows}
}

// Row appends a row of buttons and returns the keyboard.
func (k *InlineKeyboard) Row(buttons ...InlineButton) *InlineKeyboard {
	k.Rows = append(k.Rows, buttons)
	return k
}

// ReplyKeyboard replaces the receiver's keyboard with buttons (Bot API
// ReplyKeyboardMarkup).
type ReplyKeyboard struct {
	Rows [][]ReplyButton
	// Resize fits the keyboard's height to its buttons (resize_keyboard).
	Resize bool
	// OneTime hides the keyboard once a button was pressed (one_time_keyboard).
	OneTime bool
	// Selective shows the keyboard only to the users mentioned in the text and to the
	// sender of the message replied to.
	Selective bool
	// Persistent keeps the keyboard shown when the receiver's own keyboard opens
	// (is_persistent).
	Persistent bool
	// Placeholder is shown in the input field while the keyboard is active, up to
	// MaxPlaceholder characters; empty for none.
	Placeholder string
}

// NewReplyKeyboard returns a reply keyboard with rows; add more with Row and set the flags
// on the result.
//
//	kb := types.NewReplyKeyboard().Row(types.TextButton("Menu"), types.ContactButton("Share phone"))
//	kb.Resize, kb.OneTime = true, true
func NewReplyKeyboard(rows ...[]ReplyButton) *ReplyKeyboard {
	return &ReplyKeyboard{Rows: rows}
}

// Row appends a row of buttons and returns the keyboard.
func (k *ReplyKeyboard) Row(buttons ...ReplyButton) *ReplyKeyboard {
	k.Rows = append(k.Rows, buttons)
	return k
}

// RemoveKeyboard removes the receiver's reply keyboard (Bot API ReplyKeyboardRemove).
type RemoveKeyboard struct {
	// Selective removes it only for the users mentioned in the text and the sender of the
	// message replied to.
	Selective bool
}

// ForceReply opens a reply to the message in the receiver's app, as if they had chosen
// Reply (Bot API ForceReply).
type ForceReply struct {
	// Placeholder is shown in the input field, up to MaxPlaceholder characters.
	Placeholder string
	// Selective forces the reply only on the users mentioned in the text and the sender of
	// the message replied to.
	Selective bool
	// SingleUse hides the reply interface once the receiver answered (single_use).
	SingleUse bool
}

func (*InlineKeyboard) isReplyMarkup() {}
func (*ReplyKeyboard) isReplyMarkup()  {}
func (*RemoveKeyboard) isReplyMarkup() {}
func (*ForceReply) isReplyMarkup()     {}

// ToTL implements ReplyMarkup: replyInlineMarkup.
func (k *InlineKeyboard) ToTL() (tg.ReplyMarkupClass, error) {
	if k == nil {
		return nil, nil
	}
	rows, err := rowsTL(k.Rows, InlineButton.inlineTL)
	if err != nil {
		return nil, err
	}
	if err := firstOnly(k.Rows); err != nil {
		return nil, err
	}
	return &tg.ReplyInlineMarkup{Rows: rows}, nil
}

// ToTL implements ReplyMarkup: replyKeyboardMarkup.
func (k *ReplyKeyboard) ToTL() (tg.ReplyMarkupClass, error) {
	if k == nil {
		return nil, nil
	}
	if len(k.Rows) == 0 {
		return nil, fmt.Errorf("%w: a reply keyboard needs a button", ErrInvalidKeyboard)
	}
	rows, err := rowsTL(k.Rows, ReplyButton.replyTL)
	if err != nil {
		return nil, err
	}
	ph, err := placeholder(k.Placeholder)
	if err != nil {
		return nil, err
	}
	return &tg.ReplyKeyboardMarkup{
		Rows: rows, Resize: k.Resize, SingleUse: k.OneTime, Selective: k.Selective,
		Persistent: k.Persistent, Placeholder: ph,
	}, nil
}

// ToTL implements ReplyMarkup: replyKeyboardHide.
func (k *RemoveKeyboard) ToTL() (tg.ReplyMarkupClass, error) {
	if k == nil {
		return nil, nil
	}
	return &tg.ReplyKeyboardHide{Selective: k.Selective}, nil
}

// ToTL implements ReplyMarkup: replyKeyboardForceReply.
func (k *ForceReply) ToTL() (tg.ReplyMarkupClass, error) {
	if k == nil {
		return nil, nil
	}
	ph, err := placeholder(k.Placeholder)
	if err != nil {
		return nil, err
	}
	return &tg.ReplyKeyboardForceReply{Placeholder: ph, Selective: k.Selective, SingleUse: k.SingleUse}, nil
}

// placeholder checks an input field placeholder; empty means none.
func placeholder(s string) (tl.Opt[string], error) {
	if s == "" {
		return tl.Opt[string]{}, nil
	}
	if n := utf16Len(s); n > MaxPlaceholder {
		return tl.Opt[string]{}, fmt.Errorf("%w: placeholder is %d characters, at most %d", ErrInvalidKeyboard, n, MaxPlaceholder)
	}
	return tl.Some(s), nil
}

// utf16Len is the length of s in UTF-16 code units, the characters Telegram counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// rowsTL converts the rows of a keyboard, checking every button and naming the first at
// fault by its row and position.
func rowsTL[B button](rows [][]B, conv func(B) (tg.KeyboardButtonClass, error)) ([]tg.KeyboardButtonRow, error) {
	n := 0
	for _, row := range rows {
		n += len(row)
	}
	out := make([]tg.KeyboardButtonRow, len(rows))
	all := make([]tg.KeyboardButtonClass, n) // one array for every row's buttons
	for i, row := range rows {
		if len(row) == 0 {
			return nil, fmt.Errorf("%w: row %d is empty", ErrInvalidKeyboard, i+1)
		}
		out[i].Buttons, all = all[:len(row):len(row)], all[len(row):]
		for j, b := range row {
			tb, err := checkButton(b, conv)
			if err != nil {
				return nil, fmt.Errorf("%w: row %d, button %d: %w", ErrInvalidKeyboard, i+1, j+1, err)
			}
			out[i].Buttons[j] = tb
		}
	}
	return out, nil
}

// checkButton converts one button after the checks every kind shares.
func checkButton[B button](b B, conv func(B) (tg.KeyboardButtonClass, error)) (tg.KeyboardButtonClass, error) {
	if any(b) == nil {
		return nil, errors.New("no button")
	}
	if _, raw := any(b).(RawButton); !raw && b.ButtonText() == "" {
		return nil, errors.New("empty text")
	}
	return conv(b)
}

// firstOnly checks that a pay or game button, if any, is the first of the first row.
func firstOnly(rows [][]InlineButton) error {
	for i, row := range rows {
		for j, b := range row {
			var kind string
			switch b.(type) {
			case InlinePay:
				kind = "pay"
			case InlineGame:
				kind = "game"
			default:
				continue
			}
			if i != 0 || j != 0 {
				return fmt.Errorf("%w: row %d, button %d: a %s button must be the first of the first row", ErrInvalidKeyboard, i+1, j+1, kind)
			}
		}
	}
	return nil
}

// ParseReplyMarkup converts received reply markup into the typed values, nil for none.
// Buttons of a kind this package does not know, or in a keyboard where they do not belong,
// are kept as RawButton, so ToTL gives the markup back as it came. A nil TL button of some
// type is kept as a RawButton too, which ToTL refuses.
func ParseReplyMarkup(m tg.ReplyMarkupClass) ReplyMarkup {
	switch m := m.(type) {
	case *tg.ReplyInlineMarkup:
		if m == nil {
			return nil
		}
		return &InlineKeyboard{Rows: parseRows(m.Rows, parseInlineButton)}
	case *tg.ReplyKeyboardMarkup:
		if m == nil {
			return nil
		}
		return &ReplyKeyboard{
			Rows: parseRows(m.Rows, parseReplyButton), Resize: m.Resize, OneTime: m.SingleUse,
			Selective: m.Selective, Persistent: m.Persistent, Placeholder: m.Placeholder.Value,
		}
	case *tg.ReplyKeyboardHide:
		if m == nil {
			return nil
		}
		return &RemoveKeyboard{Selective: m.Selective}
	case *tg.ReplyKeyboardForceReply:
		if m == nil {
			return nil
		}
		return &ForceReply{Placeholder: m.Placeholder.Value, Selective: m.Selective, SingleUse: m.SingleUse}
	}
	return nil
}

func parseRows[B any](rows []tg.KeyboardButtonRow, parse func(tg.KeyboardButtonClass) B) [][]B {
	if len(rows) == 0 {
		return nil
	}
	out := make([][]B, len(rows))
	for i, r := range rows {
		out[i] = make([]B, len(r.Buttons))
		for j, b := range r.Buttons {
			out[i][j] = parse(b)
		}
	}
	return out
}
