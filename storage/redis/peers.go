package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	goredis "github.com/redis/go-redis/v9"
)

// LoadPeer implements peers.Store.
func (s *Store) LoadPeer(ctx context.Context, k peers.Key) (peers.Peer, bool, error) {
	v, ok, err := s.hget(ctx, "load peer", "peers", peerField(k))
	if err != nil || !ok {
		return peers.Peer{}, false, err
	}
	return decodePeer(v, peerField(k))
}

// PeerByUsername implements peers.Store (case-insensitive, "@" optional). The index entry
// only leads to a peer: it is the answer if its data carries the username. A save drops the
// peer's old entries through its peer_index field, so a field that lists wrong names (by
// hand or a bug) left the peer's old usernames indexed to it.
func (s *Store) PeerByUsername(ctx context.Context, username string) (peers.Peer, bool, error) {
	name := peers.NormalizeUsername(username)
	return s.peerByIndex(ctx, "usernames", name, func(p peers.Peer) bool { return p.HasUsername(name) })
}

// PeerByPhone implements peers.Store: the peer the index entry leads to, if its data
// carries the phone (PeerByUsername).
func (s *Store) PeerByPhone(ctx context.Context, phone string) (peers.Peer, bool, error) {
	return s.peerByIndex(ctx, "phones", phone, func(p peers.Peer) bool { return phone != "" && p.Phone == phone })
}

// byIndexScript answers the peer an index entry names: its field and its data.
var byIndexScript = goredis.NewScript(`
local k = redis.call('HGET', KEYS[1], ARGV[1])
if not k then return false end
local v = redis.call('HGET', KEYS[2], k)
if not v then return false end
return {k, v}`)

// peerByIndex answers the peer the entry value of index names, if carries accepts it: an
// entry naming a peer that does not carry value reads as not found, and the next save of
// value moves it.
func (s *Store) peerByIndex(ctx context.Context, index, value string, carries func(peers.Peer) bool) (peers.Peer, bool, error) {
	if err := s.check(ctx); err != nil {
		return peers.Peer{}, false, err
	}
	kv, err := byIndexScript.Run(ctx, s.rdb, []string{s.k(index), s.k("peers")}, value).StringSlice()
	if errors.Is(err, goredis.Nil) {
		return peers.Peer{}, false, nil
	}
	if err == nil && len(kv) != 2 {
		err = fmt.Errorf("%d values in the answer, want 2", len(kv))
	}
	if err != nil {
		return peers.Peer{}, false, s.wrap("find peer", err)
	}
	p, _, err := decodePeer([]byte(kv[1]), kv[0])
	if err != nil || !carries(p) {
		return peers.Peer{}, false, err
	}
	return p, true, nil
}

// decodePeer decodes the peer stored in field: a peer of another field is a damaged one (a
// message meant for the field's peer would go to it), not an answer. Errors name neither the
// value nor the field, which is a stored value too when an index named it.
func decodePeer(v []byte, field string) (peers.Peer, bool, error) {
	var p peers.Peer
	if err := p.UnmarshalBinary(v); err != nil {
		return peers.Peer{}, false, fmt.Errorf("%w: redis storage: peer: %w", storage.ErrCorrupt, err)
	}
	if peerField(p.Key) != field {
		return peers.Peer{}, false, fmt.Errorf("%w: redis storage: peer %v stored under another field (%d bytes)", storage.ErrCorrupt, p.Key, len(field))
	}
	return p, true, nil
}

// savePeersScript stores peers and moves their index entries, if the lock is still ours.
// KEYS: lock, peers, peer_index, usernames, phones. ARGV[1] is the token, then triples:
// field, peer bytes, index entries ("u:name" / "p:phone", one per line). An entry of the
// peer's old set is removed only while it still points at the peer; a name another peer
// takes moves to it.
var savePeersScript = goredis.NewScript(lockCheck + `
local function index(kind)
	if kind == 'u' then return KEYS[4] end
	return KEYS[5]
end
for i = 2, #ARGV, 3 do
	local k, data, idx = ARGV[i], ARGV[i+1], ARGV[i+2]
	local old = redis.call('HGET', KEYS[3], k)
	if old then
		for entry in string.gmatch(old, '[^\n]+') do
			local h, v = index(string.sub(entry, 1, 1)), string.sub(entry, 3)
			if redis.call('HGET', h, v) == k then
				redis.call('HDEL', h, v)
			end
		end
	end
	redis.call('HSET', KEYS[2], k, data)
	redis.call('HSET', KEYS[3], k, idx)
	for entry in string.gmatch(idx, '[^\n]+') do
		redis.call('HSET', index(string.sub(entry, 1, 1)), string.sub(entry, 3), k)
	end
end
return 1`)

