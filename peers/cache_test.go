package peers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

var t0 = time.Unix(1_700_000_000, 0)

// clock is a settable time source for caches under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func fullUser(id, hash int64, username string) *tg.User {
	u := &tg.User{ID: id, AccessHash: tl.Some(hash), FirstName: tl.Some("U")}
	if username != "" {
		u.Username = tl.Some(username)
	}
	return u
}

func minUser(id, hash int64) *tg.User {
	return &tg.User{ID: id, Min: true, AccessHash: tl.Some(hash)}
}

func fullChannel(id, hash int64, username string) *tg.Channel {
	c := &tg.Channel{ID: id, AccessHash: tl.Some(hash), Title: "C"}
	if username != "" {
		c.Username = tl.Some(username)
	}
	return c
}

func TestLearnRules(t *testing.T) {
	type step struct {
		users []tg.UserClass
		chats []tg.ChatClass
	}
	tests := []struct {
		name  string
		steps []step
		key   Key
		want  Peer
		found bool
	}{
		{
			name:  "full user",
			steps: []step{{users: []tg.UserClass{fullUser(1, 10, "alice")}}},
			key:   UserKey(1), found: true,
			want: Peer{Key: UserKey(1), AccessHash: 10, Usernames: []string{"alice"}, Seen: t0},
		},
		{
			name: "min never replaces a full hash",
			steps: []step{
				{users: []tg.UserClass{fullUser(1, 10, "alice")}},
				{users: []tg.UserClass{minUser(1, 99)}},
			},
			key: UserKey(1), found: true,
			want: Peer{Key: UserKey(1), AccessHash: 10, Usernames: []string{"alice"}, Seen: t0},
		},
		{
			name: "full replaces min",
			steps: []step{
				{users: []tg.UserClass{minUser(1, 99)}},
				{users: []tg.UserClass{fullUser(1, 10, "")}},
			},
			key: UserKey(1), found: true,
			want: Peer{Key: UserKey(1), AccessHash: 10, Seen: t0},
		},
		{
			name: "min refreshes min",
			steps: []step{
				{users: []tg.UserClass{minUser(1, 99)}},
				{users: []tg.UserClass{&tg.User{ID: 1, Min: true, AccessHash: tl.Some(int64(98)), Username: tl.Some("bob_b"), Bot: true}}},
			},
			key: UserKey(1), found: true,
			want: Peer{Key: UserKey(1), AccessHash: 98, Min: true, Bot: true, Usernames: []string{"bob_b"}, Seen: t0},
		},
		{
			name: "full without hash keeps the known one",
			steps: []step{
				{users: []tg.UserClass{fullUser(1, 10, "")}},
				{users: []tg.UserClass{&tg.User{ID: 1, Username: tl.Some("alice"), Phone: tl.Some("+1 555 0100")}}},
			},
			key: UserKey(1), found: true,
			want: Peer{Key: UserKey(1), AccessHash: 10, Usernames: []string{"alice"}, Phone: "15550100", Seen: t0},
		},
		{
			name: "active usernames win over the main one",
			steps: []step{{users: []tg.UserClass{&tg.User{
				ID: 2, AccessHash: tl.Some(int64(3)), Username: tl.Some("main_name"),
				Usernames: []tg.Username{{Username: "first", Active: true}, {Username: "gone", Active: false}, {Username: "second", Active: true, Editable: true}},
			}}}},
			key: UserKey(2), found: true,
			want: Peer{Key: UserKey(2), AccessHash: 3, Usernames: []string{"first", "second"}, Seen: t0},
		},
		{
			name: "user and channel with one id stay apart",
			steps: []step{{
				users: []tg.UserClass{fullUser(5, 50, "")},
				chats: []tg.ChatClass{fullChannel(5, 500, "chan_five"), &tg.Chat{ID: 5}},
			}},
			key: ChannelKey(5), found: true,
			want: Peer{Key: ChannelKey(5), AccessHash: 500, Usernames: []string{"chan_five"}, Seen: t0},
		},
		{
			name:  "basic group",
			steps: []step{{chats: []tg.ChatClass{&tg.ChatForbidden{ID: 8, Title: "x"}}}},
			key:   ChatKey(8), found: true,
			want: Peer{Key: ChatKey(8), Seen: t0},
		},
		{
			name: "min channel never replaces a full one",
			steps: []step{
				{chats: []tg.ChatClass{&tg.ChannelForbidden{ID: 9, AccessHash: 90}}},
				{chats: []tg.ChatClass{&tg.Channel{ID: 9, Min: true, AccessHash: tl.Some(int64(1))}}},
			},
			key: ChannelKey(9), found: true,
			want: Peer{Key: ChannelKey(9), AccessHash: 90, Seen: t0},
		},
		{
			name: "empty and nil objects are ignored",
			steps: []step{{
				users: []tg.UserClass{&tg.UserEmpty{ID: 3}, nil, (*tg.User)(nil)},
				chats: []tg.ChatClass{&tg.ChatEmpty{ID: 3}, nil, (*tg.Channel)(nil)},
			}},
			key: UserKey(3),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCache(Options{Now: newClock().Now})
			for _, s := range tt.steps {
				c.Learn(s.users, s.chats)
			}
			got, ok, err := c.Get(context.Background(), tt.key)
			if err != nil || ok != tt.found {
				t.Fatalf("Get(%v) = found %v, err %v; want found %v", tt.key, ok, err, tt.found)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Get(%v) (-want +got):\n%s", tt.key, diff)
			}
		})
	}
}

