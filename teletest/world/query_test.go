package world

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestQueryLifecycle covers the pending-query table without any network or goroutine: a
// query is answered once, a withdrawn query refuses the late answer, and an answer that beat
// the withdrawal wins.
func TestQueryLifecycle(t *testing.T) {
	w := newWorld(t, Config{})
	bot, _ := w.CreateBot(BotSpec{FirstName: "B", Username: "query_bot"})
	alice, _ := w.CreateUser(UserSpec{FirstName: "A", Phone: "70000000101", Username: "alice_q"})
	kBot, kA := KeyID{1}, KeyID{2}
	for key, id := range map[KeyID]int64{kBot: bot.ID, kA: alice.ID} {
		if err := w.Authorize(key, id); err != nil {
			t.Fatal(err)
		}
	}
	res, err := w.ResolveUsername(kA, "query_bot")
	if err != nil {
		t.Fatal(err)
	}
	u := res.Users[0].(*tg.User)
	botPeer := &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	res, err = w.ResolveUsername(kBot, "alice_q")
	if err != nil {
		t.Fatal(err)
	}
	u = res.Users[0].(*tg.User)
	alicePeer := &tg.InputPeerUser{UserID: u.ID, AccessHash: u.AccessHash.Value}
	kb := &tg.ReplyInlineMarkup{Rows: []tg.KeyboardButtonRow{{Buttons: []tg.KeyboardButtonClass{
		&tg.KeyboardButtonCallback{Text: "A", Data: []byte("a")},
	}}}}
	if _, err := w.SendMessage(kBot, alicePeer, Draft{Text: "pick", ReplyMarkup: kb}); err != nil {
		t.Fatal(err)
	}
	ask := func() *Query {
		t.Helper()
		// Alice's copy is message 1 of her box.
		q, err := w.AskCallback(kA, Callback{Peer: botPeer, MsgID: 1, Data: []byte("a")})
		if err != nil {
			t.Fatal(err)
		}
		return q
	}

	q := ask()
	if err := w.AnswerCallback(kBot, CallbackAnswer{QueryID: q.ID(), Message: "ok"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-q.Done():
	default:
		t.Fatal("answered query not done")
	}
	got, err := q.Answer()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&tg.MessagesBotCallbackAnswer{Message: tl.Some("ok")}, got); diff != "" {
		t.Fatalf("answer (-want +got):\n%s", diff)
	}
	if q.Cancel() {
		t.Fatal("Cancel after the answer withdrew it")
	}
	if err := w.AnswerCallback(kBot, CallbackAnswer{QueryID: q.ID()}); !errors.Is(err, ErrQueryIDInvalid) {
		t.Fatalf("second answer = %v", err)
	}

	q = ask()
	if !q.Cancel() || q.Cancel() {
		t.Fatal("Cancel of a pending query should withdraw it once")
	}
	if err := w.AnswerCallback(kBot, CallbackAnswer{QueryID: q.ID()}); !errors.Is(err, ErrQueryIDInvalid) {
		t.Fatalf("answer after cancel = %v", err)
	}
	if n := w.PendingQueries(); n != 0 {
		t.Fatalf("%d pending", n)
	}
}

func TestKeepBounded(t *testing.T) {
	m := map[int64]string{}
	var fifo []int64
	for i := range int64(10) {
		keepBounded(m, &fifo, i, "v", 4)
	}
	if len(m) != 4 || len(fifo) != 4 || fifo[0] != 6 {
		t.Fatalf("kept %v (fifo %v)", m, fifo)
	}
	for _, id := range []int64{6, 7, 8, 9} {
		if _, ok := m[id]; !ok {
			t.Fatalf("newest %d forgotten", id)
		}
	}
}
