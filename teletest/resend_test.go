package teletest

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// resendFixture is one MTProto session, driven by hand (foreignClient), of a person bob on
// data center 1, and a second key on which bob writes to himself from elsewhere: each such
// message is pushed to the session as an update.
type resendFixture struct {
	t     *testing.T
	cl    *Cluster
	c     *foreignClient
	other world.KeyID // bob's other device
	n     int
}

func newResendFixture(t *testing.T, cfg Config) *resendFixture {
	t.Helper()
	cfg.DCs = 1
	cl := startCluster(t, cfg)
	bob, err := cl.World().CreateUser(world.UserSpec{FirstName: "bob", Phone: "9990000001", DC: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := newForeign(t, cl, 1)
	f := &resendFixture{t: t, cl: cl, c: c, other: world.KeyID{0xb0, 0xb0}}
	for _, k := range []world.KeyID{world.KeyID(c.key.ID), f.other} {
		if err := cl.World().Authorize(k, bob.ID); err != nil {
			t.Fatal(err)
		}
	}
	// An ordinary call subscribes the session to bob's updates; everything it got so far is
	// acknowledged, so only what the test sends later is unacknowledged.
	c.call(withLayer(Layer, &tg.UpdatesGetStateRequest{}))
	f.ackAll()
	return f
}

// push has bob write text to himself from his other device and returns the update the
// session receives, unacknowledged.
func (f *resendFixture) push() foreignMsg {
	f.t.Helper()
	f.n++
	text := fmt.Sprintf("push %d", f.n)
	if _, err := f.cl.World().SendMessage(f.other, &tg.InputPeerSelf{}, world.Draft{RandomID: int64(f.n), Text: text}); err != nil {
		f.t.Fatal(err)
	}
	for {
		if m, ok := f.update(text); ok {
			return m
		}
		f.c.read()
	}
}

// update returns the received update carrying text.
func (f *resendFixture) update(text string) (foreignMsg, bool) {
	for _, m := range f.c.got {
		if m.typeID() != idRPCResult && bytes.Contains(m.body, []byte(text)) {
			return m, true
		}
	}
	return foreignMsg{}, false
}

// ackAll acknowledges every content-related message received so far, then makes a call and
// waits for its answer: the server reads a connection's packets in order, so the acks were
// handled by then. The call's answer stays unacknowledged.
func (f *resendFixture) ackAll() {
	f.t.Helper()
	var ids []int64
	for _, m := range f.c.got {
		if m.seq&1 == 1 {
			ids = append(ids, m.id)
		}
	}
	f.c.even(enc(f.t, &mt.MsgsAck{MsgIDs: ids}))
	f.c.call(&tg.HelpGetNearestDCRequest{})
}

// reconnect breaks the session's connection on the server's side (DropConnections returns
// once it ended), forgets what came on it and dials again; nothing is sent yet.
func (f *resendFixture) reconnect() {
	f.t.Helper()
	if n := f.cl.Faults().DropConnections(1); n != 1 {
		f.t.Fatalf("DropConnections closed %d connections, want 1", n)
	}
	f.c.dial()
	f.c.got = nil
}

// sync makes a call on the new connection and returns the ids of the pushed updates (any
// message but its answer and MTProto service messages) that came up to its answer.
func (f *resendFixture) sync() []int64 {
	f.t.Helper()
	f.c.call(&tg.HelpGetNearestDCRequest{})
	var ids []int64
	for _, m := range f.c.got {
		switch m.typeID() {
		case idRPCResult, mt.MsgsAckTypeID, mt.NewSessionCreatedTypeID, mt.PongTypeID:
			continue
		}
		ids = append(ids, m.id)
	}
	return ids
}

// TestResendAfterDrop: an update written into a connection that is dropped before the
// client handled it is sent again, under the same msg_id, on the session's next connection;
// once acknowledged it is not sent again, and neither is anything acknowledged before. The
// connection is lost to DropConnections after the client read the packet (without handling
// it), or broken by the server right after writing it (BreakAfterUpdate).
func TestResendAfterDrop(t *testing.T) {
	for _, brk := range []bool{false, true} {
		name := "DropConnections"
		if brk {
			name = "BreakAfterUpdate"
		}
		t.Run(name, func(t *testing.T) { testResendAfterDrop(t, brk) })
	}
}

func testResendAfterDrop(t *testing.T, brk bool) {
	f := newResendFixture(t, Config{})
	acked := f.c.got // acknowledged in the fixture, but for the last answer
	if brk {
		f.cl.Faults().BreakAfterUpdate(1, 1)
	}
	lost := f.push()
	if brk {
		f.c.dial() // the server closed the connection after writing the update
		f.c.got = nil
	} else {
		f.reconnect()
	}
	if diff := cmp.Diff([]int64{lost.id}, f.sync()); diff != "" {
		t.Fatalf("updates on the next connection (-want +got):\n%s", diff)
	}
	if m, ok := f.update("push 1"); !ok || !bytes.Equal(m.body, lost.body) {
		t.Fatal("the update came again with another body")
	}
	for _, m := range f.c.got {
		if slices.ContainsFunc(acked[:len(acked)-1], func(a foreignMsg) bool { return a.id == m.id }) {
			t.Fatalf("%s %#x came again after its ack", tg.TypeName(m.typeID()), m.id)
		}
	}
	if f.c.count(mt.NewSessionCreatedTypeID) != 0 {
		t.Fatal("new_session_created on the next connection of a known session")
	}

	f.ackAll()
	f.reconnect()
	if got := f.sync(); len(got) != 0 {
		t.Fatalf("acknowledged updates %#x sent again", got)
	}
	want := FaultStats{Dropped: 2}
	if brk {
		want = FaultStats{Dropped: 1, UpdateBreaks: 1}
	}
	if diff := cmp.Diff(want, f.cl.Faults().Stats()); diff != "" {
		t.Fatalf("fault counts (-want +got):\n%s", diff)
	}
}

// TestResendBound: a session keeps at most Engine.RetainMessages unacknowledged messages;
// the next connection gets the newest of them.
func TestResendBound(t *testing.T) {
	f := newResendFixture(t, Config{Engine: func(c *mtp.Config) { c.RetainMessages = 2 }})
	f.ackAll() // the fixture's last answer is not kept either
	var ids []int64
	for range 4 {
		ids = append(ids, f.push().id)
	}
	f.reconnect()
	if diff := cmp.Diff(ids[2:], f.sync()); diff != "" {
		t.Fatalf("updates on the next connection (-want +got):\n%s", diff)
	}
}

// TestResendRequested: msg_resend_req gets an unacknowledged update again, on the same
// connection, under its msg_id.
func TestResendRequested(t *testing.T) {
	f := newResendFixture(t, Config{})
	lost := f.push()
	f.c.got = nil
	f.c.content(enc(t, &mt.MsgResendReq{MsgIDs: []int64{lost.id}}))
	if diff := cmp.Diff([]int64{lost.id}, f.sync()); diff != "" {
		t.Fatalf("updates after msg_resend_req (-want +got):\n%s", diff)
	}
}

// TestBreakAfterUpdate: MTGo's session client on a connection that breaks right after the
// server wrote an update handles that update exactly once: it reconnects under the same
// session, and whether it read the packet before the break or not, the copy the server sends
// again is either the delivery or dropped as a duplicate.
func TestBreakAfterUpdate(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	bob, err := cl.World().CreateUser(world.UserSpec{FirstName: "bob", Phone: "9990000002", DC: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := dialCluster(t, cl, 1, nil)
	ctx := testCtx(t)
	var dc tg.NearestDC
	if err := c.Invoke(ctx, &tg.HelpGetNearestDCRequest{}, &dc); err != nil {
		t.Fatal(err)
	}
	key := crypto.NewAuthKey([256]byte(c.Session().AuthKey))
	other := world.KeyID{0xb0, 0xb1}
	for _, k := range []world.KeyID{world.KeyID(key.ID), other} {
		if err := cl.World().Authorize(k, bob.ID); err != nil {
			t.Fatal(err)
		}
	}
	var st tg.UpdatesState
	if err := c.Invoke(ctx, &tg.UpdatesGetStateRequest{}, &st); err != nil {
		t.Fatal(err)
	}

	cl.Faults().BreakAfterUpdate(1, 1)
	got := map[string]int{}
	for i, text := range []string{"before the break", "after the reconnect"} {
		if _, err := cl.World().SendMessage(other, &tg.InputPeerSelf{}, world.Draft{RandomID: int64(i + 1), Text: text}); err != nil {
			t.Fatal(err)
		}
		// Updates arrive in order: a second copy of the first would come before the second.
		for got[text] == 0 {
			select {
			case body := <-c.updates:
				for _, s := range []string{"before the break", "after the reconnect"} {
					if bytes.Contains(body, []byte(s)) {
						got[s]++
					}
				}
			case <-ctx.Done():
				t.Fatalf("%q never arrived; got %v", text, got)
			}
		}
	}
	if diff := cmp.Diff(map[string]int{"before the break": 1, "after the reconnect": 1}, got); diff != "" {
		t.Fatalf("updates handled (-want +got):\n%s", diff)
	}
	if st := cl.Faults().Stats(); st.UpdateBreaks != 1 {
		t.Fatalf("%d connections broken after an update, want 1", st.UpdateBreaks)
	}
}

// TestResendTakeover: a second connection of the session, opened while the first is still
// up with updates written into it or still queued, gets every update the client has not
// acknowledged exactly once, in order, whatever the first connection was doing when the
// second took the session over.
func TestResendTakeover(t *testing.T) {
	f := newResendFixture(t, Config{})
	const n = 40
	text := func(i int) string { return fmt.Sprintf("takeover %03d", i) }
	for i := range n {
		if _, err := f.cl.World().SendMessage(f.other, &tg.InputPeerSelf{}, world.Draft{RandomID: int64(100 + i), Text: text(i)}); err != nil {
			t.Fatal(err)
		}
	}
	f.c.dial() // the first connection stays open; nothing read from it
	f.c.got = nil
	f.c.call(&tg.HelpGetNearestDCRequest{})
	seen := func() (order []int, dup bool) {
		count := map[int]int{}
		for _, m := range f.c.got {
			if m.typeID() == idRPCResult {
				continue
			}
			for i := range n {
				if bytes.Contains(m.body, []byte(text(i))) {
					count[i]++
					dup = dup || count[i] > 1
					order = append(order, i)
				}
			}
		}
		return order, dup
	}
	for {
		order, _ := seen()
		if len(order) >= n {
			break
		}
		f.c.read()
	}
	f.c.call(&tg.HelpGetNearestDCRequest{}) // anything sent twice would come before its answer
	order, dup := seen()
	if dup || !slices.IsSorted(order) || len(order) != n {
		t.Fatalf("updates on the second connection in order %v, want each of %d once, in order", order, n)
	}
}

// TestRetainedBytesBounded: sessions whose clients left without acknowledging their answers
// keep at most Config.MaxRetainedBytes together; the least recently used are forgotten first,
// so a client opening session after session cannot make the server hold 4 MiB for each.
func TestRetainedBytesBounded(t *testing.T) {
	const answer, budget = 64 << 10, 256 << 10
	cl := startCluster(t, Config{DCs: 1, MaxRetainedBytes: budget, Engine: func(c *mtp.Config) { c.GzipThreshold = 1 << 30 }})
	big := bytes.Repeat([]byte("0123456789abcdef"), answer/16)
	cl.Dispatcher().Register(tg.HelpGetNearestDCRequestTypeID, func(context.Context, *services.Caller, tl.Object) (tl.Encoder, error) {
		return &tg.NearestDC{Country: string(big), ThisDC: 1, NearestDC: 1}, nil
	})
	s := cl.DC(1)
	addKey(t, s.keys, fuzzKey, 0x5a17, time.Time{}, time.Time{})
	const sessions = 16
	for i := range sessions {
		r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
		r.key = fuzzKey
		msgID := clientMsgID(0, i)
		r.write(sealFor(t, 0x5a17, int64(1000+i), msgID, 1, encode(t, &tg.HelpGetNearestDCRequest{})))
		r.rpcAnswer(msgID) // read, never acknowledged
		cl.Faults().DropConnections(1)
	}
	s.sessions.mu.Lock()
	defer s.sessions.mu.Unlock()
	total, kept := 0, 0
	for _, ss := range s.sessions.m {
		_, b := ss.eng.Retained()
		total += b
		if b > 0 {
			kept++
		}
	}
	if total > budget || kept == 0 || kept == sessions {
		t.Fatalf("%d detached sessions keep %d bytes, want some of %d keeping at most %d", kept, total, sessions, budget)
	}
	if total != s.sessions.retained {
		t.Fatalf("table counts %d retained bytes, sessions hold %d", s.sessions.retained, total)
	}
	if _, ok := s.sessions.m[sessionKey{key: fuzzKey.ID, id: 1000 + sessions - 1}]; !ok {
		t.Fatal("the most recent session was forgotten")
	}
}