// peerKeys are the KEYS of the peer scripts: lock, peers, peer_index, usernames, phones.
func (s *Store) peerKeys() []string {
	return []string{s.k("lock"), s.k("peers"), s.k("peer_index"), s.k("usernames"), s.k("phones")}
}

// peersPerScript bounds one script call (Redis runs scripts atomically: keep each short).
const peersPerScript = 500

// SavePeers implements peers.Store. Invalid peers are skipped; a batch is applied in scripts
// of up to 500 peers, each atomic.
func (s *Store) SavePeers(ctx context.Context, ps []peers.Peer) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	keys := s.peerKeys()
	args := []any{s.token}
	flush := func() error {
		if len(args) == 1 {
			return nil
		}
		err := savePeersScript.Run(ctx, s.rdb, keys, args...).Err()
		args = args[:1]
		return s.wrap("save peers", err)
	}
	for _, p := range ps {
		if !p.Valid() {
			continue
		}
		data, err := p.MarshalBinary()
		if err != nil {
			return fmt.Errorf("redis storage: save peers: %v: %w", p.Key, err)
		}
		var idx strings.Builder
		for _, n := range p.Usernames {
			if n = peers.NormalizeUsername(n); n != "" && !strings.ContainsAny(n, "\n") {
				idx.WriteString("u:" + n + "\n")
			}
		}
		if p.Phone != "" && !strings.ContainsAny(p.Phone, "\n") {
			idx.WriteString("p:" + p.Phone + "\n")
		}
		args = append(args, peerField(p.Key), data, idx.String())
		if len(args) >= 1+3*peersPerScript {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// ListPeers implements storage.PeerLister: the session's peers, each once, by kind then id.
// They are read with HSCAN in pages (no one command blocks Redis for the whole hash), which
// may return a field twice when Redis rehashes the hash between pages: the later read wins.
// Memory is linear in the peers stored.
func (s *Store) ListPeers(ctx context.Context) ([]peers.Peer, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	var out []peers.Peer
	at := make(map[peers.Key]int) // index in out
	iter := s.rdb.HScan(ctx, s.k("peers"), 0, "", 1000).Iterator()
	for iter.Next(ctx) {
		field := iter.Val()
		if !iter.Next(ctx) {
			break
		}
		p, _, err := decodePeer([]byte(iter.Val()), field)
		if err != nil {
			return nil, err
		}
		if i, ok := at[p.Key]; ok {
			out[i] = p
			continue
		}
		at[p.Key] = len(out)
		out = append(out, p)
	}
	if err := iter.Err(); err != nil {
		return nil, s.wrap("list peers", err)
	}
	slices.SortFunc(out, func(a, b peers.Peer) int { return peers.CompareKeys(a.Key, b.Key) })
	return out, nil
}

// deletePeerScript forgets one peer, if the lock is still ours. KEYS: lock, peers,
// peer_index, usernames, phones. ARGV: token, field. Its index entries go only while they
// still point at it.
var deletePeerScript = goredis.NewScript(lockCheck + `
local k = ARGV[2]
local old = redis.call('HGET', KEYS[3], k)
if old then
	for entry in string.gmatch(old, '[^\n]+') do
		local h = KEYS[5]
		if string.sub(entry, 1, 1) == 'u' then h = KEYS[4] end
		local v = string.sub(entry, 3)
		if redis.call('HGET', h, v) == k then
			redis.call('HDEL', h, v)
		end
	end
end
redis.call('HDEL', KEYS[2], k)
redis.call('HDEL', KEYS[3], k)
return 1`)

// DeletePeer implements storage.PeerDeleter: one script, atomic; a missing peer is not an
// error.
func (s *Store) DeletePeer(ctx context.Context, k peers.Key) error {
	if err := s.check(ctx); err != nil {
		return err
	}
	keys := s.peerKeys()
	return s.wrap("delete peer", deletePeerScript.Run(ctx, s.rdb, keys, s.token, peerField(k)).Err())
}

var (
	_ storage.PeerLister  = (*Store)(nil)
	_ storage.PeerDeleter = (*Store)(nil)
)
