package storage

import (
	"bytes"
	"context"
	"fmt"

	"github.com/mtgo-labs/mtgo/peers"
	bolt "go.etcd.io/bbolt"
)

// PeerLister is a Storage that can list its peers (Client.LoadPeers): InMemory, File,
// storage/sqlstore's stores (PostgreSQL, SQLite) and storage/redis's are.
type PeerLister interface {
	// ListPeers returns every stored peer, each once, sorted by kind then id.
	ListPeers(ctx context.Context) ([]Peer, error)
}

// PeerDeleter is a Storage that can forget one peer with its username and phone index
// entries (Client.DeletePeer): the same stores as PeerLister.
type PeerDeleter interface {
	// DeletePeer forgets the peer k; a missing one is not an error.
	DeletePeer(ctx context.Context, k peers.Key) error
}

var (
	_ PeerLister  = (*File)(nil)
	_ PeerDeleter = (*File)(nil)
	_ PeerLister  = (*InMemory)(nil)
	_ PeerDeleter = (*InMemory)(nil)
)

// ListPeers implements PeerLister. It reads the whole peer bucket in one transaction: memory
// is linear in the peers stored.
func (f *File) ListPeers(ctx context.Context) ([]Peer, error) {
	var out []Peer
	err := f.view(ctx, "list peers", func(tx *bolt.Tx) error {
		out = out[:0]
		return tx.Bucket(bucketPeers).ForEach(func(k, v []byte) error {
			var p peers.Peer
			if err := p.UnmarshalBinary(v); err != nil {
				return fmt.Errorf("%w: peer record: %w", ErrCorrupt, err)
			}
			if kb, _ := p.Key.AppendBinary(nil); !bytes.Equal(kb, k) {
				return fmt.Errorf("%w: record of %v stored under another key", ErrCorrupt, p.Key)
			}
			out = append(out, p)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeletePeer implements PeerDeleter: the record and the index entries that still point to it
// go in one transaction.
func (f *File) DeletePeer(ctx context.Context, k peers.Key) error {
	return f.update(ctx, "delete peer "+k.String(), func(tx *bolt.Tx) error {
		old, ok, err := getPeer(tx, k)
		if err != nil || !ok {
			return err
		}
		kb, _ := k.AppendBinary(nil)
		if err := unindexPeer(tx, kb, old, peers.Peer{}); err != nil {
			return err
		}
		return tx.Bucket(bucketPeers).Delete(kb)
	})
}

// unindexPeer drops the username and phone index entries of old (stored under kb) that next
// no longer carries and that still point to kb: SavePeers passes the record replacing old,
// DeletePeer none.
func unindexPeer(tx *bolt.Tx, kb []byte, old, next peers.Peer) error {
	names, phones := tx.Bucket(bucketNames), tx.Bucket(bucketPhones)
	for _, n := range old.Usernames {
		n = peers.NormalizeUsername(n)
		if !next.HasUsername(n) && bytes.Equal(names.Get([]byte(n)), kb) {
			if err := names.Delete([]byte(n)); err != nil {
				return err
			}
		}
	}
	if old.Phone != "" && old.Phone != next.Phone && bytes.Equal(phones.Get([]byte(old.Phone)), kb) {
		return phones.Delete([]byte(old.Phone))
	}
	return nil
}
