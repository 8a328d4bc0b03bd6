package storage_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/storage"
)

func TestRecords(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		if _, ok, err := s.LoadRecord(ctx, "a", "k"); ok || err != nil {
			t.Fatalf("LoadRecord on empty storage = %v, %v", ok, err)
		}
		must(t, s.SaveRecord(ctx, "a", "k", []byte("one")))
		must(t, s.SaveRecord(ctx, "b", "k", []byte("two")))
		must(t, s.SaveRecord(ctx, "a", "empty", nil))
		for _, tc := range []struct {
			ns, key string
			want    []byte
			ok      bool
		}{
			{"a", "k", []byte("one"), true},
			{"b", "k", []byte("two"), true}, // namespaces do not share keys
			{"a", "empty", []byte{}, true},
			{"a", "missing", nil, false},
			{"a\x00k", "", nil, false}, // rejected below, never aliases "a"/"k"
		} {
			got, ok, err := s.LoadRecord(ctx, tc.ns, tc.key)
			if strings.Contains(tc.ns, "\x00") {
				if err == nil {
					t.Errorf("LoadRecord(%q) accepted a zero byte in the namespace", tc.ns)
				}
				continue
			}
			if err != nil || ok != tc.ok || !bytes.Equal(got, tc.want) {
				t.Errorf("LoadRecord(%q, %q) = %q, %v, %v; want %q, %v", tc.ns, tc.key, got, ok, err, tc.want, tc.ok)
			}
		}
		// The value returned is the caller's: changing it changes nothing stored.
		got, _, _ := s.LoadRecord(ctx, "a", "k")
		got[0] = 'X'
		if again, _, _ := s.LoadRecord(ctx, "a", "k"); string(again) != "one" {
			t.Errorf("stored value changed through a returned slice: %q", again)
		}
		must(t, s.DeleteRecord(ctx, "a", "k"))
		must(t, s.DeleteRecord(ctx, "a", "never"))
		if _, ok, err := s.LoadRecord(ctx, "a", "k"); ok || err != nil {
			t.Errorf("record after DeleteRecord: %v, %v", ok, err)
		}
		must(t, s.Reset(ctx))
		if _, ok, err := s.LoadRecord(ctx, "b", "k"); ok || err != nil {
			t.Errorf("record survived Reset: %v, %v", ok, err)
		}
	})
}

func TestRecordLimits(t *testing.T) {
	ctx := context.Background()
	forEach(t, func(t *testing.T, s storage.Storage) {
		if err := s.SaveRecord(ctx, "a", "k", make([]byte, storage.MaxRecordSize+1)); !errors.Is(err, storage.ErrRecordTooLarge) {
			t.Errorf("oversized value: %v, want ErrRecordTooLarge", err)
		}
		must(t, s.SaveRecord(ctx, "a", "k", make([]byte, storage.MaxRecordSize)))
		for _, tc := range []struct{ name, ns, key string }{
			{"empty namespace", "", "k"},
			{"zero byte in namespace", "a\x00b", "k"},
			{"key too long", "a", strings.Repeat("k", storage.MaxRecordKey)},
		} {
			if err := s.SaveRecord(ctx, tc.ns, tc.key, nil); err == nil {
				t.Errorf("%s: SaveRecord accepted it", tc.name)
			}
			if err := s.DeleteRecord(ctx, tc.ns, tc.key); err == nil {
				t.Errorf("%s: DeleteRecord accepted it", tc.name)
			}
		}
		must(t, s.Close())
		if err := s.SaveRecord(ctx, "a", "k", nil); !errors.Is(err, storage.ErrClosed) {
			t.Errorf("SaveRecord after Close: %v, want ErrClosed", err)
		}
		if _, _, err := s.LoadRecord(ctx, "a", "k"); !errors.Is(err, storage.ErrClosed) {
			t.Errorf("LoadRecord after Close: %v, want ErrClosed", err)
		}
	})
}

// TestRecordsSurviveReopen: a record written to a file is there after it is closed and
// opened again; a record damaged on disk gives ErrCorrupt.
func TestRecordsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rec.session")
	f, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, f.SaveRecord(ctx, "ns", "key", []byte("value")))
	must(t, f.Close())
	g, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := g.LoadRecord(ctx, "ns", "key")
	if err != nil || !ok || !cmp.Equal([]byte("value"), got) {
		t.Fatalf("record after reopen = %q, %v, %v", got, ok, err)
	}
	must(t, g.Close())

	setRaw(t, path, []byte("records"), []byte("ns\x00big"), make([]byte, storage.MaxRecordSize+1))
	h, err := storage.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, _, err := h.LoadRecord(ctx, "ns", "big"); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("oversized record on disk: %v, want ErrCorrupt", err)
	}
}
