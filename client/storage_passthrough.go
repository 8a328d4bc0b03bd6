package mtgo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The storage pass-through: typed views over the client's Storage. They go through the
// client's layers where those keep a copy (peers through the peer cache) and refuse writes
// the running client would undo or be hurt by (a session while connected, update state while
// the update engine runs). The reference's sessionID arguments are gone: a Storage holds
// one session, so every view is of this client's session.

// ErrStorageBusy reports a storage write refused because the running client owns that data:
// SaveSession while connected, SaveUpdateState and SaveChannelUpdateState while the update
// engine runs. Disconnect first.
var ErrStorageBusy = errors.New("mtgo: storage in use by the running client")

// storageViews are the client's stateful views of its Storage, made on first use (one per
// client, so their in-process locks cover every caller).
type storageViews struct {
	once    sync.Once
	durable *storage.DurableQueue
	dedup   *storage.DedupKeys
}

func (c *Client) views() *storageViews {
	v := &c.storeViews
	v.once.Do(func() {
		v.durable = storage.NewDurableQueue(c.store)
		v.durable.SetMaxUpdates(c.cfg.MaxDurableUpdates)
		v.dedup = storage.NewDedupKeys(c.store, 0)
	})
	return v
}

// Adapter returns the backend the client stores through. In MTGo that is the Storage itself
// (the same value as Storage): every backend implements storage.Storage.
func (c *Client) Adapter() storage.Adapter { return c.store }

// LoadSession returns the stored session of the home data center, or an error matching
// session.ErrNoSession when none is stored.
func (c *Client) LoadSession(ctx context.Context) (*storage.Session, error) {
	s, err := c.store.LoadSession(ctx, c.eng.HomeDC())
	if err != nil {
		return nil, fmt.Errorf("mtgo: load session: %w", err)
	}
	return &s, nil
}

// SaveSession stores s as the session of data center s.DC. It is refused with ErrStorageBusy
// while the client is connected: the running connections hold their sessions and write them
// back, and a replaced auth key under a live connection would be used by nobody or by two.
// Save before Connect (or after Disconnect); the next Connect uses it.
func (c *Client) SaveSession(ctx context.Context, s *storage.Session) error {
	if s == nil {
		return errors.New("mtgo: save session: nil session")
	}
	if c.IsConnected() {
		return fmt.Errorf("mtgo: save session of dc %d: %w (connected)", s.DC, ErrStorageBusy)
	}
	if err := c.store.SaveSession(ctx, *s); err != nil {
		return fmt.Errorf("mtgo: save session of dc %d: %w", s.DC, err)
	}
	return nil
}

// cachedPeers is what the default peer cache (peers.Resolver) offers beyond PeerCache: reads
// of whole records and Flush. A replaced PeerCache without them is bypassed for reads.
type cachedPeers interface {
	Get(ctx context.Context, k peers.Key) (peers.Peer, bool, error)
	ByUsername(ctx context.Context, username string) (peers.Peer, bool, error)
	Flush(ctx context.Context) error
}

// flushPeers writes the peer cache's pending changes to the storage; flushed is false for a
// replaced PeerCache that cannot flush.
func (c *Client) flushPeers(ctx context.Context) (flushed bool, err error) {
	cp, ok := c.peers.(cachedPeers)
	if !ok {
		return false, nil
	}
	return true, cp.Flush(ctx)
}

// errNoPeer is the error of a peer lookup that found nothing: it matches ErrPeerNotFound and
// storage.ErrNotFound.
func errNoPeer(what string) error {
	return fmt.Errorf("mtgo: get peer %s: %w (%w)", what, ErrPeerNotFound, storage.ErrNotFound)
}

// GetPeer returns the stored peer with id (Bot API form: positive users, negative basic
// groups, -100... channels), from the peer cache or the storage, without network requests.
// A peer not known gives an error matching ErrPeerNotFound and storage.ErrNotFound.
func (c *Client) GetPeer(ctx context.Context, id int64) (*storage.Peer, error) {
	k, ok := peers.KeyFromBotAPI(id)
	if !ok {
		return nil, fmt.Errorf("mtgo: get peer %d: not a peer id", id)
	}
	var p peers.Peer
	var found bool
	var err error
	if cp, isCache := c.peers.(cachedPeers); isCache {
		p, found, err = cp.Get(ctx, k)
	} else {
		p, found, err = c.store.LoadPeer(ctx, k)
	}
	if err != nil {
		return nil, fmt.Errorf("mtgo: get peer %d: %w", id, err)
	}
	if !found {
		return nil, errNoPeer(k.String())
	}
	return &p, nil
}