func TestLearnSelf(t *testing.T) {
	c := NewCache(Options{})
	if _, _, ok := c.Self(); ok {
		t.Fatal("Self known before learning")
	}
	u := fullUser(77, 1, "")
	u.Self, u.Bot = true, true
	c.Learn([]tg.UserClass{u}, nil)
	if id, bot, ok := c.Self(); id != 77 || !bot || !ok {
		t.Errorf("Self() = %d, %v, %v; want 77, true, true", id, bot, ok)
	}
}

func TestUsernameAndPhoneIndexes(t *testing.T) {
	ctx := context.Background()
	c := NewCache(Options{})
	u := fullUser(1, 10, "Alice")
	u.Phone = tl.Some("15550100")
	c.Learn([]tg.UserClass{u}, nil)
	for _, name := range []string{"alice", "@ALICE", "Alice"} {
		if p, ok, _ := c.ByUsername(ctx, name); !ok || p.Key != UserKey(1) {
			t.Errorf("ByUsername(%q) = %v, %v", name, p.Key, ok)
		}
	}
	if p, ok, _ := c.ByPhone(ctx, "+1 555 0100"); !ok || p.Key != UserKey(1) {
		t.Errorf("ByPhone = %v, %v", p.Key, ok)
	}

	// Alice renames herself and hides her phone; a channel takes her old name.
	c.Learn([]tg.UserClass{fullUser(1, 10, "alice_new")}, []tg.ChatClass{fullChannel(2, 20, "alice")})
	if p, ok, _ := c.ByUsername(ctx, "alice"); !ok || p.Key != ChannelKey(2) {
		t.Errorf("ByUsername(alice) after the move = %v, %v; want channel:2", p.Key, ok)
	}
	if p, ok, _ := c.ByUsername(ctx, "alice_new"); !ok || p.Key != UserKey(1) {
		t.Errorf("ByUsername(alice_new) = %v, %v", p.Key, ok)
	}
	if _, ok, _ := c.ByPhone(ctx, "15550100"); ok {
		t.Error("ByPhone found a hidden phone")
	}
	if _, ok, _ := c.ByUsername(ctx, ""); ok {
		t.Error("ByUsername(\"\") found something")
	}
}

