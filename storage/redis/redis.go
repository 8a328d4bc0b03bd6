// Package redis keeps MTGo sessions in Redis through redis/go-redis v9: the same data as the
// other stores, for deployments that already run Redis. Every write of a session checks, in
// the same Lua script that applies it, that this store still holds the session's lock, so a
// store whose lease expired (a paused process, a partition) cannot overwrite the state of the
// process that took over: the lock value is the fencing token.
//
// # Key layout
//
// Every key of session NAME starts with mtgo:{NAME}: (the braces make Redis Cluster keep a
// session's keys in one slot, so scripts may touch them together):
//
//	lock        string  the holder's token; expires unless renewed (Options.LockTTL)
//	fence       string  incremented at every acquisition (Store.Fence)
//	sessions    hash    dc -> session (client/storage encoding)
//	meta        hash    home_dc, identity, state
//	peers       hash    kind:id -> peer (peers binary encoding)
//	peer_index  hash    kind:id -> the peer's index entries ("u:name", "p:phone", one per line)
//	usernames   hash    lower-case username -> kind:id
//	phones      hash    phone -> kind:id
//	channels    hash    channel id -> pts, or pts/named with a guessed start (updates.ChannelPts.Named)
//	records     hash    namespace NUL key -> value
//
// # Persistence
//
// Redis acknowledges a write when it is in memory. What survives a Redis crash depends on its
// configuration: with appendonly yes and appendfsync everysec (the usual choice) at most about
// a second of writes can be lost, which for a session store means a few peers or an update
// state a little behind (the client then fetches the difference again: nothing is lost, some
// updates may be handled twice). With appendfsync always nothing acknowledged is lost. Without
// persistence a Redis restart logs every session out. Use AOF for sessions you care about.
package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
	goredis "github.com/redis/go-redis/v9"
)

// Options configures Open.
type Options struct {
	// LockTTL is how long the session lock lives without renewal; a crashed holder's lock
	// frees itself after it. The store renews it every LockTTL/3; when no renewal has
	// answered a LockTTL after the last one confirmed was sent, the store fails with
	// ErrLockLost. Default 15 s; at least MinLockTTL.
	LockTTL time.Duration
}

// MinLockTTL is the shortest Options.LockTTL: the lease is renewed every third of it, each
// renewal a round trip, and Redis keeps expiries in milliseconds.
const MinLockTTL = 100 * time.Millisecond

// ErrLockLost reports a write refused because this store no longer holds the session lock
// (its lease expired and another process may have taken the session). It matches
// storage.ErrSessionInUse.
var ErrLockLost = fmt.Errorf("%w: redis lock lost", storage.ErrSessionInUse)

// Store is one session in Redis. It is safe for concurrent use.
type Store struct {
	rdb   goredis.UniversalClient
	name  string
	p     string // key prefix
	token string
	fence int64
	ttl   time.Duration

	// The lease as this process can vouch for it: it ends at born+until (the monotonic
	// clock), a LockTTL after the last acquisition or renewal that Redis confirmed was
	// sent. Past it Redis may have let the lock go, and check fails.
	born  time.Time
	until atomic.Int64

	closed atomic.Bool
	lost   atomic.Bool
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
}

var _ storage.Storage = (*Store)(nil)

const maxName = 200

