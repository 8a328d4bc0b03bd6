package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/storage/sqlite"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestOutOfRange: a number of a session's rows that the store never writes (SQLite keeps
// 64-bit integers in every integer column) is a damaged row: ErrCorrupt naming the column,
// not the number cut to 32 bits. The first read (one query for everything) checks them all,
// and a later LoadUpdates (its own query) the update state's.
func TestOutOfRange(t *testing.T) {
	const big = 1<<32 + 7 // int32 of it is 7: a plausible pts
	for _, tc := range []struct {
		column, update string
		read           func(context.Context, storage.Storage) error
		later          bool // a later read queries the column again (the others are cached)
	}{
		{"pts", `update mtgo_meta set pts = ?`, loadUpdates, true},
		{"qts", `update mtgo_meta set qts = ?`, loadUpdates, true},
		{"seq", `update mtgo_meta set seq = ?`, loadUpdates, true},
		{"date", `update mtgo_meta set date = ?`, loadUpdates, true},
		{"pts", `update mtgo_meta set pts = -?`, loadUpdates, true},
		{"channel pts", `update mtgo_channels set pts = ?`, loadUpdates, true},
		{"home dc", `update mtgo_meta set home_dc = ?`, homeDC, false},
		{"home dc", `update mtgo_meta set home_dc = -1 + 0 * ?`, homeDC, false},
		{"session dc", `update mtgo_sessions set dc = ?`, loadSession, false},
	} {
		t.Run(tc.column+"/"+tc.update, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.db")
			st, err := sqlite.Open(t.Context(), path, "main")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			fill(t, st)
			// A later read: the first one (load) ran and LoadUpdates took its state.
			if _, _, err := st.LoadUpdates(t.Context()); err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ExecContext(t.Context(), tc.update, int64(big)); err != nil {
				t.Fatal(err)
			}
			check := func(when string, err error) {
				t.Helper()
				if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), tc.column) {
					t.Errorf("%s read = %v, want ErrCorrupt naming %s", when, err, tc.column)
				}
			}
			if tc.later {
				check("later", tc.read(t.Context(), st))
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			again, err := sqlite.Open(t.Context(), path, "main")
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			check("first", tc.read(t.Context(), again))
		})
	}
}

// fill stores a session, a home dc, an update state and a channel's pts.
func fill(t *testing.T, st storage.Storage) {
	t.Helper()
	key := make([]byte, session.AuthKeySize)
	key[0] = 1
	if err := st.SaveSession(t.Context(), session.Session{DC: 2, AuthKey: key}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetHomeDC(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	c := updates.Commit{HasState: true, State: updates.State{Pts: 10, Qts: 2, Seq: 3, Date: 4},
		Channels: []updates.ChannelPts{{ChannelID: 500, Pts: 9}}}
	if err := st.CommitUpdates(t.Context(), c); err != nil {
		t.Fatal(err)
	}
}

func loadUpdates(ctx context.Context, st storage.Storage) error {
	_, _, err := st.LoadUpdates(ctx)
	return err
}

func homeDC(ctx context.Context, st storage.Storage) error {
	_, err := st.HomeDC(ctx)
	return err
}

func loadSession(ctx context.Context, st storage.Storage) error {
	_, err := st.LoadSession(ctx, 2)
	return err
}
