package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/mtgo-labs/mtgo/session"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcpool"
)

// loadingConn loads its session when it runs, as a session does when it starts, making a new
// key (testKey(9)) when none is stored.
type loadingConn struct {
	configConn
	store session.Store
	mu    sync.Mutex
	key   []byte
}

func (c *loadingConn) Run(ctx context.Context) error {
	c.mu.Lock() // Session waits for the key: the store tells the pool it is keyed before Run sees it
	s, err := c.store.Load(ctx)
	if errors.Is(err, session.ErrNoSession) || (err == nil && !s.HasKey()) {
		s = session.Session{AuthKey: testKey(9)}
		err = c.store.Save(ctx, s)
	}
	c.key = s.AuthKey
	c.mu.Unlock()
	if err != nil {
		return err
	}
	<-ctx.Done()
	return ctx.Err()
}

func (c *loadingConn) Session() session.Session {
	c.mu.Lock()
	defer c.mu.Unlock()
	return session.Session{DC: c.dc, AuthKey: c.key}
}

// stoppingConn is a keyConn that runs stopped when it is closed, before its Run returns.
type stoppingConn struct {
	keyConn
	stopped func()
}

func (c *stoppingConn) Run(ctx context.Context) error {
	<-ctx.Done()
	c.stopped()
	return ctx.Err()
}

// TestKeyForgottenWhileOpening: a data center forgot the key (4 ordinary, 203 a CDN), and a
// connection to it opens after the engine closed the pooled ones but before it dropped the
// key from the storage (or the CDN's memory): that connection loads the forgotten key. It is
// closed, not kept pooled; the next one makes a new key. Before, the pool kept it, and every
// call on it failed with -404 until its session gave up on the key.
func TestKeyForgottenWhileOpening(t *testing.T) {
	keyGone := fmt.Errorf("%w: %w", session.ErrClosed, session.ErrAuthKeyUnknown)
	for _, tt := range []struct {
		name string
		dc   int
		cdn  bool
	}{
		{"dc", 4, false},
		{"cdn", 203, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := &sessionsStore{m: map[int]session.Session{}}
			e := storeEngine(t, st)
			mem := e.cdnMemory(tt.dc, tt.cdn)
			store := conn.NewStore(sessions{e}, tt.dc, "", mem, &e.keyMu)
			if err := store.Save(t.Context(), session.Session{AuthKey: testKey(4), Salt: 44}); err != nil {
				t.Fatal(err)
			}
			open := func(ctx context.Context, dc int, media, cdn bool) (*conn.Live, error) {
				store := conn.NewStore(sessions{e}, dc, "", e.cdnMemory(dc, cdn), &e.keyMu)
				lc := conn.Start(e.spawn, dc, media, cdn, &loadingConn{configConn: configConn{dc: dc}, store: store}, nil, e.log)
				if err := waitKey(ctx, lc, store.Keyed()); err != nil {
					lc.Close()
					return nil, err
				}
				return lc, nil
			}
			e.pool = dcpool.New(e.spawn, open, 0, e.log)

			var opened *conn.Live // the connection opened while the key is dropped
			pooled := &stoppingConn{keyConn: keyConn{configConn: configConn{dc: tt.dc}, key: testKey(4)}}
			pooled.stopped = func() {
				var err error
				if opened, err = e.pool.Get(t.Context(), tt.dc, false, tt.cdn); err != nil {
					t.Errorf("open while the key is dropped: %v", err)
				}
			}
			e.pool.Put(dcpool.Key{DC: tt.dc, Media: true, CDN: tt.cdn}, conn.Start(e.spawn, tt.dc, true, tt.cdn, pooled, nil, e.log))

			failed := conn.New(tt.dc, false, tt.cdn, &keyConn{configConn: configConn{dc: tt.dc}, key: testKey(4)})
			if !e.keyForgotten(t.Context(), failed, keyGone) {
				t.Fatal("keyForgotten = false")
			}
			if opened == nil {
				t.Fatal("no connection opened while the key was dropped")
			}
			if !bytes.Equal(opened.Conn.Session().AuthKey, testKey(4)) {
				t.Fatalf("the connection opened meanwhile has key %.4x..., want the forgotten one", opened.Conn.Session().AuthKey)
			}
			if !opened.Done() {
				t.Error("the connection that loaded the forgotten key stays open")
			}
			next, err := e.pool.Get(t.Context(), tt.dc, false, tt.cdn)
			if err != nil {
				t.Fatal(err)
			}
			if got := next.Conn.Session().AuthKey; !bytes.Equal(got, testKey(9)) {
				t.Errorf("the next connection has key %.4x..., want a new one", got)
			}
		})
	}
}
