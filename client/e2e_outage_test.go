package mtgo_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// outageBot is a bot on an in-memory cluster whose network can be cut (every dial fails),
// with one person who writes to it; it runs in a synctest bubble (virtual time).
type outageBot struct {
	t      *testing.T
	cl     *teletest.Cluster
	b      *testClient
	sender *soakSender
	rec    *soakRecorder
	down   atomic.Bool
	lost   chan error // OnDisconnect reasons
	back   chan struct{}
	logs   *levelCount
}

// levelCount is a log handler counting records by level, but for the update engine's
// (its failed getDifference calls are logged while the link is down: not the redial loop's).
type levelCount struct {
	mu sync.Mutex
	n  map[slog.Level]int
}

func (c *levelCount) Enabled(context.Context, slog.Level) bool { return true }
func (c *levelCount) Handle(_ context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, "updates") {
		return nil
	}
	c.mu.Lock()
	c.n[r.Level]++
	c.mu.Unlock()
	return nil
}
func (c *levelCount) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *levelCount) WithGroup(string) slog.Handler      { return c }

func (c *levelCount) count(l slog.Level) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[l]
}

// errOutage fails the dials of an outage.
var errOutage = errors.New("test: network unreachable")

func startOutageBot(t *testing.T, name string, edit func(*mtgo.Config)) *outageBot {
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), InMemory: true, StrictSeqNo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	o := &outageBot{t: t, cl: cl, rec: newSoakRecorder(), lost: make(chan error, 64), back: make(chan struct{}, 64),
		logs: &levelCount{n: map[slog.Level]int{}}}
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: name, Username: name})
	if err != nil {
		t.Fatal(err)
	}
	inner := cl.Dialer()
	dialer := transport.DialerFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
		if o.down.Load() {
			return nil, fmt.Errorf("dial %s: %w", addr, errOutage)
		}
		return inner.DialContext(ctx, network, addr)
	})
	o.b = e2eClient(t, cl, func(cfg *mtgo.Config) {
		cfg.BotToken = bot.Token
		cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceDialer(dialer))
		cfg.Log = mtgo.LogConfig{Handler: o.logs, Level: slog.LevelDebug}
		edit(cfg)
	})
	o.b.OnMessage(o.rec.handle)
	o.b.OnDisconnect(func(ctx *mtgo.Context) { o.lost <- ctx.Reason })
	o.b.OnReconnect(func(*mtgo.Context, mtgo.ReconnectInfo) { o.back <- struct{}{} })
	if err := o.b.Start0(t); err != nil {
		t.Fatal(err)
	}
	o.sender = newSoakSenders(t, cl, name, 1)[0]
	return o
}

// cut takes the network down and drops the bot's connection; it returns the reason
// OnDisconnect reported.
func (o *outageBot) cut() error {
	o.down.Store(true)
	o.cl.Faults().DropConnections(o.b.DC())
	return within(o.t, o.lost, time.Minute, "OnDisconnect of the outage")
}

// within receives from ch, failing t when nothing comes within d (virtual time).
func within[T any](t *testing.T, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("no %s within %v", what, d)
	}
	var zero T
	return zero
}

// outageBubble runs f in a synctest bubble, the shared key made first, outside it (once for
// the package: a key made in a bubble would tie the later tests to it).
func outageBubble(t *testing.T, f func(*testing.T)) {
	sharedKey(t)
	monthsBubble(t, f)
}

