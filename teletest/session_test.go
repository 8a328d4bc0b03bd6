package teletest

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// Constructor ids the tests look for in the server's packets.
const (
	idRPCResult          = 0xf35c6d01
	idMsgContainer       = 0x73f1f8dc
	idGzipPacked         = 0x3072cfa1
	idMsgsAck            = 0x62d6b459
	idBadMsgNotification = 0xa7eff811
	idBadServerSalt      = 0xedab447b
	idPong               = 0x347773c5
	idNewSessionCreated  = 0x9ec20908
)

// rawMsg is one message the server sent, containers expanded and gzip_packed results
// unpacked.
type rawMsg struct {
	msgID  int64
	seqNo  int32
	body   []byte
	packet int  // index of the packet it came in
	inCont bool // it was an item of a msg_container
}

// id returns the constructor id of the message, looking inside rpc_result.
func (m rawMsg) id() uint32 { return binary.LittleEndian.Uint32(m.body) }

// sessionID of the raw client's hand-sealed messages.
const rawSessionID = 0x5e55_1011

// sealRaw encrypts one message with exactly the given header fields.
func (r *rawClient) sealRaw(salt, msgID int64, seqNo int32, body []byte) []byte {
	r.tb.Helper()
	return r.sealIn(rawSessionID, salt, msgID, seqNo, body)
}

// sealIn is sealRaw in session sid.
func (r *rawClient) sealIn(sid, salt, msgID int64, seqNo int32, body []byte) []byte {
	r.tb.Helper()
	plain := binary.LittleEndian.AppendUint64(nil, uint64(salt))
	plain = binary.LittleEndian.AppendUint64(plain, uint64(sid))
	plain = binary.LittleEndian.AppendUint64(plain, uint64(msgID))
	plain = binary.LittleEndian.AppendUint32(plain, uint32(seqNo))
	plain = binary.LittleEndian.AppendUint32(plain, uint32(len(body)))
	plain = append(plain, body...)
	p, err := crypto.EncryptMessage(nil, &r.key, crypto.Client, plain, crand.Reader)
	if err != nil {
		r.tb.Fatalf("encrypt: %v", err)
	}
	return p
}

// readRaw reads n packets from the server and returns their messages.
func (r *rawClient) readRaw(n int) []rawMsg {
	r.tb.Helper()
	var out []rawMsg
	for i := range n {
		p, err := r.pc.ReadPacket()
		if err != nil {
			r.tb.Fatalf("read packet %d: %v", i, err)
		}
		plain, err := crypto.DecryptMessage(nil, &r.key, crypto.Server, p)
		if err != nil {
			r.tb.Fatalf("decrypt packet %d: %v", i, err)
		}
		msgID := int64(binary.LittleEndian.Uint64(plain[16:]))
		seq := int32(binary.LittleEndian.Uint32(plain[24:]))
		body := plain[crypto.InnerHeaderSize:]
		if binary.LittleEndian.Uint32(body) != idMsgContainer {
			out = append(out, rawMsg{msgID: msgID, seqNo: seq, body: r.unpack(body), packet: i})
			continue
		}
		count := int(binary.LittleEndian.Uint32(body[4:]))
		rest := body[8:]
		for range count {
			id := int64(binary.LittleEndian.Uint64(rest))
			s := int32(binary.LittleEndian.Uint32(rest[8:]))
			l := binary.LittleEndian.Uint32(rest[12:])
			out = append(out, rawMsg{msgID: id, seqNo: s, body: r.unpack(rest[16 : 16+l]), packet: i, inCont: true})
			rest = rest[16+l:]
		}
	}
	return out
}

// unpack replaces a gzip_packed result inside rpc_result by its contents, keeping a marker.
func (r *rawClient) unpack(body []byte) []byte {
	if binary.LittleEndian.Uint32(body) != idRPCResult || binary.LittleEndian.Uint32(body[12:]) != idGzipPacked {
		return body
	}
	var b tl.Buffer
	b.ResetTo(body[16:])
	data, err := b.Bytes()
	if err != nil {
		r.tb.Fatalf("gzip_packed: %v", err)
	}
	inner, err := tl.Gunzip(nil, data, 1<<20)
	if err != nil {
		r.tb.Fatalf("gunzip: %v", err)
	}
	return append(append(slices.Clone(body[:12]), binary.LittleEndian.AppendUint32(nil, idGzipPacked)...), inner...)
}

