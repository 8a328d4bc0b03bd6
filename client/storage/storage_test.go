package storage_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/peers/peerstest"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/updates"
)

// backends lists both implementations, each opened fresh per call.
var backends = []struct {
	name string
	open func(t *testing.T) storage.Storage
}{
	{"InMemory", func(t *testing.T) storage.Storage { return storage.NewInMemory() }},
	{"File", func(t *testing.T) storage.Storage {
		t.Helper()
		f, err := storage.Open(filepath.Join(t.TempDir(), "test.session"), nil)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { _ = f.Close() })
		return f
	}},
	{"File/UpdateCommitDelay", func(t *testing.T) storage.Storage {
		t.Helper()
		f, err := storage.Open(filepath.Join(t.TempDir(), "test.session"), &storage.FileOptions{UpdateCommitDelay: time.Hour})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { _ = f.Close() })
		return f
	}},
}

func forEach(t *testing.T, fn func(t *testing.T, s storage.Storage)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { fn(t, b.open(t)) })
	}
}

func authKey(seed byte) []byte { return bytes.Repeat([]byte{seed}, session.AuthKeySize) }

func TestSessions(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		if _, err := s.LoadSession(ctx, 2); !errors.Is(err, session.ErrNoSession) {
			t.Fatalf("LoadSession on empty storage = %v, want ErrNoSession", err)
		}
		in := []session.Session{
			{DC: 2, Addr: "149.154.167.50:443", AuthKey: authKey(1), Salt: -5, TimeOffset: -3 * time.Second, UserID: 42, Bot: true},
			{DC: 4, Addr: "[2001:b28:f23d:f001::a]:443", TestMode: true, AuthKey: authKey(2), Salt: 7},
			{DC: 5}, // no key yet
		}
		for _, sess := range in {
			if err := s.SaveSession(ctx, sess); err != nil {
				t.Fatalf("SaveSession(dc %d): %v", sess.DC, err)
			}
		}
		for _, want := range in {
			got, err := s.LoadSession(ctx, want.DC)
			if err != nil {
				t.Fatalf("LoadSession(%d): %v", want.DC, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("LoadSession(%d) (-want +got):\n%s", want.DC, diff)
			}
		}
		// Replacing a session; the caller's key slice is not kept.
		next := in[0]
		next.AuthKey, next.Salt = authKey(9), 99
		if err := s.SaveSession(ctx, next); err != nil {
			t.Fatal(err)
		}
		next.AuthKey[0] = 0
		got, _ := s.LoadSession(ctx, 2)
		if got.Salt != 99 || got.AuthKey[0] != 9 {
			t.Errorf("after replacing: salt %d, key[0] %d; want 99, 9", got.Salt, got.AuthKey[0])
		}
		for _, bad := range []session.Session{{DC: 1, AuthKey: []byte{1, 2}}, {DC: -1}} {
			if err := s.SaveSession(ctx, bad); !errors.Is(err, session.ErrInvalidSession) {
				t.Errorf("SaveSession(%+v) = %v, want ErrInvalidSession", bad, err)
			}
		}
		if _, err := s.LoadSession(ctx, -1); !errors.Is(err, session.ErrNoSession) {
			t.Errorf("LoadSession(-1) = %v, want ErrNoSession", err)
		}
	})
}

func TestHomeDCAndIdentity(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		if dc, err := s.HomeDC(ctx); dc != 0 || err != nil {
			t.Fatalf("HomeDC on empty storage = %d, %v", dc, err)
		}
		if id, err := s.Identity(ctx); id != (storage.Identity{}) || err != nil {
			t.Fatalf("Identity on empty storage = %+v, %v", id, err)
		}
		if err := s.SetHomeDC(ctx, 4); err != nil {
			t.Fatal(err)
		}
		if err := s.SetIdentity(ctx, storage.Identity{UserID: 777, Bot: true}); err != nil {
			t.Fatal(err)
		}
		if dc, err := s.HomeDC(ctx); dc != 4 || err != nil {
			t.Errorf("HomeDC = %d, %v; want 4", dc, err)
		}
		if id, err := s.Identity(ctx); id != (storage.Identity{UserID: 777, Bot: true}) || err != nil {
			t.Errorf("Identity = %+v, %v", id, err)
		}
		if err := s.SetHomeDC(ctx, -2); err == nil {
			t.Error("SetHomeDC(-2) succeeded")
		}
	})
}

