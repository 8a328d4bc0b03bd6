package mtgo

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/mtgo-labs/mtgo/client/types"
)

// TestStoryIDRange calls every story method with an id no story has. An int past 2^31-1 cut
// to the wire's 32 bits keeps its low bits and names another story (1<<32+5 is story 5; 1<<32,
// as MarkStoriesRead's maximum, is 0), so each must fail with ErrStoryID before anything is
// sent. The client is offline: a call that went out fails with another error.
func TestStoryIDRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	const wraps = 1<<32 + 5
	wantRangeErrors(t, ErrStoryID, []rangeCase{
		{"repost", call(func() (any, error) { return c.RepostStory(ctx, "me", "me", wraps) })},
		{"repost zero", call(func() (any, error) { return c.RepostStory(ctx, "me", "me", 0) })},
		{"edit caption", call(func() (any, error) { return c.EditStoryCaption(ctx, "me", wraps, "c") })},
		{"edit media", call(func() (any, error) { return c.EditStoryMedia(ctx, "me", wraps, []byte("x")) })},
		{"edit privacy", call(func() (any, error) { return c.EditStoryPrivacy(ctx, "me", -1) })},
		{"delete", call(func() (any, error) { return c.DeleteStories(ctx, "me", []int{1, wraps}) })},
		{"pin", call(func() (any, error) { return c.PinStories(ctx, "me", []int{wraps}, true) })},
		{"pin to the top", func() error { return c.PinChatStories(ctx, "me", []int{math.MaxInt32 + 1}) }},
		{"read", func() error { return c.ReadChatStories(ctx, "me", []int{wraps}) }},
		{"mark read up to 2^32", call(func() (any, error) { return c.MarkStoriesRead(ctx, "me", 1<<32) })},
		{"mark read up to a negative id", call(func() (any, error) { return c.MarkStoriesRead(ctx, "me", -1) })},
		{"get", call(func() (any, error) { return c.GetStories(ctx, "me", []int{wraps}) })},
		{"react", func() error { return c.SendStoryReaction(ctx, "me", wraps, "👍") }},
		{"link", call(func() (any, error) { return c.ExportStoryLink(ctx, "me", wraps) })},
		{"forward", call(func() (any, error) { return c.ForwardStory(ctx, "me", "me", wraps) })},
		{"views", call(func() (any, error) { return c.GetStoryViews(ctx, "me", []int{wraps}) })},
		{"viewers", firstErr(c.GetStoryViewers(ctx, "me", wraps))},
	})
}

// TestFolderIDRange edits, deletes and orders chat folders by ids no folder has. An int past
// 2^31-1 cut to the wire's 32 bits keeps its low bits and names another folder (1<<32+2 is
// folder 2), so each must fail with ErrFolderID before anything is sent; 0 and 1 ("All
// chats", the archive) are no folder to edit or delete. The client is offline.
func TestFolderIDRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	const wraps = 1<<32 + 2
	wantRangeErrors(t, ErrFolderID, []rangeCase{
		{"create", func() error { _, err := c.CreateChatFolder(ctx, types.ChatFolder{ID: wraps}); return err }},
		{"edit", func() error { return c.EditChatFolder(ctx, types.ChatFolder{ID: wraps}) }},
		{"edit the archive", func() error { return c.EditChatFolder(ctx, types.ChatFolder{ID: 1}) }},
		{"delete", func() error { return c.DeleteChatFolder(ctx, wraps) }},
		{"delete all chats", func() error { return c.DeleteChatFolder(ctx, 0) }},
		{"delete negative", func() error { return c.DeleteChatFolder(ctx, -3) }},
		{"reorder", func() error { return c.ReorderChatFolders(ctx, 0, 2, wraps) }},
		{"reorder negative", func() error { return c.ReorderChatFolders(ctx, -1) }},
	})
}

