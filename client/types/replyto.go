package types

import "github.com/mtgo-labs/mtgo/tl/tg"

// ReplyTo is what a message replies to: a message (maybe in another chat, maybe quoted) or a
// story; and the forum topic it was posted in.
type ReplyTo struct {
	// MessageID is the message replied to, 0 for a story or a plain topic post.
	MessageID int
	// Chat is the chat of the message replied to when it is another chat, nil for the same
	// chat.
	Chat *Chat
	// Origin is where the message replied to comes from when it is in another chat (see
	// ForwardOrigin), nil otherwise; Media its media then.
	Origin *ForwardOrigin
	Media  Media
	// TopMessageID is the first message of the thread or forum topic, 0 outside threads.
	TopMessageID int
	// ForumTopic is true when the message was posted in a forum topic.
	ForumTopic bool
	// IsQuote is true when Quote was chosen by the sender (not the whole replied text);
	// Quote, QuoteEntities and QuotePosition (in UTF-16 code units) are the quoted part.
	IsQuote       bool
	Quote         string
	QuoteEntities []tg.MessageEntityClass
	QuotePosition int
	// StoryChat and StoryID name the story replied to.
	StoryChat *Chat
	StoryID   int
	// Message is the message replied to when the update carried it (business messages:
	// updateBotNewBusinessMessage and updateBotEditBusinessMessage), nil otherwise.
	Message *Message
	// Raw is the header the value was built from.
	Raw tg.MessageReplyHeaderClass
}

// NewReplyTo types a reply header with the users and chats in e; nil for nil.
func NewReplyTo(h tg.MessageReplyHeaderClass, e Entities) *ReplyTo {
	switch h := h.(type) {
	case *tg.MessageReplyHeader:
		if h == nil {
			return nil
		}
		r := &ReplyTo{
			MessageID: int(h.ReplyToMsgID.Value), TopMessageID: int(h.ReplyToTopID.Value), ForumTopic: h.ForumTopic,
			IsQuote: h.Quote, Quote: h.QuoteText.Value, QuoteEntities: h.QuoteEntities, QuotePosition: int(h.QuoteOffset.Value),
			Origin: NewForwardOrigin(h.ReplyFrom, e), Raw: h,
		}
		if h.ReplyToPeerID != nil {
			r.Chat = e.Chat(h.ReplyToPeerID)
		}
		if h.ReplyMedia != nil {
			r.Media = newMedia(h.ReplyMedia, r.Chat, r.MessageID, e)
		}
		return r
	case *tg.MessageReplyStoryHeader:
		if h == nil {
			return nil
		}
		return &ReplyTo{StoryChat: e.Chat(h.Peer), StoryID: int(h.StoryID), Raw: h}
	}
	return nil
}
