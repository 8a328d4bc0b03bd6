package engine

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl"

	"github.com/mtgo-labs/mtgo/client/internal/conn"
	"github.com/mtgo-labs/mtgo/client/internal/dcs"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, session.AuthKeySize) }

// TestForgetKeyKeepsNewerKey: another connection saving a new key of the data center while
// forgetKey drops the forgotten one (after forgetKey loaded the stored session, before it
// saved it) keeps its new key. Before, forgetKey loaded, compared and saved holding nothing
// the connections' stores hold, and wiped the new key.
func TestForgetKeyKeepsNewerKey(t *testing.T) {
	st := &sessionsStore{m: map[int]session.Session{4: {DC: 4, UserID: 7, AuthKey: testKey(4), Salt: 44}}}
	e := storeEngine(t, st)
	other := conn.NewStore(sessions{e}, 4, "", nil, &e.keyMu) // another connection's store
	saved := make(chan error, 1)
	save := func() {
		saved <- other.Save(context.Background(), session.Session{AuthKey: testKey(9), Salt: 99})
	}
	var loads atomic.Int32
	st.loaded = func(int) {
		if loads.Add(1) != 2 { // forgetKey's second load, which it saves after
			return
		}
		if e.keyMu.TryLock() { // forgetKey holds nothing: the other store writes now
			e.keyMu.Unlock()
			save()
			return
		}
		go save() // once forgetKey is done
	}
	lc := conn.New(4, true, false, &keyConn{configConn: configConn{dc: 4}, key: testKey(4)})
	if err := e.forgetKey(t.Context(), lc); err != nil {
		t.Fatalf("forgetKey: %v", err)
	}
	if err := <-saved; err != nil {
		t.Fatalf("save the newer key: %v", err)
	}
	want := session.Session{DC: 4, AuthKey: testKey(9), Salt: 99}
	if diff := cmp.Diff(want, st.m[4]); diff != "" {
		t.Errorf("stored session (-want +got):\n%s", diff)
	}
}

// TestForgetKeyStorageFails: when the storage fails to drop a key the server forgot,
// forgetKey says so, and the engine's connections no longer see the key (nor its salt and
// authorization mark) although it stays stored, until a new key replaces it. Before, the
// failure was only logged and the next connection used the dead key again (-404 again).
func TestForgetKeyStorageFails(t *testing.T) {
	errDisk := errors.New("disk full")
	stored := session.Session{DC: 4, UserID: 7, AuthKey: testKey(4), Salt: 44}
	st := &sessionsStore{m: map[int]session.Session{4: stored}, saveErr: errDisk}
	e := storeEngine(t, st)
	lc := conn.New(4, true, false, &keyConn{configConn: configConn{dc: 4}, key: testKey(4)})
	if err := e.forgetKey(t.Context(), lc); !errors.Is(err, errDisk) {
		t.Fatalf("forgetKey = %v, want %v", err, errDisk)
	}
	store := conn.NewStore(sessions{e}, 4, "", nil, &e.keyMu) // a new connection's
	load := func(want session.Session) {
		t.Helper()
		got, err := store.Load(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("loaded session (-want +got):\n%s", diff)
		}
	}
	load(session.Session{DC: 4})
	if diff := cmp.Diff(stored, st.m[4]); diff != "" {
		t.Errorf("stored session (-want +got):\n%s", diff)
	}

	st.mu.Lock()
	st.saveErr = nil
	st.mu.Unlock()
	if err := store.Save(t.Context(), session.Session{AuthKey: testKey(9), Salt: 99}); err != nil {
		t.Fatal(err)
	}
	load(session.Session{DC: 4, AuthKey: testKey(9), Salt: 99})
}

// forgottenConn is a keyConn whose data center forgot its key: every call fails so.
type forgottenConn struct{ keyConn }

func (c *forgottenConn) InvokeWith(context.Context, tl.Encoder, tl.Decoder, bool) error {
	return session.ErrAuthKeyUnknown
}

// TestConnectKeyForgottenStorageFails: a Connect whose data center forgot the key fails with
// ErrAuthKeyUnknown and, when the storage fails to drop the key, with the storage's error
// too; the next connection does not use the key either way. Before, the storage's error was
// only logged and the next Connect dialed on the dead key again.
func TestConnectKeyForgottenStorageFails(t *testing.T) {
	errDisk := errors.New("disk full")
	st := &sessionsStore{
		m:       map[int]session.Session{2: {DC: 2, UserID: 7, AuthKey: testKey(2), Salt: 22}},
		saveErr: errDisk,
	}
	e := New(Options{
		HomeDC: 2,
		Table:  dcs.New(false, false, nil),
		Store:  st,
		Dialer: func(bool) session.Dialer { return nil },
		NewConn: func(cc conn.Config) (conn.Conn, error) {
			return &forgottenConn{keyConn{configConn: configConn{dc: cc.DC}, key: testKey(2)}}, nil
		},
	})
	t.Cleanup(e.Close)
	_, err := e.Connect(t.Context(), &countedBinder{})
	if !errors.Is(err, session.ErrAuthKeyUnknown) || !errors.Is(err, errDisk) {
		t.Fatalf("Connect = %v, want both %v and %v", err, session.ErrAuthKeyUnknown, errDisk)
	}
	s, err := sessions{e}.LoadSession(t.Context(), 2)
	if err != nil {
		t.Fatal(err)
	}
	if s.HasKey() {
		t.Errorf("the next connection loads the forgotten key: %+v", s)
	}
}

// TestSaveAccount: the client recording its account (or its log-out) in the home session keeps
// the stored key, but writes back no key the server forgot whose drop failed: with the
// storage working again, the log-out drops it. Before, the client loaded and saved the
// session itself, and stored the dead key again.
func TestSaveAccount(t *testing.T) {
	stored := session.Session{DC: 2, AuthKey: testKey(2), Salt: 22}
	tests := []struct {
		name   string
		dead   bool // the server forgot the key, and dropping it failed
		userID int64
		want   session.Session
	}{
		{"log in", false, 7, session.Session{DC: 2, AuthKey: testKey(2), Salt: 22, UserID: 7}},
		{"log out", false, 0, stored},
		{"log out, key forgotten", true, 0, session.Session{DC: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &sessionsStore{m: map[int]session.Session{2: stored}}
			e := storeEngine(t, st)
			if tt.dead {
				st.saveErr = errors.New("disk full")
				lc := conn.New(2, false, false, &keyConn{configConn: configConn{dc: 2}, key: testKey(2)})
				if err := e.forgetKey(t.Context(), lc); err == nil {
					t.Fatal("forgetKey did not fail")
				}
				st.saveErr = nil
			}
			e.SetAccount(tt.userID, false)
			if err := e.SaveAccount(t.Context()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, st.m[2]); diff != "" {
				t.Errorf("stored session (-want +got):\n%s", diff)
			}
		})
	}
}
