package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcpool"
	"github.com/mtgo-labs/mtgo/client/internal/dcs"
)

// sessionsStore keeps sessions by data center. Set before use, loaded runs after each load
// has read the session (before it returns it), and a non-nil saveErr fails every save.
type sessionsStore struct {
	mu      sync.Mutex
	m       map[int]session.Session
	loaded  func(dc int)
	saveErr error
}

func (s *sessionsStore) LoadSession(_ context.Context, dc int) (session.Session, error) {
	s.mu.Lock()
	sess, ok := s.m[dc]
	s.mu.Unlock()
	if s.loaded != nil {
		s.loaded(dc)
	}
	if !ok {
		return session.Session{}, session.ErrNoSession
	}
	return sess, nil
}

func (s *sessionsStore) SaveSession(_ context.Context, sess session.Session) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.saveErr != nil {
		return s.saveErr
	}
	s.m[sess.DC] = sess
	return nil
}

func (s *sessionsStore) SetHomeDC(context.Context, int) error { return nil }

// storeEngine returns an engine with home data center 2 that keeps its sessions in st and
// dials nothing, closed when the test ends.
func storeEngine(t *testing.T, st *sessionsStore) *Engine {
	e := New(Options{
		HomeDC: 2,
		Table:  dcs.New(false, false, nil),
		Store:  st,
		Dialer: func(bool) session.Dialer { return nil },
	})
	t.Cleanup(e.Close)
	return e
}

// TestReauthorizeKeepsHome: a 401 on a call routed to a data center (CallDC, a media
// connection) re-authorizes it by dropping its authorization record, but the home data
// center's record is the login itself, never imported: it stays. A 401 that refused a
// temporary key's binding on the home data center (routed there by CallDC) cleared the
// stored account of the home session.
func TestReauthorizeKeepsHome(t *testing.T) {
	st := &sessionsStore{m: map[int]session.Session{
		2: {DC: 2, UserID: 7, AuthKey: make([]byte, session.AuthKeySize)},
		4: {DC: 4, UserID: 7, AuthKey: make([]byte, session.AuthKeySize)},
	}}
	e := storeEngine(t, st)
	target{e}.Reauthorize(2)
	target{e}.Reauthorize(4)
	got := map[int]int64{}
	for dc, s := range st.m {
		got[dc] = s.UserID
	}
	if diff := cmp.Diff(map[int]int64{2: 7, 4: 0}, got); diff != "" {
		t.Fatalf("stored accounts after Reauthorize of dc 2 (home) and 4 (-want +got):\n%s", diff)
	}
}

// keyConn is a configConn whose session has an auth key.
type keyConn struct {
	configConn
	key []byte
}

func (c *keyConn) Session() session.Session { return session.Session{DC: c.dc, AuthKey: c.key} }

