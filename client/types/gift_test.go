package types

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

func TestNewSavedGiftRef(t *testing.T) {
	owner := &tg.InputPeerChannel{ChannelID: 5, AccessHash: 6}
	tests := []struct {
		name string
		in   *tg.SavedStarGift
		want tg.InputSavedStarGiftClass
	}{
		{"a user's gift", &tg.SavedStarGift{Gift: &tg.StarGift{ID: 1}, MsgID: tl.Some(int32(9))}, &tg.InputSavedStarGiftUser{MsgID: 9}},
		{"a channel's gift", &tg.SavedStarGift{Gift: &tg.StarGift{ID: 1}, SavedID: tl.Some(int64(3))}, &tg.InputSavedStarGiftChat{Peer: owner, SavedID: 3}},
		{"someone else's unique gift", &tg.SavedStarGift{Gift: &tg.StarGiftUnique{Slug: "Rose-1"}}, &tg.InputSavedStarGiftSlug{Slug: "Rose-1"}},
		{"nothing to name it by", &tg.SavedStarGift{Gift: &tg.StarGift{ID: 1}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NewSavedGift(tc.in, owner, Entities{})
			if diff := cmp.Diff(tc.want, got.Ref); diff != "" {
				t.Errorf("Ref (-want +got):\n%s", diff)
			}
		})
	}
	if NewSavedGift(nil, owner, Entities{}) != nil {
		t.Error("NewSavedGift(nil) is not nil")
	}
}

func TestNewStoryItem(t *testing.T) {
	item := &tg.StoryItem{
		ID: 4, Date: 100, ExpireDate: 200, Caption: tl.Some("hi"), Pinned: true, Noforwards: true, CloseFriends: true,
		Views:        &tg.StoryViews{ViewsCount: 3, ReactionsCount: tl.Some(int32(1)), Reactions: []tg.ReactionCount{{Reaction: &tg.ReactionEmoji{Emoticon: "👍"}, Count: 1}}},
		SentReaction: &tg.ReactionCustomEmoji{DocumentID: 77},
	}
	tests := []struct {
		name string
		in   tg.StoryItemClass
		want Story
	}{
		{"full", item, Story{
			ID: 4, Caption: "hi", Date: time.Unix(100, 0), Expires: time.Unix(200, 0), Pinned: true, Protected: true,
			CloseFriends: true, ReactionCustomEmoji: 77,
			Views: &StoryViews{Views: 3, Reactions: 1, ReactionCounts: []ReactionCount{{Emoji: "👍", Count: 1}}},
		}},
		{"skipped", &tg.StoryItemSkipped{ID: 2, Date: 100, ExpireDate: 200}, Story{ID: 2, Date: time.Unix(100, 0), Expires: time.Unix(200, 0)}},
		{"deleted", &tg.StoryItemDeleted{ID: 3}, Story{ID: 3, Deleted: true}},
		{"nil", nil, Story{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := NewStoryItem(nil, tc.in)
			got.Story = nil
			if got.Views != nil {
				got.Views.Raw = nil
			}
			if diff := cmp.Diff(&tc.want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzStoriesAndGifts decodes arbitrary bytes as story items, star gifts and saved gifts and
// types them: no input may panic.
func FuzzStoriesAndGifts(f *testing.F) {
	for _, v := range []tl.Encoder{
		&tg.StoryItemClassBox{StoryItem: &tg.StoryItem{ID: 1, Caption: tl.Some("x"), Media: &tg.MessageMediaEmpty{}, Views: &tg.StoryViews{ViewsCount: 1}}},
		&tg.StarGiftClassBox{StarGift: &tg.StarGiftUnique{Slug: "a-1", OwnerID: &tg.PeerUser{UserID: 1}, Attributes: []tg.StarGiftAttributeClass{}}},
	} {
		var b tl.Buffer
		if err := v.Encode(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Buf)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var story tg.StoryItemClassBox
		if err := story.Decode(&tl.Buffer{Buf: data}); err == nil {
			NewStoryItem(nil, story.StoryItem)
		}
		var gift tg.StarGiftClassBox
		if err := gift.Decode(&tl.Buffer{Buf: data}); err == nil {
			NewGift(gift.StarGift, Entities{})
			NewSavedGift(&tg.SavedStarGift{Gift: gift.StarGift}, nil, Entities{})
		}
	})
}
