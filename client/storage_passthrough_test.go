package mtgo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// storageClients builds an unconnected client on each backend: memory and a bbolt file.
var storageClients = []struct {
	name string
	file bool
	cfg  func(t *testing.T, cfg *mtgo.Config)
}{
	{"InMemory", false, func(_ *testing.T, cfg *mtgo.Config) { cfg.InMemory = true }},
	{"File", true, func(t *testing.T, cfg *mtgo.Config) {
		cfg.InMemory = false
		cfg.SessionName = filepath.Join(t.TempDir(), "views")
	}},
}

func forEachStorageClient(t *testing.T, fn func(t *testing.T, c *mtgo.Client, file bool)) {
	for _, b := range storageClients {
		t.Run(b.name, func(t *testing.T) {
			cfg := mtgo.DefaultConfig
			cfg.NoUpdates = true
			b.cfg(t, &cfg)
			c, err := mtgo.NewClient(1, "hash", &cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(c.Stop)
			fn(t, c, b.file)
		})
	}
}

func TestStoragePassThroughSession(t *testing.T) {
	ctx := context.Background()
	forEachStorageClient(t, func(t *testing.T, c *mtgo.Client, _ bool) {
		if c.Adapter() != c.Storage() {
			t.Errorf("Adapter() is not Storage()")
		}
		if _, err := c.LoadSession(ctx); !errors.Is(err, session.ErrNoSession) {
			t.Fatalf("LoadSession before any: %v, want ErrNoSession", err)
		}
		want := &storage.Session{DC: 2, AuthKey: bytes.Repeat([]byte{7}, session.AuthKeySize), Salt: 9}
		tests := []struct {
			name    string
			s       *storage.Session
			wantErr bool
		}{
			{"nil", nil, true},
			{"bad key", &storage.Session{DC: 2, AuthKey: []byte{1}}, true},
			{"home", want, false},
		}
		for _, tt := range tests {
			if err := c.SaveSession(ctx, tt.s); (err != nil) != tt.wantErr {
				t.Errorf("SaveSession(%s): %v, want error %v", tt.name, err, tt.wantErr)
			}
		}
		got, err := c.LoadSession(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("LoadSession (-want +got):\n%s", diff)
		}
	})
}

func TestStoragePassThroughPeers(t *testing.T) {
	ctx := context.Background()
	forEachStorageClient(t, func(t *testing.T, c *mtgo.Client, file bool) {
		user := &storage.Peer{Key: peers.UserKey(10), AccessHash: 100, Usernames: []string{"Ann"}, Phone: "15550001"}
		channel := &storage.Peer{Key: peers.ChannelKey(20), AccessHash: 200, Usernames: []string{"news"}}
		chat := &storage.Peer{Key: peers.ChatKey(30)}
		for _, p := range []*storage.Peer{user, channel, chat} {
			if err := c.SavePeer(ctx, p); err != nil {
				t.Fatalf("SavePeer(%v): %v", p.Key, err)
			}
		}
		if err := c.SavePeer(ctx, &storage.Peer{}); err == nil {
			t.Error("SavePeer of an invalid peer succeeded")
		}
		ignoreSeen := cmpopts.IgnoreFields(peers.Peer{}, "Seen")
		tests := []struct {
			name string
			get  func() (*storage.Peer, error)
			want *storage.Peer // nil: not found
		}{
			{"user by id", func() (*storage.Peer, error) { return c.GetPeer(ctx, 10) }, user},
			{"channel by id", func() (*storage.Peer, error) { return c.GetPeer(ctx, -1000000000020) }, channel},
			{"chat by id", func() (*storage.Peer, error) { return c.GetPeer(ctx, -30) }, chat},
			{"user by @username", func() (*storage.Peer, error) { return c.GetPeerByUsername(ctx, "@ann") }, user},
			{"channel by username", func() (*storage.Peer, error) { return c.GetPeerByUsername(ctx, "NEWS") }, channel},
			{"unknown id", func() (*storage.Peer, error) { return c.GetPeer(ctx, 11) }, nil},
			{"unknown username", func() (*storage.Peer, error) { return c.GetPeerByUsername(ctx, "bob") }, nil},
		}
		for _, tt := range tests {
			got, err := tt.get()
			if tt.want == nil {
				if !errors.Is(err, mtgo.ErrPeerNotFound) || !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("%s: %v, want ErrPeerNotFound and storage.ErrNotFound", tt.name, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if diff := cmp.Diff(tt.want, got, ignoreSeen); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
		if _, err := c.GetPeer(ctx, 0); err == nil {
			t.Error("GetPeer(0) succeeded")
		}
		// The cache and the storage agree: the peer is in the store and resolves offline.
		if p, ok, err := c.Storage().LoadPeer(ctx, user.Key); err != nil || !ok || p.AccessHash != 100 {
			t.Errorf("store after SavePeer: %+v %v %v", p, ok, err)
		}
		if in, err := c.ResolvePeerCache(10); err != nil || in.(*tg.InputPeerUser).AccessHash != 100 {
			t.Errorf("ResolvePeerCache after SavePeer: %v %v", in, err)
		}
		// A min record never replaces a full access hash.
		if err := c.SavePeer(ctx, &storage.Peer{Key: peers.UserKey(10), Min: true, AccessHash: 5}); err != nil {
			t.Fatal(err)
		}
		if p, err := c.GetPeer(ctx, 10); err != nil || p.AccessHash != 100 || p.Min {
			t.Errorf("after a min SavePeer: %+v %v", p, err)
		}

		all, err := c.LoadPeers(ctx)
		delErr := c.DeletePeer(ctx, 10)
		if err != nil || len(all) != 3 {
			t.Fatalf("LoadPeers = %d peers, %v; want 3", len(all), err)
		}
		if delErr != nil {
			t.Fatal(delErr)
		}
		if _, err := c.GetPeer(ctx, 10); !errors.Is(err, mtgo.ErrPeerNotFound) {
			t.Errorf("GetPeer after DeletePeer: %v", err)
		}
		if _, err := c.GetPeer(ctx, -30); err != nil {
			t.Errorf("other peer after DeletePeer: %v", err)
		}
	})
}

func TestStoragePassThroughUpdateState(t *testing.T) {
	ctx := context.Background()
	forEachStorageClient(t, func(t *testing.T, c *mtgo.Client, _ bool) {
		if _, err := c.LoadUpdateState(ctx); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("LoadUpdateState before any: %v", err)
		}
		want := &storage.AccountUpdateState{Pts: 5, Qts: 6, Seq: 7, Date: 8}
		if err := c.SaveUpdateState(ctx, want); err != nil {
			t.Fatal(err)
		}
		if err := c.SaveChannelUpdateState(ctx, &storage.ChannelUpdateState{ChannelID: 3, Pts: 33}); err != nil {
			t.Fatal(err)
		}
		got, err := c.LoadUpdateState(ctx)
		if err != nil || !cmp.Equal(want, got) {
			t.Errorf("LoadUpdateState = %+v, %v", got, err)
		}
		ch, err := c.LoadChannelUpdateState(ctx, 3)
		if err != nil || ch.Pts != 33 {
			t.Errorf("LoadChannelUpdateState = %+v, %v", ch, err)
		}
		all, err := c.LoadAllChannelUpdateStates(ctx)
		if err != nil || len(all) != 1 {
			t.Errorf("LoadAllChannelUpdateStates = %+v, %v", all, err)
		}
		if _, err := c.UpdateState().LoadChannelUpdateState(ctx, 4); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown channel: %v", err)
		}
	})
}

func TestStoragePassThroughConversations(t *testing.T) {
	ctx := context.Background()
	forEachStorageClient(t, func(t *testing.T, c *mtgo.Client, _ bool) {
		expires := time.Now().Add(time.Hour).Truncate(time.Nanosecond)
		convs := []*storage.Conversation{
			{ChatID: -5, UserID: 7, State: "age", Data: []byte("Ann"), ExpiresAt: expires},
			{ChatID: 7, UserID: 7, State: "name"},
			{ChatID: -5, UserID: 8, State: "gone", ExpiresAt: time.Now().Add(-time.Second)},
		}
		for _, cv := range convs {
			if err := c.SaveConversation(ctx, cv); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.SaveConversation(ctx, nil); err == nil {
			t.Error("SaveConversation(nil) succeeded")
		}
		timeEq := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
		tests := []struct {
			name       string
			chat, user int64
			want       *storage.Conversation
		}{
			{"group", -5, 7, convs[0]},
			{"private", 7, 7, convs[1]},
			{"expired", -5, 8, nil},
			{"none", -5, 9, nil},
		}
		for _, tt := range tests {
			got, err := c.LoadConversation(ctx, tt.chat, tt.user)
			if tt.want == nil {
				if !errors.Is(err, storage.ErrNotFound) {
					t.Errorf("%s: %+v, %v; want ErrNotFound", tt.name, got, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, got, timeEq); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
		// The same records as States with a nil store.
		st, ok, err := mtgo.NewStorageStates(c.Storage(), mtgo.DefaultStatesNamespace).LoadState(ctx, "-5:7")
		if err != nil || !ok || st.Name != "age" || string(st.Data) != "Ann" {
			t.Errorf("States view of the conversation: %+v %v %v", st, ok, err)
		}
		if err := c.DeleteConversation(ctx, -5, 7); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ConversationStore().LoadConversation(ctx, -5, 7); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("after DeleteConversation: %v", err)
		}
		if err := c.Storage().SaveRecord(ctx, mtgo.DefaultStatesNamespace, "1:1", []byte{9}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.LoadConversation(ctx, 1, 1); !errors.Is(err, mtgo.ErrCorruptState) {
			t.Errorf("damaged record: %v, want ErrCorruptState", err)
		}
	})
}

func TestStoragePassThroughQueueAndDedup(t *testing.T) {
	ctx := context.Background()
	forEachStorageClient(t, func(t *testing.T, c *mtgo.Client, _ bool) {
		for _, id := range []string{"u1", "u2"} {
			if err := c.EnqueueDurableUpdate(ctx, &storage.DurableUpdate{ID: id, Data: []byte(id)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.MarkDurableUpdateFailed(ctx, "u1", 1, "handler failed"); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteDurableUpdate(ctx, "u2"); err != nil {
			t.Fatal(err)
		}
		us, err := c.LoadDurableUpdates(ctx, 10)
		if err != nil || len(us) != 1 || us[0].ID != "u1" || us[0].Attempts != 1 || us[0].LastError != "handler failed" {
			t.Fatalf("LoadDurableUpdates = %+v, %v", us, err)
		}
		for i, want := range []bool{true, false} {
			saved, err := c.SaveUpdateDedupKey(ctx, "upd:1")
			if err != nil || saved != want {
				t.Errorf("SaveUpdateDedupKey #%d = %v, %v; want %v", i, saved, err, want)
			}
		}
		if ok, err := c.UpdateDedupKeyExists(ctx, "upd:2"); err != nil || ok {
			t.Errorf("UpdateDedupKeyExists(unknown) = %v, %v", ok, err)
		}
	})
}

// Config.MaxDurableUpdates bounds the client's durable queue.
func TestDurableQueueLimitFromConfig(t *testing.T) {
	ctx := context.Background()
	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.MaxDurableUpdates = true, 2
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	for i, want := range []error{nil, nil, storage.ErrDurableQueueFull} {
		err := c.EnqueueDurableUpdate(ctx, &storage.DurableUpdate{ID: fmt.Sprint("u", i), Data: []byte{1}})
		if !errors.Is(err, want) {
			t.Fatalf("enqueue #%d: %v, want %v", i+1, err, want)
		}
	}
}

// opaqueStorage hides every optional interface of the storage it wraps.
type opaqueStorage struct{ storage.Storage }

// A storage that cannot list or delete peers says so with errors.ErrUnsupported.
func TestStoragePassThroughPeersUnsupported(t *testing.T) {
	cfg := mtgo.DefaultConfig
	cfg.NoUpdates = true
	cfg.Storage = opaqueStorage{storage.NewInMemory()}
	c, err := mtgo.NewClient(1, "hash", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop)
	ctx := context.Background()
	if _, err := c.LoadPeers(ctx); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("LoadPeers = %v, want ErrUnsupported", err)
	}
	if err := c.DeletePeer(ctx, 10); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("DeletePeer = %v, want ErrUnsupported", err)
	}
}
