package teletest

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// rpcAnswer reads until the rpc_result for msgID and returns the result object (or
// rpc_error) it carries.
func (r *rawClient) rpcAnswer(msgID int64) []byte {
	r.tb.Helper()
	for {
		for _, m := range r.readRaw(1) {
			if m.id() == idRPCResult && int64(binary.LittleEndian.Uint64(m.body[4:])) == msgID {
				return m.body[12:]
			}
		}
	}
}

// rpcErrorMessage returns the message of an rpc_error object, "" for anything else.
func rpcErrorMessage(obj []byte) string {
	var b tl.Buffer
	b.ResetTo(obj)
	var e tg.RpcError
	if binary.LittleEndian.Uint32(obj) != 0x2144ca19 || e.Decode(&b) != nil {
		return ""
	}
	return e.ErrorMessage
}

// TestBindTempAuthKey: a client with a permanent key runs a second exchange for a temporary
// key on the same connection, binds it with auth.bindTempAuthKey, and from then on acts as
// the permanent key's account. Binding twice or under a permanent key fails as on Telegram.
func TestBindTempAuthKey(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	r.exchange(cl, 1)
	perm := r.key
	u, err := cl.World().CreateUser(world.UserSpec{FirstName: "Perm", Phone: "99911"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.World().Authorize(world.KeyID(perm.ID), u.ID); err != nil {
		t.Fatal(err)
	}

	// A binding under the permanent key itself is refused.
	seq := int32(1)
	call := func(req tl.Encoder, msgID int64) []byte {
		t.Helper()
		r.write(r.sealRaw(r.salt, msgID, seq, encode(t, req)))
		seq += 2
		return r.rpcAnswer(msgID)
	}
	msgID := clientMsgID(0, 0)
	if got := rpcErrorMessage(call(&tg.AuthBindTempAuthKeyRequest{PermAuthKeyID: exchange.KeyID(&perm), Nonce: 1, ExpiresAt: 1, EncryptedMessage: []byte{1}}, msgID)); got != ErrTempAuthKeyEmpty.Message {
		t.Fatalf("binding under the permanent key: %q, want %s", got, ErrTempAuthKeyEmpty.Message)
	}

	res, err := exchange.RunClient(context.Background(), r.pc, exchange.ClientConfig{
		Keys: cl.PublicKeys(), DC: 1, Temp: time.Hour, Rand: crand.Reader,
	})
	if err != nil {
		t.Fatalf("temporary key exchange: %v", err)
	}
	r.key, r.salt, seq = res.AuthKey, res.ServerSalt, 1

	bind := func(msgID, innerMsgID, nonce int64) []byte {
		t.Helper()
		expires := time.Now().Add(time.Hour).Truncate(time.Second)
		enc, err := exchange.BindMessage(exchange.Bind{
			Perm: &perm, Temp: &r.key, Nonce: nonce, TempSessionID: rawSessionID,
			ExpiresAt: expires, MsgID: innerMsgID,
		}, crand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return call(&tg.AuthBindTempAuthKeyRequest{
			PermAuthKeyID: exchange.KeyID(&perm), Nonce: nonce, ExpiresAt: int32(expires.Unix()), EncryptedMessage: enc,
		}, msgID)
	}
	// Before binding, the temporary key has no account.
	if got := rpcErrorMessage(call(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, clientMsgID(0, 1))); got == "" {
		t.Fatal("users.getUsers under an unbound temporary key succeeded")
	}
	// A binding whose encrypted_message names another msg_id is refused.
	msgID = clientMsgID(0, 2)
	if got := rpcErrorMessage(bind(msgID, msgID+4, 7)); got != ErrEncryptedMessageInvalid.Message {
		t.Fatalf("binding with a foreign msg_id: %q, want %s", got, ErrEncryptedMessageInvalid.Message)
	}
	msgID = clientMsgID(0, 3)
	if got := bind(msgID, msgID, 8); binary.LittleEndian.Uint32(got) != tg.BoolTrueTypeID {
		t.Fatalf("bind answered %#x (%q)", binary.LittleEndian.Uint32(got), rpcErrorMessage(got))
	}
	users := call(&tg.UsersGetUsersRequest{ID: []tg.InputUserClass{&tg.InputUserSelf{}}}, clientMsgID(0, 4))
	var b tl.Buffer
	b.ResetTo(users)
	var v tg.UserClassVector
	if err := v.Decode(&b); err != nil || len(v.Elems) != 1 {
		t.Fatalf("users.getUsers after binding: %v (%q)", err, rpcErrorMessage(users))
	}
	if self, ok := v.Elems[0].(*tg.User); !ok || self.ID != u.ID || !self.Self {
		t.Fatalf("self after binding: %+v, want user %d", v.Elems[0], u.ID)
	}
	msgID = clientMsgID(0, 5)
	if got := rpcErrorMessage(bind(msgID, msgID, 9)); got != ErrTempAuthKeyAlreadyBound.Message {
		t.Fatalf("second binding: %q, want %s", got, ErrTempAuthKeyAlreadyBound.Message)
	}
}

// TestBindWhileACallWaits: a call that waits for a bot runs on a goroutine of its own with
// the connection's Caller; an auth.bindTempAuthKey in the same container must not change the
// Caller under it (a data race -race reports).
func TestBindWhileACallWaits(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	r.exchange(cl, 1)
	perm := r.key
	u, err := cl.World().CreateUser(world.UserSpec{FirstName: "Perm", Phone: "99912"})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.World().Authorize(world.KeyID(perm.ID), u.ID); err != nil {
		t.Fatal(err)
	}
	res, err := exchange.RunClient(context.Background(), r.pc, exchange.ClientConfig{
		Keys: cl.PublicKeys(), DC: 1, Temp: time.Hour, Rand: crand.Reader,
	})
	if err != nil {
		t.Fatalf("temporary key exchange: %v", err)
	}
	r.key, r.salt = res.AuthKey, res.ServerSalt

	waitID, bindID, contID := clientMsgID(0, 0), clientMsgID(0, 1), clientMsgID(0, 2)
	expires := time.Now().Add(time.Hour).Truncate(time.Second)
	enc, err := exchange.BindMessage(exchange.Bind{
		Perm: &perm, Temp: &r.key, Nonce: 5, TempSessionID: rawSessionID, ExpiresAt: expires, MsgID: bindID,
	}, crand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	msgs := []struct {
		id   int64
		seq  int32
		body []byte
	}{
		{waitID, 1, encode(t, &tg.MessagesGetBotCallbackAnswerRequest{Peer: &tg.InputPeerSelf{}, MsgID: 1})},
		{bindID, 3, encode(t, &tg.AuthBindTempAuthKeyRequest{
			PermAuthKeyID: exchange.KeyID(&perm), Nonce: 5, ExpiresAt: int32(expires.Unix()), EncryptedMessage: enc,
		})},
	}
	cont := binary.LittleEndian.AppendUint32(nil, idMsgContainer)
	cont = binary.LittleEndian.AppendUint32(cont, uint32(len(msgs)))
	for _, m := range msgs {
		cont = binary.LittleEndian.AppendUint64(cont, uint64(m.id))
		cont = binary.LittleEndian.AppendUint32(cont, uint32(m.seq))
		cont = binary.LittleEndian.AppendUint32(cont, uint32(len(m.body)))
		cont = append(cont, m.body...)
	}
	r.write(r.sealRaw(r.salt, contID, 4, cont))
	if got := r.rpcAnswer(bindID); binary.LittleEndian.Uint32(got) != tg.BoolTrueTypeID {
		t.Fatalf("bind answered %#x (%q)", binary.LittleEndian.Uint32(got), rpcErrorMessage(got))
	}
	// The waiting call's answer comes too, though the session's subscription changed.
	if got := rpcErrorMessage(r.rpcAnswer(waitID)); got == "" {
		t.Fatal("messages.getBotCallbackAnswer of an unbound key succeeded")
	}
}

// TestExpiredTempKeyOnLiveConnection: a temporary key stops at its expiry on the connection
// that uses it too, as on Telegram: the next packet under it gets -404, so a client that never
// renews its key under perfect forward secrecy fails here as it would there.
func TestExpiredTempKeyOnLiveConnection(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	cl := startCluster(t, Config{DCs: 1, Now: clock})
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	res, err := exchange.RunClient(context.Background(), r.pc, exchange.ClientConfig{
		Keys: cl.PublicKeys(), DC: 1, Temp: time.Hour, Rand: crand.Reader,
	})
	if err != nil {
		t.Fatalf("temporary key exchange: %v", err)
	}
	r.useKey(res.AuthKey, res.ServerSalt, res.TimeOffset)
	r.write(r.seal(&tg.HelpGetNearestDCRequest{}))
	if ev := r.result(); ev.Kind != mtp.EventResult {
		t.Fatalf("call under a fresh temporary key: %+v", ev)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	r.write(r.seal(&tg.HelpGetNearestDCRequest{}))
	if code := r.expectClosed(); code != CodeAuthKeyNotFound {
		t.Fatalf("call under an expired temporary key: closed with %d, want %d", code, CodeAuthKeyNotFound)
	}
}
