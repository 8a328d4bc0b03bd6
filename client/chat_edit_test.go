package mtgo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestSetSlowModeDelays: SetSlowMode sends the delays Telegram accepts as they are and refuses
// any other with ErrSlowModeDelay before sending anything, instead of turning a negative one
// off or rounding a fraction of a second down.
func TestSetSlowModeDelays(t *testing.T) {
	tests := []struct {
		delay time.Duration
		want  int32 // the seconds sent; -1: refused
	}{
		{0, 0},
		{10 * time.Second, 10},
		{30 * time.Second, 30},
		{time.Minute, 60},
		{5 * time.Minute, 300},
		{15 * time.Minute, 900},
		{time.Hour, 3600},
		{-10 * time.Second, -1},
		{-time.Nanosecond, -1},
		{10*time.Second + 500*time.Millisecond, -1},
		{45 * time.Second, -1},
		{2 * time.Hour, -1},
		{1<<31*time.Second + 10*time.Second, -1},
	}
	for _, tt := range tests {
		t.Run(tt.delay.String(), func(t *testing.T) {
			var sent []int32
			c := answeringEach(t, func(req *tg.ChannelsToggleSlowModeRequest, box *tg.UpdatesClassBox) {
				sent = append(sent, req.Seconds)
				box.Updates = &tg.Updates{}
			})
			err := c.SetSlowMode(context.Background(), &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1}, tt.delay)
			if tt.want < 0 {
				if !errors.Is(err, mtgo.ErrSlowModeDelay) || len(sent) != 0 {
					t.Fatalf("SetSlowMode(%v) = %v after sending %v, want ErrSlowModeDelay before sending", tt.delay, err, sent)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]int32{tt.want}, sent); diff != "" {
				t.Errorf("seconds sent (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSetChatTTLRange: SetChatTTL refuses a negative period or one past 2^31-1 seconds with
// ErrOutOfRange before sending anything, instead of turning it off or cutting it.
func TestSetChatTTLRange(t *testing.T) {
	for _, ttl := range []time.Duration{-time.Second, -time.Nanosecond, 1 << 31 * time.Second} {
		calls := 0
		c := answering(t, func(tl.Encoder, tl.Decoder) error { calls++; return errors.New("sent") })
		err := c.SetChatTTL(context.Background(), &tg.InputPeerChannel{ChannelID: 7, AccessHash: 1}, ttl)
		if !errors.Is(err, mtgo.ErrOutOfRange) || calls != 0 {
			t.Errorf("SetChatTTL(%v) = %v after %d calls, want ErrOutOfRange before any", ttl, err, calls)
		}
	}
}
