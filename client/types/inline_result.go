package types

import (
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ChosenInlineResult is an inline result a user sent, received by bots with inline feedback
// on.
type ChosenInlineResult struct {
	// ResultID is the id the bot gave the result.
	ResultID string
	// From is the user who sent it.
	From *User
	// Query is the query the result answered.
	Query string
	// InlineMessageID identifies the sent message (Bot API form), empty when the result had
	// no buttons; InlineMessage is the same id as a TL value.
	InlineMessageID string
	InlineMessage   tg.InputBotInlineMessageIDClass
	// Geo is the user's location, for bots that ask for it.
	Geo tg.GeoPointClass
	// Raw is the update the value was built from.
	Raw *tg.UpdateBotInlineSend
}

// NewChosenInlineResult builds a ChosenInlineResult from updateBotInlineSend; nil for any
// other update.
func NewChosenInlineResult(u tg.UpdateClass, e Entities) *ChosenInlineResult {
	s, ok := u.(*tg.UpdateBotInlineSend)
	if !ok || s == nil {
		return nil
	}
	return &ChosenInlineResult{
		ResultID: s.ID, From: e.userOrID(s.UserID), Query: s.Query,
		InlineMessageID: InlineMessageID(s.MsgID), InlineMessage: s.MsgID, Geo: s.Geo, Raw: s,
	}
}