// GetPeerByUsername returns the stored peer that last carried username (with or without "@",
// any case), without network requests (ResolveUsername asks the server). Not found: an error
// matching ErrPeerNotFound and storage.ErrNotFound.
func (c *Client) GetPeerByUsername(ctx context.Context, username string) (*storage.Peer, error) {
	var p peers.Peer
	var ok bool
	var err error
	if cp, isCache := c.peers.(cachedPeers); isCache {
		p, ok, err = cp.ByUsername(ctx, username)
	} else {
		p, ok, err = c.store.PeerByUsername(ctx, peers.NormalizeUsername(username))
	}
	if err != nil {
		return nil, fmt.Errorf("mtgo: get peer @%s: %w", peers.NormalizeUsername(username), err)
	}
	if !ok {
		return nil, errNoPeer("@" + peers.NormalizeUsername(username))
	}
	return &p, nil
}

// SavePeer records p in the peer cache, as if the server had sent it (a full record replaces
// what was known; a Min one never replaces a full access hash), and writes the cache's
// pending peers to the storage before returning, so the cache and the storage agree. Seen
// becomes now. With a replaced PeerCache that cannot flush, p is also written to the storage
// directly.
func (c *Client) SavePeer(ctx context.Context, p *storage.Peer) error {
	if p == nil || !p.Valid() {
		return errors.New("mtgo: save peer: not a valid peer")
	}
	c.peers.Learn(learnable(p))
	flushed, err := c.flushPeers(ctx)
	if err != nil {
		return fmt.Errorf("mtgo: save peer %v: %w", p.Key, err)
	}
	if flushed {
		return nil
	}
	if err := c.store.SavePeers(ctx, []peers.Peer{*p}); err != nil {
		return fmt.Errorf("mtgo: save peer %v: %w", p.Key, err)
	}
	return nil
}

// learnable returns p as the objects the peer cache learns from.
func learnable(p *storage.Peer) ([]tg.UserClass, []tg.ChatClass) {
	names := make([]tg.Username, 0, len(p.Usernames))
	for _, n := range p.Usernames {
		names = append(names, tg.Username{Username: n, Active: true})
	}
	var hash tl.Opt[int64]
	if !p.Min || p.AccessHash != 0 {
		hash = tl.Some(p.AccessHash)
	}
	switch p.Kind {
	case peers.KindUser:
		u := &tg.User{ID: p.ID, AccessHash: hash, Min: p.Min, Bot: p.Bot, Usernames: names}
		if p.Phone != "" {
			u.Phone = tl.Some(p.Phone)
		}
		return []tg.UserClass{u}, nil
	case peers.KindChannel:
		return nil, []tg.ChatClass{&tg.Channel{ID: p.ID, AccessHash: hash, Min: p.Min, Usernames: names}}
	}
	return nil, []tg.ChatClass{&tg.Chat{ID: p.ID}}
}

// UpdateState returns the typed view of the stored update state; its writes are refused with
// ErrStorageBusy while the update engine runs (the engine would overwrite them). A write
// takes effect when the engine next starts (Connect).
func (c *Client) UpdateState() storage.UpdateStateStore {
	return guardedUpdateState{UpdateStateStore: storage.NewUpdateStateStore(c.store), c: c}
}

type guardedUpdateState struct {
	storage.UpdateStateStore
	c *Client
}

func (g guardedUpdateState) busy(what string) error {
	if g.c.updatesRunning() {
		return fmt.Errorf("mtgo: save %s: %w (update engine running)", what, ErrStorageBusy)
	}
	return nil
}

func (g guardedUpdateState) SaveUpdateState(ctx context.Context, s *storage.AccountUpdateState) error {
	if err := g.busy("update state"); err != nil {
		return err
	}
	return g.UpdateStateStore.SaveUpdateState(ctx, s)
}

func (g guardedUpdateState) SaveChannelUpdateState(ctx context.Context, s *storage.ChannelUpdateState) error {
	if err := g.busy("channel update state"); err != nil {
		return err
	}
	return g.UpdateStateStore.SaveChannelUpdateState(ctx, s)
}

// LoadUpdateState returns the stored account update state (pts, qts, seq, date), an error
// matching storage.ErrNotFound when none was saved.
func (c *Client) LoadUpdateState(ctx context.Context) (*storage.AccountUpdateState, error) {
	return c.UpdateState().LoadUpdateState(ctx)
}

// SaveUpdateState stores the account update state; refused with ErrStorageBusy while the
// update engine runs.
func (c *Client) SaveUpdateState(ctx context.Context, s *storage.AccountUpdateState) error {
	return c.UpdateState().SaveUpdateState(ctx, s)
}

// LoadChannelUpdateState returns the stored pts of a channel, an error matching
// storage.ErrNotFound when none is stored.
func (c *Client) LoadChannelUpdateState(ctx context.Context, channelID int64) (*storage.ChannelUpdateState, error) {
	return c.UpdateState().LoadChannelUpdateState(ctx, channelID)
}

