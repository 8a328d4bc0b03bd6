package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Draft is an unsent message the account keeps in a chat (cloud drafts, shared by its
// sessions).
type Draft struct {
	// Chat is the chat the draft is in.
	Chat *Chat
	// TopicID is the forum topic of the draft, zero outside topics.
	TopicID int
	// Text and Entities are the draft's text.
	Text     string
	Entities []tg.MessageEntityClass
	// ReplyToMessageID is the message the draft replies to, zero if none.
	ReplyToMessageID int
	// NoWebpage turns the link preview off; InvertMedia shows it above the text.
	NoWebpage, InvertMedia bool
	// Effect is the message effect chosen, zero if none.
	Effect int64
	// Date is when the draft was saved.
	Date time.Time
	// Raw is the draft as Telegram sent it.
	Raw *tg.DraftMessage
}

// NewDraft builds a Draft from updateDraftMessage; nil for any other update and for an
// emptied draft.
func NewDraft(u tg.UpdateClass, e Entities) *Draft {
	up, ok := u.(*tg.UpdateDraftMessage)
	if !ok || up == nil {
		return nil
	}
	d, ok := up.Draft.(*tg.DraftMessage)
	if !ok || d == nil {
		return nil
	}
	out := &Draft{
		Chat: e.Chat(up.Peer), TopicID: int(up.TopMsgID.Value), Text: d.Message, Entities: d.Entities,
		NoWebpage: d.NoWebpage, InvertMedia: d.InvertMedia, Effect: d.Effect.Value,
		Date: time.Unix(int64(d.Date), 0), Raw: d,
	}
	if r, ok := d.ReplyTo.(*tg.InputReplyToMessage); ok {
		out.ReplyToMessageID = int(r.ReplyToMsgID)
	}
	return out
}
