package mtgobench

import (
	"context"
	"sync/atomic"
	"testing"

	gotdtelegram "github.com/gotd/td/telegram"
	gotdupdates "github.com/gotd/td/telegram/updates"
	gotdtg "github.com/gotd/td/tg"

	mtgotg "github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// Side-by-side update engines: MTGo's updates.Manager against gotd's telegram/updates.Manager,
// both fed one updates container with one updateNewMessage per call from the benchmark
// goroutine, in pts order with no gaps, through their in-memory state storage, to a handler
// that counts. A run ends when the handler has seen every update. Numbers are recorded in
// updates/README.md.

const updatesStartPts = 100

// countUntil signals done when n updates were counted.
type countUntil struct {
	seen   atomic.Int64
	target atomic.Int64
	done   chan struct{}
}

func newCountUntil() *countUntil { return &countUntil{done: make(chan struct{}, 1)} }

func (c *countUntil) add(n int) {
	if c.seen.Add(int64(n)) == c.target.Load() {
		c.done <- struct{}{}
	}
}

// expect sets the total to wait for.
func (c *countUntil) expect(n int64) { c.target.Store(n) }

// mtgoAPI is a server with nothing to catch up.
type mtgoAPI struct{}

func (mtgoAPI) UpdatesGetState(context.Context, *mtgotg.UpdatesGetStateRequest) (*mtgotg.UpdatesState, error) {
	return &mtgotg.UpdatesState{Pts: updatesStartPts, Qts: 1, Seq: 1, Date: 1}, nil
}

func (mtgoAPI) UpdatesGetDifference(context.Context, *mtgotg.UpdatesGetDifferenceRequest) (mtgotg.UpdatesDifferenceClass, error) {
	return &mtgotg.UpdatesDifferenceEmpty{Date: 1, Seq: 1}, nil
}

func (mtgoAPI) UpdatesGetChannelDifference(context.Context, *mtgotg.UpdatesGetChannelDifferenceRequest) (mtgotg.UpdatesChannelDifferenceClass, error) {
	return &mtgotg.UpdatesChannelDifferenceEmpty{Final: true}, nil
}

// gotdAPI is the same server for gotd.
type gotdAPI struct{}

func (gotdAPI) UpdatesGetState(context.Context) (*gotdtg.UpdatesState, error) {
	return &gotdtg.UpdatesState{Pts: updatesStartPts, Qts: 1, Seq: 1, Date: 1}, nil
}

func (gotdAPI) UpdatesGetDifference(context.Context, *gotdtg.UpdatesGetDifferenceRequest) (gotdtg.UpdatesDifferenceClass, error) {
	return &gotdtg.UpdatesDifferenceEmpty{Date: 1, Seq: 1}, nil
}

func (gotdAPI) UpdatesGetChannelDifference(context.Context, *gotdtg.UpdatesGetChannelDifferenceRequest) (gotdtg.UpdatesChannelDifferenceClass, error) {
	return &gotdtg.UpdatesChannelDifferenceEmpty{Final: true}, nil
}

func BenchmarkUpdatesManager(b *testing.B) {
	b.Run("mtgo", func(b *testing.B) {
		c := newCountUntil()
		m, err := updates.NewManager(updates.Options{API: mtgoAPI{}, Handler: updates.HandlerFunc(func(_ context.Context, bt updates.Batch) error {
			c.add(len(bt.Updates))
			return nil
		})})
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- m.Run(ctx) }()
		push := func(pts int) {
			u := &mtgotg.UpdateNewMessage{Message: &mtgotg.Message{ID: int32(pts), PeerID: &mtgotg.PeerUser{UserID: 1}}, Pts: int32(pts), PtsCount: 1}
			if err := m.HandleUpdates(ctx, &mtgotg.Updates{Updates: []mtgotg.UpdateClass{u}, Date: 1}); err != nil {
				b.Fatal(err)
			}
		}
		timeUpdates(b, c, push)
		cancel()
		<-errc
	})
	b.Run("gotd", func(b *testing.B) {
		c := newCountUntil()
		h := gotdtelegram.UpdateHandlerFunc(func(_ context.Context, u gotdtg.UpdatesClass) error {
			if us, ok := u.(*gotdtg.Updates); ok {
				c.add(len(us.Updates))
			}
			return nil
		})
		m := gotdupdates.New(gotdupdates.Config{Handler: h})
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		errc := make(chan error, 1)
		go func() {
			errc <- m.Run(ctx, gotdAPI{}, 1, gotdupdates.AuthOptions{Forget: true, OnStart: func(context.Context) { close(started) }})
		}()
		<-started
		push := func(pts int) {
			u := &gotdtg.UpdateNewMessage{Message: &gotdtg.Message{ID: pts, PeerID: &gotdtg.PeerUser{UserID: 1}}, Pts: pts, PtsCount: 1}
			if err := m.Handle(ctx, &gotdtg.Updates{Updates: []gotdtg.UpdateClass{u}, Date: 1}); err != nil {
				b.Fatal(err)
			}
		}
		timeUpdates(b, c, push)
		cancel()
		<-errc
	})
}

// timeUpdates pushes one update that goes through once the state is known, then times b.N
// more in order, each counted by c once handled.
func timeUpdates(b *testing.B, c *countUntil, push func(pts int)) {
	c.expect(1)
	push(updatesStartPts + 1)
	<-c.done
	b.ReportAllocs()
	b.ResetTimer()
	c.expect(int64(b.N) + 1)
	for i := range b.N {
		push(updatesStartPts + 2 + i)
	}
	<-c.done
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "updates/s")
}
