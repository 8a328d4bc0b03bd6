package peers

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Default sizes of a Cache.
const (
	// DefaultSize is the number of peers a Cache keeps in memory by default.
	DefaultSize = 4096
	// DefaultBatchSize is how many changed peers a Cache collects before writing them to its
	// Store by default.
	DefaultBatchSize = 32
)

// Options configure a Cache. The zero value is a cache of DefaultSize peers without a Store.
type Options struct {
	// Size bounds the peers kept in memory (least recently used go first); 0 means
	// DefaultSize. The username and phone indexes cover the peers in memory only.
	Size int
	// Store keeps peers across restarts; nil keeps them in memory only. The cache reads
	// through it on a miss.
	Store Store
	// BatchSize is how many changed peers are collected before they are written to Store in
	// one call; 0 means DefaultBatchSize and 1 writes through on every change. Flush writes
	// whatever is pending.
	BatchSize int
	// Now returns the current time (for Peer.Seen); nil means time.Now.
	Now func() time.Time
	// Logger receives failures of automatic writes to Store; nil discards them.
	Logger *slog.Logger
}

// Cache remembers peers with their access hashes, keyed by kind and id, bounded by an LRU, and
// indexed by username and phone number. It is filled by Learn from every list of users and
// chats that passes through results and updates. It is safe for concurrent use.
//
// A Cache with a Store reads through it on a miss and writes the peers whose information
// changed (not merely seen again) in batches; call Flush before exiting to write the rest.
type Cache struct {
	store      Store
	batchSize  int
	maxPending int // pending peers kept across failed writes
	now        func() time.Time
	log        *slog.Logger

	mu       sync.Mutex
	peers    *simplelru.LRU[Key, Peer]
	names    map[string]Key // normalized username -> key, for the peers in memory
	phones   map[string]Key // digits -> key, for the peers in memory
	dirty    map[Key]Peer   // changed, not yet handed to the store
	inflight map[Key]Peer   // being written by Flush
	selfID   int64
	selfBot  bool
	seen     *simplelru.LRU[Key, msgRef] // where min peers were seen (minpeers.go); nil until one is

	flushMu sync.Mutex // one Flush at a time, so batches reach the store in order
}

// NewCache returns an empty cache.
func NewCache(opts Options) *Cache {
	size := opts.Size
	if size <= 0 {
		size = DefaultSize
	}
	batch := opts.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Cache{
		store: opts.Store, batchSize: batch, maxPending: max(size, 4*batch), now: now, log: log,
		names: make(map[string]Key), phones: make(map[string]Key),
		dirty: make(map[Key]Peer),
	}
	// NewLRU fails only for a size below 1, excluded above.
	c.peers, _ = simplelru.NewLRU(size, c.evicted)
	return c
}

// evicted drops the index entries of a peer leaving memory (called by the LRU under mu).
func (c *Cache) evicted(k Key, p Peer) {
	c.unindexLocked(p, Peer{Key: k})
}

// SetSelf records the logged-in account's user id and whether it is a bot. Learn also sets it
// from a user object with the self flag.
func (c *Cache) SetSelf(id int64, bot bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.selfID, c.selfBot = id, bot
}

// Self returns the logged-in account's user id and bot flag; ok is false when unknown.
func (c *Cache) Self() (id int64, bot, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.selfID, c.selfBot, c.selfID != 0
}

// Get returns the peer with key k from memory, or from the Store on a miss. The error is the
// Store's.
func (c *Cache) Get(ctx context.Context, k Key) (Peer, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok, err := c.getLocked(ctx, k)
	return p.clone(), ok, err
}

