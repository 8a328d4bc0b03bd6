package redis

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/client/storage/storagetest"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/updates"
	goredis "github.com/redis/go-redis/v9"
)

// server returns a client of the Redis of scripts/services.d/redis.sh (MTGO_REDIS_ADDR),
// skipping the test when none answers, failing under MTGO_CI.
func server(t testing.TB) goredis.UniversalClient {
	t.Helper()
	addr := os.Getenv("MTGO_REDIS_ADDR")
	if addr == "" {
		addr = "127.0.0.1:41379"
	}
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		if os.Getenv("MTGO_CI") != "" {
			t.Fatalf("Redis is required under MTGO_CI (scripts/services.d/redis.sh): %v", err)
		}
		t.Skipf("no Redis at MTGO_REDIS_ADDR (run scripts/services.d/redis.sh): %v", err)
	}
	c.Close()
	rdb := goredis.NewClient(&goredis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

func TestConformance(t *testing.T) {
	rdb := server(t)
	var names []string
	t.Cleanup(func() {
		for _, n := range names {
			_ = rdb.Del(t.Context(), keysOf(n)...).Err()
		}
	})
	storagetest.Run(t, storagetest.Backend{
		Open: func(t testing.TB, name string) (storage.Storage, error) {
			names = append(names, name)
			// Short enough for CrashedHolder to wait out, long enough that Redis busy with
			// LargePeerSet's scripts on a loaded machine (a renewal answered 760 ms late
			// under -race at load 14) does not let the lease lapse.
			return Open(t.Context(), rdb, name, Options{LockTTL: 3 * time.Second})
		},
		Persistent:    true,
		Exclusive:     true,
		Crash:         func(t testing.TB, s storage.Storage) { s.(*Store).abandon() },
		CrashRecovery: 3 * time.Second,
		LargeLinear:   true,
		Corrupt: func(t testing.TB, name string) {
			p := "mtgo:{" + name + "}:"
			if err := rdb.HSet(t.Context(), p+"sessions", "2", "\x07garbage").Err(); err != nil {
				t.Fatal(err)
			}
			if err := rdb.HSet(t.Context(), p+"meta", "identity", "short").Err(); err != nil {
				t.Fatal(err)
			}
		},
	})
}

func keysOf(name string) []string {
	p := "mtgo:{" + name + "}:"
	out := []string{p + "lock", p + "fence"}
	for _, d := range dataKeys {
		out = append(out, p+d)
	}
	return out
}

// TestFencing: a holder whose lease expired cannot write over the new holder.
func TestFencing(t *testing.T) {
	rdb := server(t)
	name := storagetest.Name(t)
	t.Cleanup(func() { _ = rdb.Del(t.Context(), keysOf(name)...).Err() })
	old, err := Open(t.Context(), rdb, name, Options{LockTTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// The old holder pauses (no renewal) and its lease is taken over.
	close(old.stop)
	<-old.done
	if err := rdb.Del(t.Context(), "mtgo:{"+name+"}:lock").Err(); err != nil { // the lease expired
		t.Fatal(err)
	}
	cur, err := Open(t.Context(), rdb, name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer cur.Close()
	if cur.Fence() <= old.Fence() {
		t.Errorf("fence %d after %d, want it to grow", cur.Fence(), old.Fence())
	}
	if err := cur.SetHomeDC(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	if err := old.SetHomeDC(t.Context(), 5); err == nil || !errorsIs(err, ErrLockLost) || !errorsIs(err, storage.ErrSessionInUse) {
		t.Fatalf("stale holder's write = %v, want ErrLockLost", err)
	}
	if dc, _ := cur.HomeDC(t.Context()); dc != 2 {
		t.Fatalf("home dc %d after a stale write", dc)
	}
	old.closed.Store(true)
}

// BenchmarkPeers: peer upserts in batches (storagetest.BenchmarkPeers).
func BenchmarkPeers(b *testing.B) {
	rdb := server(b)
	storagetest.BenchmarkPeers(b, func(t testing.TB, name string) (storage.Storage, error) {
		t.Cleanup(func() { _ = rdb.Del(context.Background(), keysOf(name)...).Err() })
		return Open(t.Context(), rdb, name, Options{})
	})
}

// TestShortLockTTL: a lease too short to renew is refused with an error. One of 1 or 2 ns
// made the renewal ticker's period zero, and the goroutine's panic ended the program; under
// a millisecond, PEXPIRE 0 deleted the lock it meant to renew.
func TestShortLockTTL(t *testing.T) {
	rdb := server(t)
	for _, ttl := range []time.Duration{time.Nanosecond, 2 * time.Nanosecond, time.Microsecond, 5 * time.Millisecond} {
		name := storagetest.Name(t)
		t.Cleanup(func() { _ = rdb.Del(context.Background(), keysOf(name)...).Err() })
		st, err := Open(t.Context(), rdb, name, Options{LockTTL: ttl})
		if err == nil {
			st.Close()
			t.Fatalf("Open with LockTTL %v succeeded", ttl)
		}
		if n, _ := rdb.Exists(t.Context(), "mtgo:{"+name+"}:lock").Result(); n != 0 {
			t.Errorf("LockTTL %v: refused, but the lock was taken", ttl)
		}
	}
}

// TestLoadUpdatesSnapshot: LoadUpdates returns the account state and the channels of one
// moment. It read them with two commands, and a commit between them gave a state of one
// commit with the channels of another (each commit below keeps both at one pts).
func TestLoadUpdatesSnapshot(t *testing.T) {
	rdb := server(t)
	name := storagetest.Name(t)
	t.Cleanup(func() { _ = rdb.Del(context.Background(), keysOf(name)...).Err() })
	st, err := Open(t.Context(), rdb, name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	commit := func(pts int32) error {
		return st.CommitUpdates(t.Context(), updates.Commit{HasState: true, State: updates.State{Pts: pts},
			Channels: []updates.ChannelPts{{ChannelID: 7, Pts: pts}}})
	}
	if err := commit(1); err != nil {
		t.Fatal(err)
	}
	const n = 2000
	var done atomic.Bool
	go func() {
		defer done.Store(true)
		for pts := int32(2); pts <= n; pts++ {
			if err := commit(pts); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	torn, loads := 0, 0
	for !done.Load() {
		s, ok, err := st.LoadUpdates(t.Context())
		if err != nil || !ok || len(s.Channels) != 1 {
			t.Fatalf("LoadUpdates = %+v, %v, %v", s, ok, err)
		}
		loads++
		if s.State.Pts != s.Channels[0].Pts {
			torn++
		}
	}
	if torn > 0 {
		t.Fatalf("%d of %d loads mixed two commits", torn, loads)
	}
}

// repeatScan is a go-redis hook that returns every HSCAN page's entries twice, as HSCAN may
// when Redis rehashes the hash between pages.
type repeatScan struct{}

func (repeatScan) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (repeatScan) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

func (repeatScan) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		err := next(ctx, cmd)
		if sc, ok := cmd.(*goredis.ScanCmd); ok && err == nil && cmd.Name() == "hscan" {
			page, cursor := sc.Val()
			sc.SetVal(append(slices.Clone(page), page...), cursor)
		}
		return err
	}
}

// TestListPeersRepeatedScan: a peer HSCAN returns twice is listed once.
func TestListPeersRepeatedScan(t *testing.T) {
	rdb := server(t).(*goredis.Client)
	name := t.Name()
	t.Cleanup(func() { _ = rdb.Del(context.Background(), keysOf(name)...).Err() })
	s, err := Open(t.Context(), rdb, name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var want []peers.Peer
	for id := int64(1); id <= 30; id++ {
		want = append(want, peers.Peer{Key: peers.UserKey(id), AccessHash: id})
	}
	if err := s.SavePeers(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	rdb.AddHook(repeatScan{})
	got, err := s.ListPeers(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListPeers (-want +got):\n%s", diff)
	}
}

// stallRenewals is a go-redis hook that holds every lease renewal until release is closed:
// a Redis too busy to answer, or a client whose ReadTimeout outlasts the lease.
type stallRenewals struct{ release chan struct{} }

func (stallRenewals) DialHook(next goredis.DialHook) goredis.DialHook { return next }

func (stallRenewals) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return next
}

func (h stallRenewals) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook {
	return func(ctx context.Context, cmd goredis.Cmder) error {
		if args := cmd.Args(); len(args) > 1 && (args[1] == renewScript.Hash() || cmd.Name() == "eval" && strings.Contains(fmt.Sprint(args[1]), "PEXPIRE")) {
			<-h.release
		}
		return next(ctx, cmd)
	}
}

// TestRenewalOutlastingLease: a store whose renewal has not answered when its lease ends
// counts the lock as lost: from then on another process may hold the session. It waited for
// the renewal (the client's ReadTimeout, 3 s by default, not the lease) and then simply
// tried again, so it went on serving the session after another process had taken it.
func TestRenewalOutlastingLease(t *testing.T) {
	rdb := server(t).(*goredis.Client)
	name := storagetest.Name(t)
	t.Cleanup(func() { _ = rdb.Del(context.Background(), keysOf(name)...).Err() })
	stalled := goredis.NewClient(&goredis.Options{Addr: rdb.Options().Addr})
	defer stalled.Close()
	h := stallRenewals{release: make(chan struct{})}
	stalled.AddHook(h)
	old, err := Open(t.Context(), stalled, name, Options{LockTTL: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	defer close(h.release) // before Close, which waits for the renewing goroutine
	if err := old.SetHomeDC(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	// The lease lapses in Redis (its renewals never arrive) and another process takes it.
	var cur *Store
	for deadline := time.Now().Add(5 * time.Second); cur == nil; {
		cur, err = Open(t.Context(), rdb, name, Options{})
		switch {
		case err == nil:
		case !errorsIs(err, storage.ErrSessionInUse):
			t.Fatal(err)
		case time.Now().After(deadline):
			t.Fatal("the stalled store's lease did not lapse in 5 s")
		default:
			timer := time.NewTimer(10 * time.Millisecond) // the lease runs on Redis's clock
			<-timer.C
		}
	}
	defer cur.Close()
	if _, err := old.HomeDC(t.Context()); !errorsIs(err, ErrLockLost) || !errorsIs(err, storage.ErrSessionInUse) {
		t.Errorf("read of the store whose lease lapsed = %v, want ErrLockLost", err)
	}
	if err := old.SetHomeDC(t.Context(), 5); !errorsIs(err, ErrLockLost) {
		t.Errorf("write of the store whose lease lapsed = %v, want ErrLockLost", err)
	}
	if err := old.Save(); !errorsIs(err, ErrLockLost) {
		t.Errorf("Save of the store whose lease lapsed = %v, want ErrLockLost", err)
	}
	if dc, err := cur.HomeDC(t.Context()); err != nil || dc != 2 {
		t.Errorf("new holder's home dc = %d, %v, want 2", dc, err)
	}
}