func TestLookup(t *testing.T) {
	c := NewCache(Options{})
	c.Learn([]tg.UserClass{fullUser(1, 10, ""), minUser(2, 20)},
		[]tg.ChatClass{&tg.Chat{ID: 3}, fullChannel(4, 40, ""), &tg.Channel{ID: 5, Min: true, AccessHash: tl.Some(int64(50))}})
	c.SetSelf(6, false)
	tests := []struct {
		id   int64
		want tg.InputPeerClass
	}{
		{1, &tg.InputPeerUser{UserID: 1, AccessHash: 10}},
		{2, nil}, // min hash: not usable
		{-3, &tg.InputPeerChat{ChatID: 3}},
		{-1000000000004, &tg.InputPeerChannel{ChannelID: 4, AccessHash: 40}},
		{-1000000000005, nil},
		{4, nil}, // user 4 is not channel 4
		{6, &tg.InputPeerSelf{}},
		{0, nil},
	}
	for _, tt := range tests {
		got, ok := c.Lookup(tt.id)
		if diff := cmp.Diff(tt.want, got); diff != "" || ok != (tt.want != nil) {
			t.Errorf("Lookup(%d) ok=%v (-want +got):\n%s", tt.id, ok, diff)
		}
	}
	if h, ok := c.ChannelAccessHash(4); h != 40 || !ok {
		t.Errorf("ChannelAccessHash(4) = %d, %v", h, ok)
	}
	if _, ok := c.ChannelAccessHash(5); ok {
		t.Error("ChannelAccessHash of a min channel reported")
	}
	if h, ok := c.UserAccessHash(1); h != 10 || !ok {
		t.Errorf("UserAccessHash(1) = %d, %v", h, ok)
	}
}

func TestAdd(t *testing.T) {
	c := NewCache(Options{})
	c.Learn([]tg.UserClass{fullUser(1, 10, ""), minUser(2, 20)}, nil)
	c.Add(1, &tg.InputPeerUser{UserID: 1})                       // zero hash keeps the full one
	c.Add(2, &tg.InputPeerUser{UserID: 2})                       // zero hash beats a min one
	c.Add(3, &tg.InputPeerUser{UserID: 3})                       // new, as given
	c.Add(0, &tg.InputPeerChannel{ChannelID: 4, AccessHash: 44}) // key from the peer
	c.Add(99, &tg.InputPeerSelf{})
	c.Add(5, &tg.InputPeerEmpty{})
	c.Add(5, nil)
	c.Add(5, (*tg.InputPeerUser)(nil))
	tests := []struct {
		id   int64
		want tg.InputPeerClass
	}{
		{1, &tg.InputPeerUser{UserID: 1, AccessHash: 10}},
		{2, &tg.InputPeerUser{UserID: 2}},
		{3, &tg.InputPeerUser{UserID: 3}},
		{-1000000000004, &tg.InputPeerChannel{ChannelID: 4, AccessHash: 44}},
		{99, &tg.InputPeerSelf{}},
		{5, nil},
	}
	for _, tt := range tests {
		got, ok := c.Lookup(tt.id)
		if diff := cmp.Diff(tt.want, got); diff != "" || ok != (tt.want != nil) {
			t.Errorf("Lookup(%d) ok=%v (-want +got):\n%s", tt.id, ok, diff)
		}
	}
	c.Add(1, &tg.InputPeerUser{UserID: 1, AccessHash: 11})
	if got, _ := c.Lookup(1); !cmp.Equal(got, tg.InputPeerClass(&tg.InputPeerUser{UserID: 1, AccessHash: 11})) {
		t.Errorf("explicit hash not taken: %v", got)
	}
}