func TestUpdateState(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		st := storage.UpdateState(s)
		if _, ok, err := st.Load(ctx); ok || err != nil {
			t.Fatalf("Load on empty storage = ok %v, err %v", ok, err)
		}
		commits := []updates.Commit{
			{Channels: []updates.ChannelPts{{ChannelID: 10, Pts: 5}}}, // channel before any state
			{State: updates.State{Pts: 100, Qts: 2, Seq: 3, Date: 1_700_000_000}, HasState: true,
				Channels: []updates.ChannelPts{{ChannelID: 1 << 40, Pts: 7}, {ChannelID: 11, Pts: 1}}},
			{Channels: []updates.ChannelPts{{ChannelID: 10, Pts: 6}, {ChannelID: 11, Removed: true}}},
			{State: updates.State{Pts: 101, Qts: 2, Seq: 4, Date: 1_700_000_001}, HasState: true},
			{}, // empty
		}
		for _, c := range commits {
			if err := st.Save(ctx, c); err != nil {
				t.Fatalf("Save(%+v): %v", c, err)
			}
		}
		got, ok, err := st.Load(ctx)
		if err != nil || !ok {
			t.Fatalf("Load = ok %v, err %v", ok, err)
		}
		want := updates.Saved{
			State:    updates.State{Pts: 101, Qts: 2, Seq: 4, Date: 1_700_000_001},
			Channels: []updates.ChannelPts{{ChannelID: 10, Pts: 6}, {ChannelID: 1 << 40, Pts: 7}},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Load (-want +got):\n%s", diff)
		}
	})
}

func TestPeerStore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			peerstest.Run(t, func(t *testing.T) peers.Store { return b.open(t) })
		})
	}
}

// The peer cache over a Storage survives a restart of the cache.
func TestPeerCacheOverStorage(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		c := peers.NewCache(peers.Options{Store: s})
		c.Add(0, nil)
		c.Add(0, peersInputChannel(5, 55))
		if err := c.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		again := peers.NewCache(peers.Options{Store: s})
		if _, ok := again.Lookup(-1000000000005); !ok {
			t.Error("channel 5 lost across caches")
		}
	})
}

func TestReset(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		must(t, s.SaveSession(ctx, session.Session{DC: 2, AuthKey: authKey(1)}))
		must(t, s.SetHomeDC(ctx, 2))
		must(t, s.SetIdentity(ctx, storage.Identity{UserID: 1}))
		must(t, s.SavePeers(ctx, []peers.Peer{{Key: peers.UserKey(1), AccessHash: 1, Usernames: []string{"alice"}}}))
		must(t, s.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 1},
			Channels: []updates.ChannelPts{{ChannelID: 1, Pts: 1}}}))
		must(t, s.Reset(ctx))
		if _, err := s.LoadSession(ctx, 2); !errors.Is(err, session.ErrNoSession) {
			t.Errorf("session survived Reset: %v", err)
		}
		if dc, _ := s.HomeDC(ctx); dc != 0 {
			t.Errorf("home dc %d survived Reset", dc)
		}
		if id, _ := s.Identity(ctx); id != (storage.Identity{}) {
			t.Errorf("identity %+v survived Reset", id)
		}
		if _, ok, _ := s.LoadPeer(ctx, peers.UserKey(1)); ok {
			t.Error("peer survived Reset")
		}
		if _, ok, _ := s.PeerByUsername(ctx, "alice"); ok {
			t.Error("username index survived Reset")
		}
		if saved, ok, _ := s.LoadUpdates(ctx); ok || len(saved.Channels) != 0 {
			t.Errorf("update state survived Reset: %+v, %v", saved, ok)
		}
		// Still usable after Reset.
		must(t, s.SaveSession(ctx, session.Session{DC: 1}))
	})
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		must(t, s.Save())
		must(t, s.Close())
		must(t, s.Close())
		calls := map[string]error{
			"Save":          s.Save(),
			"SaveSession":   s.SaveSession(ctx, session.Session{DC: 1}),
			"SetHomeDC":     s.SetHomeDC(ctx, 1),
			"SetIdentity":   s.SetIdentity(ctx, storage.Identity{}),
			"SavePeers":     s.SavePeers(ctx, []peers.Peer{{Key: peers.UserKey(1)}}),
			"CommitUpdates": s.CommitUpdates(ctx, updates.Commit{HasState: true}),
			"Reset":         s.Reset(ctx),
		}
		_, calls["LoadSession"] = s.LoadSession(ctx, 1)
		_, calls["HomeDC"] = s.HomeDC(ctx)
		_, calls["Identity"] = s.Identity(ctx)
		_, _, calls["LoadPeer"] = s.LoadPeer(ctx, peers.UserKey(1))
		_, _, calls["LoadUpdates"] = s.LoadUpdates(ctx)
		for name, err := range calls {
			if !errors.Is(err, storage.ErrClosed) {
				t.Errorf("%s after Close = %v, want ErrClosed", name, err)
			}
		}
	})
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	forEach(t, func(t *testing.T, s storage.Storage) {
		if err := s.SaveSession(ctx, session.Session{DC: 1}); !errors.Is(err, context.Canceled) {
			t.Errorf("SaveSession with a canceled context = %v", err)
		}
		if _, err := s.LoadSession(ctx, 1); !errors.Is(err, context.Canceled) {
			t.Errorf("LoadSession with a canceled context = %v", err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func peersInputChannel(id, hash int64) *tg.InputPeerChannel {
	return &tg.InputPeerChannel{ChannelID: id, AccessHash: hash}
}
