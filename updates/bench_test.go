package updates

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates/internal/sim"
)

// ring is a set of containers reused round-robin; next renumbers one for the next pts.
type ring struct {
	conts []*tg.Updates
	i     int
	pts   int32
}

func newRing(perContainer int, channel bool) *ring {
	r := &ring{conts: make([]*tg.Updates, 256), pts: 10}
	for i := range r.conts {
		c := &tg.Updates{Date: 100}
		for j := range perContainer {
			if channel {
				c.Updates = append(c.Updates, chMsg(5, int32(j), 0))
			} else {
				c.Updates = append(c.Updates, msg(int32(j), 0))
			}
		}
		r.conts[i] = c
	}
	return r
}

func (r *ring) next() *tg.Updates {
	c := r.conts[r.i]
	r.i = (r.i + 1) % len(r.conts)
	for _, u := range c.Updates {
		r.pts++
		switch u := u.(type) {
		case *tg.UpdateNewMessage:
			u.Pts = r.pts
		case *tg.UpdateNewChannelMessage:
			u.Pts = r.pts
		}
	}
	return c
}

func startedBox(b testing.TB, pts int32) (*Box, time.Time) {
	// No idle checks: a long benchmark moves the clock by many gap waits.
	box := NewBox(Config{Idle: 100000 * time.Hour, ChannelIdle: 100000 * time.Hour})
	now := time.Unix(1_700_000_000, 0)
	box.Start(now, &Saved{State: State{Pts: pts, Qts: 1, Seq: 1, Date: 100}, Channels: []ChannelPts{{ChannelID: 5, Pts: pts}}})
	if _, err := box.ApplyDifference(now, &tg.UpdatesDifferenceEmpty{Date: 100, Seq: 1}); err != nil {
		b.Fatal(err)
	}
	box.channelDifference(now, 5, &tg.UpdatesChannelDifferenceEmpty{Final: true, Pts: pts})
	return box, now
}

// BenchmarkBaseline is the floor the engine is measured against: per update, the generated
// pts classifier and an append to the output, nothing else.
func BenchmarkBaseline(b *testing.B) {
	for _, per := range []int{1, 10} {
		b.Run(fmt.Sprint("updates=", per), func(b *testing.B) {
			r := newRing(per, false)
			out := make([]tg.UpdateClass, 0, 16)
			var local int32 = 10
			b.ReportAllocs()
			for b.Loop() {
				c := r.next()
				out = out[:0]
				for _, u := range c.Updates {
					if pts, count, ok := tg.UpdatePts(u); ok && local+count == pts {
						local = pts
						out = append(out, u)
					}
				}
			}
			b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "updates/s")
		})
	}
}

// BenchmarkBoxProcess measures updates applied per second through the Box without gaps.
func BenchmarkBoxProcess(b *testing.B) {
	for _, tc := range []struct {
		name    string
		per     int
		channel bool
	}{
		{"updates=1", 1, false},
		{"updates=10", 10, false},
		{"channel/updates=1", 1, true},
		{"channel/updates=10", 10, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := newRing(tc.per, tc.channel)
			box, now := startedBox(b, r.pts)
			b.ReportAllocs()
			for b.Loop() {
				out, err := box.Process(now, r.next())
				if err != nil || len(out.Deliveries) != 1 || len(out.Deliveries[0].Updates) != tc.per {
					b.Fatalf("out %+v err %v", out, err)
				}
			}
			b.ReportMetric(float64(b.N*tc.per)/b.Elapsed().Seconds(), "updates/s")
		})
	}
	b.Run("shortMessage", func(b *testing.B) {
		box, now := startedBox(b, 10)
		u := &tg.UpdateShortMessage{ID: 1, UserID: 2, Message: "hi", PtsCount: 1, Pts: 10}
		b.ReportAllocs()
		for b.Loop() {
			u.Pts++
			if out, err := box.Process(now, u); err != nil || len(out.Deliveries) != 1 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
	})
}

// BenchmarkGapRecovery measures one whole gap recovery in the Box: a held update, the gap wait
// expiring, the getDifference request and its answer delivering both updates.
func BenchmarkGapRecovery(b *testing.B) {
	box, now := startedBox(b, 10)
	pts := int32(10)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := box.Process(now, updates(0, msg(pts+2, pts+2))); err != nil {
			b.Fatal(err)
		}
		now = now.Add(box.cfg.GapWait)
		out := box.OnTimer(now)
		if len(out.Requests) != 1 {
			b.Fatalf("requests %+v", out.Requests)
		}
		out, err := box.ApplyDifference(now, &tg.UpdatesDifference{
			NewMessages: []tg.MessageClass{message(pts + 1)},
			State:       tg.UpdatesState{Pts: pts + 1, Qts: 1, Seq: 1, Date: 100},
		})
		if err != nil || len(out.Deliveries) != 1 || len(out.Deliveries[0].Updates) != 2 {
			b.Fatalf("deliveries %+v err %v", out.Deliveries, err)
		}
		pts += 2
	}
}

// BenchmarkManager measures updates per second through the whole loop: HandleUpdates from
// another goroutine, the Box, a handler that counts, and a memory store saving every commit.
func BenchmarkManager(b *testing.B) {
	srv := sim.New(1)
	var seen atomic.Int64
	done := make(chan struct{}, 1)
	var target atomic.Int64
	h := HandlerFunc(func(_ context.Context, bt Batch) error {
		if seen.Add(int64(len(bt.Updates))) == target.Load() {
			done <- struct{}{}
		}
		return nil
	})
	m, err := NewManager(Options{API: srv, Handler: h})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- m.Run(ctx) }()
	st := srv.State()
	// Wait for the state to be known: the first update goes through.
	target.Store(1)
	if err := m.HandleUpdates(ctx, updates(0, msg(1, st.Pts+1))); err != nil {
		b.Fatal(err)
	}
	<-done
	pts := st.Pts + 1
	conts := make([]*tg.Updates, 1024)
	for i := range conts {
		conts[i] = updates(0, msg(int32(i), 0))
	}
	b.ReportAllocs()
	b.ResetTimer()
	target.Store(int64(b.N) + 1)
	for i := range b.N {
		c := conts[i%len(conts)]
		pts++
		// The loop may still read the container from the previous round; give it a fresh one.
		u := *c.Updates[0].(*tg.UpdateNewMessage)
		u.Pts = pts
		if err := m.HandleUpdates(ctx, &tg.Updates{Updates: []tg.UpdateClass{&u}, Date: 100}); err != nil {
			b.Fatal(err)
		}
	}
	<-done
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
	cancel()
	<-errc
}

func TestProcessZeroAlloc(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	for _, channel := range []bool{false, true} {
		r := newRing(3, channel)
		box, now := startedBox(t, r.pts)
		allocs := testing.AllocsPerRun(1000, func() {
			if _, err := box.Process(now, r.next()); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("channel=%v: Process allocates %.1f times per container on the gap-free path", channel, allocs)
		}
	}
}