func TestLRUBoundAndReadThrough(t *testing.T) {
	ctx := context.Background()
	store := &MemoryStore{}
	c := NewCache(Options{Size: 2, Store: store, BatchSize: 1})
	c.Learn([]tg.UserClass{fullUser(1, 10, "user_one"), fullUser(2, 20, ""), fullUser(3, 30, "")}, nil)
	if n := c.Len(); n != 2 {
		t.Fatalf("Len() = %d, want 2", n)
	}
	if n := store.Len(); n != 3 {
		t.Fatalf("store has %d peers, want 3 (write-through)", n)
	}
	// User 1 was evicted from memory; the store still answers, by id and by username.
	if got, ok := c.Lookup(1); !ok || !cmp.Equal(got, tg.InputPeerClass(&tg.InputPeerUser{UserID: 1, AccessHash: 10})) {
		t.Errorf("Lookup(1) after eviction = %v, %v", got, ok)
	}
	c.Learn([]tg.UserClass{fullUser(4, 40, ""), fullUser(5, 50, "")}, nil)
	if p, ok, err := c.ByUsername(ctx, "user_one"); err != nil || !ok || p.Key != UserKey(1) {
		t.Errorf("ByUsername(user_one) after eviction = %v, %v, %v", p.Key, ok, err)
	}
}

func TestMinAfterEvictionKeepsStoredFullHash(t *testing.T) {
	store := &MemoryStore{}
	c := NewCache(Options{Size: 1, Store: store, BatchSize: 1})
	c.Learn([]tg.UserClass{fullUser(1, 10, "")}, nil)
	c.Learn([]tg.UserClass{fullUser(2, 20, "")}, nil) // evicts user 1 from memory
	c.Learn([]tg.UserClass{minUser(1, 99)}, nil)
	p, ok, err := store.LoadPeer(context.Background(), UserKey(1))
	if err != nil || !ok || p.AccessHash != 10 || p.Min {
		t.Errorf("stored user 1 = %+v, %v, %v; want the full hash 10", p, ok, err)
	}
}

func TestRestartKeepsPeers(t *testing.T) {
	ctx := context.Background()
	store := &MemoryStore{}
	c := NewCache(Options{Store: store})
	c.Learn([]tg.UserClass{fullUser(1, 10, "alice")}, []tg.ChatClass{fullChannel(2, 20, "")})
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	again := NewCache(Options{Store: store})
	if got, ok := again.Lookup(-1000000000002); !ok || !cmp.Equal(got, tg.InputPeerClass(&tg.InputPeerChannel{ChannelID: 2, AccessHash: 20})) {
		t.Errorf("Lookup(channel 2) after restart = %v, %v", got, ok)
	}
	if p, ok, err := again.ByUsername(ctx, "@Alice"); err != nil || !ok || p.AccessHash != 10 {
		t.Errorf("ByUsername(alice) after restart = %+v, %v, %v", p, ok, err)
	}
}

func TestBatching(t *testing.T) {
	ctx := context.Background()
	store := &MemoryStore{}
	c := NewCache(Options{Store: store, BatchSize: 3})
	c.Learn([]tg.UserClass{fullUser(1, 10, ""), fullUser(2, 20, "")}, nil)
	if store.Len() != 0 || c.Pending() != 2 {
		t.Fatalf("after 2 changes: store %d, pending %d; want 0, 2", store.Len(), c.Pending())
	}
	c.Learn([]tg.UserClass{fullUser(1, 10, ""), fullUser(2, 20, "")}, nil) // nothing new
	if c.Pending() != 2 {
		t.Fatalf("re-learning unchanged peers made %d pending", c.Pending())
	}
	c.Learn([]tg.UserClass{fullUser(3, 30, "")}, nil)
	if store.Len() != 3 || c.Pending() != 0 {
		t.Fatalf("after 3 changes: store %d, pending %d; want 3, 0", store.Len(), c.Pending())
	}
	c.Learn([]tg.UserClass{fullUser(1, 11, "")}, nil)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := store.LoadPeer(ctx, UserKey(1)); p.AccessHash != 11 {
		t.Errorf("stored hash %d after Flush, want 11", p.AccessHash)
	}
}

