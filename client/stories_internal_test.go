package mtgo

import (
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestStoryUpdate: the story of a send or edit is found in its Updates answer, and
// ErrStoryNotInUpdates is returned when the answer lacks it.
func TestStoryUpdate(t *testing.T) {
	self := int64(7)
	item := &tg.StoryItem{ID: 3, Caption: tl.Some("hi")}
	tests := []struct {
		name    string
		updates tg.UpdatesClass
		peer    tg.InputPeerClass
		wantID  int
		wantErr error
	}{
		{"found", &tg.Updates{Updates: []tg.UpdateClass{
			&tg.UpdateStoryID{ID: 3, RandomID: 1}, &tg.UpdateStory{Peer: &tg.PeerUser{UserID: self}, Story: item},
		}}, &tg.InputPeerSelf{}, 3, nil},
		{"no story update", &tg.Updates{Updates: []tg.UpdateClass{&tg.UpdateStoryID{ID: 3, RandomID: 1}}}, &tg.InputPeerSelf{}, 0, ErrStoryNotInUpdates},
		{"another peer's story", &tg.Updates{Updates: []tg.UpdateClass{
			&tg.UpdateStory{Peer: &tg.PeerUser{UserID: 8}, Story: item},
		}}, &tg.InputPeerSelf{}, 0, ErrStoryNotInUpdates},
		{"only a deletion", &tg.Updates{Updates: []tg.UpdateClass{
			&tg.UpdateStory{Peer: &tg.PeerUser{UserID: self}, Story: &tg.StoryItemDeleted{ID: 3}},
		}}, &tg.InputPeerSelf{}, 0, ErrStoryNotInUpdates},
		{"short answer", &tg.UpdatesTooLong{}, &tg.InputPeerSelf{}, 0, ErrStoryNotInUpdates},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := storyUpdate(tc.updates, self, tc.peer)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if err == nil && (s.ID != tc.wantID || s.Caption != "hi") {
				t.Fatalf("story = %+v, want id %d", s, tc.wantID)
			}
		})
	}
}

// TestStoriesOfUnknownItem: an item kind the client does not know is ErrStorySchema;
// deleted items are left out.
func TestStoriesOfUnknownItem(t *testing.T) {
	peer := &tg.PeerUser{UserID: 7}
	tests := []struct {
		name    string
		items   []tg.StoryItemClass
		want    int
		wantErr error
	}{
		{"full and skipped", []tg.StoryItemClass{&tg.StoryItem{ID: 2}, &tg.StoryItemSkipped{ID: 1}}, 2, nil},
		{"deleted left out", []tg.StoryItemClass{&tg.StoryItemDeleted{ID: 4}, &tg.StoryItem{ID: 5}}, 1, nil},
		{"unknown kind", []tg.StoryItemClass{nil}, 0, ErrStorySchema},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, _, err := storiesOf(tc.items, nil, nil, peer)
			if !errors.Is(err, tc.wantErr) || len(list) != tc.want {
				t.Fatalf("storiesOf = %d stories, %v; want %d, %v", len(list), err, tc.want, tc.wantErr)
			}
		})
	}
}
