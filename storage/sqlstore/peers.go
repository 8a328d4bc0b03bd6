package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
)

// LoadPeer implements peers.Store.
func (s *Store) LoadPeer(ctx context.Context, k peers.Key) (peers.Peer, bool, error) {
	return s.peerBy(ctx, "load peer", `select data from mtgo_peers where session = ? and kind = ? and id = ?`, s.name, int(k.Kind), k.ID)
}

// PeerByUsername implements peers.Store (case-insensitive, "@" optional).
func (s *Store) PeerByUsername(ctx context.Context, username string) (peers.Peer, bool, error) {
	return s.peerBy(ctx, "find peer by username", `select p.data from mtgo_usernames u
		join mtgo_peers p on p.session = u.session and p.kind = u.kind and p.id = u.id
		where u.session = ? and u.username = ?`, s.name, peers.NormalizeUsername(username))
}

// PeerByPhone implements peers.Store.
func (s *Store) PeerByPhone(ctx context.Context, phone string) (peers.Peer, bool, error) {
	return s.peerBy(ctx, "find peer by phone", `select p.data from mtgo_phones u
		join mtgo_peers p on p.session = u.session and p.kind = u.kind and p.id = u.id
		where u.session = ? and u.phone = ?`, s.name, phone)
}

func (s *Store) peerBy(ctx context.Context, op, q string, args ...any) (peers.Peer, bool, error) {
	if err := s.check(ctx); err != nil {
		return peers.Peer{}, false, err
	}
	var data []byte
	err := s.db.QueryRowContext(ctx, s.d.rebind(q), args...).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return peers.Peer{}, false, nil
	}
	if err != nil {
		return peers.Peer{}, false, s.wrap(op, err)
	}
	var p peers.Peer
	if err := p.UnmarshalBinary(data); err != nil {
		return peers.Peer{}, false, fmt.Errorf("%w: %s storage: %s: %w", storage.ErrCorrupt, s.d.Name, op, err)
	}
	return p, true, nil
}

// peerColumns is how many parameters one peer row takes.
const peerColumns = 8