// flakyStore fails writes or reads while told to.
type flakyStore struct {
	MemoryStore
	mu                 sync.Mutex
	failSave, failLoad bool
	saves              int
}

var errDisk = errors.New("disk on fire")

func (s *flakyStore) set(save, load bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failSave, s.failLoad = save, load
}

func (s *flakyStore) SavePeers(ctx context.Context, ps []Peer) error {
	s.mu.Lock()
	fail := s.failSave
	s.saves++
	s.mu.Unlock()
	if fail {
		return errDisk
	}
	return s.MemoryStore.SavePeers(ctx, ps)
}

func (s *flakyStore) LoadPeer(ctx context.Context, k Key) (Peer, bool, error) {
	s.mu.Lock()
	fail := s.failLoad
	s.mu.Unlock()
	if fail {
		return Peer{}, false, errDisk
	}
	return s.MemoryStore.LoadPeer(ctx, k)
}

func TestFlushFailureKeepsPending(t *testing.T) {
	ctx := context.Background()
	store := &flakyStore{}
	store.set(true, false)
	c := NewCache(Options{Store: store, BatchSize: 100})
	c.Learn([]tg.UserClass{fullUser(1, 10, ""), fullUser(2, 20, "")}, nil)
	if err := c.Flush(ctx); !errors.Is(err, errDisk) {
		t.Fatalf("Flush error = %v, want errDisk", err)
	}
	if c.Pending() != 2 {
		t.Fatalf("pending after a failed flush = %d, want 2", c.Pending())
	}
	c.Learn([]tg.UserClass{fullUser(1, 12, "")}, nil) // newer than the failed batch
	store.set(false, false)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := store.LoadPeer(ctx, UserKey(1)); p.AccessHash != 12 {
		t.Errorf("stored hash %d, want the newer 12", p.AccessHash)
	}
	if c.Pending() != 0 || store.Len() != 2 {
		t.Errorf("pending %d, stored %d; want 0, 2", c.Pending(), store.Len())
	}
}

func TestStoreReadFailureDoesNotDowngrade(t *testing.T) {
	ctx := context.Background()
	store := &flakyStore{}
	c := NewCache(Options{Size: 1, Store: store, BatchSize: 1})
	c.Learn([]tg.UserClass{fullUser(1, 10, "")}, nil)
	c.Learn([]tg.UserClass{fullUser(2, 20, "")}, nil) // evicts user 1
	store.set(false, true)
	c.Learn([]tg.UserClass{minUser(1, 99)}, nil)
	if _, ok := c.Lookup(1); ok {
		t.Error("Lookup succeeded while the store fails")
	}
	store.set(false, false)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _, _ := store.LoadPeer(ctx, UserKey(1)); p.AccessHash != 10 || p.Min {
		t.Errorf("stored user 1 = %+v; want the full hash 10", p)
	}
	if _, _, err := c.Get(ctx, UserKey(1)); err != nil {
		t.Errorf("Get after recovery: %v", err)
	}
}

func TestNoStore(t *testing.T) {
	c := NewCache(Options{})
	c.Learn([]tg.UserClass{fullUser(1, 10, "")}, nil)
	if err := c.Flush(context.Background()); err != nil || c.Pending() != 0 {
		t.Errorf("Flush without a store = %v, pending %d", err, c.Pending())
	}
}

func TestLearnFrom(t *testing.T) {
	c := NewCache(Options{})
	c.LearnFrom(&tg.MessagesMessages{
		Users: []tg.UserClass{fullUser(1, 10, "")},
		Chats: []tg.ChatClass{fullChannel(2, 20, "")},
	})
	c.LearnFrom(&tg.UpdatesClassBox{Updates: &tg.UpdatesCombined{Users: []tg.UserClass{fullUser(3, 30, "")}}})
	c.LearnFrom(&tg.UpdateShort{})
	for _, id := range []int64{1, -1000000000002, 3} {
		if _, ok := c.Lookup(id); !ok {
			t.Errorf("Lookup(%d) failed after LearnFrom", id)
		}
	}
}

