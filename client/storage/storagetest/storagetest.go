// Package storagetest is the conformance suite every storage.Storage implementation runs:
// the in-memory and bbolt stores of package storage, and the PostgreSQL, SQLite and Redis
// modules under storage/. One suite keeps the backends interchangeable: a bot moved from a
// session file to a shared database behaves the same.
//
// A backend's test calls Run with a Backend describing how to open a store by name and
// which optional properties it has (persistence, the session lock, corruption, a crashed
// lock holder).
package storagetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// Backend describes the implementation under test.
type Backend struct {
	// Open opens the store called name. A name not used before gives an empty store; the
	// same name again (after Close) gives the same data when Persistent.
	Open func(t testing.TB, name string) (storage.Storage, error)
	// Persistent backends keep data across Close and Open.
	Persistent bool
	// Exclusive backends hold a session lock: a second Open of a name in use fails with
	// storage.ErrSessionInUse until the first is closed.
	Exclusive bool
	// Crash, when set, makes the holder s of the session lock disappear without Close (a
	// killed process: its connection dropped, its lease no longer renewed). The suite then
	// expects a new Open of the name to succeed within CrashRecovery.
	Crash         func(t testing.TB, s storage.Storage)
	CrashRecovery time.Duration
	// Corrupt, when set, damages the stored data of the closed store name (bytes of another
	// program, a truncated record). The suite expects Open or the reads after it to fail with
	// an error matching storage.ErrCorrupt or storage.ErrUnsupportedVersion, never a panic.
	Corrupt func(t testing.TB, name string)
	// LargePeers is how many peers the large test stores; 0 picks 1 000 000 under MTGO_CI
	// or MTGO_STORAGE_LARGE, 20 000 otherwise.
	LargePeers int
	// LargeLinear: the large test also checks, when it stores 100 batches or more, that a
	// batch costs about the same however many peers the session holds, so a smaller
	// LargePeers (under the race detector, say) still shows the cost linear. A cost that is
	// constant only amortized can fail it at some sizes: a Go map rehashes all its entries
	// in the writes around each doubling of its size, and its writes stay slower for a
	// while after, so the in-memory store's batches cost two to ten times the others from
	// 860 000 peers to past 1 000 000 (the recheck in testLarge too), with or without the
	// race detector or the garbage collector. Between 600 000 and 780 000 they do not.
	LargeLinear bool
}

var names struct {
	sync.Mutex
	n int
}

// Name returns a store name unique within this process and run.
func Name(t testing.TB) string {
	names.Lock()
	defer names.Unlock()
	names.n++
	return fmt.Sprintf("st%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, names.n)
}

func open(t testing.TB, b Backend, name string) storage.Storage {
	t.Helper()
	s, err := b.Open(t, name)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	return s
}

func openFresh(t *testing.T, b Backend) (storage.Storage, string) {
	t.Helper()
	name := Name(t)
	s := open(t, b, name)
	t.Cleanup(func() { _ = s.Close() })
	return s, name
}

// Run runs the suite.
func Run(t *testing.T, b Backend) {
	runSections(t, b, []section{
		{"Sessions", testSessions},
		{"Meta", testMeta},
		{"Peers", testPeers},
		{"PeerListDelete", testPeerListDelete},
		{"Updates", testUpdates},
		{"Records", testRecords},
		{"OddBytes", testOddBytes},
		{"DurableQueue", testDurable},
		{"Reset", testReset},
		{"Persistence", testPersistence},
		{"ConcurrentWriters", testConcurrent},
		{"LargePeerSet", testLarge},
		{"SessionLock", testLock},
		{"CrashedHolder", testCrash},
		{"Corrupt", testCorrupt},
		{"Closed", testClosed},
		{"Canceled", testCanceled},
	})
}

// section is a part of the suite, run as a subtest.
type section struct {
	name string
	run  func(*testing.T, Backend)
}

func runSections(t *testing.T, b Backend, sections []section) {
	for _, tc := range sections {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, b) })
	}
}

func ctx(t testing.TB) context.Context { return t.Context() }

var cmpTime = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func key(seed byte) []byte {
	k := make([]byte, session.AuthKeySize)
	for i := range k {
		k[i] = seed + byte(i)
	}
	return k
}