func kinds(msgs []rawMsg) []uint32 {
	out := make([]uint32, len(msgs))
	for i, m := range msgs {
		out[i] = m.id()
	}
	return out
}

// clientMsgID returns a client msg_id (divisible by 4) for now plus d, above last.
func clientMsgID(d time.Duration, seq int) int64 {
	t := time.Now().Add(d)
	return (t.Unix()<<32|int64(uint64(t.Nanosecond())<<32/1e9))&^3 + int64(4*seq)
}

func encode(tb testing.TB, v tl.Encoder) []byte {
	tb.Helper()
	var b tl.Buffer
	if err := v.Encode(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Buf
}

// TestSessionFirstMessage: a new session gets new_session_created (with the ack) in a packet
// ahead of the answer, under server msg_ids (1 mod 4) that increase.
func TestSessionFirstMessage(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	r.exchange(cl, 1)
	r.write(r.sealRaw(r.salt, clientMsgID(0, 0), 1, encode(t, &tg.HelpGetNearestDCRequest{})))
	msgs := r.readRaw(2)
	var first, second []uint32
	for _, m := range msgs {
		if m.packet == 0 {
			first = append(first, m.id())
		} else {
			second = append(second, m.id())
		}
	}
	if !slices.Contains(first, idNewSessionCreated) || slices.Contains(first, idRPCResult) {
		t.Fatalf("first packet %#x, want new_session_created without the answer", first)
	}
	if !slices.Contains(second, idRPCResult) {
		t.Fatalf("second packet %#x, want the answer", second)
	}
	last := int64(0)
	for _, m := range msgs {
		if m.msgID&3 != 1 && m.msgID&3 != 3 {
			t.Errorf("server msg_id %#x is not 1 or 3 mod 4", m.msgID)
		}
		if !m.inCont && m.msgID <= last {
			t.Errorf("server msg_id %#x does not increase", m.msgID)
		}
		last = max(last, m.msgID)
	}
}

// TestSessionChecks sends messages that break one rule each and expects the notification the
// protocol prescribes.
func TestSessionChecks(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	r.exchange(cl, 1)
	// Open the session with a valid call.
	r.write(r.sealRaw(r.salt, clientMsgID(0, 0), 1, encode(t, &tg.HelpGetNearestDCRequest{})))
	r.readRaw(2)

	call := encode(t, &tg.HelpGetNearestDCRequest{})
	tests := []struct {
		name  string
		salt  int64
		msgID int64
		seqNo int32
		id    uint32 // bad_server_salt or bad_msg_notification
		code  int32
	}{
		{"wrong salt", r.salt + 1, clientMsgID(0, 1), 3, idBadServerSalt, 48},
		{"msg_id not divisible by 4", r.salt, clientMsgID(0, 2) + 1, 5, idBadMsgNotification, 18},
		{"msg_id too far in the future", r.salt, clientMsgID(time.Minute, 0), 7, idBadMsgNotification, 17},
		{"msg_id too old", r.salt, clientMsgID(-10*time.Minute, 0), 9, idBadMsgNotification, 16},
		{"even seqno for a call", r.salt, clientMsgID(0, 3), 10, idBadMsgNotification, 34},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.tb = t
			r.write(r.sealRaw(tt.salt, tt.msgID, tt.seqNo, call))
			msgs := r.readRaw(1)
			var found bool
			for _, m := range msgs {
				if m.id() != tt.id {
					continue
				}
				found = true
				if bad := int64(binary.LittleEndian.Uint64(m.body[4:])); bad != tt.msgID {
					t.Errorf("notification about %#x, want %#x", bad, tt.msgID)
				}
				if code := int32(binary.LittleEndian.Uint32(m.body[16:])); code != tt.code {
					t.Errorf("error_code %d, want %d", code, tt.code)
				}
				if tt.id == idBadServerSalt {
					if salt := int64(binary.LittleEndian.Uint64(m.body[20:])); salt != r.salt {
						t.Errorf("new_server_salt %#x, want %#x", salt, r.salt)
					}
				}
			}
			if !found {
				t.Fatalf("got %#x, want %#x code %d", kinds(msgs), tt.id, tt.code)
			}
		})
	}
}