// getLocked finds k in memory, then in the batches not yet stored, then in the Store (and
// keeps what it read in memory).
func (c *Cache) getLocked(ctx context.Context, k Key) (Peer, bool, error) {
	if p, ok := c.peers.Get(k); ok {
		return p, true, nil
	}
	if p, ok := c.dirty[k]; ok {
		c.peers.Add(k, p)
		c.indexLocked(Peer{}, p)
		return p, true, nil
	}
	if p, ok := c.inflight[k]; ok {
		c.peers.Add(k, p)
		c.indexLocked(Peer{}, p)
		return p, true, nil
	}
	if c.store == nil || !k.Valid() {
		return Peer{}, false, nil
	}
	p, ok, err := c.store.LoadPeer(ctx, k)
	if err != nil {
		return Peer{}, false, fmt.Errorf("peers: load %v: %w", k, err)
	}
	if !ok || p.Key != k {
		return Peer{}, false, nil
	}
	c.peers.Add(k, p)
	c.indexLocked(Peer{}, p)
	return p, true, nil
}

// ByUsername returns the peer that last carried username (with or without "@", any case),
// from memory or the Store. Peer.Seen says how old that knowledge is.
func (c *Cache) ByUsername(ctx context.Context, username string) (Peer, bool, error) {
	n := NormalizeUsername(username)
	if n == "" {
		return Peer{}, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.names[n]; ok {
		p, ok, err := c.getLocked(ctx, k)
		if err != nil {
			return Peer{}, false, err
		}
		if ok && p.HasUsername(n) {
			return p.clone(), true, nil
		}
		delete(c.names, n)
	}
	if p, ok := c.pendingLocked(func(p Peer) bool { return p.HasUsername(n) }); ok {
		return p.clone(), true, nil
	}
	if c.store == nil {
		return Peer{}, false, nil
	}
	p, ok, err := c.store.PeerByUsername(ctx, n)
	if err != nil {
		return Peer{}, false, fmt.Errorf("peers: load @%s: %w", n, err)
	}
	return c.adoptLocked(ctx, p, ok && p.HasUsername(n))
}

// ByPhone returns the user that last carried the phone number (any format NormalizePhone
// accepts), from memory or the Store.
func (c *Cache) ByPhone(ctx context.Context, phone string) (Peer, bool, error) {
	n := NormalizePhone(phone)
	if n == "" {
		return Peer{}, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if k, ok := c.phones[n]; ok {
		p, ok, err := c.getLocked(ctx, k)
		if err != nil {
			return Peer{}, false, err
		}
		if ok && p.Phone == n {
			return p.clone(), true, nil
		}
		delete(c.phones, n)
	}
	if p, ok := c.pendingLocked(func(p Peer) bool { return p.Phone == n }); ok {
		return p.clone(), true, nil
	}
	if c.store == nil {
		return Peer{}, false, nil
	}
	p, ok, err := c.store.PeerByPhone(ctx, n)
	if err != nil {
		return Peer{}, false, fmt.Errorf("peers: load phone: %w", err)
	}
	return c.adoptLocked(ctx, p, ok && p.Phone == n)
}

// pendingLocked finds a peer that left memory before its record was written to the Store
// (the indexes cover neither) and whose newest record matches; the most recently learned one
// wins. It goes back into memory. The scan is over the pending peers only, a batch or, while
// the Store fails, at most Options.Size.
func (c *Cache) pendingLocked(match func(Peer) bool) (Peer, bool) {
	var best Peer
	found := false
	for _, m := range [...]map[Key]Peer{c.dirty, c.inflight} {
		for k, p := range m {
			if !match(p) {
				continue
			}
			if _, inMem := c.peers.Peek(k); inMem {
				continue // indexed: ByUsername and ByPhone looked there first
			}
			if newer, ok := c.dirty[k]; ok {
				p = newer // an inflight record may be older than the pending one
			}
			if match(p) && (!found || p.Seen.After(best.Seen)) {
				best, found = p, true
			}
		}
	}
	if found {
		c.peers.Add(best.Key, best)
		c.indexLocked(Peer{}, best)
	}
	return best, found
}

// adoptLocked keeps a peer read from the Store's indexes in memory, unless memory or a pending
// batch holds a newer record of it, which wins.
func (c *Cache) adoptLocked(ctx context.Context, p Peer, ok bool) (Peer, bool, error) {
	if !ok || !p.Valid() {
		return Peer{}, false, nil
	}
	if _, inMem := c.peers.Peek(p.Key); inMem || c.dirty[p.Key].Valid() || c.inflight[p.Key].Valid() {
		return Peer{}, false, nil
	}
	c.peers.Add(p.Key, p)
	c.indexLocked(Peer{}, p)
	return p.clone(), true, nil
}

// Lookup returns the input peer for a Bot API style id (positive users, negative basic groups,
// -100... channels) without network requests. Users and channels are returned only with a
// full access hash; the logged-in account without a cached record is inputPeerSelf.
func (c *Cache) Lookup(id int64) (tg.InputPeerClass, bool) {
	k, ok := KeyFromBotAPI(id)
	if !ok {
		return nil, false
	}
	return c.LookupKey(k)
}

// LookupKey is Lookup by key.
func (c *Cache) LookupKey(k Key) (tg.InputPeerClass, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok, err := c.getLocked(context.Background(), k)
	if err != nil {
		c.log.Warn("peers: store read failed", slog.String("peer", k.String()), slog.Any("err", err))
	}
	if ok && p.Addressable() {
		return p.InputPeer(), true
	}
	if k.Kind == KindUser && k.ID == c.selfID && c.selfID != 0 {
		return &tg.InputPeerSelf{}, true
	}
	return c.fromMessageLocked(k)
}

// Addressable reports whether InputPeer can be used in requests as it is: always for basic
// groups, only with a full access hash for users and channels.
func (p Peer) Addressable() bool {
	return p.Valid() && (p.Kind == KindChat || !p.Min)
}

// ChannelAccessHash returns the full access hash of channel id, for the update engine's
// getChannelDifference.
func (c *Cache) ChannelAccessHash(id int64) (int64, bool) {
	return c.accessHash(ChannelKey(id))
}

// UserAccessHash returns the full access hash of user id.
func (c *Cache) UserAccessHash(id int64) (int64, bool) {
	return c.accessHash(UserKey(id))
}

func (c *Cache) accessHash(k Key) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok, err := c.getLocked(context.Background(), k)
	if err != nil {
		c.log.Warn("peers: store read failed", slog.String("peer", k.String()), slog.Any("err", err))
	}
	if !ok || p.Min {
		return 0, false
	}
	return p.AccessHash, true
}

// Add caches an input peer given by the user. The key comes from the peer itself; id (Bot API
// form) is used only for inputPeerSelf, which records id as the logged-in account. The given
// access hash is trusted (a zero one too: bots may address some users and channels with it),
// but a zero hash never replaces a known full one. Other input peers are ignored, and so is
// a peer whose stored record cannot be read (the failure is logged).
func (c *Cache) Add(id int64, peer tg.InputPeerClass) {
	var p Peer
	switch in := peer.(type) {
	case *tg.InputPeerUser:
		if in == nil {
			return
		}
		p = Peer{Key: UserKey(in.UserID), AccessHash: in.AccessHash}
	case *tg.InputPeerChannel:
		if in == nil {
			return
		}
		p = Peer{Key: ChannelKey(in.ChannelID), AccessHash: in.AccessHash}
	case *tg.InputPeerChat:
		if in == nil {
			return
		}
		p = Peer{Key: ChatKey(in.ChatID)}
	case *tg.InputPeerSelf:
		if k, ok := KeyFromBotAPI(id); ok && k.Kind == KindUser {
			c.mu.Lock()
			c.selfID = k.ID
			c.mu.Unlock()
		}
		return
	default:
		return
	}
	if !p.Valid() {
		return
	}
	c.mu.Lock()
	old, found, err := c.getLocked(context.Background(), p.Key)
	if err != nil {
		// Without the stored record the bare one built here would replace it, usernames,
		// phone and bot flag included; as Learn does, skip it.
		c.mu.Unlock()
		c.log.Warn("peers: store read failed; peer not added", slog.String("peer", p.Key.String()), slog.Any("err", err))
		return
	}
	if found {
		// The user's hash wins over what was learned, except that a zero hash keeps a
		// usable one.
		next := old
		if p.AccessHash != 0 || old.Min {
			next.AccessHash, next.Min = p.AccessHash, false
		}
		p = next
	} else {
		p.Seen = c.now()
	}
	c.putLocked(old, found, p)
	c.mu.Unlock()
	c.maybeFlush()
}

// putLocked stores next in memory and, if its information differs from old, marks it for the
// Store.
func (c *Cache) putLocked(old Peer, found bool, next Peer) {
	if found && old.sameInfo(next) {
		// Seen again, nothing new: refresh Seen and the LRU order only.
		c.peers.Add(next.Key, next)
		return
	}
	c.peers.Add(next.Key, next)
	if !next.Min {
		c.forgetSeenLocked(next.Key)
	}
	c.indexLocked(old, next)
	if c.store != nil {
		c.dirty[next.Key] = next
	}
}

// indexLocked points the username and phone indexes at next, dropping the entries old had
// that next no longer has.
func (c *Cache) indexLocked(old, next Peer) {
	c.unindexLocked(old, next)
	for _, n := range next.Usernames {
		c.names[NormalizeUsername(n)] = next.Key
	}
	if next.Phone != "" {
		c.phones[next.Phone] = next.Key
	}
}

// unindexLocked drops the index entries of old that still point to its key and that next (a
// record of the same key) does not carry.
func (c *Cache) unindexLocked(old, next Peer) {
	for _, n := range old.Usernames {
		n = NormalizeUsername(n)
		if k, ok := c.names[n]; ok && k == next.Key && !next.HasUsername(n) {
			delete(c.names, n)
		}
	}
	if old.Phone != "" && old.Phone != next.Phone {
		if k, ok := c.phones[old.Phone]; ok && k == next.Key {
			delete(c.phones, old.Phone)
		}
	}
}

// Reset forgets every peer in memory, the pending writes, the messages min peers were seen in
// and the logged-in account: access hashes and message ids belong to the account, so logging
// out (or into another account) must drop them. It does not touch the Store; reset that too
// (client/storage's Reset does).
func (c *Cache) Reset() {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.peers.Purge()
	clear(c.names)
	clear(c.phones)
	clear(c.dirty)
	c.seen = nil // where min peers were seen: messages of this account
	c.selfID, c.selfBot = 0, false
}

// Len returns the number of peers in memory.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peers.Len()
}