func TestCacheConcurrent(t *testing.T) {
	store := &MemoryStore{}
	c := NewCache(Options{Size: 64, Store: store, BatchSize: 8})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				id := int64(i%100 + 1)
				c.Learn([]tg.UserClass{fullUser(id, id*10, fmt.Sprintf("user_%d", id))}, nil)
				c.Lookup(id)
				_, _, _ = c.ByUsername(context.Background(), fmt.Sprintf("user_%d", (i+g)%100+1))
			}
		}()
	}
	wg.Wait()
	if err := c.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if store.Len() != 100 {
		t.Errorf("store has %d peers, want 100", store.Len())
	}
	for id := int64(1); id <= 100; id++ {
		if got, ok := c.Lookup(id); !ok || got.(*tg.InputPeerUser).AccessHash != id*10 {
			t.Fatalf("Lookup(%d) = %v, %v", id, got, ok)
		}
	}
}

func TestLearnKnownAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	users := []tg.UserClass{fullUser(1, 10, "alice"), fullUser(2, 20, ""), minUser(1, 99)}
	c := NewCache(Options{Store: &MemoryStore{}})
	c.Learn(users, nil)
	if n := testing.AllocsPerRun(100, func() { c.Learn(users, nil) }); n != 0 {
		t.Errorf("Learn of known users allocates %v times, want 0", n)
	}
}

// The fast path for known users must agree with the full merge: every change is seen.
func TestLearnDetectsChanges(t *testing.T) {
	base := func() *tg.User {
		return &tg.User{ID: 1, AccessHash: tl.Some(int64(10)), Phone: tl.Some("15550100"),
			Usernames: []tg.Username{{Username: "a_one", Active: true}, {Username: "a_two", Active: true}}}
	}
	tests := []struct {
		name   string
		change func(u *tg.User)
	}{
		{"hash", func(u *tg.User) { u.AccessHash = tl.Some(int64(11)) }},
		{"bot", func(u *tg.User) { u.Bot = true }},
		{"phone", func(u *tg.User) { u.Phone = tl.Some("15550199") }},
		{"phone hidden", func(u *tg.User) { u.Phone = tl.Opt[string]{} }},
		{"username dropped", func(u *tg.User) { u.Usernames = u.Usernames[:1] }},
		{"username deactivated", func(u *tg.User) { u.Usernames[1].Active = false }},
		{"username reordered", func(u *tg.User) { u.Usernames[0], u.Usernames[1] = u.Usernames[1], u.Usernames[0] }},
		{"single username", func(u *tg.User) { u.Usernames = nil; u.Username = tl.Some("solo_name") }},
		{"no username", func(u *tg.User) { u.Usernames = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCache(Options{Now: newClock().Now})
			c.Learn([]tg.UserClass{base()}, nil)
			next := base()
			tt.change(next)
			c.Learn([]tg.UserClass{next}, nil)
			got, _, _ := c.Get(context.Background(), UserKey(1))
			if diff := cmp.Diff(userPeer(next, t0), got); diff != "" {
				t.Errorf("after the change (-want +got):\n%s", diff)
			}
		})
	}
	// Formatting alone is no change.
	c := NewCache(Options{Store: &MemoryStore{}, BatchSize: 100})
	c.Learn([]tg.UserClass{base()}, nil)
	again := base()
	again.Phone = tl.Some("+1 555 0100")
	c.Learn([]tg.UserClass{again}, nil)
	if c.Pending() != 1 {
		t.Errorf("re-learning with a formatted phone made %d pending, want 1", c.Pending())
	}
}

