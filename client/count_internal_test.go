package mtgo

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestCountRange gives every method that takes a count, size or duration one its request's
// 32 bits cannot carry, or one Telegram gives no meaning (a negative duration), so each must
// fail with ErrOutOfRange before anything is sent. Cut to 32 bits instead, a usage limit of
// 1<<32+1 went out as 1, a gift offer valid for 2^32+60 seconds as one minute, and a birthday
// on day 1<<32+5 as the 5th. The client is offline: a call that went out fails with another
// error.
func TestCountRange(t *testing.T) {
	c := newOfflineClient(t)
	ctx := context.Background()
	const wrap = 1<<32 + 1
	past := (1<<32 + 60) * time.Second
	file := &tg.InputFile{ID: 1, Parts: 1, Name: "a.mp3"}
	web := "https://example.com/a.jpg"
	photo := &tg.InputMediaPhotoExternal{URL: web}
	invite := func(spec types.InviteLinkSpec) func() error {
		return call(func() (any, error) { return c.CreateChatInviteLink(ctx, "me", spec) })
	}
	editInvite := func(spec types.InviteLinkSpec) func() error {
		return call(func() (any, error) { return c.EditChatInviteLink(ctx, "me", "https://t.me/+x", spec) })
	}
	send := func(kind types.MediaKind, media any, opts ...SendOption) func() error {
		return call(func() (any, error) { return c.SendMedia(ctx, "me", kind, media, opts...) })
	}
	story := func(d time.Duration) func() error {
		return call(func() (any, error) { return c.SendStory(ctx, "me", photo, WithStoryPeriod(d)) })
	}
	offer := func(d time.Duration) func() error {
		return call(func() (any, error) { return c.SendGiftOffer(ctx, "me", "slug-1", 10, d) })
	}
	birthday := func(b types.Birthday) func() error { return func() error { return c.SetBirthday(ctx, &b) } }
	wantRangeErrors(t, ErrOutOfRange, []rangeCase{
		{"invite usage limit past int32", invite(types.InviteLinkSpec{UsageLimit: wrap})},
		{"edit invite usage limit past int32", editInvite(types.InviteLinkSpec{UsageLimit: wrap})},
		{"invite subscription past int32", invite(types.InviteLinkSpec{SubscriptionStars: 5, SubscriptionPeriod: past})},
		{"invite subscription negative", invite(types.InviteLinkSpec{SubscriptionStars: 5, SubscriptionPeriod: -time.Hour})},
		{"gift offer past int32", offer(past)},
		{"gift offer negative", offer(-time.Minute)},
		{"story period past int32", story(past)},
		{"audio duration past int32", send(types.KindAudio, file, WithDuration(past))},
		{"audio duration negative", send(types.KindAudio, file, WithDuration(-time.Second))},
		{"video width past int32", send(types.KindVideo, file, WithDimensions(wrap, 10))},
		{"video height negative", send(types.KindVideo, file, WithDimensions(10, -1))},
		{"video duration negative", send(types.KindVideo, file, WithDuration(-time.Second))},
		{"self-destruct past int32", send(types.KindPhoto, web, WithTTL(past))},
		{"self-destruct past int32 uploaded", send(types.KindPhoto, file, WithTTL(past))},
		{"account ttl past int32", func() error { return c.SetAccountTTL(ctx, 1<<32+30) }},
		{"account ttl negative", func() error { return c.SetAccountTTL(ctx, -30) }},
		{"birthday day past int32", birthday(types.Birthday{Day: 1<<32 + 5, Month: 1})},
		{"birthday month 13", birthday(types.Birthday{Day: 1, Month: 13})},
		{"birthday day 0", birthday(types.Birthday{Day: 0, Month: 1})},
		{"birthday year past int32", birthday(types.Birthday{Day: 1, Month: 1, Year: 1<<32 + 1990})},
		{"birthday year negative", birthday(types.Birthday{Day: 1, Month: 1, Year: -1})},
		{"secret chat ttl negative", func() error { return c.SetSecretChatTTL(ctx, 1, -time.Second) }},
		{"secret chat ttl past int32", func() error { return c.SetSecretChatTTL(ctx, 1, past) }},
	})
	// A cache time out of range was, and stays, ErrInvalidConfig too.
	cache := []rangeCase{
		{"callback cache time negative", func() error {
			return c.AnswerCallbackQuery(ctx, 1, "", WithCacheTime(-time.Second))
		}},
		{"inline cache time past int32", func() error {
			return c.AnswerInlineQuery(ctx, 1, nil, WithCacheTime(past))
		}},
	}
	wantRangeErrors(t, ErrOutOfRange, cache)
	wantRangeErrors(t, ErrInvalidConfig, cache)
}

// TestAPIIDRange: an api id past 2^31-1 would log in as the application its low bits name.
func TestAPIIDRange(t *testing.T) {
	cfg := DefaultConfig
	cfg.InMemory, cfg.NoUpdates = true, true
	for _, id := range []int{math.MaxInt32 + 1, 1<<32 + 1} {
		c, err := NewClient(id, "hash", &cfg)
		if err == nil {
			c.Stop()
		}
		wantRangeErrors(t, ErrOutOfRange, []rangeCase{{"api id", func() error { return err }}})
	}
}
