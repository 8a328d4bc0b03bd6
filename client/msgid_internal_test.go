package mtgo

import (
	"context"
	"errors"
	"iter"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
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
	wantRangeErrors(t, ErrMessageID, []rangeCase{
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
		{"get messages", call(func() (any, error) { return c.GetMessages(ctx, "me", 1, wraps) })},
		{"get album", call(func() (any, error) { return c.GetMediaGroup(ctx, "me", wraps) })},
		{"discussion message", call(func() (any, error) { return c.GetDiscussionMessage(ctx, "me", wraps) })},
		{"discussion replies", firstErr(c.GetDiscussionReplies(ctx, "me", wraps))},
		{"discussion replies count", call(func() (any, error) { return c.GetDiscussionRepliesCount(ctx, "me", wraps) })},
		{"history from an offset", firstErr(c.GetChatHistory(ctx, "me", WithOffsetID(wraps)))},
		{"history below a max id", firstErr(c.GetChatHistory(ctx, "me", WithIDRange(0, 1<<32)))},
		{"history above a min id", firstErr(c.GetChatHistory(ctx, "me", WithIDRange(wraps, 0)))},
		{"replies from an offset", firstErr(c.GetDiscussionReplies(ctx, "me", 1, WithOffsetID(-1)))},
		{"search from an offset", firstErr(c.SearchMessages(ctx, "me", "q", WithOffsetID(wraps)))},
		{"search in a thread", firstErr(c.SearchMessages(ctx, "me", "q", WithThread(wraps)))},
		{"search count below a max id", call(func() (any, error) { return c.SearchMessagesCount(ctx, "me", "q", WithIDRange(0, wraps)) })},
		{"global search from an offset", firstErr(c.SearchGlobal(ctx, "q", WithOffsetID(wraps)))},
		{"reactions", call(func() (any, error) { return c.GetMessageReactions(ctx, "me", wraps) })},
		{"reaction list", firstErr(c.GetMessageReactionsList(ctx, "me", wraps, ""))},
		{"high scores", call(func() (any, error) { return c.GetGameHighScores(ctx, "me", wraps, "me") })},
		{"read up to 2^32", func() error { return c.ReadChatHistory(ctx, "me", 1<<32) }},
		{"read business chat up to 2^32", func() error { return c.ReadBusinessChatHistory(ctx, "conn", "me", 1<<32) }},
		{"reply to", call(func() (any, error) { return c.SendMessage(ctx, "me", "x", WithReplyTo(wraps)) })},
		{"reply in another chat", call(func() (any, error) { return c.SendMessage(ctx, "me", "x", WithReplyToIn("me", wraps, "")) })},
		{"post in a topic", call(func() (any, error) { return c.SendMessage(ctx, "me", "x", WithTopic(wraps)) })},
		{"typing in a topic", func() error { return c.SendTopicChatAction(ctx, "me", wraps, types.ActionTyping) }},
		{"edit topic", func() error { return c.EditForumTopic(ctx, "me", wraps, TopicSpec{Title: "t"}) }},
		{"close topic", func() error { return c.CloseForumTopic(ctx, "me", wraps) }},
		{"reopen topic", func() error { return c.ReopenForumTopic(ctx, "me", wraps) }},
		{"pin topic", func() error { return c.PinForumTopic(ctx, "me", wraps, true) }},
		{"delete topic", func() error { return c.DeleteForumTopic(ctx, "me", wraps) }},
		{"get topic", call(func() (any, error) { return c.GetForumTopic(ctx, "me", wraps) })},
		{"vote in a poll", call(func() (any, error) { return c.VotePoll(ctx, "me", wraps, 0) })},
		{"stop a poll", call(func() (any, error) { return c.StopPoll(ctx, "me", wraps) })},
		{"resolve a gift offer", call(func() (any, error) { return c.ResolveGiftOffer(ctx, wraps, true) })},
		{"name a user's gift", call(func() (any, error) { return UserGift(wraps) })},
		{"name a user's gift by id 0", call(func() (any, error) { return UserGift(0) })},
		{"payment form", call(func() (any, error) { return c.GetPaymentForm(ctx, "me", wraps) })},
		{"pay", call(func() (any, error) { return c.SendPaymentForm(ctx, &types.PaymentForm{}, "me", wraps, nil) })},
		{"views", call(func() (any, error) { return c.GetMessagesViews(ctx, "me", 1, wraps) })},
		{"increment views", call(func() (any, error) { return c.IncrementViews(ctx, "me", -1) })},
		{"report spam", func() error { return c.ReportChatSpam(ctx, "me", "me", wraps) }},
		{"get scheduled", call(func() (any, error) { return c.GetScheduledMessages(ctx, "me", wraps) })},
		{"send scheduled now", call(func() (any, error) { return c.SendScheduledMessagesNow(ctx, "me", wraps) })},
		{"delete scheduled", func() error { return c.DeleteScheduledMessages(ctx, "me", 0) }},
		{"delete business messages", func() error { return c.DeleteBusinessMessages(ctx, "conn", wraps) }},
		{"mentions in a thread", firstErr(c.GetChatMembers(ctx, "me", types.MemberFilter{Kind: types.MembersMentions, TopMessage: wraps}))},
		{"mentions in a negative thread", firstErr(c.GetChatMembers(ctx, "me", types.MemberFilter{Kind: types.MembersMentions, TopMessage: -1}))},
	})
}

// TestUserGiftID: an id in range names the gift in that message, as sent.
func TestUserGiftID(t *testing.T) {
	for _, id := range []int{1, 5, math.MaxInt32} {
		got, err := UserGift(id)
		if err != nil {
			t.Fatalf("UserGift(%d): %v", id, err)
		}
		want := &tg.InputSavedStarGiftUser{MsgID: int32(id)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("UserGift(%d) (-want +got):\n%s", id, diff)
		}
	}
}

// TestGameScoreRange sets game scores a request cannot carry: past 2^31-1 the score's low
// bits would set another score, and Telegram's scores are not negative.
func TestGameScoreRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	inline := types.InlineMessageID(&tg.InputBotInlineMessageID{DCID: 2, ID: 1})
	wantRangeErrors(t, ErrGameScore, []rangeCase{
		{"past int32", func() error { _, err := c.SetGameScore(ctx, "me", 1, "me", 1<<32+5, false, false); return err }},
		{"negative", func() error { _, err := c.SetGameScore(ctx, "me", 1, "me", -1, false, false); return err }},
		{"inline past int32", func() error { return c.SetInlineGameScore(ctx, inline, "me", 1<<32+5, false, false) }},
		{"inline negative", func() error { return c.SetInlineGameScore(ctx, inline, "me", -1, false, false) }},
	})
}

// rangeCase is a call given an id (or score) out of range, and the error it returned.
type rangeCase struct {
	name string
	err  func() error
}

// wantRangeErrors runs each case as a subtest, which fails unless its error matches want.
func wantRangeErrors(t *testing.T, want error, tests []rangeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.err(); !errors.Is(err, want) {
				t.Fatalf("error %v, want one matching %v", err, want)
			}
		})
	}
}

// call returns f's error, for methods that also return a value.
func call(f func() (any, error)) func() error {
	return func() error { _, err := f(); return err }
}

// firstErr returns a function listing seq that returns the first error, or nil.
func firstErr[T any](seq iter.Seq2[T, error]) func() error {
	return func() error {
		for _, err := range seq {
			if err != nil {
				return err
			}
		}
		return nil
	}
}
