package mtgo_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestForeverDates checks the ends Telegram gives a meaning past the 32-bit dates: a ban or
// restriction ending outside 1901-12-13..2038-01-19 goes out as until_date 0, for ever (as
// Telegram takes any end more than 366 days ahead or already past, and as the zero time
// does), a mute ending after 2038-01-19T03:14:07Z mutes for ever, 2^31-1, as the zero time
// does, and one not after the Unix epoch mutes nothing, 0. Cut to 32 bits instead,
// 2038-01-19T03:14:08Z was a day in 1901 and year 1900 one in 2035. A time inside goes out as
// it is.
func TestForeverDates(t *testing.T) {
	var (
		pastLast    = time.Date(2038, 1, 19, 3, 14, 8, 0, time.UTC)
		beforeFirst = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
		inside      = time.Unix(1_900_000_000, 0)
		channel     = &tg.InputPeerChannel{ChannelID: 77, AccessHash: 5}
	)
	tests := []struct {
		name string
		do   func(context.Context, *mtgo.Client) error
		want int32
	}{
		{"ban past 2038", func(ctx context.Context, c *mtgo.Client) error {
			return c.BanChatMember(ctx, channel, "me", mtgo.WithBanUntil(pastLast))
		}, 0},
		{"ban before 1901", func(ctx context.Context, c *mtgo.Client) error {
			return c.BanChatMember(ctx, channel, "me", mtgo.WithBanUntil(beforeFirst))
		}, 0},
		{"ban for ever", func(ctx context.Context, c *mtgo.Client) error { return c.BanChatMember(ctx, channel, "me") }, 0},
		{"ban until a date", func(ctx context.Context, c *mtgo.Client) error {
			return c.BanChatMember(ctx, channel, "me", mtgo.WithBanUntil(inside))
		}, 1_900_000_000},
		{"restrict past 2038", func(ctx context.Context, c *mtgo.Client) error {
			return c.RestrictChatMember(ctx, channel, "me", types.ChatPermissions{}, pastLast)
		}, 0},
		{"restrict in year 1", func(ctx context.Context, c *mtgo.Client) error {
			return c.RestrictChatMember(ctx, channel, "me", types.ChatPermissions{}, time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC))
		}, 0},
		{"restrict until a date", func(ctx context.Context, c *mtgo.Client) error {
			return c.RestrictChatMember(ctx, channel, "me", types.ChatPermissions{}, inside)
		}, 1_900_000_000},
		{"mute past 2038", func(ctx context.Context, c *mtgo.Client) error { return c.MuteChat(ctx, "me", pastLast) }, math.MaxInt32},
		{"mute in year 3000", func(ctx context.Context, c *mtgo.Client) error {
			return c.MuteChat(ctx, "me", time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC))
		}, math.MaxInt32},
		{"mute for ever", func(ctx context.Context, c *mtgo.Client) error { return c.MuteChat(ctx, "me", time.Time{}) }, math.MaxInt32},
		{"mute until a date", func(ctx context.Context, c *mtgo.Client) error { return c.MuteChat(ctx, "me", inside) }, 1_900_000_000},
		// A time already past mutes nothing: one before 1970 goes out as 0, the unmute.
		{"mute before 1901", func(ctx context.Context, c *mtgo.Client) error { return c.MuteChat(ctx, "me", beforeFirst) }, 0},
		{"mute until 1950", func(ctx context.Context, c *mtgo.Client) error {
			return c.MuteChat(ctx, "me", time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC))
		}, 0},
		{"mute in year 1", func(ctx context.Context, c *mtgo.Client) error {
			return c.MuteChat(ctx, "me", time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC))
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := offlineClient(t, 1)
			var mu sync.Mutex
			sent := captureCalls(c, &mu)
			if err := tt.do(context.Background(), c); !errors.Is(err, errCaptured) {
				t.Fatalf("error %v, want the captured call's", err)
			}
			mu.Lock()
			defer mu.Unlock()
			var got []int32
			for _, req := range *sent {
				switch r := req.(type) {
				case *tg.ChannelsEditBannedRequest:
					got = append(got, r.BannedRights.UntilDate)
				case *tg.AccountUpdateNotifySettingsRequest:
					got = append(got, r.Settings.MuteUntil.Value)
				}
			}
			if diff := cmp.Diff([]int32{tt.want}, got); diff != "" {
				t.Errorf("dates sent (-want +got):\n%s", diff)
			}
		})
	}
}
