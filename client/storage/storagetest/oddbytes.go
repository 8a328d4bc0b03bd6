package storagetest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/peers"
)

// oddValues are strings a store must keep as given: a zero byte, bytes that are not UTF-8,
// and what a store's own escaping might start with.
var oddValues = []string{"a\x00b", "\xff\xfe", "\x01escaped", "\x0161", "caf\xc3\xa9"}

// testOddBytes: usernames and phones (from the network) and record keys (from the program)
// with a zero byte or bytes that are not UTF-8 are stored and found like any other: one
// such peer must not fail the batch it comes in, a record key must round-trip exactly, and
// two keys that differ only in such bytes stay two.
func testOddBytes(t *testing.T, b Backend) {
	s, _ := openFresh(t, b)
	seen := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	ps := []peers.Peer{{Key: peers.UserKey(20), AccessHash: 1, Usernames: []string{"plain_one"}, Seen: seen}}
	for i, v := range oddValues {
		ps = append(ps, peers.Peer{Key: peers.UserKey(int64(21 + i)), AccessHash: 2, Usernames: []string{v}, Phone: "7" + v, Seen: seen})
	}
	if err := s.SavePeers(ctx(t), ps); err != nil {
		t.Fatalf("SavePeers with odd usernames and phones = %v", err)
	}
	for _, p := range ps {
		got, ok, err := s.LoadPeer(ctx(t), p.Key)
		if err != nil || !ok {
			t.Fatalf("LoadPeer(%v) = %v, %v", p.Key, ok, err)
		}
		if diff := cmp.Diff(p, got, cmpTime); diff != "" {
			t.Errorf("peer %v (-want +got):\n%s", p.Key, diff)
		}
		if got, ok, err := s.PeerByUsername(ctx(t), p.Usernames[0]); err != nil || !ok || got.Key != p.Key {
			t.Errorf("PeerByUsername(%q) = %v, %v, %v; want %v", p.Usernames[0], got.Key, ok, err, p.Key)
		}
		if p.Phone == "" {
			continue
		}
		if got, ok, err := s.PeerByPhone(ctx(t), p.Phone); err != nil || !ok || got.Key != p.Key {
			t.Errorf("PeerByPhone(%q) = %v, %v, %v; want %v", p.Phone, got.Key, ok, err, p.Key)
		}
	}
	// Renamed, the odd names stop resolving.
	renamed := ps[1]
	renamed.Usernames, renamed.Phone = []string{"now_plain"}, ""
	if err := s.SavePeers(ctx(t), []peers.Peer{renamed}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.PeerByUsername(ctx(t), oddValues[0]); ok || err != nil {
		t.Errorf("a dropped odd username still resolves: %v, %v", ok, err)
	}
	if d, ok := s.(storage.PeerDeleter); ok {
		if err := d.DeletePeer(ctx(t), ps[2].Key); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.PeerByUsername(ctx(t), oddValues[1]); ok || err != nil {
			t.Errorf("a deleted peer's odd username still resolves: %v, %v", ok, err)
		}
	}

	spaces := func(k string) []string { // a namespace has no zero byte
		if strings.IndexByte(k, 0) >= 0 {
			return []string{"ns"}
		}
		return []string{"ns", "n" + k}
	}
	for i, k := range oddValues {
		for _, ns := range spaces(k) {
			if err := s.SaveRecord(ctx(t), ns, k, []byte{byte(i)}); err != nil {
				t.Fatalf("SaveRecord(%q, %q) = %v", ns, k, err)
			}
		}
	}
	for i, k := range oddValues {
		for _, ns := range spaces(k) {
			v, ok, err := s.LoadRecord(ctx(t), ns, k)
			if err != nil || !ok || len(v) != 1 || v[0] != byte(i) {
				t.Errorf("LoadRecord(%q, %q) = %v, %v, %v; want [%d]", ns, k, v, ok, err, i)
			}
		}
	}
	if err := s.DeleteRecord(ctx(t), "ns", oddValues[0]); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.LoadRecord(ctx(t), "ns", oddValues[0]); ok || err != nil {
		t.Errorf("deleted odd record: %v, %v", ok, err)
	}
	if _, ok, _ := s.LoadRecord(ctx(t), "ns", oddValues[1]); !ok {
		t.Error("deleting one odd record took another")
	}
}
