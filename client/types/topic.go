package types

import (
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// ForumTopic is a topic of a forum supergroup.
type ForumTopic struct {
	// ID is the topic id (the id of its creating service message; 1 is "General").
	ID int
	// Title is the topic's title.
	Title string
	// IconColor is the RGB colour of the default icon; IconEmojiID a custom emoji icon
	// (0: none).
	IconColor   int32
	IconEmojiID int64
	// Created is when the topic was made; Creator who made it.
	Created time.Time
	Creator *Chat
	// TopMessage is the topic's last message; UnreadCount its unread messages.
	TopMessage, UnreadCount int
	// Closed, Pinned and Hidden mirror the topic's flags; My marks topics the viewer made.
	Closed, Pinned, Hidden, My bool
	// Raw is the object the topic was built from.
	Raw *tg.ForumTopic
}

// NewForumTopic builds a ForumTopic from forumTopic (nil for forumTopicDeleted).
func NewForumTopic(t tg.ForumTopicClass, e Entities) *ForumTopic {
	x, ok := t.(*tg.ForumTopic)
	if !ok || x == nil {
		return nil
	}
	return &ForumTopic{
		ID: int(x.ID), Title: x.Title, IconColor: x.IconColor, IconEmojiID: x.IconEmojiID.Value,
		Created: unix(x.Date), Creator: e.Chat(x.FromID), TopMessage: int(x.TopMessage),
		UnreadCount: int(x.UnreadCount), Closed: x.Closed, Pinned: x.Pinned, Hidden: x.Hidden, My: x.My, Raw: x,
	}
}