// TestSessionContainerAndGzip: two calls in one container are both answered; a large result
// comes back gzip_packed when the engine is told to compress from a small size.
func TestSessionContainerAndGzip(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1, Engine: func(c *mtp.Config) { c.GzipThreshold = 512 }})
	// A result worth compressing.
	cl.Dispatcher().Register(tg.HelpGetNearestDCRequestTypeID, func(context.Context, *services.Caller, tl.Object) (tl.Encoder, error) {
		return &tg.NearestDC{Country: strings.Repeat("NL", 1000), ThisDC: 1, NearestDC: 1}, nil
	})
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{Codec: transport.Full})
	r.exchange(cl, 1)
	for i, req := range []tl.Encoder{&tg.HelpGetNearestDCRequest{}, &tg.HelpGetConfigRequest{}} {
		if err := r.eng.Enqueue(mtp.CallID(i+1), encode(t, req), mtp.CallOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	r.call = 2
	pkt, sent, err := r.eng.Flush(time.Now(), nil)
	if err != nil || len(sent) != 2 {
		t.Fatalf("flush: %d calls, %v", len(sent), err)
	}
	r.write(pkt)
	var results []rawMsg
	for len(results) < 2 {
		for _, m := range r.readRaw(1) {
			if m.id() == idRPCResult {
				results = append(results, m)
			}
		}
	}
	var gz int
	for _, m := range results {
		if binary.LittleEndian.Uint32(m.body[12:]) == idGzipPacked {
			gz++
			if got := binary.LittleEndian.Uint32(m.body[16:]); got != tg.NearestDCTypeID {
				t.Errorf("gzip_packed holds %#x, want nearestDc", got)
			}
		}
	}
	if gz != 1 {
		t.Fatalf("%d gzip_packed results, want 1 (nearestDc only)", gz)
	}
}

// TestSessionSurvivesReconnect: a client reconnecting with the same session id continues
// its session: no second new_session_created, and a message re-sent with its old msg_id is
// not run again. The first answer, never acknowledged, comes again under its own msg_id.
func TestSessionSurvivesReconnect(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	r.exchange(cl, 1)
	first := clientMsgID(0, 0)
	call := r.sealRaw(r.salt, first, 1, encode(t, &tg.HelpGetNearestDCRequest{}))
	r.write(call)
	var answered int64
	for _, m := range r.readRaw(2) {
		if m.id() == idRPCResult {
			answered = m.msgID
		}
	}
	_ = r.nc.Close()

	again := rawDial(t, cl.Addr(1), transport.ClientOptions{Codec: transport.Abridged})
	again.useKey(r.key, r.salt, 0)
	again.write(call) // re-sent after the reconnect with its msg_id: a duplicate
	again.write(again.sealRaw(r.salt, clientMsgID(0, 1), 3, encode(t, &tg.HelpGetConfigRequest{})))
	var results, resent int
	for results == 0 || resent == 0 {
		for _, m := range again.readRaw(1) {
			switch m.id() {
			case idNewSessionCreated:
				t.Fatal("new_session_created for a known session")
			case idRPCResult:
				if about := int64(binary.LittleEndian.Uint64(m.body[4:])); about != first {
					results++
					continue
				}
				if m.msgID != answered {
					t.Fatalf("the duplicate was answered again (msg_id %#x, first answer %#x)", m.msgID, answered)
				}
				resent++
			}
		}
	}
	if resent != 1 {
		t.Fatalf("the unacknowledged answer came %d times, want once", resent)
	}
	if n := cl.DC(1).Sessions(); n != 1 {
		t.Fatalf("%d sessions, want 1", n)
	}
}
