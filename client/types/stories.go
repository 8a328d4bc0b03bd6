package types

import (
	"time"

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

	// The fields below come from a full story item (storyItem); a deleted story has only
	// Deleted, a skipped one (storyItemSkipped: known but not sent in full) only Date,
	// Expires and CloseFriends.
	Caption  string
	Entities []tg.MessageEntityClass
	Date     time.Time
	Expires  time.Time
	// Pinned stories stay on the profile after they expire; Protected ones cannot be
	// forwarded or saved; Edited ones were changed; Out is the account's own story.
	Pinned, Protected, Edited, Out bool
	// Who may see it: everybody (Public), close friends, contacts, or selected users.
	Public, CloseFriends, Contacts, SelectedContacts bool
	Deleted                                          bool
	// Media is the story's photo or video.
	Media tg.MessageMediaClass
	// Views are the counters; the story's owner alone gets them (nil otherwise).
	Views *StoryViews
	// Reaction is the emoji the account reacted with ("" for none); ReactionCustomEmoji a
	// custom emoji reaction's document.
	Reaction            string
	ReactionCustomEmoji int64
	// RepostOf is the chat and story a repost came from (nil for an original).
	RepostOf *tg.StoryFwdHeader
}

// StoryViews is the view counters of one story, for its owner.
type StoryViews struct {
	// Views is how many people saw it, Forwards how often it was forwarded or reposted,
	// Reactions how many reacted.
	Views, Forwards, Reactions int
	// RecentViewers are the ids of some of the latest viewers.
	RecentViewers []int64
	// ReactionCounts counts each reaction.
	ReactionCounts []ReactionCount
	Raw            *tg.StoryViews
}

// NewStoryViews types a story's counters; nil for nil.
func NewStoryViews(v *tg.StoryViews) *StoryViews {
	if v == nil {
		return nil
	}
	out := &StoryViews{
		Views: int(v.ViewsCount), Forwards: int(v.ForwardsCount.Value), Reactions: int(v.ReactionsCount.Value),
		RecentViewers: v.RecentViewers, Raw: v,
	}
	for _, r := range v.Reactions {
		rc := ReactionCount{Count: int(r.Count)}
		rc.Emoji, rc.CustomEmojiID, rc.Paid = reactionParts(r.Reaction)
		out.ReactionCounts = append(out.ReactionCounts, rc)
	}
	return out
}

// reactionParts splits a reaction into its emoji, custom emoji document and paid mark.
func reactionParts(r tg.ReactionClass) (emoji string, custom int64, paid bool) {
	switch r := r.(type) {
	case *tg.ReactionEmoji:
		return r.Emoticon, 0, false
	case *tg.ReactionCustomEmoji:
		return "", r.DocumentID, false
	case *tg.ReactionPaid:
		return "", 0, true
	}
	return "", 0, false
}

// NewStory builds a Story from updateStory; nil for any other update.
func NewStory(u tg.UpdateClass, e Entities) *Story {
	s, ok := u.(*tg.UpdateStory)
	if !ok || s == nil {
		return nil
	}
	out := NewStoryItem(e.Chat(s.Peer), s.Story)
	out.Raw = s
	return out
}

// NewStoryItem builds a Story of chat from a story item.
func NewStoryItem(chat *Chat, item tg.StoryItemClass) *Story {
	s := &Story{Chat: chat, Story: item, ID: storyID(item)}
	switch it := item.(type) {
	case *tg.StoryItem:
		s.Caption, s.Entities, s.Media, s.RepostOf = it.Caption.Value, it.Entities, it.Media, it.FwdFrom
		s.Date, s.Expires = unix(it.Date), unix(it.ExpireDate)
		s.Pinned, s.Protected, s.Edited, s.Out = it.Pinned, it.Noforwards, it.Edited, it.Out
		s.Public, s.CloseFriends, s.Contacts, s.SelectedContacts = it.Public, it.CloseFriends, it.Contacts, it.SelectedContacts
		s.Views = NewStoryViews(it.Views)
		s.Reaction, s.ReactionCustomEmoji, _ = reactionParts(it.SentReaction)
	case *tg.StoryItemSkipped:
		s.Date, s.Expires, s.CloseFriends = unix(it.Date), unix(it.ExpireDate), it.CloseFriends
	case *tg.StoryItemDeleted:
		s.Deleted = true
	}
	return s
}

// StoryViewer is one viewer of a story, as Client.GetStoryViewers lists them.
type StoryViewer struct {
	User *User
	Date time.Time
	// Reaction is the viewer's emoji reaction ("" for none or a custom emoji, see
	// ReactionCustomEmoji).
	Reaction            string
	ReactionCustomEmoji int64
	// Blocked: the account blocked the viewer; BlockedFromStories: only from its stories.
	Blocked, BlockedFromStories bool
	Raw                         tg.StoryViewClass
}

// NewStoryViewer types one entry of a story's viewers list; nil for kinds other than a
// person's view (reposts and channel forwards).
func NewStoryViewer(v tg.StoryViewClass, e Entities) *StoryViewer {
	sv, ok := v.(*tg.StoryView)
	if !ok || sv == nil {
		return nil
	}
	out := &StoryViewer{
		User: e.userOrID(sv.UserID), Date: unix(sv.Date), Blocked: sv.Blocked,
		BlockedFromStories: sv.BlockedMyStoriesFrom, Raw: v,
	}
	out.Reaction, out.ReactionCustomEmoji, _ = reactionParts(sv.Reaction)
	return out
}

// StealthMode is the account's story stealth mode.
type StealthMode struct {
	// ActiveUntil is when it ends (zero when off); CooldownUntil when it can be turned on
	// again.
	ActiveUntil, CooldownUntil time.Time
}

// NewStealthMode types stories.stealthMode.
func NewStealthMode(m tg.StoriesStealthMode) StealthMode {
	return StealthMode{ActiveUntil: unix(m.ActiveUntilDate.Value), CooldownUntil: unix(m.CooldownUntilDate.Value)}
}