// TestOutageDefaultConfig: with the default ReconnectAttempts, a bot whose network is down for
// two hours (every dial fails) keeps redialing, never reports ErrReconnectFailed, and is back
// by itself with the message posted meanwhile once the network is; a call made during the
// outage fails within its attempt's timeout with an error that says so. The redial loop's
// second hour costs no goroutine and no warning, and at most two info records.
func TestOutageDefaultConfig(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		o := startOutageBot(t, "outage_default_bot", func(*mtgo.Config) {})
		if reason := o.cut(); reason == nil || errors.Is(reason, mtgo.ErrReconnectFailed) {
			t.Fatalf("OnDisconnect reason %v, want the loss", reason)
		}
		o.sender.send(t)

		timeout := 15 * time.Second // e2eConfig's RequestTimeout
		for _, retries := range []int{0, 2} {
			start := time.Now()
			_, err := o.b.Invoke(&tg.HelpGetNearestDCRequest{}, retries, 0)
			took := time.Since(start)
			if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), errOutage.Error()) {
				t.Errorf("call during the outage (retries %d) = %v, want a timeout naming the failed redials", retries, err)
			}
			// Each attempt ends at its timeout; the policy's pauses between them are short.
			if limit := time.Duration(retries+1)*timeout + 10*time.Second; took > limit {
				t.Errorf("call during the outage (retries %d) took %v, want at most %v", retries, took, limit)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		_, err := o.b.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 0, 0)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("call with a 3 s context during the outage = %v, want its deadline", err)
		}

		// The most goroutines seen in each hour, sampled every minute: those of a call or a
		// dial in flight come and go, none may stay per attempt.
		peak := func() int {
			n := 0
			for range 60 {
				time.Sleep(time.Minute)
				synctest.Wait()
				n = max(n, runtime.NumGoroutine())
			}
			return n
		}
		g1 := peak()
		info1, warn1 := o.logs.count(slog.LevelInfo), o.logs.count(slog.LevelWarn)
		g2 := peak()
		info2, warn2 := o.logs.count(slog.LevelInfo), o.logs.count(slog.LevelWarn)
		// The second hour: some 120 failed dials at the 30 s cap, one power of two (128). A
		// sample may catch a call or dial in flight that another hour's samples missed (the
		// update engine's getDifference connects aside, on a goroutine of its own), so the
		// peaks may differ by a couple; a goroutine left per attempt would add some 120.
		if g2 > g1+2 || info2-info1 > 2 || warn2 != warn1 {
			t.Errorf("second hour of the outage: at most %d goroutines (%d in the first), %d info and %d warning records, want at most 2 more goroutines, at most 2 info, no warning",
				g2, g1, info2-info1, warn2-warn1)
		}
		select {
		case reason := <-o.lost:
			t.Fatalf("OnDisconnect during the outage: %v", reason)
		default:
		}
		o.down.Store(false)
		within(t, o.back, 2*time.Minute, "OnReconnect once the network is back")
		o.rec.wait(t, 1, time.Minute)
		o.rec.check(t, []*soakSender{o.sender})
		if !o.b.IsConnected() {
			t.Fatal("not connected after the outage")
		}
	})
}

// TestOutageAutoConnectUpdateRecovery: with a ReconnectAttempts of its own the bot's session
// gives up during an outage (OnDisconnect with ErrReconnectFailed). With AutoConnect the
// update engine's next getDifference (its idle check, 15 min) connects it anew like a call
// of the user would: a bot that only answers updates gets the message posted meanwhile
// without anyone calling.
func TestOutageAutoConnectUpdateRecovery(t *testing.T) {
	outageBubble(t, func(t *testing.T) {
		o := startOutageBot(t, "outage_auto_bot", func(cfg *mtgo.Config) {
			cfg.ReconnectAttempts = 2
			cfg.AutoConnect = true
		})
		o.cut()
		for reason := error(nil); !errors.Is(reason, mtgo.ErrReconnectFailed); {
			reason = within(t, o.lost, 5*time.Minute, "the final OnDisconnect of the outage")
		}
		o.sender.send(t)
		time.Sleep(time.Hour)
		o.down.Store(false)
		o.rec.wait(t, 1, 20*time.Minute)
		o.rec.check(t, []*soakSender{o.sender})
		if !o.b.IsConnected() {
			t.Fatal("not connected after the update engine's recovery")
		}
	})
}
