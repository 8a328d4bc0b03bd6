package mtgo_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// markFactory is a pfsFactory whose home connections count MarkEstablished, in dial order.
type markFactory struct {
	pfs   pfsFactory
	mu    sync.Mutex
	marks []*atomic.Int32
}

func (f *markFactory) NewConn(cc mtgo.ConnConfig) (mtgo.Conn, error) {
	c, err := f.pfs.NewConn(cc)
	if err != nil || cc.Media || cc.CDN {
		return c, err
	}
	n := new(atomic.Int32)
	f.mu.Lock()
	f.marks = append(f.marks, n)
	f.mu.Unlock()
	return markedConn{pfsConn: c.(pfsConn), marks: n}, nil
}

// counts returns the MarkEstablished calls of each connection made so far.
func (f *markFactory) counts() []int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var got []int32
	for _, n := range f.marks {
		got = append(got, n.Load())
	}
	return got
}

// markedConn counts MarkEstablished before passing it on.
type markedConn struct {
	pfsConn
	marks *atomic.Int32
}

func (c markedConn) MarkEstablished() {
	c.marks.Add(1)
	c.pfsConn.MarkEstablished()
}

// holdAccountChecks makes every users.getUsers of b send a channel on held and wait there
// for what to do: nil sends the call, an error fails it.
func holdAccountChecks(b *testClient) <-chan chan error {
	held := make(chan chan error)
	b.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			if _, ok := in.(*tg.UsersGetUsersRequest); !ok {
				return next.Invoke(ctx, in, out)
			}
			release := make(chan error)
			held <- release
			if err := <-release; err != nil {
				return err
			}
			return next.Invoke(ctx, in, out)
		})
	})
	return held
}

// TestStaleConnectLeavesNewerConnection: a Connect A still in its account check while a
// Disconnect and a newer Connect B come acts no more on the home connection, which is B's:
// A succeeding (its users.getUsers answered on B's connection) neither makes B's connection
// redial for ever (MarkEstablished) before B's own check answered, nor returns nil; A failing
// does not close B's connection. B then connects as if A had never run.
func TestStaleConnectLeavesNewerConnection(t *testing.T) {
	errCheck := errors.New("account check failed")
	for _, tc := range []struct {
		name  string
		check error // what A's users.getUsers gets
		want  error // what A's Connect returns
	}{
		{name: "stale success", want: mtgo.ErrNotConnected},
		{name: "stale failure", check: errCheck, want: errCheck},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := cluster(t)
			bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Stale", Username: "connect_stale_bot"})
			if err != nil {
				t.Fatal(err)
			}
			f := &markFactory{pfs: pfsFactory{served: make(chan struct{}, 8)}}
			b := e2eClient(t, cl, func(cfg *mtgo.Config) {
				cfg.BotToken = bot.Token
				cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(f))
			})
			if err := b.Start0(t); err != nil {
				t.Fatal(err)
			}
			if err := b.Disconnect(); err != nil {
				t.Fatal(err)
			}
			held := holdAccountChecks(b)
			doneA, doneB := make(chan error, 1), make(chan error, 1)
			go func() { doneA <- b.ConnectContext(context.Background()) }()
			releaseA := <-held
			if err := b.Disconnect(); err != nil {
				t.Fatalf("Disconnect during Connect A's account check: %v", err)
			}
			go func() { doneB <- b.ConnectContext(context.Background()) }()
			releaseB := <-held
			releaseA <- tc.check
			errA := <-doneA
			// Start0's connection, A's, B's: B's untold and up while its check waits.
			if diff := cmp.Diff([]int32{1, 0, 0}, f.counts()); diff != "" {
				t.Errorf("MarkEstablished per connection after A ended (-want +got):\n%s", diff)
			}
			if !b.IsConnected() {
				t.Fatal("Connect A's end closed Connect B's connection")
			}
			if !errors.Is(errA, tc.want) {
				t.Fatalf("stale Connect A = %v, want %v", errA, tc.want)
			}
			releaseB <- nil
			if err := <-doneB; err != nil {
				t.Fatalf("Connect B: %v", err)
			}
			if diff := cmp.Diff([]int32{1, 0, 1}, f.counts()); diff != "" {
				t.Errorf("MarkEstablished per connection after B (-want +got):\n%s", diff)
			}
			if me := b.Me(); me == nil || me.ID != bot.ID {
				t.Fatalf("Me after Connect B = %+v, want the bot %d", me, bot.ID)
			}
			if _, err := b.InvokeContext(context.Background(), &tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
				t.Fatalf("call after Connect B: %v", err)
			}
		})
	}
}

// bareFactory builds session Conns that hide MarkEstablished, as a SessionFactory written
// before it existed: only the Conn interface's methods.
type bareFactory struct{ pfs pfsFactory }

func (f bareFactory) NewConn(cc mtgo.ConnConfig) (mtgo.Conn, error) {
	c, err := f.pfs.NewConn(cc)
	if err != nil {
		return nil, err
	}
	return bareConn{c}, nil
}

type bareConn struct{ mtgo.Conn }

// TestUnmarkableSessionFactoryWarns: a default-config client whose SessionFactory's Conn has
// no MarkEstablished method (so its home connection never redials for ever and gives up after
// 8 failed dials in a later outage) says so in one warning naming the fix, however many
// times it connects; the default factory gives none.
func TestUnmarkableSessionFactoryWarns(t *testing.T) {
	cl := cluster(t)
	for _, tc := range []struct {
		name    string
		factory mtgo.SessionFactory
		want    int
	}{
		{name: "bare", factory: bareFactory{pfs: pfsFactory{served: make(chan struct{}, 8)}}, want: 1},
		{name: "default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Bare", Username: "bare_factory_" + strings.ReplaceAll(tc.name, " ", "_") + "_bot"})
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var logs bytes.Buffer
			b := e2eClient(t, cl, func(cfg *mtgo.Config) {
				cfg.BotToken = bot.Token
				cfg.Log = mtgo.LogConfig{Handler: slog.NewTextHandler(&lockedWriter{mu: &mu, w: &logs}, nil), Level: slog.LevelWarn}
				if tc.factory != nil {
					cfg.FxOptions = append(cfg.FxOptions, mtgo.ReplaceSessionFactory(tc.factory))
				}
			})
			for i := range 3 {
				if err := b.Start0(t); err != nil {
					t.Fatalf("Connect %d: %v", i, err)
				}
				if err := b.Disconnect(); err != nil {
					t.Fatal(err)
				}
			}
			mu.Lock()
			out := logs.String()
			mu.Unlock()
			if got := strings.Count(out, "MarkEstablished()"); got != tc.want {
				t.Fatalf("%d warnings naming MarkEstablished(), want %d; log:\n%s", got, tc.want, out)
			}
			if tc.want > 0 && !strings.Contains(out, "*session.Conn") {
				t.Errorf("the warning names no *session.Conn to embed:\n%s", out)
			}
		})
	}
}

// lockedWriter serialises writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
