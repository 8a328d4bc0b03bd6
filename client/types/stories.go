package types

import (
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Story is a story posted or changed by a user or a channel.
type Story struct {
	// Chat is who posted it: the user's private chat, or the channel.
	Chat  *Chat
	Story tg.StoryItemClass
	Raw   *tg.UpdateStory

	// ID is the story's id within Chat; ViaMention is true for a story forwarded to a user
	// because it mentions them (message media only, see extmedia.go).
	ID         int
	ViaMention bool
}

// NewStory builds a Story from updateStory; nil for any other update.
func NewStory(u tg.UpdateClass, e Entities) *Story {
	s, ok := u.(*tg.UpdateStory)
	if !ok || s == nil {
		return nil
	}
	return &Story{Chat: e.Chat(s.Peer), Story: s.Story, Raw: s, ID: storyID(s.Story)}
}
