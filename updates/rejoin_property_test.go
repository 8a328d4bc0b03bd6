package updates

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestRejoinNoUpdateTwice drives one channel through random leaves and rejoins: pushes come
// late, twice or not at all, the user leaves (its difference fails with CHANNEL_PRIVATE, the
// channel is dropped with what it held), comes back by a new push or updateChannelTooLong, and
// the Box is replaced by the next one with the saved pts and the memo, as at a reconnect. What
// the drops reported lost may stay lost; no update may reach the Handler twice.
//
// 20000 seeds pass (957 delivered an update twice on c984c88); a run takes 500.
func TestRejoinNoUpdateTwice(t *testing.T) {
	seeds := uint64(500)
	if testing.Short() {
		seeds = 50
	}
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runRejoinProperty(t, seed) })
	}
}

func runRejoinProperty(t *testing.T, seed uint64) {
	const ch = 9
	rng := rand.New(rand.NewPCG(seed, 11))
	// The sim's gaps and runs stay below MaxPending: a drop's run further up is not followed
	// (runsAbove), and a difference from below it may deliver it again.
	cfg := Config{MaxPending: 64}
	h := newHarness(t, cfg)
	h.start(State{Pts: 1, Qts: 1, Seq: 1, Date: 1})
	var (
		top     int32 // the channel's pts at the server
		member  = true
		late    []int32 // pushes on their way
		seen    = map[string]bool{}
		history []string
	)
	check := func() {
		t.Helper()
		for _, g := range h.got {
			if seen[g] {
				t.Fatalf("seed %d: %s delivered twice; history:\n%v", seed, g, history)
			}
			seen[g] = true
		}
		h.got = nil
		checkInvariants(t, h.b)
	}
	for step := 0; step < 300; step++ {
		var op string
		switch r := rng.IntN(20); {
		case r < 7: // a new post
			top++
			op = fmt.Sprintf("post %d", top)
			if !member {
				break
			}
			switch rng.IntN(10) {
			case 0: // lost
			case 1, 2, 3:
				late = append(late, top)
			case 4:
				late = append(late, top)
				h.process(chPush(ch, top))
			default:
				h.process(chPush(ch, top))
			}
		case r < 11: // a late push arrives
			if len(late) > 0 {
				i := rng.IntN(len(late))
				p := late[i]
				late = slices.Delete(late, i, i+1)
				op = fmt.Sprintf("late %d", p)
				h.process(chPush(ch, p))
			}
		case r < 13:
			if next := h.b.NextDeadline(); !next.IsZero() && next.Before(h.now.Add(time.Minute)) {
				op = "deadline"
				h.fireDeadline()
			}
		case r < 16: // the server answers what was asked
			reqs := h.reqs
			h.reqs = nil
			for _, q := range reqs {
				if q.Kind != RequestChannelDifference {
					continue
				}
				if !member {
					op += fmt.Sprintf(" private(%d)", q.Pts)
					h.record(h.b.DropChannel(h.now, ch, "CHANNEL_PRIVATE"))
					continue
				}
				op += fmt.Sprintf(" answer(%d..%d)", q.Pts, top)
				d := &tg.UpdatesChannelDifference{Final: true, Pts: max(top, q.Pts)}
				for id := q.Pts + 1; id <= top; id++ {
					d.NewMessages = append(d.NewMessages, channelMessage(ch, id))
				}
				h.channelDifference(ch, d)
			}
		case r < 17:
			member = !member
			op = fmt.Sprintf("member %v", member)
		case r < 18:
			if member && top > 0 {
				op = fmt.Sprintf("too long %d", top)
				h.process(chTooLong(ch, top))
			}
		case r < 19: // the next Box, as at a reconnect: saved pts and memo
			op = "restart"
			check()
			st, _ := h.b.State()
			saved := &Saved{State: st}
			for id, c := range h.b.channels {
				saved.Channels = append(saved.Channels, ChannelPts{ChannelID: id, Pts: c.seq.pts, Named: c.guess})
			}
			memo := h.b.memo()
			next := newHarness(t, cfg)
			next.now = h.now
			next.record(next.b.Start(next.now, saved))
			next.must(next.b.ApplyDifference(next.now, &tg.UpdatesDifferenceEmpty{Date: 1, Seq: st.Seq}))
			next.record(next.b.restore(next.now, memo))
			next.reqs = slices.DeleteFunc(next.reqs, func(r Request) bool { return r.Kind != RequestChannelDifference })
			h = next
		default:
			h.advance(time.Second)
		}
		if op != "" {
			history = append(history, fmt.Sprint(op, h.got))
		}
		h.events = nil
		check()
	}
}
