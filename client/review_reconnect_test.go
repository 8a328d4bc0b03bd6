package mtgo_test

import (
	"errors"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
)

// TestReviewAutoConnectHookStopsFromUpdateEngine: with AutoConnect, a session that gave up is
// connected again by the update engine's next getDifference, which runs Connect's OnConnect
// hooks. An OnConnect hook that calls Stop must get the documented behaviour of a hook the
// client runs (Stop starts the shutdown and returns at once), not wait for the update engine
// whose call is running the hook.
func TestReviewAutoConnectHookStopsFromUpdateEngine(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		o := startOutageBot(t, "review_auto_stop_bot", func(cfg *mtgo.Config) {
			cfg.ReconnectAttempts = 2
			cfg.AutoConnect = true
		})
		returned := make(chan struct{}, 1)
		o.b.OnConnect(func(ctx *mtgo.Context) {
			ctx.Client.Stop()
			returned <- struct{}{}
		})
		o.cut()
		for reason := error(nil); !errors.Is(reason, mtgo.ErrReconnectFailed); {
			reason = within(t, o.lost, 5*time.Minute, "the final OnDisconnect of the outage")
		}
		o.down.Store(false)
		within(t, returned, 20*time.Minute, "Stop's return in the OnConnect hook of the update engine's reconnect")
		within(t, o.b.Done(), time.Minute, "the client's stop")
	})
}

// TestReviewAutoConnectDisconnectStays: with AutoConnect, only a session that gave up is
// revived by the update engine; a client the user disconnected stays so (the update engine
// stops with Disconnect and its idle check never comes), even with a message waiting.
func TestReviewAutoConnectDisconnectStays(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		o := startOutageBot(t, "review_auto_disc_bot", func(cfg *mtgo.Config) {
			cfg.AutoConnect = true
		})
		if err := o.b.Disconnect(); err != nil {
			t.Fatal(err)
		}
		o.sender.send(t)
		time.Sleep(time.Hour)
		synctest.Wait()
		if o.b.IsConnected() {
			t.Fatal("connected an hour after Disconnect with nobody calling")
		}
		if err := o.b.Connect(time.Minute); err != nil {
			t.Fatal(err)
		}
		o.rec.wait(t, 1, 20*time.Minute)
		o.rec.check(t, []*soakSender{o.sender})
	})
}

// TestReviewDisconnectEndsEndlessRedial: with the default ReconnectAttempts the home
// connection redials for ever during an outage; Disconnect ends that loop at once, and
// nothing dials or piles up afterwards (goroutines flat over the next virtual hour).
func TestReviewDisconnectEndsEndlessRedial(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		o := startOutageBot(t, "review_disc_outage_bot", func(*mtgo.Config) {})
		o.cut()
		time.Sleep(time.Hour)
		done := make(chan error, 1)
		go func() { done <- o.b.Disconnect() }()
		if err := within(t, done, time.Second, "Disconnect's return during the outage"); err != nil {
			t.Fatalf("Disconnect during the outage: %v", err)
		}
		synctest.Wait()
		before := runtime.NumGoroutine()
		time.Sleep(time.Hour)
		synctest.Wait()
		if after := runtime.NumGoroutine(); after > before || o.b.IsConnected() {
			t.Fatalf("an hour after Disconnect: %d goroutines (%d before), connected %v; want no more, not connected",
				after, before, o.b.IsConnected())
		}
	})
}

// TestReviewStopEndsEndlessRedial: Stop during an outage the home connection redials for
// ever returns at once and leaves the client stopped.
func TestReviewStopEndsEndlessRedial(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		o := startOutageBot(t, "review_stop_outage_bot", func(*mtgo.Config) {})
		o.cut()
		time.Sleep(time.Hour)
		stopped := make(chan struct{})
		go func() {
			o.b.Stop()
			close(stopped)
		}()
		within(t, stopped, time.Second, "Stop's return during the outage")
		within(t, o.b.Done(), time.Second, "the client's stop")
	})
}