// SavePeers implements peers.Store: one transaction, a few multi-row statements per few
// hundred peers. Invalid peers are skipped; a peer given twice keeps its last version.
func (s *Store) SavePeers(ctx context.Context, ps []peers.Peer) error {
	batch := lastPerKey(ps)
	if len(batch) == 0 {
		return s.check(ctx)
	}
	rows := make([][]byte, len(batch))
	for i, p := range batch {
		data, err := p.MarshalBinary()
		if err != nil {
			return fmt.Errorf("%s storage: save peers: %v: %w", s.d.Name, p.Key, err)
		}
		rows[i] = data
	}
	per := max(s.d.MaxParams/peerColumns, 1)
	return s.tx(ctx, "save peers", func(tx *sql.Tx) error {
		for start := 0; start < len(batch); start += per {
			end := min(start+per, len(batch))
			if err := s.savePart(ctx, tx, batch[start:end], rows[start:end]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) savePart(ctx context.Context, tx *sql.Tx, ps []peers.Peer, data [][]byte) error {
	if s.d.Arrays {
		return s.savePartArrays(ctx, tx, ps, data)
	}
	// Forget the usernames and phones these peers had: the new ones follow.
	byKind := map[peers.Kind][]any{}
	for _, p := range ps {
		byKind[p.Kind] = append(byKind[p.Kind], p.ID)
	}
	for kind, ids := range byKind {
		for _, table := range []string{"mtgo_usernames", "mtgo_phones"} {
			q := `delete from ` + table + ` where session = ? and kind = ? and id in (` + placeholders(len(ids), 1) + `)`
			if err := s.execTx(ctx, tx, q, append([]any{s.name, int(kind)}, ids...)...); err != nil {
				return err
			}
		}
	}
	args := make([]any, 0, peerColumns*len(ps))
	for i, p := range ps {
		first := ""
		if len(p.Usernames) > 0 {
			first = p.Usernames[0]
		}
		args = append(args, s.name, int(p.Kind), p.ID, p.AccessHash, first, p.Phone, unixNano(p.Seen), data[i])
	}
	q := `insert into mtgo_peers (session, kind, id, access_hash, username, phone, seen, data) values ` + placeholders(len(ps), peerColumns) +
		` on conflict (session, kind, id) do update set access_hash = excluded.access_hash, username = excluded.username,
		phone = excluded.phone, seen = excluded.seen, data = excluded.data`
	if err := s.execTx(ctx, tx, q, args...); err != nil {
		return err
	}
	names, phones := indexes(ps)
	for _, ix := range []struct {
		table, col string
		entries    []indexEntry
	}{{"mtgo_usernames", "username", names}, {"mtgo_phones", "phone", phones}} {
		for _, part := range chunks(ix.entries, s.d.MaxParams/4) {
			args := make([]any, 0, 4*len(part))
			for _, e := range part {
				args = append(args, s.name, e.value, int(e.key.Kind), e.key.ID)
			}
			q := `insert into ` + ix.table + ` (session, ` + ix.col + `, kind, id) values ` + placeholders(len(part), 4) +
				` on conflict (session, ` + ix.col + `) do update set kind = excluded.kind, id = excluded.id`
			if err := s.execTx(ctx, tx, q, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// indexes lists the username and phone index entries of ps: a name or phone given to several
// peers goes to the last one, as if the peers were saved one by one.
func indexes(ps []peers.Peer) (names, phones []indexEntry) {
	return indexOf(ps, func(p peers.Peer) []string {
			out := make([]string, len(p.Usernames))
			for i, n := range p.Usernames {
				out[i] = peers.NormalizeUsername(n)
			}
			return out
		}), indexOf(ps, func(p peers.Peer) []string {
			if p.Phone == "" {
				return nil
			}
			return []string{p.Phone}
		})
}

// savePartArrays is savePart with array parameters: six statements whatever the batch size.
func (s *Store) savePartArrays(ctx context.Context, tx *sql.Tx, ps []peers.Peer, data [][]byte) error {
	n := len(ps)
	kinds, ids, hashes, seen := make([]int16, n), make([]int64, n), make([]int64, n), make([]int64, n)
	first, phone := make([]string, n), make([]string, n)
	for i, p := range ps {
		kinds[i], ids[i], hashes[i], seen[i], phone[i] = int16(p.Kind), p.ID, p.AccessHash, unixNano(p.Seen), p.Phone
		if len(p.Usernames) > 0 {
			first[i] = p.Usernames[0]
		}
	}
	for _, table := range []string{"mtgo_usernames", "mtgo_phones"} {
		q := `delete from ` + table + ` where session = ? and (kind, id) in (select * from unnest(?::smallint[], ?::bigint[]))`
		if err := s.execTx(ctx, tx, q, s.name, kinds, ids); err != nil {
			return err
		}
	}
	q := `insert into mtgo_peers (session, kind, id, access_hash, username, phone, seen, data)
		select ?, * from unnest(?::smallint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bytea[])
		on conflict (session, kind, id) do update set access_hash = excluded.access_hash, username = excluded.username,
		phone = excluded.phone, seen = excluded.seen, data = excluded.data`
	if err := s.execTx(ctx, tx, q, s.name, kinds, ids, hashes, first, phone, seen, data); err != nil {
		return err
	}
	names, phones := indexes(ps)
	for _, ix := range []struct {
		table, col string
		entries    []indexEntry
	}{{"mtgo_usernames", "username", names}, {"mtgo_phones", "phone", phones}} {
		if len(ix.entries) == 0 {
			continue
		}
		vals, ks, is := make([]string, len(ix.entries)), make([]int16, len(ix.entries)), make([]int64, len(ix.entries))
		for i, e := range ix.entries {
			vals[i], ks[i], is[i] = e.value, int16(e.key.Kind), e.key.ID
		}
		q := `insert into ` + ix.table + ` (session, ` + ix.col + `, kind, id) select ?, * from unnest(?::text[], ?::smallint[], ?::bigint[])
			on conflict (session, ` + ix.col + `) do update set kind = excluded.kind, id = excluded.id`
		if err := s.execTx(ctx, tx, q, s.name, vals, ks, is); err != nil {
			return err
		}
	}
	return nil
}

type indexEntry struct {
	value string
	key   peers.Key
}

// indexOf lists value -> peer, the last peer winning a value several give.
func indexOf(ps []peers.Peer, values func(peers.Peer) []string) []indexEntry {
	var all []indexEntry
	for _, p := range ps {
		for _, v := range values(p) {
			all = append(all, indexEntry{value: v, key: p.Key})
		}
	}
	return lastOf(all, func(e indexEntry) (string, bool) { return e.value, e.value != "" })
}

// lastPerKey drops invalid peers and keeps each key's last version.
func lastPerKey(ps []peers.Peer) []peers.Peer {
	return lastOf(ps, func(p peers.Peer) (peers.Key, bool) { return p.Key, p.Valid() })
}

// lastOf keeps, for each key, the last element given with it, at the place of the key's
// first appearance; elements whose key is not ok are dropped. A multi-row upsert may not
// touch a row twice, and saving one by one would leave the last version.
func lastOf[T any, K comparable](xs []T, key func(T) (K, bool)) []T {
	at := make(map[K]int, len(xs))
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		k, ok := key(x)
		if !ok {
			continue
		}
		if i, seen := at[k]; seen {
			out[i] = x
			continue
		}
		at[k] = len(out)
		out = append(out, x)
	}
	return out
}
