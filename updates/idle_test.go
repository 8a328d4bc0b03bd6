package updates

import (
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestIdleResetOnlyByState: the account's idle getDifference is put off only by what carries
// its state (an update with pts or qts, a container with seq). Before, any container did, so a
// chat with someone typing every minute, or a busy channel, kept the account from its idle
// check for ever, however many of its own pushes were lost meanwhile.
func TestIdleResetOnlyByState(t *testing.T) {
	tests := []struct {
		name string
		push func(i int32) tg.UpdatesClass // the push of minute i (1, 2, ...)
		want int                           // getDifference requests in 20 minutes
	}{
		{"typing", func(int32) tg.UpdatesClass { return updates(0, typing(1)) }, 1},
		{"typing alone", func(int32) tg.UpdatesClass { return &tg.UpdateShort{Update: typing(1)} }, 1},
		{"user status", func(int32) tg.UpdatesClass {
			return &tg.UpdateShort{Update: &tg.UpdateUserStatus{UserID: 1, Status: &tg.UserStatusOnline{Expires: 200}}}
		}, 1},
		{"channel posts", func(i int32) tg.UpdatesClass { return updates(0, chMsg(9, i, i)) }, 1},
		{"messages", func(i int32) tg.UpdatesClass { return updates(0, msg(i, 10+i)) }, 0},
		{"qts", func(i int32) tg.UpdatesClass { return updates(0, stopped(1, 5+i)) }, 0},
		{"containers with seq", func(i int32) tg.UpdatesClass { return updates(3+i, typing(1)) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			h.start(State{Pts: 10, Qts: 5, Seq: 3, Date: 100})
			for i := int32(1); i <= 20; i++ {
				h.advance(time.Minute)
				h.process(tt.push(i))
			}
			got := 0
			for _, r := range h.reqs {
				if r.Kind == RequestDifference {
					got++
				}
			}
			if got != tt.want {
				t.Errorf("%d getDifference requests in 20 minutes, want %d (requests %+v)", got, tt.want, h.reqs)
			}
		})
	}
}