func testSessions(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	if _, err := s.LoadSession(ctx(t), 2); !errors.Is(err, session.ErrNoSession) {
		t.Fatalf("LoadSession of an empty store = %v, want ErrNoSession", err)
	}
	want := []session.Session{
		{DC: 2, Addr: "149.154.167.51:443", AuthKey: key(1), Salt: -5, TimeOffset: -3 * time.Second, UserID: 42, Bot: true},
		{DC: 4, Addr: "[2001:67c:4e8:f004::a]:443", TestMode: true, Salt: 1 << 62},
	}
	for _, ss := range want {
		if err := s.SaveSession(ctx(t), ss); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range want {
		got, err := s.LoadSession(ctx(t), w.DC)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("session %d (-want +got):\n%s", w.DC, diff)
		}
	}
	// Overwrite.
	w := want[0]
	w.Salt, w.AuthKey = 7, key(9)
	if err := s.SaveSession(ctx(t), w); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LoadSession(ctx(t), 2); !cmp.Equal(w, got) {
		t.Errorf("overwritten session = %+v", got)
	}
	if err := s.SaveSession(ctx(t), session.Session{DC: 1, AuthKey: []byte{1, 2, 3}}); !errors.Is(err, session.ErrInvalidSession) {
		t.Errorf("SaveSession with a 3-byte key = %v, want ErrInvalidSession", err)
	}
}

func testMeta(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	if dc, err := s.HomeDC(ctx(t)); err != nil || dc != 0 {
		t.Fatalf("HomeDC of an empty store = %d, %v", dc, err)
	}
	if id, err := s.Identity(ctx(t)); err != nil || id != (storage.Identity{}) {
		t.Fatalf("Identity of an empty store = %+v, %v", id, err)
	}
	if err := s.SetHomeDC(ctx(t), 4); err != nil {
		t.Fatal(err)
	}
	if err := s.SetIdentity(ctx(t), storage.Identity{UserID: 777, Bot: true}); err != nil {
		t.Fatal(err)
	}
	if dc, _ := s.HomeDC(ctx(t)); dc != 4 {
		t.Errorf("HomeDC = %d", dc)
	}
	if id, _ := s.Identity(ctx(t)); id != (storage.Identity{UserID: 777, Bot: true}) {
		t.Errorf("Identity = %+v", id)
	}
	// A data center number no store can read back is refused, and the stored one stays.
	bad := []int{-1}
	if strconv.IntSize == 64 { // a 32-bit int holds no number past the stores' 31 bits
		past31 := int64(1) << 31
		bad = append(bad, int(past31))
	}
	for _, dc := range bad {
		if err := s.SetHomeDC(ctx(t), dc); err == nil {
			t.Errorf("SetHomeDC(%d) accepted", dc)
		}
		if got, err := s.HomeDC(ctx(t)); err != nil || got != 4 {
			t.Errorf("HomeDC after SetHomeDC(%d) = %d, %v; want 4", dc, got, err)
		}
	}
}

func samplePeers() []peers.Peer {
	seen := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return []peers.Peer{
		{Key: peers.UserKey(10), AccessHash: -99, Usernames: []string{"Alice", "alice_alt"}, Phone: "15550001", Seen: seen},
		{Key: peers.UserKey(11), AccessHash: 5, Bot: true, Usernames: []string{"helper_bot"}, Seen: seen},
		{Key: peers.ChannelKey(1000), AccessHash: 123, Usernames: []string{"news"}, Seen: seen},
		{Key: peers.ChannelKey(1001), AccessHash: 77, Min: true, Seen: seen},
		{Key: peers.ChatKey(55), Seen: seen},
	}
}

