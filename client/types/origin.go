package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// OriginType says who sent the original of a forwarded message.
type OriginType uint8

// Origin types, as the Bot API names them.
const (
	// OriginUser is a message of a user (SenderUser).
	OriginUser OriginType = iota + 1
	// OriginHiddenUser is a message of a user who hides their account (SenderUserName).
	OriginHiddenUser
	// OriginChat is a message sent on behalf of a chat (SenderChat: anonymous admins, a
	// channel writing in a group).
	OriginChat
	// OriginChannel is a post of a channel (Chat, MessageID).
	OriginChannel
)

var originNames = [...]string{"unknown", "user", "hidden user", "chat", "channel"}

// String returns the type's name.
func (t OriginType) String() string {
	if int(t) < len(originNames) {
		return originNames[t]
	}
	return "unknown"
}

// ForwardOrigin is where a forwarded message (or the message a reply quotes from another
// chat) comes from.
type ForwardOrigin struct {
	Type OriginType
	// Date is when the original was sent.
	Date time.Time
	// SenderUser is the original's sender (OriginUser).
	SenderUser *User
	// SenderUserName is the name of a sender who hides their account (OriginHiddenUser).
	SenderUserName string
	// SenderChat is the chat that sent the original (OriginChat).
	SenderChat *Chat
	// Chat and MessageID are the channel and its post (OriginChannel).
	Chat      *Chat
	MessageID int
	// AuthorSignature is the signature of the post's author or the anonymous admin's title.
	AuthorSignature string
	// SavedFromChat and SavedFromMessageID are where a message in Saved Messages was saved
	// from; nil and 0 otherwise.
	SavedFromChat      *Chat
	SavedFromMessageID int
	// Imported is true for messages imported from another messenger; PSAType is the type of
	// a public service announcement.
	Imported bool
	PSAType  string
	// Raw is the header the value was built from.
	Raw *tg.MessageFwdHeader
}

// NewForwardOrigin types a forward header with the users and chats in e; nil for nil.
func NewForwardOrigin(h *tg.MessageFwdHeader, e Entities) *ForwardOrigin {
	if h == nil {
		return nil
	}
	o := &ForwardOrigin{
		Date: unix(h.Date), AuthorSignature: h.PostAuthor.Value, Imported: h.Imported, PSAType: h.PsaType.Value,
		SavedFromMessageID: int(h.SavedFromMsgID.Value), Raw: h,
	}
	if h.SavedFromPeer != nil {
		o.SavedFromChat = e.Chat(h.SavedFromPeer)
	}
	switch p := h.FromID.(type) {
	case *tg.PeerUser:
		o.Type, o.SenderUser = OriginUser, e.userOrID(p.UserID)
	case *tg.PeerChannel:
		if h.ChannelPost.Set {
			o.Type, o.Chat, o.MessageID = OriginChannel, e.Chat(p), int(h.ChannelPost.Value)
		} else {
			o.Type, o.SenderChat = OriginChat, e.Chat(p)
		}
	case *tg.PeerChat:
		o.Type, o.SenderChat = OriginChat, e.Chat(p)
	default:
		o.Type, o.SenderUserName = OriginHiddenUser, h.FromName.Value
	}
	return o
}
