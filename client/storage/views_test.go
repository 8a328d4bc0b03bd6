package storage_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
)

func TestUpdateStateStore(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		v := storage.NewUpdateStateStore(s)
		if _, err := v.LoadUpdateState(ctx); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("LoadUpdateState on empty storage: %v, want ErrNotFound", err)
		}
		if _, err := v.LoadChannelUpdateState(ctx, 7); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("LoadChannelUpdateState on empty storage: %v, want ErrNotFound", err)
		}
		steps := []struct {
			name    string
			run     func() error
			wantErr bool
		}{
			{"state", func() error {
				return v.SaveUpdateState(ctx, &storage.AccountUpdateState{Pts: 10, Qts: 2, Seq: 3, Date: 4})
			}, false},
			{"channel 9", func() error { return v.SaveChannelUpdateState(ctx, &storage.ChannelUpdateState{ChannelID: 9, Pts: 90}) }, false},
			{"channel 5", func() error { return v.SaveChannelUpdateState(ctx, &storage.ChannelUpdateState{ChannelID: 5, Pts: 50}) }, false},
			{"channel 9 again", func() error { return v.SaveChannelUpdateState(ctx, &storage.ChannelUpdateState{ChannelID: 9, Pts: 91}) }, false},
			{"nil state", func() error { return v.SaveUpdateState(ctx, nil) }, true},
			{"nil channel", func() error { return v.SaveChannelUpdateState(ctx, nil) }, true},
			{"channel 0", func() error { return v.SaveChannelUpdateState(ctx, &storage.ChannelUpdateState{}) }, true},
		}
		for _, st := range steps {
			if err := st.run(); (err != nil) != st.wantErr {
				t.Fatalf("%s: error %v, want error %v", st.name, err, st.wantErr)
			}
		}
		got, err := v.LoadUpdateState(ctx)
		must(t, err)
		if diff := cmp.Diff(&storage.AccountUpdateState{Pts: 10, Qts: 2, Seq: 3, Date: 4}, got); diff != "" {
			t.Errorf("LoadUpdateState (-want +got):\n%s", diff)
		}
		all, err := v.LoadAllChannelUpdateStates(ctx)
		must(t, err)
		want := []*storage.ChannelUpdateState{{ChannelID: 5, Pts: 50}, {ChannelID: 9, Pts: 91}}
		if diff := cmp.Diff(want, all); diff != "" {
			t.Errorf("LoadAllChannelUpdateStates (-want +got):\n%s", diff)
		}
		one, err := v.LoadChannelUpdateState(ctx, 9)
		must(t, err)
		if diff := cmp.Diff(want[1], one); diff != "" {
			t.Errorf("LoadChannelUpdateState(9) (-want +got):\n%s", diff)
		}
	})
}

// queueIDs returns the ids the queue loads, in order.
func queueIDs(t *testing.T, q *storage.DurableQueue, limit int) []string {
	t.Helper()
	us, err := q.Load(context.Background(), limit)
	must(t, err)
	ids := []string{}
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestDurableQueue(t *testing.T) {
	ctx := context.Background()
	at := time.Unix(1_700_000_000, 0)
	forEach(t, func(t *testing.T, s storage.Storage) {
		q := storage.NewDurableQueue(s)
		storage.SetDurableNow(q, func() time.Time { return at })
		enq := func(id, data string) func() error {
			return func() error { return q.Enqueue(ctx, &storage.DurableUpdate{ID: id, Data: []byte(data)}) }
		}
		steps := []struct {
			name    string
			run     func() error
			wantErr error // nil: success; errAny: any error
			want    []string
		}{
			{"empty", nil, nil, []string{}},
			{"enqueue a b c", func() error { return errors.Join(enq("a", "1")(), enq("b", "2")(), enq("c", "3")()) }, nil, []string{"a", "b", "c"}},
			{"replace b keeps its place", enq("b", "2b"), nil, []string{"a", "b", "c"}},
			{"mark b failed", func() error { return q.MarkFailed(ctx, "b", 2, "boom") }, nil, []string{"a", "b", "c"}},
			{"delete a", func() error { return q.Delete(ctx, "a") }, nil, []string{"b", "c"}},
			{"delete missing", func() error { return q.Delete(ctx, "zz") }, nil, []string{"b", "c"}},
			{"a again goes last", enq("a", "1"), nil, []string{"b", "c", "a"}},
			{"mark missing", func() error { return q.MarkFailed(ctx, "zz", 1, "x") }, storage.ErrNotFound, []string{"b", "c", "a"}},
			{"negative attempts", func() error { return q.MarkFailed(ctx, "b", -1, "x") }, errAny, []string{"b", "c", "a"}},
			{"id too long", enq(string(bytes.Repeat([]byte{'x'}, storage.MaxDurableID+1)), ""), errAny, []string{"b", "c", "a"}},
			{"data too large", enq("big", string(make([]byte, storage.MaxRecordSize))), storage.ErrRecordTooLarge, []string{"b", "c", "a"}},
			{"nil update", func() error { return q.Enqueue(ctx, nil) }, errAny, []string{"b", "c", "a"}},
			{"dangling entry dropped", func() error {
				// What a crash between the two writes of Enqueue leaves.
				return s.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableIndex([]string{"b", "ghost", "c", "a"}))
			}, nil, []string{"b", "c", "a"}},
			{"generated id", enq("", "x"), nil, nil},
		}
		for _, st := range steps {
			if st.run != nil {
				err := st.run()
				switch {
				case st.wantErr == nil && err != nil:
					t.Fatalf("%s: %v", st.name, err)
				case st.wantErr == errAny && err == nil, st.wantErr != nil && st.wantErr != errAny && !errors.Is(err, st.wantErr):
					t.Fatalf("%s: error %v, want %v", st.name, err, st.wantErr)
				}
			}
			if st.want == nil {
				continue
			}
			if diff := cmp.Diff(st.want, queueIDs(t, q, 0)); diff != "" {
				t.Fatalf("%s: ids (-want +got):\n%s", st.name, diff)
			}
		}
		if got := queueIDs(t, q, 2); !cmp.Equal(got, []string{"b", "c"}) {
			t.Errorf("Load(2) = %q, want [b c]", got)
		}
		us, err := q.Load(ctx, 0)
		must(t, err)
		if len(us) != 4 || len(us[3].ID) != 32 {
			t.Fatalf("after enqueue without id: %d updates, last id %q", len(us), us[len(us)-1].ID)
		}
		want := &storage.DurableUpdate{ID: "b", Data: []byte("2b"), Attempts: 2, LastError: "boom", EnqueuedAt: at}
		if diff := cmp.Diff(want, us[0]); diff != "" {
			t.Errorf("update b (-want +got):\n%s", diff)
		}
		// A second queue over the same storage (a restart) sees the same updates.
		if got := queueIDs(t, storage.NewDurableQueue(s), 0); len(got) != 4 {
			t.Errorf("reopened queue: %q", got)
		}
	})
}