// LoadAllChannelUpdateStates returns the stored pts of every channel, by channel id.
func (c *Client) LoadAllChannelUpdateStates(ctx context.Context) ([]*storage.ChannelUpdateState, error) {
	return c.UpdateState().LoadAllChannelUpdateStates(ctx)
}

// SaveChannelUpdateState stores a channel's pts; refused with ErrStorageBusy while the
// update engine runs.
func (c *Client) SaveChannelUpdateState(ctx context.Context, s *storage.ChannelUpdateState) error {
	return c.UpdateState().SaveChannelUpdateState(ctx, s)
}

// SaveUpdateDedupKey records key (fanout's Context.UpdateKey, say) for
// storage.DefaultDedupTTL; saved is false when it was already recorded, so a handler fed at
// least once can skip a repeat. See storage.DedupKeys for what stays stored.
func (c *Client) SaveUpdateDedupKey(ctx context.Context, key string) (saved bool, err error) {
	return c.views().dedup.Save(ctx, key)
}

// UpdateDedupKeyExists reports whether key was recorded and has not expired.
func (c *Client) UpdateDedupKeyExists(ctx context.Context, key string) (bool, error) {
	return c.views().dedup.Exists(ctx, key)
}

// EnqueueDurableUpdate adds u to the client's durable queue of updates to (re)process, kept
// in its Storage: up to storage.DefaultMaxDurableUpdates, then storage.ErrDurableQueueFull
// (see storage.DurableQueue); u.ID and u.EnqueuedAt are filled when empty.
func (c *Client) EnqueueDurableUpdate(ctx context.Context, u *storage.DurableUpdate) error {
	return c.views().durable.Enqueue(ctx, u)
}

// LoadDurableUpdates returns the first limit queued updates, oldest first (limit <= 0: all).
func (c *Client) LoadDurableUpdates(ctx context.Context, limit int) ([]*storage.DurableUpdate, error) {
	return c.views().durable.Load(ctx, limit)
}

// DeleteDurableUpdate removes a processed update from the queue.
func (c *Client) DeleteDurableUpdate(ctx context.Context, id string) error {
	return c.views().durable.Delete(ctx, id)
}

// MarkDurableUpdateFailed records a failed attempt at a queued update (it keeps its place).
func (c *Client) MarkDurableUpdateFailed(ctx context.Context, id string, attempts int, lastErr string) error {
	return c.views().durable.MarkFailed(ctx, id, attempts, lastErr)
}

// LoadPeers returns every stored peer, when the storage can list them
// (storage.PeerLister), after writing the peer cache's pending changes; otherwise an error
// matching errors.ErrUnsupported.
func (c *Client) LoadPeers(ctx context.Context) ([]*storage.Peer, error) {
	l, ok := c.store.(storage.PeerLister)
	if !ok {
		return nil, fmt.Errorf("mtgo: load peers: %w: the storage cannot list peers", errors.ErrUnsupported)
	}
	if _, err := c.flushPeers(ctx); err != nil {
		return nil, fmt.Errorf("mtgo: load peers: %w", err)
	}
	ps, err := l.ListPeers(ctx)
	if err != nil {
		return nil, fmt.Errorf("mtgo: load peers: %w", err)
	}
	out := make([]*storage.Peer, len(ps))
	for i := range ps {
		out[i] = &ps[i]
	}
	return out, nil
}

// DeletePeer forgets the peer with id (Bot API form) in the storage, when the storage can
// (storage.PeerDeleter; otherwise an error matching errors.ErrUnsupported). The peer cache
// cannot forget one peer: its pending changes are written first, then its memory is emptied
// (it refills from the storage on demand; a peer learned in between is learned again when
// next seen).
func (c *Client) DeletePeer(ctx context.Context, id int64) error {
	k, ok := peers.KeyFromBotAPI(id)
	if !ok {
		return fmt.Errorf("mtgo: delete peer %d: not a peer id", id)
	}
	d, ok := c.store.(storage.PeerDeleter)
	if !ok {
		return fmt.Errorf("mtgo: delete peer %v: %w: the storage cannot delete peers", k, errors.ErrUnsupported)
	}
	if _, err := c.flushPeers(ctx); err != nil {
		return fmt.Errorf("mtgo: delete peer %v: %w", k, err)
	}
	if err := d.DeletePeer(ctx, k); err != nil {
		return fmt.Errorf("mtgo: delete peer %v: %w", k, err)
	}
	c.peers.Reset()
	if self, bot := c.eng.Account(); self != 0 {
		c.peers.SetSelf(self, bot)
	}
	return nil
}