// Pending returns the number of changed peers not yet written to the Store.
func (c *Cache) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.dirty)
}

// maybeFlush writes the pending batch when it is full, logging a failure (the batch stays
// pending and is retried with the next one).
func (c *Cache) maybeFlush() {
	if c.store == nil {
		return
	}
	c.mu.Lock()
	full := len(c.dirty) >= c.batchSize
	c.mu.Unlock()
	if !full {
		return
	}
	if err := c.Flush(context.Background()); err != nil {
		c.log.Warn("peers: writing to the store failed; will retry", slog.Any("err", err))
	}
}

// Flush writes every changed peer to the Store. On failure the peers stay pending, so a later
// Flush retries them, up to Options.Size of them (beyond that they are dropped and logged:
// they can be learned again). Without a Store it only clears the pending set.
func (c *Cache) Flush(ctx context.Context) error {
	c.flushMu.Lock()
	defer c.flushMu.Unlock()
	c.mu.Lock()
	if c.store == nil || len(c.dirty) == 0 {
		clear(c.dirty)
		c.mu.Unlock()
		return nil
	}
	batch := c.dirty
	c.dirty = make(map[Key]Peer)
	c.inflight = batch
	c.mu.Unlock()

	ps := slices.SortedFunc(maps.Values(batch), func(a, b Peer) int { return CompareKeys(a.Key, b.Key) })
	err := c.store.SavePeers(ctx, ps)

	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight = nil
	if err != nil {
		// Put the batch back, unless a newer change of the same peer arrived meanwhile.
		for k, p := range batch {
			if _, newer := c.dirty[k]; !newer {
				c.dirty[k] = p
			}
		}
		if n := len(c.dirty); n > c.maxPending {
			// A store that keeps failing must not make memory grow without bound; the
			// peers will be learned again from the next results and updates.
			clear(c.dirty)
			c.log.Error("peers: the store keeps failing; dropped unsaved peers", slog.Int("peers", n), slog.Any("err", err))
		}
		return fmt.Errorf("peers: save %d peers: %w", len(ps), err)
	}
	return nil
}