// testPeerListDelete: a store that lists peers (storage.PeerLister) lists exactly the
// session's, and one that deletes them (storage.PeerDeleter) forgets a peer with the index
// entries that still name it, leaving the others and other sessions alone.
func testPeerListDelete(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	lister, canList := s.(storage.PeerLister)
	deleter, canDelete := s.(storage.PeerDeleter)
	if !canList && !canDelete {
		t.Skip("the store neither lists nor deletes peers")
	}
	other, _ := openFresh(t, b)
	ps := samplePeers()
	if err := s.SavePeers(ctx(t), ps); err != nil {
		t.Fatal(err)
	}
	if err := other.SavePeers(ctx(t), []peers.Peer{{Key: peers.UserKey(99), AccessHash: 1, Usernames: []string{"elsewhere"}}}); err != nil {
		t.Fatal(err)
	}
	if canList {
		// storage.PeerLister documents the order (kind, then id) and that each peer comes
		// once; samplePeers is not in that order.
		want := slices.Clone(ps)
		slices.SortFunc(want, func(a, b peers.Peer) int { return peers.CompareKeys(a.Key, b.Key) })
		got, err := lister.ListPeers(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmpTime); diff != "" {
			t.Errorf("ListPeers, by kind then id (-want +got):\n%s", diff)
		}
	}
	if !canDelete {
		return
	}
	// Bob takes one of Alice's names first: deleting Alice leaves his entry.
	bob := peers.Peer{Key: peers.UserKey(12), AccessHash: 3, Usernames: []string{"alice_alt"}}
	if err := s.SavePeers(ctx(t), []peers.Peer{bob}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []peers.Key{peers.UserKey(10), peers.UserKey(404)} { // a missing one is no error
		if err := deleter.DeletePeer(ctx(t), k); err != nil {
			t.Fatalf("DeletePeer(%v): %v", k, err)
		}
	}
	if _, ok, err := s.LoadPeer(ctx(t), peers.UserKey(10)); ok || err != nil {
		t.Errorf("LoadPeer after DeletePeer = %v, %v", ok, err)
	}
	for name, want := range map[string]peers.Key{"alice": {}, "alice_alt": bob.Key, "news": peers.ChannelKey(1000)} {
		p, ok, err := s.PeerByUsername(ctx(t), name)
		if err != nil || ok != (want != peers.Key{}) || p.Key != want {
			t.Errorf("PeerByUsername(%q) after DeletePeer = %v, %v, %v; want %v", name, p.Key, ok, err, want)
		}
	}
	if _, ok, err := s.PeerByPhone(ctx(t), "15550001"); ok || err != nil {
		t.Errorf("PeerByPhone of the deleted peer = %v, %v", ok, err)
	}
	if _, ok, err := other.LoadPeer(ctx(t), peers.UserKey(99)); !ok || err != nil {
		t.Errorf("another session's peer after DeletePeer = %v, %v", ok, err)
	}
}

func testPeers(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	// A first read may tell a store that the session has no peer (the SQL stores load their
	// rows with it): peers saved after it are found.
	if _, err := s.HomeDC(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.LoadPeer(ctx(t), peers.UserKey(10)); ok || err != nil {
		t.Fatalf("LoadPeer of an empty store = %v, %v", ok, err)
	}
	ps := samplePeers()
	if err := s.SavePeers(ctx(t), append(ps, peers.Peer{})); err != nil { // the invalid one is skipped
		t.Fatal(err)
	}
	for _, p := range ps {
		got, ok, err := s.LoadPeer(ctx(t), p.Key)
		if err != nil || !ok {
			t.Fatalf("LoadPeer(%v) = %v, %v", p.Key, ok, err)
		}
		if diff := cmp.Diff(p, got, cmpTime); diff != "" {
			t.Errorf("peer %v (-want +got):\n%s", p.Key, diff)
		}
	}
	find := func(name string) (peers.Key, bool) {
		t.Helper()
		p, ok, err := s.PeerByUsername(ctx(t), name)
		if err != nil {
			t.Fatal(err)
		}
		return p.Key, ok
	}
	for _, tc := range []struct {
		name string
		want peers.Key
	}{{"alice", peers.UserKey(10)}, {"ALICE_ALT", peers.UserKey(10)}, {"@News", peers.ChannelKey(1000)}, {"helper_bot", peers.UserKey(11)}} {
		if k, ok := find(tc.name); !ok || k != tc.want {
			t.Errorf("PeerByUsername(%q) = %v, %v, want %v", tc.name, k, ok, tc.want)
		}
	}
	if p, ok, err := s.PeerByPhone(ctx(t), "15550001"); err != nil || !ok || p.Key != peers.UserKey(10) {
		t.Errorf("PeerByPhone = %v, %v, %v", p.Key, ok, err)
	}
	// Alice drops alice_alt and changes phone; the channel takes "alice_alt".
	alice := ps[0]
	alice.Usernames, alice.Phone = []string{"Alice"}, "15550009"
	news := ps[2]
	news.Usernames = []string{"news", "alice_alt"}
	if err := s.SavePeers(ctx(t), []peers.Peer{alice}); err != nil {
		t.Fatal(err)
	}
	if _, ok := find("alice_alt"); ok {
		t.Error("a dropped username still resolves")
	}
	if err := s.SavePeers(ctx(t), []peers.Peer{news}); err != nil {
		t.Fatal(err)
	}
	if k, ok := find("alice_alt"); !ok || k != peers.ChannelKey(1000) {
		t.Errorf("a username taken by another peer resolves to %v, %v", k, ok)
	}
	if _, ok, _ := s.PeerByPhone(ctx(t), "15550001"); ok {
		t.Error("an old phone still resolves")
	}
	if p, ok, _ := s.PeerByPhone(ctx(t), "15550009"); !ok || p.Key != alice.Key {
		t.Error("the new phone does not resolve")
	}
	// Alice's old username moved away: renaming Alice again must not take it back from news.
	alice.Usernames = []string{"alice2"}
	if err := s.SavePeers(ctx(t), []peers.Peer{alice}); err != nil {
		t.Fatal(err)
	}
	if k, ok := find("alice_alt"); !ok || k != peers.ChannelKey(1000) {
		t.Errorf("renaming the old owner removed another peer's username: %v, %v", k, ok)
	}
}

func testUpdates(t *testing.T, b Backend) {
	s, name := openFresh(t, b)
	if _, ok, err := s.LoadUpdates(ctx(t)); ok || err != nil {
		t.Fatalf("LoadUpdates of an empty store = %v, %v", ok, err)
	}
	st := updates.State{Pts: 100, Qts: 5, Seq: 9, Date: 1_700_000_000}
	// A guessed start comes with the pts named (Named) until a commit without it: every
	// store keeps it beside the pts, any int32 (the update engine judges it), and clears it.
	commits := []updates.Commit{
		{State: st, HasState: true, Channels: []updates.ChannelPts{{ChannelID: 3, Pts: 10}, {ChannelID: 1, Pts: 20, Named: 25}}},
		{Channels: []updates.ChannelPts{{ChannelID: 2, Pts: 30, Named: 31}, {ChannelID: 3, Removed: true},
			{ChannelID: 4, Pts: -7, Named: math.MinInt32}, {ChannelID: 5, Pts: math.MaxInt32 - 1, Named: math.MaxInt32}}},
		{Channels: []updates.ChannelPts{{ChannelID: 1, Pts: 21}, {ChannelID: 4, Pts: 8, Named: 9}}},
	}
	for _, c := range commits {
		if err := s.CommitUpdates(ctx(t), c); err != nil {
			t.Fatal(err)
		}
	}
	got, ok, err := s.LoadUpdates(ctx(t))
	if err != nil || !ok {
		t.Fatalf("LoadUpdates = %v, %v", ok, err)
	}
	sortChannels(got.Channels)
	want := updates.Saved{State: st, Channels: []updates.ChannelPts{{ChannelID: 1, Pts: 21}, {ChannelID: 2, Pts: 30, Named: 31},
		{ChannelID: 4, Pts: 8, Named: 9}, {ChannelID: 5, Pts: math.MaxInt32 - 1, Named: math.MaxInt32}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("saved state (-want +got):\n%s", diff)
	}
	if !b.Persistent {
		return
	}
	// Opened again, the store's first read may load the update state with the rest (the SQL
	// stores do): a commit after it is what LoadUpdates returns.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, b, name)
	defer s.Close()
	if _, err := s.HomeDC(ctx(t)); err != nil {
		t.Fatal(err)
	}
	next := updates.Commit{State: updates.State{Pts: 101, Qts: 5, Seq: 10, Date: 1_700_000_001}, HasState: true,
		Channels: []updates.ChannelPts{{ChannelID: 2, Removed: true}, {ChannelID: 4, Pts: 9}}}
	if err := s.CommitUpdates(ctx(t), next); err != nil {
		t.Fatal(err)
	}
	got, ok, err = s.LoadUpdates(ctx(t))
	sortChannels(got.Channels)
	want = updates.Saved{State: next.State, Channels: []updates.ChannelPts{{ChannelID: 1, Pts: 21}, {ChannelID: 4, Pts: 9},
		{ChannelID: 5, Pts: math.MaxInt32 - 1, Named: math.MaxInt32}}}
	if diff := cmp.Diff(want, got); err != nil || !ok || diff != "" {
		t.Errorf("state after a read and a commit = %v, %v (-want +got):\n%s", ok, err, diff)
	}
}

// sortChannels orders channels by id: a store may load them in any order (Redis hashes do).
func sortChannels(chs []updates.ChannelPts) {
	slices.SortFunc(chs, func(a, b updates.ChannelPts) int {
		switch {
		case a.ChannelID < b.ChannelID:
			return -1
		case a.ChannelID > b.ChannelID:
			return 1
		}
		return 0
	})
}

func testRecords(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	if _, ok, err := s.LoadRecord(ctx(t), "states", "u1"); ok || err != nil {
		t.Fatalf("LoadRecord of an empty store = %v, %v", ok, err)
	}
	for _, r := range []struct{ ns, key, val string }{{"states", "u1", "a"}, {"states", "u2", ""}, {"other", "u1", "b"}} {
		if err := s.SaveRecord(ctx(t), r.ns, r.key, []byte(r.val)); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct{ ns, key, val string }{{"states", "u1", "a"}, {"states", "u2", ""}, {"other", "u1", "b"}} {
		v, ok, err := s.LoadRecord(ctx(t), r.ns, r.key)
		if err != nil || !ok || string(v) != r.val {
			t.Errorf("LoadRecord(%q, %q) = %q, %v, %v", r.ns, r.key, v, ok, err)
		}
	}
	if err := s.DeleteRecord(ctx(t), "states", "u1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRecord(ctx(t), "states", "never"); err != nil {
		t.Fatalf("deleting a missing record = %v", err)
	}
	if _, ok, _ := s.LoadRecord(ctx(t), "states", "u1"); ok {
		t.Error("deleted record still there")
	}
	if _, ok, _ := s.LoadRecord(ctx(t), "other", "u1"); !ok {
		t.Error("deleting in one namespace removed another's record")
	}
	if err := s.SaveRecord(ctx(t), "", "k", nil); err == nil {
		t.Error("empty namespace accepted")
	}
	if err := s.SaveRecord(ctx(t), "a\x00b", "k", nil); err == nil {
		t.Error("namespace with a zero byte accepted")
	}
	if err := s.SaveRecord(ctx(t), "ns", "k", make([]byte, storage.MaxRecordSize+1)); !errors.Is(err, storage.ErrRecordTooLarge) {
		t.Errorf("oversized record = %v, want ErrRecordTooLarge", err)
	}
	big := make([]byte, storage.MaxRecordSize)
	big[len(big)-1] = 7
	if err := s.SaveRecord(ctx(t), "ns", "big", big); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.LoadRecord(ctx(t), "ns", "big"); len(v) != len(big) || v[len(v)-1] != 7 {
		t.Errorf("largest record came back as %d bytes", len(v))
	}
}

// fill stores one of everything.
func fill(t testing.TB, s storage.Storage) {
	t.Helper()
	for _, err := range []error{
		s.SaveSession(ctx(t), session.Session{DC: 2, AuthKey: key(3)}),
		s.SetHomeDC(ctx(t), 2),
		s.SetIdentity(ctx(t), storage.Identity{UserID: 5}),
		s.SavePeers(ctx(t), samplePeers()),
		s.CommitUpdates(ctx(t), updates.Commit{State: updates.State{Pts: 1}, HasState: true, Channels: []updates.ChannelPts{{ChannelID: 9, Pts: 2}}}),
		s.SaveRecord(ctx(t), "ns", "k", []byte("v")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// check reports whether s holds what fill stored.
func check(t testing.TB, s storage.Storage) {
	t.Helper()
	if got, err := s.LoadSession(ctx(t), 2); err != nil || !cmp.Equal(got.AuthKey, key(3)) {
		t.Errorf("session: %v", err)
	}
	if dc, _ := s.HomeDC(ctx(t)); dc != 2 {
		t.Errorf("home dc %d", dc)
	}
	if id, _ := s.Identity(ctx(t)); id.UserID != 5 {
		t.Errorf("identity %+v", id)
	}
	if p, ok, err := s.PeerByUsername(ctx(t), "news"); err != nil || !ok || p.AccessHash != 123 {
		t.Errorf("peer by username: %v %v", ok, err)
	}
	if u, ok, err := s.LoadUpdates(ctx(t)); err != nil || !ok || u.State.Pts != 1 || len(u.Channels) != 1 {
		t.Errorf("updates: %+v %v %v", u, ok, err)
	}
	if v, ok, err := s.LoadRecord(ctx(t), "ns", "k"); err != nil || !ok || string(v) != "v" {
		t.Errorf("record: %q %v %v", v, ok, err)
	}
}

func testReset(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	fill(t, s)
	if err := s.Reset(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadSession(ctx(t), 2); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("session after Reset: %v", err)
	}
	if dc, _ := s.HomeDC(ctx(t)); dc != 0 {
		t.Errorf("home dc after Reset: %d", dc)
	}
	if id, _ := s.Identity(ctx(t)); id != (storage.Identity{}) {
		t.Errorf("identity after Reset: %+v", id)
	}
	if _, ok, _ := s.PeerByUsername(ctx(t), "news"); ok {
		t.Error("peer after Reset")
	}
	if _, ok, _ := s.LoadUpdates(ctx(t)); ok {
		t.Error("update state after Reset")
	}
	if _, ok, _ := s.LoadRecord(ctx(t), "ns", "k"); ok {
		t.Error("record after Reset")
	}
	fill(t, s) // usable after Reset
	check(t, s)
}

func testPersistence(t *testing.T, b Backend) {
	if !b.Persistent {
		t.Skip("backend is not persistent")
	}
	name := Name(t)
	s := open(t, b, name)
	fill(t, s)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, b, name)
	defer s.Close()
	check(t, s)
	// Another name is another session.
	other := open(t, b, Name(t))
	defer other.Close()
	if _, err := other.LoadSession(ctx(t), 2); !errors.Is(err, session.ErrNoSession) {
		t.Errorf("a second session sees the first's data: %v", err)
	}
}

func testConcurrent(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	const writers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				id := int64(w*rounds + r + 1)
				ps := []peers.Peer{{Key: peers.UserKey(id), AccessHash: id, Usernames: []string{"u" + strconv.FormatInt(id, 10)}}}
				if err := s.SavePeers(ctx(t), ps); err != nil {
					errs <- err
					return
				}
				if err := s.SaveRecord(ctx(t), "w"+strconv.Itoa(w), strconv.Itoa(r), []byte{byte(r)}); err != nil {
					errs <- err
					return
				}
				c := updates.Commit{Channels: []updates.ChannelPts{{ChannelID: id, Pts: int32(r)}}}
				if err := s.CommitUpdates(ctx(t), c); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for id := int64(1); id <= writers*rounds; id++ {
		p, ok, err := s.PeerByUsername(ctx(t), "u"+strconv.FormatInt(id, 10))
		if err != nil || !ok || p.AccessHash != id {
			t.Fatalf("peer %d after concurrent writes: %v %v %v", id, p.AccessHash, ok, err)
		}
	}
	u, _, err := s.LoadUpdates(ctx(t))
	if err != nil || len(u.Channels) != writers*rounds {
		t.Fatalf("channels after concurrent commits: %d, %v", len(u.Channels), err)
	}
}

// LargeCount is the large test's peer count for b.
func LargeCount(b Backend) int {
	if b.LargePeers > 0 {
		return b.LargePeers
	}
	if os.Getenv("MTGO_CI") != "" || os.Getenv("MTGO_STORAGE_LARGE") != "" {
		return 1_000_000
	}
	return 20_000
}

// BatchOf returns the peers of batch i of size n: users with a username and a phone each.
func BatchOf(i, n int) []peers.Peer {
	ps := make([]peers.Peer, n)
	for j := range ps {
		id := int64(i*n + j + 1)
		s := strconv.FormatInt(id, 10)
		ps[j] = peers.Peer{Key: peers.UserKey(id), AccessHash: id * 31, Usernames: []string{"user" + s}, Phone: "1" + s}
	}
	return ps
}

func testLarge(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	total, batch := LargeCount(b), 1000
	n := (total + batch - 1) / batch
	took := make([]time.Duration, n)
	start := time.Now()
	for i := range n {
		took[i] = timedSave(t, s, BatchOf(i, min(batch, total-i*batch)))
	}
	t.Logf("%d peers in %v (%.0f/s)", total, time.Since(start), float64(total)/time.Since(start).Seconds())
	// Linear cost: a batch costs about the same however many peers the session holds. Where
	// a batch costs in proportion to the peers stored (a scan, an index rebuilt), the total
	// is quadratic and the last tenth's batches cost up to 19 times the first tenth's at 100
	// batches (a mean of 95 000 peers stored against 5 000), more with more batches. Medians,
	// so that stalls of a loaded machine do not count; the slack covers batches of a few
	// hundred microseconds, where scheduling noise is the cost. A machine busier in the last
	// tenth than in the first (other tests, other jobs) slows those batches as well: before
	// failing, the check times a tenth's batches again, alternating between this session
	// and a new one, so that both see the same load; the new one holds a twentieth of the
	// peers on average, so a cost in proportion to them still shows twenty times.
	if b.LargeLinear && n >= 100 {
		first, last := medianOf(took[:n/10]), medianOf(took[n-n/10:])
		t.Logf("median batch: %v in the first tenth, %v in the last", first, last)
		if last > 4*first+10*time.Millisecond {
			small, _ := openFresh(t, b)
			fresh, more := make([]time.Duration, n/10), make([]time.Duration, n/10)
			for j := range n / 10 {
				fresh[j] = timedSave(t, small, BatchOf(j, batch))
				more[j] = timedSave(t, s, BatchOf(n+j, batch))
			}
			first, last = medianOf(fresh), medianOf(more)
			t.Logf("again, alternating with a new session: median batch %v there, %v here", first, last)
		}
		if last > 4*first+10*time.Millisecond {
			t.Errorf("batches of %d peers took %v (median) in a session of %d peers, %v in a new one: the cost grows with the peers stored", batch, last, total, first)
		}
	}
	for _, id := range []int64{1, int64(total / 2), int64(total)} {
		n := strconv.FormatInt(id, 10)
		p, ok, err := s.PeerByUsername(ctx(t), "USER"+n)
		if err != nil || !ok || p.AccessHash != id*31 {
			t.Fatalf("peer %d of %d: %v %v", id, total, ok, err)
		}
		if p, ok, _ := s.PeerByPhone(ctx(t), "1"+n); !ok || p.ID != id {
			t.Fatalf("peer %d by phone", id)
		}
	}
}

// timedSave saves ps in s and returns how long it took.
func timedSave(t *testing.T, s storage.Storage, ps []peers.Peer) time.Duration {
	t.Helper()
	start := time.Now()
	if err := s.SavePeers(ctx(t), ps); err != nil {
		t.Fatal(err)
	}
	return time.Since(start)
}

// medianOf returns the median of ds, which it sorts.
func medianOf(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func testLock(t *testing.T, b Backend) {
	if !b.Exclusive {
		t.Skip("backend has no session lock")
	}
	name := Name(t)
	s := open(t, b, name)
	if s2, err := b.Open(t, name); !errors.Is(err, storage.ErrSessionInUse) {
		if s2 != nil {
			s2.Close()
		}
		t.Fatalf("second Open of a session in use = %v, want ErrSessionInUse", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, b, name)
	s.Close()
}

func testCrash(t *testing.T, b Backend) {
	if b.Crash == nil {
		t.Skip("backend cannot simulate a crashed lock holder")
	}
	name := Name(t)
	s := open(t, b, name)
	fill(t, s)
	b.Crash(t, s)
	deadline := time.Now().Add(max(b.CrashRecovery, time.Second) + 5*time.Second)
	for wait := 50 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		s2, err := b.Open(t, name)
		if err == nil {
			defer s2.Close()
			check(t, s2)
			return
		}
		if !errors.Is(err, storage.ErrSessionInUse) || time.Now().After(deadline) {
			t.Fatalf("Open after the holder crashed = %v", err)
		}
		timer := time.NewTimer(wait) // the lease must expire: real time passes
		<-timer.C
	}
}

func testCorrupt(t *testing.T, b Backend) {
	if b.Corrupt == nil || !b.Persistent {
		t.Skip("backend cannot be corrupted by the suite")
	}
	name := Name(t)
	s := open(t, b, name)
	fill(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b.Corrupt(t, name)
	s, err := b.Open(t, name)
	if err != nil {
		if !corrupt(err) {
			t.Fatalf("Open of damaged data = %v, want ErrCorrupt or ErrUnsupportedVersion", err)
		}
		return
	}
	defer s.Close()
	var errs []error
	_, err = s.LoadSession(ctx(t), 2)
	errs = append(errs, err)
	_, err = s.Identity(ctx(t))
	errs = append(errs, err)
	_, _, err = s.PeerByUsername(ctx(t), "news")
	errs = append(errs, err)
	_, _, err = s.LoadUpdates(ctx(t))
	errs = append(errs, err)
	_, _, err = s.LoadRecord(ctx(t), "ns", "k")
	errs = append(errs, err)
	if !slices.ContainsFunc(errs, corrupt) {
		t.Fatalf("no read of damaged data reported ErrCorrupt: %v", errs)
	}
	for _, err := range errs {
		if err != nil && !corrupt(err) && !errors.Is(err, session.ErrNoSession) {
			t.Errorf("unexpected error kind reading damaged data: %v", err)
		}
	}
}

func corrupt(err error) bool {
	return errors.Is(err, storage.ErrCorrupt) || errors.Is(err, storage.ErrUnsupportedVersion)
}

func testClosed(t *testing.T, b Backend) {
	s := open(t, b, Name(t))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadSession(ctx(t), 2); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("LoadSession after Close = %v, want ErrClosed", err)
	}
	if err := s.SavePeers(ctx(t), samplePeers()); !errors.Is(err, storage.ErrClosed) {
		t.Errorf("SavePeers after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func testCanceled(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	if _, err := s.LoadSession(c, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("LoadSession with a canceled context = %v", err)
	}
	if err := s.SavePeers(c, samplePeers()); !errors.Is(err, context.Canceled) {
		t.Errorf("SavePeers with a canceled context = %v", err)
	}
	if err := s.SaveRecord(c, "ns", "k", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("SaveRecord with a canceled context = %v", err)
	}
}

// SaveMisplaceable saves what the backends' misplaced-row tests damage: users 5 (alice, with
// a username and a phone) and 6 (bob, with a username), and the sessions of data centers 2
// and 4, whose keys differ in their first byte. It returns alice and bob.
func SaveMisplaceable(t testing.TB, st storage.Storage) (alice, bob peers.Peer) {
	t.Helper()
	ctx := t.Context()
	alice = peers.Peer{Key: peers.UserKey(5), AccessHash: 55, Usernames: []string{"alice"}, Phone: "15550"}
	bob = peers.Peer{Key: peers.UserKey(6), AccessHash: 66, Usernames: []string{"bob"}}
	if err := st.SavePeers(ctx, []peers.Peer{alice, bob}); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, session.AuthKeySize)
	for _, dc := range []int{2, 4} {
		key[0] = byte(dc)
		if err := st.SaveSession(ctx, session.Session{DC: dc, Addr: "10.0.0.1:443", AuthKey: key}); err != nil {
			t.Fatal(err)
		}
	}
	return alice, bob
}

// NameDamage damages, for WrongNames, what a backend keeps beside a peer's data to find and
// drop its index entries.
type NameDamage struct {
	// Names makes the backend's record of the entries of user 5 (alice: usernames alice and
	// alice_two, phone 15550) list username "bob" (user 6's) and phone "15551" instead,
	// both readable.
	Names func()
	// Entry makes the username entry of value (the phone entry, with phone) name user 5,
	// adding it or taking it from the peer it named.
	Entry func(value string, phone bool)
}

// WrongNames checks lookups by username and phone when what st keeps beside a peer's data
// is readable but wrong (damage). A save finds the index entries to drop through that
// record, so a wrong one left the peer's old usernames and phone indexed to it, and a
// lookup that followed an entry to a peer without checking the peer's data resolved a
// username the peer gave up (and someone else may have now) to it; so did an entry damaged
// to name the wrong peer. A lookup answers a peer only if its data carries the username or
// phone, and the next save of that username or phone moves the entry.
func WrongNames(t *testing.T, st storage.Storage, damage NameDamage) {
	ctx := t.Context()
	alice := peers.Peer{Key: peers.UserKey(5), AccessHash: 55, Usernames: []string{"alice", "alice_two"}, Phone: "15550"}
	bob := peers.Peer{Key: peers.UserKey(6), AccessHash: 66, Usernames: []string{"bob"}, Phone: "15560"}
	if err := st.SavePeers(ctx, []peers.Peer{alice, bob}); err != nil {
		t.Fatal(err)
	}
	damage.Names()
	renamed := alice
	renamed.Usernames, renamed.Phone, renamed.AccessHash = []string{"alice_three"}, "15552", 56
	if err := st.SavePeers(ctx, []peers.Peer{renamed}); err != nil {
		t.Fatalf("SavePeers over the wrong names: %v", err)
	}
	// Entries naming alice for what she never carried: a username and a phone of their
	// own, and bob's.
	damage.Entry("mallory", false)
	damage.Entry("15570", true)
	damage.Entry("bob", false)
	damage.Entry("15560", true)

	find := func(by, value string) (peers.Peer, bool, error) {
		if by == "phone" {
			return st.PeerByPhone(ctx, value)
		}
		return st.PeerByUsername(ctx, value)
	}
	for _, tt := range []struct {
		by, value string
		want      peers.Key // zero: not found
	}{
		{"username", "alice", peers.Key{}},
		{"username", "alice_two", peers.Key{}},
		{"username", "@Alice_Three", alice.Key},
		{"username", "mallory", peers.Key{}},
		{"username", "bob", peers.Key{}},
		{"phone", "15550", peers.Key{}},
		{"phone", "15551", peers.Key{}},
		{"phone", "15552", alice.Key},
		{"phone", "15570", peers.Key{}},
		{"phone", "15560", peers.Key{}},
	} {
		p, ok, err := find(tt.by, tt.value)
		if err != nil {
			t.Errorf("peer by %s %q = %v", tt.by, tt.value, err)
			continue
		}
		var got peers.Key
		if ok {
			got = p.Key
		}
		if got != tt.want {
			t.Errorf("peer by %s %q = %v (found %v), want %v", tt.by, tt.value, got, ok, tt.want)
		}
	}
	// Saving bob again indexes his username and phone to him again.
	if err := st.SavePeers(ctx, []peers.Peer{bob}); err != nil {
		t.Fatal(err)
	}
	for _, by := range [][2]string{{"username", "bob"}, {"phone", "15560"}} {
		if p, ok, err := find(by[0], by[1]); err != nil || !ok || p.Key != bob.Key {
			t.Errorf("bob by %s after his save = %v, %v, %v; want found", by[0], p.Key, ok, err)
		}
	}
}