func TestNoStoreKeepsNothingPending(t *testing.T) {
	c := NewCache(Options{Size: 10})
	c.Learn(benchUsers(1000), nil)
	if n := c.Pending(); n != 0 {
		t.Errorf("a cache without a store holds %d pending peers", n)
	}
	if n := c.Len(); n != 10 {
		t.Errorf("Len() = %d, want the bound 10", n)
	}
}

func TestFailingStoreBoundsPending(t *testing.T) {
	store := &flakyStore{}
	store.set(true, false)
	c := NewCache(Options{Size: 100, Store: store, BatchSize: 10})
	c.Learn(benchUsers(1000), nil)
	if n := c.Pending(); n > 100 {
		t.Errorf("%d peers pending behind a failing store, want at most 100", n)
	}
}

func TestReset(t *testing.T) {
	store := &MemoryStore{}
	c := NewCache(Options{Store: store, BatchSize: 100})
	u := fullUser(1, 10, "alice")
	u.Self = true
	c.Learn([]tg.UserClass{u, fullUser(2, 20, "")}, nil)
	c.Reset()
	if c.Len() != 0 || c.Pending() != 0 {
		t.Errorf("after Reset: %d in memory, %d pending", c.Len(), c.Pending())
	}
	if _, _, ok := c.Self(); ok {
		t.Error("self survived Reset")
	}
	if _, ok, _ := c.ByUsername(context.Background(), "alice"); ok {
		t.Error("username survived Reset")
	}
	if _, ok := c.Lookup(2); ok {
		t.Error("peer survived Reset")
	}
}

// recordStore is a Store that keeps binary records, as the disk and SQL stores do: a batch
// with a record it cannot encode fails as a whole.
type recordStore struct{ MemoryStore }

func (s *recordStore) SavePeers(ctx context.Context, ps []Peer) error {
	for _, p := range ps {
		if _, err := p.MarshalBinary(); err != nil {
			return err
		}
	}
	return s.MemoryStore.SavePeers(ctx, ps)
}

// What the server sends is untrusted: a user or channel with usernames no Telegram account
// has (too long, too many) is still learned, in a form the Store can write, and does not
// keep the other peers of its batch from being saved.
func TestLearnKeepsRecordsEncodable(t *testing.T) {
	long := strings.Repeat("x", maxUsernameSize+1)
	many := make([]tg.Username, 0, 3*maxUsernames)
	for i := range 3 * maxUsernames {
		many = append(many, tg.Username{Username: fmt.Sprintf("name%d", i), Active: true})
	}
	tests := []struct {
		name  string
		users []tg.UserClass
		chats []tg.ChatClass
		key   Key
		want  []string
	}{
		{name: "long username", users: []tg.UserClass{fullUser(5, 50, long)}, key: UserKey(5)},
		{name: "long username in the list", users: []tg.UserClass{&tg.User{ID: 5, AccessHash: tl.Some(int64(50)),
			Usernames: []tg.Username{{Username: long, Active: true}, {Username: "ok_name", Active: true}}}},
			key: UserKey(5), want: []string{"ok_name"}},
		{name: "too many usernames", chats: []tg.ChatClass{&tg.Channel{ID: 5, AccessHash: tl.Some(int64(50)), Usernames: many}},
			key: ChannelKey(5), want: func() []string {
				var out []string
				for _, u := range many[:maxUsernames] {
					out = append(out, u.Username)
				}
				return out
			}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store := &recordStore{}
			c := NewCache(Options{Store: store, BatchSize: 1000})
			c.Learn(append([]tg.UserClass{fullUser(1, 11, "alice")}, tt.users...), tt.chats)
			if err := c.Flush(ctx); err != nil {
				t.Fatalf("Flush: %v", err)
			}
			for _, k := range []Key{UserKey(1), tt.key} {
				p, ok, err := store.LoadPeer(ctx, k)
				if err != nil || !ok {
					t.Fatalf("%v not stored: %v", k, err)
				}
				if k == tt.key {
					if d := cmp.Diff(tt.want, p.Usernames); d != "" {
						t.Errorf("usernames (-want +got):\n%s", d)
					}
				}
			}
			// Learned again, the same object changes nothing.
			c.Learn(tt.users, tt.chats)
			if n := c.Pending(); n != 0 {
				t.Errorf("%d peers pending after learning the same objects again", n)
			}
		})
	}
}

