package mtgo

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestMessageIDRange calls every method that deletes, edits, forwards, pins, reacts to or
// presses a button of a message with an id no message has. An int past 2^31-1 cut to the
// wire's 32 bits keeps its low bits and names another message (1<<32+5 is message 5; 1<<32,
// as a maximum id, is 0: the whole history), so each must fail with ErrMessageID before
// anything is sent. The client is offline: a call that went out fails with another error.
func TestMessageIDRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	const wraps = 1<<32 + 5
	call := func(f func() (any, error)) func() error {
		return func() error { _, err := f(); return err }
	}
	tests := []struct {
		name string
		err  func() error
	}{
		{"delete past int32", call(func() (any, error) { return c.DeleteMessages(ctx, "me", 1, wraps) })},
		{"delete zero", call(func() (any, error) { return c.DeleteMessages(ctx, "me", 0) })},
		{"delete negative", call(func() (any, error) { return c.DeleteMessages(ctx, "me", -5) })},
		{"delete for me past int32", call(func() (any, error) { return c.DeleteMessagesForMe(ctx, "me", wraps) })},
		{"history up to 2^32", call(func() (any, error) { return c.DeleteChatHistory(ctx, "me", 1<<32, false) })},
		{"history up to 2^31", call(func() (any, error) { return c.DeleteChatHistory(ctx, "me", math.MaxInt32+1, false) })},
		{"history up to a negative id", call(func() (any, error) { return c.DeleteChatHistory(ctx, "me", -1, false) })},
		{"edit text", call(func() (any, error) { return c.EditMessageText(ctx, "me", wraps, "x") })},
		{"edit caption", call(func() (any, error) { return c.EditMessageCaption(ctx, "me", wraps, "x") })},
		{"edit markup", call(func() (any, error) { return c.EditMessageReplyMarkup(ctx, "me", wraps, nil) })},
		{"forward", call(func() (any, error) { return c.ForwardMessages(ctx, "me", "me", []int{1, wraps}) })},
		{"copy", call(func() (any, error) { return c.CopyMessage(ctx, "me", "me", wraps) })},
		{"copy with a caption", call(func() (any, error) { return c.CopyMessage(ctx, "me", "me", wraps, WithCaption("c")) })},
		{"forward album", call(func() (any, error) { return c.ForwardMediaGroup(ctx, "me", "me", wraps) })},
		{"pin", func() error { return c.PinChatMessage(ctx, "me", wraps) }},
		{"unpin", func() error { return c.UnpinChatMessage(ctx, "me", wraps) }},
		{"react", func() error { return c.SendReaction(ctx, "me", wraps, "👍") }},
		{"press a button", call(func() (any, error) { return c.RequestCallbackAnswer(ctx, "me", wraps, []byte("d")) })},
		{"press a game button", call(func() (any, error) { return c.RequestGameCallbackAnswer(ctx, "me", wraps) })},
		{"set a game score", call(func() (any, error) { return c.SetGameScore(ctx, "me", wraps, "me", 1, false, false) })},
		{"vote", call(func() (any, error) { return c.RetractVote(ctx, "me", wraps) })},
		{"paid reaction", func() error { return c.SendPaidReaction(ctx, "me", wraps, 1, false) }},
		{"edit media", call(func() (any, error) { return c.EditMessageLiveLocation(ctx, "me", wraps, 0, 0) })},
		{"link", call(func() (any, error) { return c.ExportMessageLink(ctx, -1000000000001, wraps) })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.err(); !errors.Is(err, ErrMessageID) {
				t.Fatalf("error %v, want one matching ErrMessageID", err)
			}
		})
	}
}
