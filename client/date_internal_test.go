package mtgo

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
)

// Times just outside the dates a request's 32 bits carry: cut to them, pastLast would be
// 1901-12-13T20:45:52Z, beforeFirst 2038-01-19T03:14:07Z, and the zero time (year 1) a day
// in 1906.
var (
	pastLast    = time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC)
	beforeFirst = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
)

// TestDateRange gives every method that takes a time one no request can carry, so each must
// fail with ErrDate before anything is sent. The zero time means none in most of them and is
// not checked; a custom business away period needs both ends, so there it is refused too. The
// client is offline: a call that went out fails with another error.
func TestDateRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	away := func(from, until time.Time) func() error {
		return func() error {
			return c.SetBusinessAway(ctx, &types.BusinessAway{ShortcutID: 1, From: from, Until: until})
		}
	}
	var cases []rangeCase
	for _, at := range []struct {
		name string
		t    time.Time
	}{{"past 2038", pastLast}, {"before 1901", beforeFirst}} {
		add := func(name string, f func() error) { cases = append(cases, rangeCase{name + " " + at.name, f}) }
		add("send scheduled", call(func() (any, error) { return c.SendMessage(ctx, "me", "hi", WithSchedule(at.t)) }))
		add("edit scheduled", call(func() (any, error) { return c.EditMessageText(ctx, "me", 5, "hi", WithSchedule(at.t)) }))
		add("poll closing", call(func() (any, error) {
			return c.SendPoll(ctx, "me", "q?", []string{"a", "b"}, WithCloseDate(at.t))
		}))
		add("call scheduled", call(func() (any, error) { return c.CreateCall(ctx, "me", WithCallSchedule(at.t)) }))
		add("history from", firstErr(c.GetChatHistory(ctx, "me", WithOffsetDate(at.t))))
		add("history from an id", firstErr(c.GetChatHistory(ctx, "me", WithOffsetID(9), WithOffsetDate(at.t))))
		add("replies from", firstErr(c.GetDiscussionReplies(ctx, "me", 5, WithOffsetDate(at.t))))
		add("search since", firstErr(c.SearchMessages(ctx, "me", "q", WithDateRange(at.t, time.Time{}))))
		add("search until", firstErr(c.SearchMessages(ctx, "me", "q", WithDateRange(time.Time{}, at.t))))
		add("search count", call(func() (any, error) {
			return c.SearchMessagesCount(ctx, "me", "q", WithDateRange(time.Time{}, at.t))
		}))
		add("global search", firstErr(c.SearchGlobal(ctx, "q", WithDateRange(at.t, time.Time{}))))
		add("global search count", call(func() (any, error) { return c.SearchGlobalCount(ctx, "q", WithDateRange(time.Time{}, at.t)) }))
		add("emoji status", func() error { return c.SetEmojiStatus(ctx, 42, at.t) })
		add("create invite", call(func() (any, error) {
			return c.CreateChatInviteLink(ctx, "me", types.InviteLinkSpec{Expires: at.t})
		}))
		add("edit invite", call(func() (any, error) {
			return c.EditChatInviteLink(ctx, "me", "https://t.me/+x", types.InviteLinkSpec{Expires: at.t})
		}))
		add("away from", away(at.t, time.Now()))
		add("away until", away(time.Now(), at.t))
	}
	cases = append(cases,
		rangeCase{"away from not set", away(time.Time{}, time.Now())},
		rangeCase{"away until not set", away(time.Now(), time.Time{})},
	)
	wantRangeErrors(t, ErrDate, cases)
}

// TestWireOffset converts the offsets of a listing: 0 to 2^31-1 go out, a listing past that
// (only a server claiming more entries than a request can skip could lead one there) fails
// with ErrOffset instead of starting over at the offset's low bits.
func TestWireOffset(t *testing.T) {
	for _, tt := range []struct {
		seen int
		want int32
		err  bool
	}{{0, 0, false}, {200, 200, false}, {math.MaxInt32, math.MaxInt32, false}, {math.MaxInt32 + 1, 0, true}, {1<<32 + 200, 0, true}} {
		got, err := wireOffset(tt.seen)
		if got != tt.want || (err != nil) != tt.err || (err != nil && !errors.Is(err, ErrOffset)) {
			t.Errorf("wireOffset(%d) = %d, %v; want %d, error %v", tt.seen, got, err, tt.want, tt.err)
		}
	}
}