// Open takes the lock of the session called name in rdb and returns its store:
// storage.ErrSessionInUse while another store holds it.
func Open(ctx context.Context, rdb goredis.UniversalClient, name string, opt Options) (*Store, error) {
	if name == "" || len(name) > maxName || strings.ContainsAny(name, "{}\x00") {
		return nil, fmt.Errorf("redis storage: session name must be 1 to %d bytes without braces or a zero byte", maxName)
	}
	switch {
	case opt.LockTTL <= 0:
		opt.LockTTL = 15 * time.Second
	case opt.LockTTL < MinLockTTL:
		// A zero renewal period panics in the renewing goroutine; under a millisecond,
		// PEXPIRE 0 deletes the lock it renews.
		return nil, fmt.Errorf("redis storage: LockTTL %v is shorter than %v", opt.LockTTL, MinLockTTL)
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("redis storage: lock token: %w", err)
	}
	s := &Store{rdb: rdb, name: name, p: "mtgo:{" + name + "}:", token: hex.EncodeToString(raw[:]), ttl: opt.LockTTL,
		born: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	ok, err := rdb.SetNX(ctx, s.k("lock"), s.token, opt.LockTTL).Result()
	if err != nil {
		return nil, fmt.Errorf("redis storage: lock session: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: redis session %q", storage.ErrSessionInUse, name)
	}
	s.extend(0)
	if s.fence, err = rdb.Incr(ctx, s.k("fence")).Result(); err != nil {
		_ = s.unlock(context.Background())
		return nil, fmt.Errorf("redis storage: fence: %w", err)
	}
	go s.renew()
	return s, nil
}

// Fence returns this holder's fencing token: it grows with every acquisition of the session,
// so systems outside Redis can refuse writes from an older holder.
func (s *Store) Fence() int64 { return s.fence }

// Name returns the session name.
func (s *Store) Name() string { return s.name }

func (s *Store) k(suffix string) string { return s.p + suffix }

var renewScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

// renew extends the lease every ttl/3 until Close; a lease found taken, or not renewed before
// it ends, marks the store lost.
func (s *Store) renew() {
	defer close(s.done)
	t := time.NewTicker(s.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			sent := time.Since(s.born)
			// A renewal may take as long as the lease has left, no longer; the client
			// bounds its socket waits with this deadline only with ContextTimeoutEnabled
			// (else by its ReadTimeout), and check ends the lease on time either way.
			ctx, cancel := context.WithDeadline(context.Background(), s.leaseEnd())
			n, err := renewScript.Run(ctx, s.rdb, []string{s.k("lock")}, s.token, s.ttl.Milliseconds()).Int()
			cancel()
			if err == nil && n == 0 { // taken over, or it lapsed
				s.lost.Store(true)
			}
			// An answer after the lease's end comes too late: the store may have served
			// the session while Redis let it go.
			if s.expired() {
				return
			}
			if err == nil {
				s.extend(sent)
			}
		}
	}
}

// leaseDrift is the part of LockTTL the store gives up for the clocks of Redis and this
// process running at different rates.
const leaseDrift = 100

// extend moves the lease's end to a LockTTL (less drift) after sent, when the lock was
// confirmed held by a command sent at born+sent.
func (s *Store) extend(sent time.Duration) {
	end := int64(sent + s.ttl - s.ttl/leaseDrift)
	for {
		cur := s.until.Load()
		if end <= cur || s.until.CompareAndSwap(cur, end) {
			return
		}
	}
}

// leaseEnd is when Redis may let the lock go unless a renewal reaches it.
func (s *Store) leaseEnd() time.Time { return s.born.Add(time.Duration(s.until.Load())) }

// expired reports a lock that is lost or whose lease ended, marking it lost for good.
func (s *Store) expired() bool {
	if s.lost.Load() {
		return true
	}
	if time.Since(s.born) < time.Duration(s.until.Load()) {
		return false
	}
	s.lost.Store(true)
	return true
}

// abandon stops renewing without releasing the lock: what a crashed process leaves behind.
// For tests.
func (s *Store) abandon() {
	s.once.Do(func() {
		s.closed.Store(true)
		close(s.stop)
		<-s.done
	})
}

var unlockScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0`)

func (s *Store) unlock(ctx context.Context) error {
	return unlockScript.Run(ctx, s.rdb, []string{s.k("lock")}, s.token).Err()
}

// Close releases the session lock. The client is the caller's.
func (s *Store) Close() error {
	var err error
	first := false
	s.once.Do(func() {
		first = true
		s.closed.Store(true)
		close(s.stop)
		<-s.done
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if e := s.unlock(ctx); e != nil {
			err = fmt.Errorf("redis storage: unlock: %w", e)
		}
	})
	if !first {
		return nil
	}
	return err
}

// Save implements storage.Storage: every write is applied when it returns.
func (s *Store) Save() error { return s.check(context.Background()) }

func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return storage.ErrClosed
	}
	if s.expired() {
		return ErrLockLost
	}
	return ctx.Err()
}

func (s *Store) wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), lockLost):
		s.lost.Store(true)
		return fmt.Errorf("redis storage: %s: %w", op, ErrLockLost)
	}
	return fmt.Errorf("redis storage: %s: %w", op, err)
}

// lockLost is the error a script answers when the session lock is no longer ours.
const lockLost = "MTGO_LOCK_LOST"

// lockCheck opens every writing script: KEYS[1] is the lock and ARGV[1] our token, and a
// lock another process holds (or none) fails the script with lockLost before it writes.
const lockCheck = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
	return redis.error_reply('` + lockLost + `')
end`

// writeScript applies field writes to the session's hashes if the lock is still ours.
// KEYS[1] is the lock, KEYS[2..] the hashes; ARGV[1] the token, then groups of four:
// hash index (2-based into KEYS), op ("s" set, "d" delete), field, value.
var writeScript = goredis.NewScript(lockCheck + `
for i = 2, #ARGV, 4 do
	local h = KEYS[tonumber(ARGV[i])]
	if ARGV[i+1] == 's' then
		redis.call('HSET', h, ARGV[i+2], ARGV[i+3])
	else
		redis.call('HDEL', h, ARGV[i+2])
	end
end
return 1`)

// write is one atomic, fenced batch of field writes.
type write struct {
	keys []string
	args []any
}

func (s *Store) newWrite(hashes ...string) *write {
	w := &write{keys: []string{s.k("lock")}, args: []any{s.token}}
	for _, h := range hashes {
		w.keys = append(w.keys, s.k(h))
	}
	return w
}

func (w *write) set(hash int, field string, value []byte) *write {
	w.args = append(w.args, hash+2, "s", field, value)
	return w
}

func (w *write) del(hash int, field string) *write {
	w.args = append(w.args, hash+2, "d", field, "")
	return w
}

func (s *Store) run(ctx context.Context, op string, w *write) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	return s.wrap(op, writeScript.Run(ctx, s.rdb, w.keys, w.args...).Err())
}

// hget reads one field; ok is false when it is missing.
func (s *Store) hget(ctx context.Context, op, hash, field string) ([]byte, bool, error) {
	if err := s.check(ctx); err != nil {
		return nil, false, err
	}
	v, err := s.rdb.HGet(ctx, s.k(hash), field).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, s.wrap(op, err)
	}
	return v, true, nil
}

// LoadSession implements storage.Storage.
func (s *Store) LoadSession(ctx context.Context, dc int) (session.Session, error) {
	v, ok, err := s.hget(ctx, "load session", "sessions", strconv.Itoa(dc))
	if err != nil {
		return session.Session{}, err
	}
	if !ok {
		return session.Session{}, fmt.Errorf("redis storage: dc %d: %w", dc, session.ErrNoSession)
	}
	ss, err := storage.UnmarshalSession(v)
	if err != nil {
		return session.Session{}, fmt.Errorf("redis storage: load session: %w", err)
	}
	if ss.DC != dc {
		// Another data center's session: its key would be used with this one.
		return session.Session{}, fmt.Errorf("%w: redis storage: load session: the field of dc %d holds dc %d's", storage.ErrCorrupt, dc, ss.DC)
	}
	return ss, nil
}