// errAny stands for "some error" in the tables.
var errAny = errors.New("any error")

// TestDedupKeysFarExpiry: a ttl whose end Unix nanoseconds cannot hold (past 2262, as a
// Duration near its maximum reaches from now) keeps the key: it read back as long expired.
func TestDedupKeysFarExpiry(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		d := storage.NewDedupKeys(s, 1<<63-1)
		storage.SetDedupNow(d, func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) })
		if saved, err := d.Save(ctx, "k"); !saved || err != nil {
			t.Fatalf("Save = %v, %v; want saved", saved, err)
		}
		if ok, err := d.Exists(ctx, "k"); !ok || err != nil {
			t.Errorf("Exists = %v, %v after a save meant to last 292 years", ok, err)
		}
	})
}

func TestDedupKeys(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		now := time.Unix(1_700_000_000, 0)
		d := storage.NewDedupKeys(s, time.Hour)
		storage.SetDedupNow(d, func() time.Time { return now })
		steps := []struct {
			name      string
			advance   time.Duration
			key       string
			save      bool
			wantSaved bool
			wantExist bool
			wantErr   bool
		}{
			{name: "unknown", key: "k1"},
			{name: "first save", key: "k1", save: true, wantSaved: true, wantExist: true},
			{name: "repeat", key: "k1", save: true, wantExist: true},
			{name: "other key", key: "k2", save: true, wantSaved: true, wantExist: true},
			{name: "before expiry", advance: 59 * time.Minute, key: "k1", wantExist: true},
			{name: "expired", advance: time.Minute, key: "k1"},
			{name: "saved again", key: "k1", save: true, wantSaved: true, wantExist: true},
			{name: "empty key", key: "", save: true, wantErr: true},
			{name: "key too long", key: string(make([]byte, storage.MaxRecordKey)), save: true, wantErr: true},
		}
		for _, st := range steps {
			now = now.Add(st.advance)
			if st.save {
				saved, err := d.Save(ctx, st.key)
				if (err != nil) != st.wantErr || saved != st.wantSaved {
					t.Fatalf("%s: Save = %v, %v; want %v, error %v", st.name, saved, err, st.wantSaved, st.wantErr)
				}
				if st.wantErr {
					continue
				}
			}
			ok, err := d.Exists(ctx, st.key)
			must(t, err)
			if ok != st.wantExist {
				t.Fatalf("%s: Exists = %v, want %v", st.name, ok, st.wantExist)
			}
		}
	})
}