// TestBoostSlotRange applies boosts from slots no account has. Slots are numbered from 1,
// and an int past 2^31-1 cut to the wire's 32 bits keeps its low bits and names another slot
// (1<<32+1 is slot 1, moving that slot's boost), so each must fail with ErrBoostSlot before
// anything is sent. The client is offline.
func TestBoostSlotRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	wantRangeErrors(t, ErrBoostSlot, []rangeCase{
		{"past int32", call(func() (any, error) { return c.ApplyBoost(ctx, "me", 2, 1<<32+1) })},
		{"2^31", call(func() (any, error) { return c.ApplyBoost(ctx, "me", math.MaxInt32+1) })},
		{"zero", call(func() (any, error) { return c.ApplyBoost(ctx, "me", 0) })},
		{"negative", call(func() (any, error) { return c.ApplyBoost(ctx, "me", -1) })},
	})
}

// TestShortcutIDRange sets the business greeting and away message to quick reply shortcuts
// no account has. An int past 2^31-1 cut to the wire's 32 bits keeps its low bits and names
// another shortcut (1<<32+3 is shortcut 3), so each must fail with ErrShortcutID before
// anything is sent. The client is offline.
func TestShortcutIDRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	const wraps = 1<<32 + 3
	wantRangeErrors(t, ErrShortcutID, []rangeCase{
		{"greeting", func() error {
			return c.SetBusinessGreeting(ctx, &types.BusinessGreeting{ShortcutID: wraps, NoActivityDays: 7})
		}},
		{"greeting without a shortcut", func() error { return c.SetBusinessGreeting(ctx, &types.BusinessGreeting{NoActivityDays: 7}) }},
		{"away", func() error { return c.SetBusinessAway(ctx, &types.BusinessAway{ShortcutID: wraps, Always: true}) }},
		{"away negative", func() error { return c.SetBusinessAway(ctx, &types.BusinessAway{ShortcutID: -3, Always: true}) }},
	})
}

// TestFolderColorRange creates and edits chat folders with tag colours no folder has.
// Colours are numbered from 0, and an int past 2^31-1 cut to the wire's 32 bits keeps its
// low bits and picks another colour (1<<32+2 is colour 2), so each must fail with
// ErrFolderColor before anything is sent; a colour left unset (HasColor false) is not
// checked. The client is offline.
func TestFolderColorRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	const wraps = 1<<32 + 2
	wantRangeErrors(t, ErrFolderColor, []rangeCase{
		{"create", func() error {
			_, err := c.CreateChatFolder(ctx, types.ChatFolder{ID: 5, Color: wraps, HasColor: true})
			return err
		}},
		{"edit", func() error { return c.EditChatFolder(ctx, types.ChatFolder{ID: 5, Color: wraps, HasColor: true}) }},
		{"edit negative", func() error { return c.EditChatFolder(ctx, types.ChatFolder{ID: 5, Color: -1, HasColor: true}) }},
	})
	err := c.EditChatFolder(ctx, types.ChatFolder{ID: 5, Title: "t", Color: wraps})
	if err == nil || errors.Is(err, ErrFolderColor) {
		t.Errorf("edit with a colour not set: %v, want the offline client's error", err)
	}
}

// TestNoActivityDaysRange sets business greetings for silences no greeting can have. A chat
// is silent for a positive number of days, and an int past 2^31-1 cut to the wire's 32 bits
// keeps its low bits and names another number (1<<32+7 is 7 days), so each must fail with
// ErrNoActivityDays before anything is sent. The client is offline.
func TestNoActivityDaysRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	greeting := func(days int) func() error {
		return func() error {
			return c.SetBusinessGreeting(ctx, &types.BusinessGreeting{ShortcutID: 3, NoActivityDays: days})
		}
	}
	wantRangeErrors(t, ErrNoActivityDays, []rangeCase{
		{"past int32", greeting(1<<32 + 7)},
		{"zero", greeting(0)},
		{"negative", greeting(-7)},
	})
}
