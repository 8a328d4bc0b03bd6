package mtgo

import (
	"context"
	crand "crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/e2e"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretClient is a Client around party p of r's relay: enough for the secret chat methods
// that call the network themselves.
func secretClient(r *secretRelay, side int) *Client {
	c := &Client{raw: r.parties[side].m.raw}
	c.secret.once.Do(func() { c.secret.m = r.parties[side].m })
	return c
}

// eventsOf returns the values of type T p's handlers got, in order.
func eventsOf[T any](p *secretParty) []T {
	var out []T
	for _, ev := range p.events() {
		if v, ok := ev.(T); ok {
			out = append(out, v)
		}
	}
	return out
}

// TestSecretChatReadMarks: a read mark goes out with the date asked for, or the newest
// message's; the peer's handlers get it for a known chat only; the chat must be ready.
func TestSecretChatReadMarks(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a := r.parties[0]
	alice, bob := secretClient(r, 0), secretClient(r, 1)
	if _, err := a.m.sendText(ctx, id, 1, "hi"); err != nil { // relayed with date 200
		t.Fatal(err)
	}
	if err := bob.ReadSecretChatHistory(ctx, id, time.Unix(150, 0)); err != nil {
		t.Fatal(err)
	}
	if err := bob.ReadSecretChatHistory(ctx, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	a.m.handle(ctx, &tg.UpdateEncryptedMessagesRead{ChatID: id + 1, MaxDate: 5, Date: 6}) // unknown: dropped
	got := eventsOf[*types.SecretChatRead](a)
	want := []*types.SecretChatRead{
		{ChatID: id, MaxDate: time.Unix(150, 0), Date: time.Unix(300, 0)},
		{ChatID: id, MaxDate: time.Unix(200, 0), Date: time.Unix(300, 0), RandomIDs: []int64{1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("read marks (-want +got):\n%s", diff)
	}

	tests := []struct {
		name string
		c    *Client
		id   int32
		date time.Time
		want error
	}{
		{"unknown chat", alice, id + 1, time.Time{}, ErrSecretChatNotFound},
		{"date before 1970", alice, id, time.Unix(-1, 0), nil},
		{"date past 2038", alice, id, time.Unix(1<<31, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.ReadSecretChatHistory(ctx, tt.id, tt.date)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
		})
	}
	if err := bob.DiscardSecretChat(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if err := alice.ReadSecretChatHistory(ctx, id, time.Time{}); !errors.Is(err, ErrSecretChatState) {
		t.Fatalf("read of a discarded chat: %v", err)
	}
	w := r.request(t) // waiting
	if err := alice.ReadSecretChatHistory(ctx, w.ID, time.Time{}); !errors.Is(err, ErrSecretChatState) {
		t.Fatalf("read of a waiting chat: %v", err)
	}
}

// TestSecretChatTypingSignals: typing goes out for a ready chat only; the peer's handlers get
// it with the user typing, for a known chat only.
func TestSecretChatTypingSignals(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	b := r.parties[1]
	alice, bob := secretClient(r, 0), secretClient(r, 1)
	for _, typing := range []bool{true, false, true} {
		if err := alice.SendSecretChatAction(ctx, id, typing); err != nil {
			t.Fatal(err)
		}
	}
	b.m.handle(ctx, &tg.UpdateEncryptedChatTyping{ChatID: id + 1}) // unknown: dropped
	got := eventsOf[*types.SecretChatTyping](b)
	want := []*types.SecretChatTyping{{ChatID: id, UserID: 1}, {ChatID: id, UserID: 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("typing (-want +got):\n%s", diff)
	}
	if err := bob.SendSecretChatAction(ctx, id+1, true); !errors.Is(err, ErrSecretChatNotFound) {
		t.Fatalf("typing in an unknown chat: %v", err)
	}
	if err := bob.DiscardSecretChat(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if err := alice.SendSecretChatAction(ctx, id, true); !errors.Is(err, ErrSecretChatState) {
		t.Fatalf("typing in a discarded chat: %v", err)
	}
}

// TestSecretTTLSealFailure: a timer whose message failed to seal is not taken; one sealed is,
// and the messages after it carry it; a peer's negative TTL reads as none.
func TestSecretTTLSealFailure(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	a, b := r.parties[0], r.parties[1]
	alice := secretClient(r, 0)
	a.m.rnd = &failAfter{n: secretRandomBytes}
	if err := alice.SetSecretChatTTL(ctx, id, time.Minute); err == nil {
		t.Fatal("sealed without randomness")
	}
	a.m.rnd = crand.Reader
	if sc, _ := a.m.get(ctx, id); sc.TTL != 0 {
		t.Fatalf("TTL %v after a failed seal", sc.TTL)
	}
	if err := alice.SetSecretChatTTL(ctx, id, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := a.m.sendText(ctx, id, 3, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.m.send(ctx, id, 4, &e2e.DecryptedMessage{RandomID: 4, TTL: -5, Message: "y"}, nil); err != nil {
		t.Fatal(err)
	}
	r.runJobs()
	evs := b.events()
	if m := evs[len(evs)-1].(*types.SecretMessage); m.TTL != time.Minute || m.Text != "x" {
		t.Fatalf("message %v", m)
	}
	evs = a.events()
	if m := evs[len(evs)-1].(*types.SecretMessage); m.TTL != 0 || m.Text != "y" {
		t.Fatalf("message with a negative TTL %v", m)
	}
}

// TestSecretReadCovers: a mark names the messages it newly covers, in the order sent, once;
// at most maxSecretUnread wait (the oldest leave).
func TestSecretReadCovers(t *testing.T) {
	ctx := context.Background()
	r := newSecretRelay(t)
	id := r.open(t)
	m := r.parties[0].m
	msg := &e2e.DecryptedMessage{}
	for i := range maxSecretUnread + 2 {
		m.noteSent(id, int64(i), int32(1000+i), msg)
	}
	m.noteSent(id, -1, 5, &e2e.DecryptedMessageService{}) // not counted
	read := func(maxDate int32) []int64 {
		before := len(r.parties[0].events())
		m.handle(ctx, &tg.UpdateEncryptedMessagesRead{ChatID: id, MaxDate: maxDate, Date: 9})
		evs := r.parties[0].events()
		if len(evs) != before+1 {
			t.Fatalf("%d events for one mark", len(evs)-before)
		}
		return evs[before].(*types.SecretChatRead).RandomIDs
	}
	if got := read(1003); !cmp.Equal(got, []int64{2, 3}) { // 0 and 1 left the window
		t.Fatalf("first mark named %v", got)
	}
	if got := read(1003); got != nil {
		t.Fatalf("the same mark again named %v", got)
	}
	if got := read(1000 + maxSecretUnread + 1); len(got) != maxSecretUnread-2 || got[0] != 4 || got[len(got)-1] != maxSecretUnread+1 {
		t.Fatalf("second mark named %d: %v", len(got), got)
	}
}

// TestSecretActionOf types the service actions a peer sends.
func TestSecretActionOf(t *testing.T) {
	tests := []struct {
		a    e2e.DecryptedMessageActionClass
		want types.SecretAction
	}{
		{&e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: 30}, types.SecretAction{Kind: types.SecretActionTTL, TTL: 30 * time.Second}},
		{&e2e.DecryptedMessageActionSetMessageTTL{TTLSeconds: -30}, types.SecretAction{Kind: types.SecretActionTTL}},
		{&e2e.DecryptedMessageActionDeleteMessages{RandomIDs: []int64{1}}, types.SecretAction{Kind: types.SecretActionDelete, RandomIDs: []int64{1}}},
		{&e2e.DecryptedMessageActionReadMessages{RandomIDs: []int64{2}}, types.SecretAction{Kind: types.SecretActionReadContents, RandomIDs: []int64{2}}},
		{&e2e.DecryptedMessageActionScreenshotMessages{RandomIDs: []int64{3}}, types.SecretAction{Kind: types.SecretActionScreenshot, RandomIDs: []int64{3}}},
		{&e2e.DecryptedMessageActionFlushHistory{}, types.SecretAction{Kind: types.SecretActionClearHistory}},
		{&e2e.DecryptedMessageActionNotifyLayer{Layer: 101}, types.SecretAction{Kind: types.SecretActionLayer, Layer: 101}},
		{&e2e.DecryptedMessageActionNotifyLayer{Layer: 999}, types.SecretAction{Kind: types.SecretActionLayer, Layer: 999}},
		{&e2e.DecryptedMessageActionNotifyLayer{Layer: -2}, types.SecretAction{Kind: types.SecretActionLayer}},
		{&e2e.DecryptedMessageActionResend{StartSeqNo: 1, EndSeqNo: 3}, types.SecretAction{Kind: types.SecretActionOther}},
		{&e2e.DecryptedMessageActionTyping{Action: &e2e.SendMessageTypingAction{}}, types.SecretAction{Kind: types.SecretActionOther}},
	}
	for _, tt := range tests {
		got := secretActionOf(tt.a)
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("%T (-want +got):\n%s", tt.a, diff)
		}
		if got.Kind.String() == "unknown" {
			t.Errorf("%T: kind without a name", tt.a)
		}
	}
}