// TestKeyForgottenDropsDCKey: a pooled connection to a data center other than the home one
// that failed because the data center forgot its auth key (session.ErrAuthKeyUnknown) drops
// the stored key, its salt and its mark of authorization when the key is still the one it
// used, so the next connection makes a new key and imports the authorization again. A newer
// key stays, and so do the home data center's key (the login's, dropped by the home
// connection's end), the stored sessions when a CDN forgot its key (TestKeyForgottenDropsCDNKey)
// and a key whose connection failed otherwise. Before, the stored
// key and mark stayed: every later connection got -404 again.
func TestKeyForgottenDropsDCKey(t *testing.T) {
	key := func(b byte) []byte { return bytes.Repeat([]byte{b}, session.AuthKeySize) }
	keyGone := fmt.Errorf("%w: %w", session.ErrClosed, session.ErrAuthKeyUnknown)
	tests := []struct {
		name     string
		dc       int
		cdn      bool
		used     []byte // the key of the failed connection
		err      error
		want     bool
		wantKept bool // the stored session is unchanged
	}{
		{"other dc, same key", 4, false, key(4), keyGone, true, false},
		{"other dc, newer key stored", 4, false, key(9), keyGone, true, true},
		{"home dc", 2, false, key(2), keyGone, false, true},
		{"cdn (its key is in memory)", 4, true, key(4), keyGone, true, true},
		{"other failure", 4, false, key(4), errors.New("connection lost"), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := map[int]session.Session{
				2: {DC: 2, UserID: 7, AuthKey: key(2), Salt: 22},
				4: {DC: 4, UserID: 7, AuthKey: key(4), Salt: 44},
			}
			st := &sessionsStore{m: maps.Clone(stored)}
			e := storeEngine(t, st)
			lc := conn.New(tt.dc, true, tt.cdn, &keyConn{configConn: configConn{dc: tt.dc}, key: tt.used})
			if got := e.keyForgotten(t.Context(), lc, tt.err); got != tt.want {
				t.Errorf("keyForgotten = %v, want %v", got, tt.want)
			}
			want := stored
			if !tt.wantKept {
				want = maps.Clone(stored)
				want[tt.dc] = session.Session{DC: tt.dc}
			}
			if diff := cmp.Diff(want, st.m); diff != "" {
				t.Errorf("stored sessions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestKeyForgottenDropsCDNKey: a pooled connection to a CDN data center that failed because
// the CDN forgot its auth key (session.ErrAuthKeyUnknown) drops the key the CDN's connections
// share in memory, when it is still the one it used, and closes the pooled CDN connections,
// so the next one makes a new key; the ordinary data center's connections stay. A newer key
// stays, with the connections, and so does the key when the connection failed otherwise.
// Before, keyForgotten left CDN keys alone: every later connection to the CDN got -404 again.
func TestKeyForgottenDropsCDNKey(t *testing.T) {
	const cdnDC = 203
	key := func(b byte) []byte { return bytes.Repeat([]byte{b}, session.AuthKeySize) }
	keyGone := fmt.Errorf("%w: %w", session.ErrClosed, session.ErrAuthKeyUnknown)
	tests := []struct {
		name     string
		stored   []byte // the CDN key in memory; nil: none
		used     []byte // the key of the failed connection
		err      error
		want     bool
		wantKept bool // the key in memory and the pooled CDN connection stay
	}{
		{"same key", key(1), key(1), keyGone, true, false},
		{"newer key in memory", key(9), key(1), keyGone, true, true},
		{"nothing in memory", nil, key(1), keyGone, true, true},
		{"other failure", key(1), key(1), errors.New("connection lost"), false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := storeEngine(t, &sessionsStore{m: map[int]session.Session{}})
			mem := e.cdnMemory(cdnDC, true)
			st := conn.NewStore(nil, cdnDC, "", mem, nil)
			if tt.stored != nil {
				if err := st.Save(t.Context(), session.Session{AuthKey: tt.stored, Salt: 5}); err != nil {
					t.Fatal(err)
				}
			}
			pooledCDN := conn.New(cdnDC, false, true, &keyConn{configConn: configConn{dc: cdnDC}, key: tt.stored})
			pooledDC := conn.New(cdnDC, false, false, &keyConn{configConn: configConn{dc: cdnDC}})
			e.pool.Put(dcpool.Key{DC: cdnDC, CDN: true}, pooledCDN)
			e.pool.Put(dcpool.Key{DC: cdnDC}, pooledDC)

			lc := conn.New(cdnDC, false, true, &keyConn{configConn: configConn{dc: cdnDC}, key: tt.used})
			if got := e.keyForgotten(t.Context(), lc, tt.err); got != tt.want {
				t.Errorf("keyForgotten = %v, want %v", got, tt.want)
			}
			var gotKey []byte
			if s, err := st.Load(t.Context()); err == nil {
				gotKey = s.AuthKey
			} else if !errors.Is(err, session.ErrNoSession) {
				t.Fatal(err)
			}
			wantKey := tt.stored
			if !tt.wantKept {
				wantKey = nil
			}
			if !bytes.Equal(gotKey, wantKey) {
				t.Errorf("cdn key in memory %x, want %x", gotKey, wantKey)
			}
			if pooledCDN.Done() == tt.wantKept {
				t.Errorf("pooled cdn connection closed: %v, want %v", pooledCDN.Done(), !tt.wantKept)
			}
			if pooledDC.Done() {
				t.Error("the ordinary data center's pooled connection was closed")
			}
		})
	}
}
