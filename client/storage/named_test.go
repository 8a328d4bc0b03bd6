package storage_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/updates"
)

// fileFormat reads the format record of the closed session file path.
func fileFormat(t *testing.T, path string) []byte {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v []byte
	must(t, db.View(func(tx *bolt.Tx) error {
		v = append(v, tx.Bucket([]byte("meta")).Get([]byte("format"))...)
		return nil
	}))
	return v
}

// TestFileNamedChannel: a channel's guessed start is stored with the pts named (format 2,
// an 8-byte record). A file of format 1, written before, loads as it is, its 4-byte records
// without a pts named, and stays format 1 (readable by the older version) until a record
// with one is written: that transaction moves it to 2, so the older version refuses it as
// newer rather than as damaged. A pending commit (UpdateCommitDelay) carries it too.
func TestFileNamedChannel(t *testing.T) {
	ctx := context.Background()
	for _, delay := range []time.Duration{0, time.Hour} {
		t.Run(delay.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "named.session")
			f, err := storage.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			must(t, f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 1},
				Channels: []updates.ChannelPts{{ChannelID: 9, Pts: 6}}}))
			must(t, f.Close())
			if got := fileFormat(t, path); !cmp.Equal(got, []byte{2}) {
				t.Errorf("format of a new file %v, want [2]", got)
			}
			// What the version before wrote: format 1, records of 4 bytes.
			setMeta(t, path, []byte("format"), []byte{1})
			setRaw(t, path, []byte("channels"), []byte{0, 0, 0, 0, 0, 0, 0, 8}, []byte{0, 0, 0, 3})

			load := func(f *storage.File) []updates.ChannelPts {
				t.Helper()
				s, _, err := f.LoadUpdates(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return s.Channels
			}
			f, err = storage.Open(path, &storage.FileOptions{UpdateCommitDelay: delay})
			if err != nil {
				t.Fatalf("Open of a format 1 file: %v", err)
			}
			if diff := cmp.Diff([]updates.ChannelPts{{ChannelID: 8, Pts: 3}, {ChannelID: 9, Pts: 6}}, load(f)); diff != "" {
				t.Errorf("format 1 channels (-want +got):\n%s", diff)
			}
			must(t, f.CommitUpdates(ctx, updates.Commit{Channels: []updates.ChannelPts{{ChannelID: 8, Pts: 4}}}))
			must(t, f.Close())
			if got := fileFormat(t, path); !cmp.Equal(got, []byte{1}) {
				t.Errorf("format after a commit without a pts named %v, want [1]", got)
			}

			f, err = storage.Open(path, &storage.FileOptions{UpdateCommitDelay: delay})
			if err != nil {
				t.Fatal(err)
			}
			must(t, f.CommitUpdates(ctx, updates.Commit{HasState: true, State: updates.State{Pts: 2}}))
			must(t, f.CommitUpdates(ctx, updates.Commit{Channels: []updates.ChannelPts{{ChannelID: 9, Pts: 5, Named: 7}}}))
			want := []updates.ChannelPts{{ChannelID: 8, Pts: 4}, {ChannelID: 9, Pts: 5, Named: 7}}
			if diff := cmp.Diff(want, load(f)); diff != "" {
				t.Errorf("channels with a pts named (-want +got):\n%s", diff)
			}
			must(t, f.Close())
			if got := fileFormat(t, path); !cmp.Equal(got, []byte{2}) {
				t.Errorf("format after a pts named %v, want [2]", got)
			}
			f, err = storage.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, load(f)); diff != "" {
				t.Errorf("channels opened again (-want +got):\n%s", diff)
			}
			must(t, f.Close())
		})
	}
}

// TestFileDamagedNamedChannel: a channel record of a length no version writes, or of 8
// bytes naming pts 0, is ErrCorrupt; a pts named of any other value loads as written (the
// update engine ignores one it cannot use).
func TestFileDamagedNamedChannel(t *testing.T) {
	ctx := context.Background()
	key := []byte{0, 0, 0, 0, 0, 0, 0, 9}
	for _, tc := range []struct {
		name  string
		value []byte
		want  []updates.ChannelPts
		err   error
	}{
		{name: "6 bytes", value: []byte{0, 0, 0, 6, 0, 0}, err: storage.ErrCorrupt},
		{name: "12 bytes", value: make([]byte, 12), err: storage.ErrCorrupt},
		{name: "pts named 0", value: []byte{0, 0, 0, 6, 0, 0, 0, 0}, err: storage.ErrCorrupt},
		{name: "pts named below the pts", value: []byte{0, 0, 0, 6, 0xff, 0xff, 0xff, 0xfd},
			want: []updates.ChannelPts{{ChannelID: 9, Pts: 6, Named: -3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "damaged.session")
			f, err := storage.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			must(t, f.Close())
			setRaw(t, path, []byte("channels"), key, tc.value)
			f, err = storage.Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, _, err := f.LoadUpdates(ctx)
			if !errors.Is(err, tc.err) {
				t.Fatalf("LoadUpdates = %v, want %v", err, tc.err)
			}
			if diff := cmp.Diff(tc.want, s.Channels); diff != "" {
				t.Errorf("channels (-want +got):\n%s", diff)
			}
		})
	}
}