// Add while the Store cannot be read must not write a bare record over the stored one: the
// usernames, phone and bot flag it holds would be lost.
func TestAddDuringStoreReadFailureKeepsStoredRecord(t *testing.T) {
	ctx := context.Background()
	store := &flakyStore{}
	c := NewCache(Options{Size: 1, Store: store, BatchSize: 1})
	u := fullUser(1, 10, "alice")
	u.Bot, u.Phone = true, tl.Some("15550100")
	c.Learn([]tg.UserClass{u}, nil)
	c.Learn([]tg.UserClass{fullUser(2, 20, "")}, nil) // evicts user 1
	want, _, _ := store.LoadPeer(ctx, UserKey(1))
	if len(want.Usernames) == 0 || want.Phone == "" || !want.Bot {
		t.Fatalf("stored user 1 = %+v, want its usernames, phone and bot flag", want)
	}
	store.set(false, true)
	c.Add(1, &tg.InputPeerUser{UserID: 1, AccessHash: 10})
	store.set(false, false)
	if err := c.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, _, _ := store.LoadPeer(ctx, UserKey(1))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("stored user 1 (-before +after):\n%s", d)
	}
}

// A peer learned but not yet written to the Store stays findable by username and phone after
// it leaves memory, with its newest record, whether or not an older one was stored.
func TestPendingPeersFoundByUsernameAndPhone(t *testing.T) {
	ctx := context.Background()
	withPhone := func(u *tg.User, phone string) *tg.User { u.Phone = tl.Some(phone); return u }
	tests := []struct {
		name   string
		stored []tg.UserClass // learned and flushed first
		learn  []tg.UserClass // learned, pending
		ask    string         // username ("@...") or phone
		want   Peer           // zero: not found
	}{
		{name: "new peer", learn: []tg.UserClass{fullUser(1, 10, "alice")}, ask: "@alice",
			want: Peer{Key: UserKey(1), AccessHash: 10, Usernames: []string{"alice"}}},
		{name: "new hash of a stored peer", stored: []tg.UserClass{fullUser(1, 10, "alice")},
			learn: []tg.UserClass{fullUser(1, 11, "alice")}, ask: "@alice",
			want: Peer{Key: UserKey(1), AccessHash: 11, Usernames: []string{"alice"}}},
		{name: "renamed since stored", stored: []tg.UserClass{fullUser(1, 10, "alice")},
			learn: []tg.UserClass{fullUser(1, 10, "alice_new")}, ask: "@alice"},
		{name: "phone of a new peer", learn: []tg.UserClass{withPhone(fullUser(1, 10, ""), "15550100")}, ask: "15550100",
			want: Peer{Key: UserKey(1), AccessHash: 10, Phone: "15550100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCache(Options{Size: 1, Store: &MemoryStore{}, BatchSize: 100, Now: newClock().Now})
			c.Learn(tt.stored, nil)
			if err := c.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			c.Learn(tt.learn, nil)
			c.Learn([]tg.UserClass{fullUser(2, 20, "")}, nil) // evicts user 1 before any write
			var got Peer
			var err error
			if name, ok := strings.CutPrefix(tt.ask, "@"); ok {
				got, _, err = c.ByUsername(ctx, name)
			} else {
				got, _, err = c.ByPhone(ctx, tt.ask)
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Seen = time.Time{}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("lookup of %s (-want +got):\n%s", tt.ask, d)
			}
		})
	}
}