func TestDamagedViewRecords(t *testing.T) {
	ctx := context.Background()
	s := storage.NewInMemory()
	must(t, s.SaveRecord(ctx, storage.DurableNamespace, "index", []byte{1, 5, 1}))
	if _, err := storage.NewDurableQueue(s).Load(ctx, 0); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("Load with a damaged index: %v, want ErrCorrupt", err)
	}
	must(t, s.SaveRecord(ctx, storage.DedupNamespace, "k", []byte{1, 2}))
	if _, err := storage.NewDedupKeys(s, 0).Exists(ctx, "k"); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("Exists with a damaged key: %v, want ErrCorrupt", err)
	}
	// An update record naming another id.
	rec, err := storage.AppendDurableUpdate(&storage.DurableUpdate{ID: "other"})
	must(t, err)
	must(t, s.SaveRecord(ctx, storage.DurableNamespace, "index", storage.AppendDurableIndex([]string{"x"})))
	must(t, s.SaveRecord(ctx, storage.DurableNamespace, "u:x", rec))
	if _, err := storage.NewDurableQueue(s).Load(ctx, 0); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("Load with a misplaced update: %v, want ErrCorrupt", err)
	}
}

func TestFilePeerOps(t *testing.T) {
	ctx := context.Background()
	f := backends[1].open(t)
	ps := []peers.Peer{
		{Key: peers.UserKey(1), AccessHash: 11, Usernames: []string{"one"}, Phone: "100"},
		{Key: peers.ChannelKey(2), AccessHash: 22, Usernames: []string{"two"}},
		{Key: peers.ChatKey(3)},
	}
	must(t, f.SavePeers(ctx, ps))
	l := f.(storage.PeerLister)
	got, err := l.ListPeers(ctx)
	must(t, err)
	if len(got) != 3 {
		t.Fatalf("ListPeers = %d peers, want 3", len(got))
	}
	must(t, f.(storage.PeerDeleter).DeletePeer(ctx, peers.UserKey(1)))
	must(t, f.(storage.PeerDeleter).DeletePeer(ctx, peers.UserKey(99))) // missing: no error
	tests := []struct {
		name  string
		find  func() (peers.Peer, bool, error)
		found bool
	}{
		{"deleted by key", func() (peers.Peer, bool, error) { return f.LoadPeer(ctx, peers.UserKey(1)) }, false},
		{"deleted by username", func() (peers.Peer, bool, error) { return f.PeerByUsername(ctx, "one") }, false},
		{"deleted by phone", func() (peers.Peer, bool, error) { return f.PeerByPhone(ctx, "100") }, false},
		{"kept by username", func() (peers.Peer, bool, error) { return f.PeerByUsername(ctx, "two") }, true},
	}
	for _, tt := range tests {
		_, ok, err := tt.find()
		if err != nil || ok != tt.found {
			t.Errorf("%s: found %v, %v; want %v", tt.name, ok, err, tt.found)
		}
	}
	got, err = l.ListPeers(ctx)
	must(t, err)
	if len(got) != 2 {
		t.Errorf("ListPeers after delete = %d peers, want 2", len(got))
	}
}

// FuzzViewRecords feeds the decoders of the durable queue and dedup keys damaged records:
// they fail with ErrCorrupt or decode to values that encode and decode to themselves.
func FuzzViewRecords(f *testing.F) {
	idx := storage.AppendDurableIndex([]string{"a", "bb", "ccc"})
	upd, _ := storage.AppendDurableUpdate(&storage.DurableUpdate{ID: "id", Data: []byte("data"), Attempts: 3, LastError: "err", EnqueuedAt: time.Unix(5, 6)})
	for _, seed := range [][]byte{idx, upd, {1, 0, 0, 0, 0, 0, 0, 0, 9}, {}, {1}, {1, 0xff, 0xff, 0xff, 0xff, 0x0f}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if ids, err := storage.DecodeDurableIndex(b); err != nil {
			if !errors.Is(err, storage.ErrCorrupt) {
				t.Fatalf("index error %v does not match ErrCorrupt", err)
			}
		} else if again, err := storage.DecodeDurableIndex(storage.AppendDurableIndex(ids)); err != nil || !cmp.Equal(ids, again, cmpEmpty) {
			t.Fatalf("index %q re-decodes to %q, %v", ids, again, err)
		}
		if u, err := storage.DecodeDurableUpdate(b); err != nil {
			if !errors.Is(err, storage.ErrCorrupt) {
				t.Fatalf("update error %v does not match ErrCorrupt", err)
			}
		} else {
			rec, err := storage.AppendDurableUpdate(u)
			if err != nil {
				t.Fatalf("decoded update does not encode: %v", err)
			}
			again, err := storage.DecodeDurableUpdate(rec)
			if err != nil || !cmp.Equal(u, again) {
				t.Fatalf("update %+v re-decodes to %+v, %v", u, again, err)
			}
		}
		if _, err := storage.DecodeDedupKey(b); err != nil && !errors.Is(err, storage.ErrCorrupt) {
			t.Fatalf("dedup error %v does not match ErrCorrupt", err)
		}
	})
}

var cmpEmpty = cmp.Comparer(func(a, b []string) bool { return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b)) })
