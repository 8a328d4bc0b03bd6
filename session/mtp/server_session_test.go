package mtp

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/crypto"
)

// serverMsgs decrypts a server packet and returns its session_id and its messages' bodies (a
// container's items).
func serverMsgs(t *testing.T, pkt []byte) (sid int64, bodies [][]byte) {
	t.Helper()
	plain, err := crypto.DecryptMessage(nil, &testKey, crypto.Server, pkt)
	if err != nil {
		t.Fatal(err)
	}
	sid = int64(le.Uint64(plain[8:]))
	body := plain[innerHeaderSize:][:le.Uint32(plain[28:])]
	if peekID(body) != idMsgContainer {
		return sid, [][]byte{body}
	}
	rest := body[8:]
	for range le.Uint32(body[4:]) {
		n := le.Uint32(rest[12:])
		bodies = append(bodies, rest[containerItemHeader:containerItemHeader+n])
		rest = rest[containerItemHeader+n:]
	}
	return sid, bodies
}

// TestServerOldSessionRepliesStayThere: a server engine that adopts a client's new session
// while answers to requests of the old one are queued sent them in the new session, where
// the client may have given their msg_ids to other calls (a new session after a clock
// correction numbers from the clock again): one call could take another's answer. They go in
// the old session now, with the acknowledgements of its messages, and the new session gets
// only its own news.
func TestServerOldSessionRepliesStayThere(t *testing.T) {
	p := newPair(t, func(c, s *Config) { c.PingInterval, s.AckBatch = -1, 1 })
	a := p.call(body(0xa, 1), CallOptions{})
	p.flushC()
	req := only(p.deliverS(), EventRequest)
	if len(req) != 1 {
		t.Fatalf("server requests: %+v", req)
	}
	p.s.Reply(req[0].MsgID, body(0xa5, 2))
	aID := p.c.MsgID(a)

	// The client goes on in another session before the server flushed the answer.
	const newSession = testSession + 1
	c2, err := New(Config{Side: crypto.Client, AuthKey: testKey, SessionID: newSession, Salt: testSalt,
		TimeSynced: true, Rand: crypto.NewDeterministicReader(3), FutureSalts: -1, StateReqAfter: -1,
		PingInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	c2.OnConnect(p.now)
	if err := c2.Enqueue(1, body(0xb, 1), CallOptions{}); err != nil {
		t.Fatal(err)
	}
	pkt, _, err := c2.Flush(p.now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.s.Receive(p.serverNow(), pkt); err != nil {
		t.Fatal(err)
	}
	p.flushS()

	type news struct {
		Session int64
		Kind    uint32
		About   int64 // req_msg_id of an rpc_result, the msg_id an msgs_ack names
	}
	var got []news
	for _, pkt := range p.toC {
		sid, bodies := serverMsgs(t, pkt)
		for _, b := range bodies {
			switch peekID(b) {
			case idRPCResult:
				got = append(got, news{sid, idRPCResult, int64(le.Uint64(b[4:]))})
			case idMsgsAck:
				for i := range le.Uint32(b[8:]) {
					got = append(got, news{sid, idMsgsAck, int64(le.Uint64(b[12+8*i:]))})
				}
			case idNewSessionCreated:
				got = append(got, news{sid, idNewSessionCreated, 0})
			}
		}
	}
	// The client's first message in the new session has the msg_id a had in the old one (the
	// same clock).
	want := []news{
		{testSession, idMsgsAck, aID},
		{testSession, idNewSessionCreated, 0},
		{testSession, idRPCResult, aID},
		{newSession, idMsgsAck, c2.MsgID(1)},
		{newSession, idNewSessionCreated, 0},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("server news (-want +got):\n%s", d)
	}
}
