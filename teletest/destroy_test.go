package teletest

import (
	"encoding/binary"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// Constructor ids of destroy_session and its answers.
const (
	idDestroySession     = 0xe7512126
	idDestroySessionOk   = 0xe22045fc
	idDestroySessionNone = 0x62d350c9
)

// TestDestroySession: a client destroys another session of its auth key. The server forgets
// it (closing the connection that served it) and answers destroy_session_ok; asked again, or
// about a session it never had, destroy_session_none; a message in the destroyed session
// starts it anew (new_session_created).
func TestDestroySession(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	const a, b = 0x0a0a_0001, 0x0b0b_0001
	old := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	old.exchange(cl, 1)
	seq := 0
	call := func(r *rawClient, sid int64, body []byte) {
		t.Helper()
		seq++
		r.write(r.sealIn(sid, r.salt, clientMsgID(0, seq), 1, body))
	}
	// await reads r's packets until a message with constructor id, and returns its body.
	await := func(r *rawClient, id uint32) []byte {
		t.Helper()
		for {
			for _, m := range r.readRaw(1) {
				if m.id() == id {
					return m.body
				}
			}
		}
	}
	call(old, a, encode(t, &tg.HelpGetNearestDCRequest{}))
	await(old, idRPCResult)

	now := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	now.useKey(old.key, old.salt, 0)
	destroy := func(sid int64) []byte {
		t.Helper()
		call(now, b, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint32(nil, idDestroySession), uint64(sid)))
		for {
			for _, m := range now.readRaw(1) {
				if id := m.id(); id == idDestroySessionOk || id == idDestroySessionNone {
					return m.body
				}
			}
		}
	}
	tests := []struct {
		name string
		sid  int64
		want uint32
	}{
		{"a session served by another connection", a, idDestroySessionOk},
		{"the same again", a, idDestroySessionNone},
		{"a session the server never had", 0x0c0c_0001, idDestroySessionNone},
	}
	for _, tt := range tests {
		got := destroy(tt.sid)
		if id, sid := binary.LittleEndian.Uint32(got), int64(binary.LittleEndian.Uint64(got[4:])); id != tt.want || sid != tt.sid {
			t.Fatalf("%s: answer %#x about %#x, want %#x about %#x", tt.name, id, sid, tt.want, tt.sid)
		}
	}
	if code := old.expectClosed(); code != 0 {
		t.Fatalf("the destroyed session's connection closed with %d", code)
	}
	if n := cl.DC(1).Sessions(); n != 1 {
		t.Fatalf("%d sessions after destroying one, want 1", n)
	}
	again := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	again.useKey(old.key, old.salt, 0)
	call(again, a, encode(t, &tg.HelpGetNearestDCRequest{}))
	await(again, idNewSessionCreated)
}
