package engine

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcs"
)

// markedEngine is an engine whose connections are markedConns, returned in dial order.
func markedEngine(t *testing.T, gate func(dc int)) (*Engine, func() []int32) {
	t.Helper()
	var mu sync.Mutex
	var conns []*markedConn
	e := New(Options{
		HomeDC:    2,
		Table:     dcs.New(false, false, nil),
		Store:     homeStore{},
		Dialer:    func(bool) session.Dialer { return nil },
		Reconnect: session.ReconnectPolicy{Persistent: true},
		NewConn: func(cc conn.Config) (conn.Conn, error) {
			if gate != nil {
				gate(cc.DC)
			}
			mu.Lock()
			defer mu.Unlock()
			c := &markedConn{configConn: configConn{dc: cc.DC}}
			conns = append(conns, c)
			return c, nil
		},
	})
	t.Cleanup(e.Close)
	return e, func() []int32 {
		mu.Lock()
		defer mu.Unlock()
		var got []int32
		for _, c := range conns {
			got = append(got, c.marked.Load())
		}
		return got
	}
}

// TestEstablishedStaleGen: after a Disconnect and a newer Connect, the older Connect's
// Established and DisconnectGen (a client Connect still in its account check, then finishing
// or failing) leave the newer home connection alone: it stays connected and bounded until
// its own Established.
func TestEstablishedStaleGen(t *testing.T) {
	e, marks := markedEngine(t, nil)
	older, err := e.Connect(t.Context(), &countedBinder{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if e.Established(older) {
		t.Error("Established(older) with no connection = true, want false")
	}
	newer, err := e.Connect(t.Context(), &countedBinder{})
	if err != nil {
		t.Fatal(err)
	}
	if newer == older {
		t.Fatalf("two Connects returned the same Gen %d", newer)
	}
	if e.Established(older) {
		t.Error("Established(older) = true, want false")
	}
	if err := e.DisconnectGen(older); !errors.Is(err, ErrNotConnected) {
		t.Errorf("DisconnectGen(older) = %v, want %v", err, ErrNotConnected)
	}
	if !e.Connected() {
		t.Fatal("DisconnectGen(older) closed the newer Connect's connection")
	}
	if diff := cmp.Diff([]int32{0, 0}, marks()); diff != "" {
		t.Fatalf("stale Established marked (-want +got):\n%s", diff)
	}
	if !e.Established(newer) {
		t.Error("Established(newer) = false, want true")
	}
	if diff := cmp.Diff([]int32{0, 1}, marks()); diff != "" {
		t.Errorf("MarkEstablished calls per connection (-want +got):\n%s", diff)
	}
	if err := e.DisconnectGen(newer); err != nil {
		t.Errorf("DisconnectGen(newer) = %v", err)
	}
	if e.Connected() {
		t.Error("DisconnectGen(newer) left the connection up")
	}
}

// TestMigrateStaleHome: a migration of a home connection that a Disconnect and a newer
// Connect replaced while it dialed does not take the newer one's place.
func TestMigrateStaleHome(t *testing.T) {
	dialing, release := make(chan struct{}), make(chan struct{})
	e, marks := markedEngine(t, func(dc int) {
		if dc == 4 {
			close(dialing)
			<-release
		}
	})
	if _, err := e.Connect(t.Context(), &countedBinder{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.MigrateHome(context.Background(), 4) }()
	<-dialing
	if err := e.Disconnect(); err != nil {
		t.Fatal(err)
	}
	newer, err := e.Connect(t.Context(), &countedBinder{})
	if err != nil {
		t.Fatal(err)
	}
	e.Established(newer)
	close(release)
	if err := <-done; !errors.Is(err, ErrNotConnected) {
		t.Errorf("stale migration = %v, want %v", err, ErrNotConnected)
	}
	if dc, connected := e.Home(); dc != 2 || !connected {
		t.Errorf("home after the stale migration = dc %d, connected %v; want dc 2, connected", dc, connected)
	}
	if diff := cmp.Diff([]int32{0, 1, 0}, marks()); diff != "" {
		t.Errorf("MarkEstablished calls per connection (-want +got):\n%s", diff)
	}
}

// warnings is a slog.Handler that keeps the messages of warnings.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) Enabled(context.Context, slog.Level) bool { return true }
func (w *warnings) WithAttrs([]slog.Attr) slog.Handler       { return w }
func (w *warnings) WithGroup(string) slog.Handler            { return w }
func (w *warnings) Handle(_ context.Context, r slog.Record) error {
	if r.Level == slog.LevelWarn {
		w.mu.Lock()
		w.msgs = append(w.msgs, r.Message)
		w.mu.Unlock()
	}
	return nil
}

func (w *warnings) list() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.msgs...)
}

// TestWarnUnmarkableConn: a Persistent home connection whose Conn has no MarkEstablished
// (a replaced SessionFactory's) is warned about once per engine, at Connect, naming the
// fix; a Conn that has it, or a policy that is not Persistent or never gives up, is not.
func TestWarnUnmarkableConn(t *testing.T) {
	tests := []struct {
		name   string
		policy session.ReconnectPolicy
		marked bool
		want   int
	}{
		{name: "unmarkable", policy: session.ReconnectPolicy{Persistent: true}, want: 1},
		{name: "markable", policy: session.ReconnectPolicy{Persistent: true}, marked: true},
		{name: "not persistent", policy: session.ReconnectPolicy{}},
		{name: "never gives up", policy: session.ReconnectPolicy{Persistent: true, MaxAttempts: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &warnings{}
			e := New(Options{
				HomeDC:    2,
				Table:     dcs.New(false, false, nil),
				Store:     homeStore{},
				Dialer:    func(bool) session.Dialer { return nil },
				Reconnect: tt.policy,
				Log:       slog.New(w),
				NewConn: func(cc conn.Config) (conn.Conn, error) {
					if tt.marked {
						return &markedConn{configConn: configConn{dc: cc.DC}}, nil
					}
					return &configConn{dc: cc.DC}, nil
				},
			})
			defer e.Close()
			for range 3 { // three Connects, one warning
				gen, err := e.Connect(t.Context(), &countedBinder{})
				if err != nil {
					t.Fatal(err)
				}
				e.Established(gen)
				if err := e.DisconnectGen(gen); err != nil {
					t.Fatal(err)
				}
			}
			got := w.list()
			if len(got) != tt.want {
				t.Fatalf("warnings = %q, want %d", got, tt.want)
			}
			for _, m := range got {
				for _, fix := range []string{"MarkEstablished()", "*session.Conn"} {
					if !strings.Contains(m, fix) {
						t.Errorf("warning %q does not name %q", m, fix)
					}
				}
			}
		})
	}
}
