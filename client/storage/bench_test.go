package storage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/updates"
)

// Each benchmark runs on InMemory (the baseline: no encoding, no disk) and File (a bbolt
// transaction committed with fsync per call).

func benchBackends(b *testing.B, fn func(b *testing.B, s storage.Storage)) {
	b.Run("baseline=InMemory", func(b *testing.B) { fn(b, storage.NewInMemory()) })
	b.Run("File", func(b *testing.B) {
		f, err := storage.Open(filepath.Join(b.TempDir(), "bench.session"), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		fn(b, f)
	})
}

func BenchmarkSaveSession(b *testing.B) {
	ctx := context.Background()
	benchBackends(b, func(b *testing.B, s storage.Storage) {
		sess := session.Session{DC: 2, Addr: "149.154.167.50:443", AuthKey: authKey(1)}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			sess.Salt = int64(i)
			if err := s.SaveSession(ctx, sess); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkCommitUpdates(b *testing.B) {
	ctx := context.Background()
	commit := func(b *testing.B, s storage.Storage) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			c := updates.Commit{HasState: true, State: updates.State{Pts: int32(i)},
				Channels: []updates.ChannelPts{{ChannelID: int64(i % 50), Pts: int32(i)}}}
			if err := s.CommitUpdates(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
	}
	benchBackends(b, commit)
	b.Run("File/UpdateCommitDelay=1s", func(b *testing.B) {
		f, err := storage.Open(filepath.Join(b.TempDir(), "bench.session"), &storage.FileOptions{UpdateCommitDelay: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		commit(b, f)
	})
}

// BenchmarkSavePeers writes one batch of peers.DefaultBatchSize changed peers.
func BenchmarkSavePeers(b *testing.B) {
	ctx := context.Background()
	benchBackends(b, func(b *testing.B, s storage.Storage) {
		batch := make([]peers.Peer, peers.DefaultBatchSize)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			for j := range batch {
				id := int64(i*len(batch)+j)%10_000 + 1
				batch[j] = peers.Peer{Key: peers.UserKey(id), AccessHash: int64(i), Usernames: []string{fmt.Sprintf("user_%d", id)}}
			}
			if err := s.SavePeers(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkLoadPeer(b *testing.B) {
	ctx := context.Background()
	benchBackends(b, func(b *testing.B, s storage.Storage) {
		batch := make([]peers.Peer, 1000)
		for j := range batch {
			batch[j] = peers.Peer{Key: peers.UserKey(int64(j + 1)), AccessHash: 1, Usernames: []string{fmt.Sprintf("user_%d", j)}}
		}
		if err := s.SavePeers(ctx, batch); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, ok, err := s.LoadPeer(ctx, peers.UserKey(int64(i%1000+1))); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
}

// BenchmarkOpen opens a session file holding 10,000 peers, with and without the structure
// check (the baseline).
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "big.session")
	f, err := storage.Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]peers.Peer, 1000)
	for i := range 10 {
		for j := range batch {
			id := int64(i*1000 + j + 1)
			batch[j] = peers.Peer{Key: peers.UserKey(id), AccessHash: id, Usernames: []string{fmt.Sprintf("user_%d", id)}}
		}
		if err := f.SavePeers(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		skip bool
	}{{"baseline=SkipCheck", true}, {"checked", false}} {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := storage.Open(path, &storage.FileOptions{SkipCheck: tt.skip})
				if err != nil {
					b.Fatal(err)
				}
				_ = f.Close()
			}
		})
	}
}
