package mtgo

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
)

// listed is what the listing shows of each chat: its id and state, in the listing's order.
type listed struct {
	ID    int32
	State types.SecretChatState
}

func (p *secretParty) listed(t *testing.T) []listed {
	t.Helper()
	chats, err := p.m.list(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []listed
	for _, c := range chats {
		out = append(out, listed{c.ID, c.State})
	}
	return out
}

// TestSecretChatList: the listing holds the ready, waiting and requested chats (not the
// discarded ones), newest first, with their states, before and after a restart; a chat
// stored before the index existed joins it once loaded; a damaged index is logged and
// rebuilt.
func TestSecretChatList(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	// The relay dates every chat 100: an hour later, the unfinished one is not stale.
	clock := func() time.Time { return time.Unix(100+3600, 0) }
	restart := func(i int) *secretParty {
		p := r.restart(i)
		p.m.now = clock
		return p
	}
	for _, p := range r.parties {
		p.m.now = clock
	}
	r.chatID = 77
	r.open(t)
	r.chatID = 78
	r.request(t) // waiting at A, requested at B
	r.chatID = 79
	if err := r.parties[0].m.discard(ctx, r.open(t), false); err != nil {
		t.Fatal(err)
	}
	r.chatID = 80
	r.open(t)
	r.runJobs()
	want := [2][]listed{
		{{80, types.SecretChatReady}, {78, types.SecretChatWaiting}, {77, types.SecretChatReady}},
		{{80, types.SecretChatReady}, {78, types.SecretChatRequested}, {77, types.SecretChatReady}},
	}
	for i := range r.parties {
		if diff := cmp.Diff(want[i], r.parties[i].listed(t)); diff != "" {
			t.Errorf("party %d (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff(want[i], restart(i).listed(t)); diff != "" {
			t.Errorf("party %d after a restart (-want +got):\n%s", i, diff)
		}
	}

	// Stored before the index: not listed until loaded.
	a := r.parties[0]
	if err := a.store.DeleteRecord(ctx, secretRecordNS, secretReadyKey); err != nil {
		t.Fatal(err)
	}
	a = restart(0)
	if diff := cmp.Diff([]listed{{78, types.SecretChatWaiting}}, a.listed(t)); diff != "" {
		t.Errorf("without the index (-want +got):\n%s", diff)
	}
	if _, ok := a.m.get(ctx, 77); !ok {
		t.Fatal("chat 77 lost")
	}
	if diff := cmp.Diff(want[0][1:], restart(0).listed(t)); diff != "" {
		t.Errorf("after loading 77 (-want +got):\n%s", diff)
	}

	// A damaged index is logged and started afresh.
	if err := a.store.SaveRecord(ctx, secretRecordNS, secretReadyKey, []byte{9}); err != nil {
		t.Fatal(err)
	}
	a = restart(0)
	if diff := cmp.Diff([]listed{{78, types.SecretChatWaiting}}, a.listed(t)); diff != "" {
		t.Errorf("damaged index (-want +got):\n%s", diff)
	}
	if !strings.Contains(a.log.String(), "ready secret chat index not loaded") {
		t.Fatalf("not logged: %q", a.log.String())
	}
}

// TestSecretListMemory: without a storage the listing is the chats in memory.
func TestSecretListMemory(t *testing.T) {
	r := newSecretRelay(t)
	for _, p := range r.parties {
		p.m.store = nil
	}
	r.open(t)
	if diff := cmp.Diff([]listed{{77, types.SecretChatReady}}, r.parties[1].listed(t)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSecretReadyIndex(t *testing.T) {
	idx := map[int32]struct{}{-5: {}, 7: {}, 1 << 30: {}}
	b := encodeSecretReady(idx)
	got, err := decodeSecretReady(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(idx, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	if empty, err := decodeSecretReady([]byte{secretReadyV1}); err != nil || len(empty) != 0 {
		t.Fatalf("empty index: %v, %v", empty, err)
	}
	long := append([]byte{secretReadyV1}, make([]byte, 4*(maxSecretReady+1))...)
	for i := range maxSecretReady + 1 {
		long[1+4*i] = byte(i) // increasing ids, one too many
		long[2+4*i] = byte(i >> 8)
	}
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"version":   append([]byte{2}, b[1:]...),
		"size":      b[:len(b)-1],
		"duplicate": append(bytes.Clone(b), b[len(b)-4:]...),
		"order":     append([]byte{secretReadyV1}, append(bytes.Clone(b[5:9]), b[1:5]...)...),
		"too many":  long,
	} {
		if _, err := decodeSecretReady(bad); !errors.Is(err, errSecretRecord) {
			t.Errorf("%s: %v, want errSecretRecord", name, err)
		}
	}
}

func FuzzSecretReady(f *testing.F) {
	f.Add(encodeSecretReady(map[int32]struct{}{1: {}, -3: {}}))
	f.Add([]byte{secretReadyV1})
	f.Fuzz(func(t *testing.T, b []byte) {
		idx, err := decodeSecretReady(b)
		if err != nil {
			return
		}
		if again := encodeSecretReady(idx); !bytes.Equal(again, b) {
			t.Fatalf("re-encoded %x, read %x", again, b)
		}
	})
}
