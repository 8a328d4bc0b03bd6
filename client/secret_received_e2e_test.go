package mtgo_test

import (
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// secretReceipts registers a hook that hands the max_qts c's messages.receivedQueue calls
// confirmed to the returned channel.
func secretReceipts(c *testClient) chan int32 {
	ch := make(chan int32, 32)
	mtgo.OnSecretReceipt(c.Client, func(q int32) { ch <- q })
	return ch
}

// confirmedAll waits until c confirmed its account's qts (updates.getState), and checks the
// server took it: the same receivedQueue again cancels nothing.
func confirmedAll(t *testing.T, c *testClient, receipts chan int32) {
	t.Helper()
	st, err := c.Raw().UpdatesGetState(ctxT(t), &tg.UpdatesGetStateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Qts == 0 {
		t.Fatal("account qts 0 after secret messages")
	}
	for q := recv(t, receipts, "receipt"); q != st.Qts; q = recv(t, receipts, "receipt") {
		if q > st.Qts {
			t.Fatalf("confirmed qts %d beyond the account's %d", q, st.Qts)
		}
	}
	ids, err := c.Raw().MessagesReceivedQueue(ctxT(t), &tg.MessagesReceivedQueueRequest{MaxQts: st.Qts})
	if err != nil || len(ids) != 0 {
		t.Fatalf("receivedQueue(%d) again = %v, %v; want nothing left to confirm", st.Qts, ids, err)
	}
}

// TestE2ESecretReceipts: Bob's client confirms the secret messages Alice sends
// (messages.receivedQueue up to the highest qts), live and, after a restart, those
// updates.getDifference brings (up to the difference's qts).
func TestE2ESecretReceipts(t *testing.T) {
	bobCfg := fileSession(t, "bob")
	p := newSecretPair(t, "1555208", bobCfg)
	receipts := secretReceipts(p.bob)

	for _, text := range []string{"one", "two", "three", "four"} {
		if _, err := p.alice.SendSecretMessage(ctxT(t), p.id, text); err != nil {
			t.Fatal(err)
		}
	}
	for _, text := range []string{"one", "two", "three", "four"} {
		if m := recv(t, p.bobGot, text); m.Text != text {
			t.Fatalf("Bob got %q, want %q", m.Text, text)
		}
	}
	confirmedAll(t, p.bob, receipts)

	// Bob is away while Alice writes: the messages come with the difference, without qts.
	p.bob.Stop()
	for _, text := range []string{"five", "six"} {
		if _, err := p.alice.SendSecretMessage(ctxT(t), p.id, text); err != nil {
			t.Fatal(err)
		}
	}
	var got chan *types.SecretMessage
	bob := restartClient(t, p.cl, p.bob, bobCfg, func(c *testClient) {
		got, receipts = secretInbox(c), secretReceipts(c)
	})
	for _, text := range []string{"five", "six"} {
		if m := recv(t, got, text); m.Text != text {
			t.Fatalf("Bob got %q after the restart, want %q", m.Text, text)
		}
	}
	confirmedAll(t, bob, receipts)
}