// SaveSession implements storage.Storage.
func (s *Store) SaveSession(ctx context.Context, ss session.Session) error {
	data, err := storage.MarshalSession(ss)
	if err != nil {
		return fmt.Errorf("redis storage: save session: %w", err)
	}
	return s.run(ctx, "save session", s.newWrite("sessions").set(0, strconv.Itoa(ss.DC), data))
}

// HomeDC implements storage.Storage.
func (s *Store) HomeDC(ctx context.Context) (int, error) {
	v, ok, err := s.hget(ctx, "load home dc", "meta", "home_dc")
	if err != nil || !ok {
		return 0, err
	}
	dc, err := strconv.Atoi(string(v))
	if err != nil || storage.CheckHomeDC(dc) != nil {
		return 0, fmt.Errorf("%w: redis storage: home dc: a value of %d bytes that is not a data center number", storage.ErrCorrupt, len(v))
	}
	return dc, nil
}

// SetHomeDC implements storage.Storage.
func (s *Store) SetHomeDC(ctx context.Context, dc int) error {
	if err := storage.CheckHomeDC(dc); err != nil {
		return fmt.Errorf("redis %w", err)
	}
	return s.run(ctx, "save home dc", s.newWrite("meta").set(0, "home_dc", []byte(strconv.Itoa(dc))))
}

// Identity implements storage.Storage.
func (s *Store) Identity(ctx context.Context) (storage.Identity, error) {
	v, ok, err := s.hget(ctx, "load identity", "meta", "identity")
	if err != nil || !ok {
		return storage.Identity{}, err
	}
	id, err := storage.UnmarshalIdentity(v)
	if err != nil {
		return storage.Identity{}, fmt.Errorf("redis storage: load identity: %w", err)
	}
	return id, nil
}

// SetIdentity implements storage.Storage.
func (s *Store) SetIdentity(ctx context.Context, id storage.Identity) error {
	return s.run(ctx, "save identity", s.newWrite("meta").set(0, "identity", storage.MarshalIdentity(id)))
}

// LoadUpdates implements storage.Storage.
func (s *Store) LoadUpdates(ctx context.Context) (updates.Saved, bool, error) {
	if err := s.check(ctx); err != nil {
		return updates.Saved{}, false, err
	}
	// One transaction (MULTI/EXEC), so the state and the channels are of one moment: read
	// one after the other, a commit between them mixed two commits.
	var (
		out   updates.Saved
		state *goredis.StringCmd
		all   *goredis.MapStringStringCmd
	)
	_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		state = p.HGet(ctx, s.k("meta"), "state")
		all = p.HGetAll(ctx, s.k("channels"))
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return updates.Saved{}, false, s.wrap("load update state", err)
	}
	v, err := state.Bytes()
	ok := err == nil
	switch {
	case ok:
		if out.State, err = storage.UnmarshalState(v); err != nil {
			return updates.Saved{}, false, fmt.Errorf("redis storage: load update state: %w", err)
		}
	case !errors.Is(err, goredis.Nil):
		return updates.Saved{}, false, s.wrap("load update state", err)
	}
	chans, err := all.Result()
	if err != nil {
		return updates.Saved{}, false, s.wrap("load update state", err)
	}
	for id, v := range chans {
		c, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return updates.Saved{}, false, fmt.Errorf("%w: redis storage: load update state: a field of %d bytes that is not a channel id", storage.ErrCorrupt, len(id))
		}
		ch, err := decodeChannel(c, v)
		if err != nil {
			return updates.Saved{}, false, fmt.Errorf("%w: redis storage: load update state: %w", storage.ErrCorrupt, err)
		}
		out.Channels = append(out.Channels, ch)
	}
	return out, ok, nil
}

// encodeChannel is a channel's value in the channels hash: its pts, then "/" and the pts
// named when there is one. A value without it is what the versions before wrote.
func encodeChannel(ch updates.ChannelPts) []byte {
	b := strconv.AppendInt(nil, int64(ch.Pts), 10)
	if ch.Named != 0 {
		b = strconv.AppendInt(append(b, '/'), int64(ch.Named), 10)
	}
	return b
}

// decodeChannel reads encodeChannel's value of channel id. The pts named is checked no
// further than its encoding (no "/0", which encodeChannel never writes): the update engine
// ignores one it cannot use (updates.ChannelPts). Errors name sizes, never the value.
func decodeChannel(id int64, v string) (updates.ChannelPts, error) {
	pts, named, guess := strings.Cut(v, "/")
	p, err := strconv.ParseInt(pts, 10, 32)
	if err != nil {
		return updates.ChannelPts{}, fmt.Errorf("channel %d: a pts of %d bytes that is not a number", id, len(pts))
	}
	ch := updates.ChannelPts{ChannelID: id, Pts: int32(p)}
	if guess {
		n, err := strconv.ParseInt(named, 10, 32)
		if err != nil || n == 0 {
			return updates.ChannelPts{}, fmt.Errorf("channel %d: a pts named of %d bytes that is not a number other than 0", id, len(named))
		}
		ch.Named = int32(n)
	}
	return ch, nil
}

// CommitUpdates implements storage.Storage: the state and the channels' pts in one script.
func (s *Store) CommitUpdates(ctx context.Context, c updates.Commit) error {
	if c.Empty() {
		return s.check(ctx)
	}
	w := s.newWrite("meta", "channels")
	if c.HasState {
		w.set(0, "state", storage.MarshalState(c.State))
	}
	for _, ch := range c.Channels {
		id := strconv.FormatInt(ch.ChannelID, 10)
		if ch.Removed {
			w.del(1, id)
		} else {
			w.set(1, id, encodeChannel(ch))
		}
	}
	return s.run(ctx, "save update state", w)
}

// LoadRecord implements storage.Storage.
func (s *Store) LoadRecord(ctx context.Context, ns, key string) ([]byte, bool, error) {
	k, err := storage.RecordKey(ns, key)
	if err != nil {
		return nil, false, err
	}
	v, ok, err := s.hget(ctx, "load record", "records", k)
	if err != nil || !ok {
		return nil, false, err
	}
	if len(v) > storage.MaxRecordSize {
		return nil, false, fmt.Errorf("%w: redis storage: record of %d bytes", storage.ErrCorrupt, len(v))
	}
	return v, true, nil
}

// SaveRecord implements storage.Storage.
func (s *Store) SaveRecord(ctx context.Context, ns, key string, value []byte) error {
	if err := storage.CheckRecord(ns, key, value); err != nil {
		return err
	}
	k, _ := storage.RecordKey(ns, key)
	if value == nil {
		value = []byte{}
	}
	return s.run(ctx, "save record", s.newWrite("records").set(0, k, value))
}

// DeleteRecord implements storage.Storage.
func (s *Store) DeleteRecord(ctx context.Context, ns, key string) error {
	k, err := storage.RecordKey(ns, key)
	if err != nil {
		return err
	}
	return s.run(ctx, "delete record", s.newWrite("records").del(0, k))
}

var resetScript = goredis.NewScript(lockCheck + `
for i = 2, #KEYS do
	redis.call('DEL', KEYS[i])
end
return 1`)

// dataKeys are the session's data hashes (everything but the lock and the fence).
var dataKeys = []string{"sessions", "meta", "peers", "peer_index", "usernames", "phones", "channels", "records"}

// Reset implements storage.Storage: every data key goes, in one script.
func (s *Store) Reset(ctx context.Context) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	keys := []string{s.k("lock")}
	for _, d := range dataKeys {
		keys = append(keys, s.k(d))
	}
	return s.wrap("reset", resetScript.Run(ctx, s.rdb, keys, s.token).Err())
}

// peerField names a peer in the peers hashes.
func peerField(k peers.Key) string {
	return strconv.Itoa(int(k.Kind)) + ":" + strconv.FormatInt(k.ID, 10)
}
