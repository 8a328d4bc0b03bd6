package teletest

import (
	"bytes"
	"compress/zlib"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"net"
	"slices"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// foreignClient speaks MTProto the way third-party clients do, not the way MTGo's session
// engine does: it seals and opens every message itself (MTGo's transport, key exchange and
// crypto, no mtp.Engine), chooses each message's seqno, sends pings and get_future_salts
// with an even seqno, asks msgs_state_req, compresses with zlib inside gzip_packed and
// reconnects on a new TCP connection under the same session id. It records everything the
// server sends.
type foreignClient struct {
	tb     testing.TB
	cl     *Cluster
	dc     int
	pc     transport.Conn
	key    crypto.AuthKey
	salt   int64
	sid    int64
	offset time.Duration
	lastID int64
	seq    int32 // content-related messages sent
	got    []foreignMsg
}

// foreignMsg is one message the server sent, containers and gzip_packed opened.
type foreignMsg struct {
	id   int64
	seq  int32
	body []byte
}

func (m foreignMsg) typeID() uint32 {
	if len(m.body) < 4 {
		return 0
	}
	return binary.LittleEndian.Uint32(m.body)
}

// about returns the msg_id an answer (rpc_result, pong, future_salts, msgs_state_info,
// bad_msg_notification) is about, 0 for other messages.
func (m foreignMsg) about() int64 {
	switch m.typeID() {
	case idRPCResult, mt.FutureSaltsTypeID, mt.MsgsStateInfoTypeID, mt.BadMsgNotificationTypeID, mt.BadServerSaltTypeID:
		return int64(binary.LittleEndian.Uint64(m.body[4:]))
	case mt.PongTypeID:
		return int64(binary.LittleEndian.Uint64(m.body[4:])) // msg_id of the ping
	}
	return 0
}

// newForeign connects to data center dc and creates an auth key there.
func newForeign(tb testing.TB, cl *Cluster, dc int) *foreignClient {
	tb.Helper()
	c := &foreignClient{tb: tb, cl: cl, dc: dc}
	c.dial()
	res, err := exchange.RunClient(context.Background(), c.pc, exchange.ClientConfig{
		Keys: []crypto.PublicKey{cl.PublicKey()}, DC: dc, Rand: crand.Reader,
	})
	if err != nil {
		tb.Fatalf("key exchange: %v", err)
	}
	c.key, c.salt, c.offset = res.AuthKey, res.ServerSalt, res.TimeOffset
	var sid [8]byte
	_, _ = crand.Read(sid[:])
	c.sid = int64(binary.LittleEndian.Uint64(sid[:]))
	return c
}

// dial opens a new TCP connection (intermediate transport) to the client's data center.
func (c *foreignClient) dial() {
	c.tb.Helper()
	nc, err := net.Dial("tcp", c.cl.Addr(c.dc))
	if err != nil {
		c.tb.Fatalf("dial: %v", err)
	}
	c.tb.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	pc, err := transport.NewClientConn(nc, transport.ClientOptions{Codec: transport.Intermediate})
	if err != nil {
		c.tb.Fatalf("transport: %v", err)
	}
	c.pc = pc
}

// reconnect drops the TCP connection and opens another one, keeping key and session.
func (c *foreignClient) reconnect() {
	_ = c.pc.Close()
	c.dial()
}

// nextID returns a fresh client msg_id.
func (c *foreignClient) nextID() int64 {
	now := time.Now().Add(c.offset)
	id := (now.Unix()<<32 | int64(now.Nanosecond())<<2&0xffffffff) &^ 3
	if id <= c.lastID {
		id = c.lastID + 4
	}
	c.lastID = id
	return id
}

// send seals body with seqno seq and writes it; it returns the msg_id.
func (c *foreignClient) send(body []byte, seq int32) int64 {
	c.tb.Helper()
	id := c.nextID()
	plain := binary.LittleEndian.AppendUint64(nil, uint64(c.salt))
	plain = binary.LittleEndian.AppendUint64(plain, uint64(c.sid))
	plain = binary.LittleEndian.AppendUint64(plain, uint64(id))
	plain = binary.LittleEndian.AppendUint32(plain, uint32(seq))
	plain = binary.LittleEndian.AppendUint32(plain, uint32(len(body)))
	p, err := crypto.EncryptMessage(nil, &c.key, crypto.Client, append(plain, body...), crand.Reader)
	if err != nil {
		c.tb.Fatalf("seal: %v", err)
	}
	if err := c.pc.WritePacket(p); err != nil {
		c.tb.Fatalf("write: %v", err)
	}
	return id
}

// content sends body as a content-related message (odd seqno).
func (c *foreignClient) content(body []byte) int64 {
	c.seq++
	return c.send(body, 2*c.seq-1)
}

// even sends body with an even seqno, as third-party clients send pings.
func (c *foreignClient) even(body []byte) int64 { return c.send(body, 2*c.seq) }

// await reads until a message about msg_id id arrives and returns it.
func (c *foreignClient) await(id int64) foreignMsg {
	c.tb.Helper()
	for {
		for _, m := range c.got {
			if m.about() == id {
				return m
			}
		}
		c.read()
	}
}

// read reads and opens one packet.
func (c *foreignClient) read() {
	c.tb.Helper()
	p, err := c.pc.ReadPacket()
	if err != nil {
		c.tb.Fatalf("read: %v", err)
	}
	plain, err := crypto.DecryptMessage(nil, &c.key, crypto.Server, p)
	if err != nil {
		c.tb.Fatalf("open: %v", err)
	}
	id := int64(binary.LittleEndian.Uint64(plain[16:]))
	seq := int32(binary.LittleEndian.Uint32(plain[24:]))
	n := binary.LittleEndian.Uint32(plain[28:])
	c.add(id, seq, plain[crypto.InnerHeaderSize:crypto.InnerHeaderSize+int(n)])
}

// add records one message, opening containers and gzip_packed.
func (c *foreignClient) add(id int64, seq int32, body []byte) {
	c.tb.Helper()
	switch binary.LittleEndian.Uint32(body) {
	case idMsgContainer:
		if len(body) < 8 {
			c.tb.Fatalf("short container")
		}
		rest := body[8:]
		for range binary.LittleEndian.Uint32(body[4:]) {
			if len(rest) < 16 || int(binary.LittleEndian.Uint32(rest[12:])) > len(rest)-16 {
				c.tb.Fatalf("malformed container")
			}
			n := int(binary.LittleEndian.Uint32(rest[12:]))
			c.add(int64(binary.LittleEndian.Uint64(rest)), int32(binary.LittleEndian.Uint32(rest[8:])), rest[16:16+n])
			rest = rest[16+n:]
		}
		return
	case idGzipPacked:
		c.add(id, seq, c.gunzip(body))
		return
	case idRPCResult:
		if len(body) >= 16 && binary.LittleEndian.Uint32(body[12:]) == idGzipPacked {
			body = append(slices.Clip(body[:12]), c.gunzip(body[12:])...)
		}
	}
	c.got = append(c.got, foreignMsg{id: id, seq: seq, body: body})
}

// gunzip opens a gzip_packed object.
func (c *foreignClient) gunzip(body []byte) []byte {
	c.tb.Helper()
	var b tl.Buffer
	b.ResetTo(body[4:])
	data, err := b.Bytes()
	if err != nil {
		c.tb.Fatalf("gzip_packed: %v", err)
	}
	out, err := tl.Gunzip(nil, data, 1<<24)
	if err != nil {
		c.tb.Fatalf("gunzip: %v", err)
	}
	return out
}

// gzipPacked wraps packed data in gzip_packed#3072cfa1.
func gzipPacked(packed []byte) []byte {
	var b tl.Buffer
	b.PutID(idGzipPacked)
	b.PutBytes(packed)
	return b.Buf
}

// call sends req as a content-related message and returns its result: the object's bytes,
// or an rpc_error.
func (c *foreignClient) call(req tl.Encoder) ([]byte, *mt.RpcError) {
	c.tb.Helper()
	return c.result(c.await(c.content(enc(c.tb.(*testing.T), req))))
}

// result opens an rpc_result.
func (c *foreignClient) result(m foreignMsg) ([]byte, *mt.RpcError) {
	c.tb.Helper()
	if m.typeID() != idRPCResult {
		c.tb.Fatalf("got %#x (%s) where an rpc_result was due", m.typeID(), tg.TypeName(m.typeID()))
	}
	res := m.body[12:]
	if binary.LittleEndian.Uint32(res) == mt.RpcErrorTypeID {
		var e mt.RpcError
		var b tl.Buffer
		b.ResetTo(res)
		if err := e.Decode(&b); err != nil {
			c.tb.Fatalf("rpc_error: %v", err)
		}
		return nil, &e
	}
	return res, nil
}

// acked reports whether any msgs_ack received so far names id.
func (c *foreignClient) acked(id int64) bool {
	for _, m := range c.got {
		if m.typeID() != mt.MsgsAckTypeID {
			continue
		}
		var a mt.MsgsAck
		var b tl.Buffer
		b.ResetTo(m.body)
		if err := a.Decode(&b); err == nil && slices.Contains(a.MsgIDs, id) {
			return true
		}
	}
	return false
}

// checkAll reads every answer and update received so far with schema, as a client generated
// from it would: rpc_result payloads other than rpc_error, and every pushed object that is
// not an MTProto service message.
func (c *foreignClient) checkAll(t *testing.T, schema *tlSchema) {
	t.Helper()
	checked := 0
	for _, m := range c.got {
		body := m.body
		switch m.typeID() {
		case idRPCResult:
			body = body[12:]
			if binary.LittleEndian.Uint32(body) == mt.RpcErrorTypeID {
				continue
			}
		case mt.PongTypeID, mt.MsgsAckTypeID, mt.NewSessionCreatedTypeID, mt.FutureSaltsTypeID,
			mt.MsgsStateInfoTypeID, mt.BadMsgNotificationTypeID, mt.BadServerSaltTypeID:
			continue
		}
		if err := schema.check(body); err != nil {
			t.Errorf("%s (%d bytes) does not read with the client's schema: %v", tg.TypeName(binary.LittleEndian.Uint32(body)), len(body), err)
		}
		checked++
	}
	if checked == 0 {
		t.Error("nothing to check")
	}
}

// count returns how many messages of constructor id were received.
func (c *foreignClient) count(id uint32) int {
	n := 0
	for _, m := range c.got {
		if m.typeID() == id {
			n++
		}
	}
	return n
}

func withLayer(layer int32, q tl.Encoder) tl.Encoder {
	return &tg.InvokeWithLayerRequest{Layer: layer, Query: &tg.InitConnectionRequest{
		APIID: 1, DeviceModel: "foreign", SystemVersion: "test", AppVersion: "1", SystemLangCode: "en",
		LangCode: "en", Query: q,
	}}
}

// TestForeignServiceQueries: pings and get_future_salts are answered whatever their seqno
// parity, a ping is answered with its pong only (never acknowledged), and the strict rule
// answers an even seqno with bad_msg_notification 34 when a test asks for it.
func TestForeignServiceQueries(t *testing.T) {
	ping := func(id int64) []byte { return enc(t, &mt.PingRequest{PingID: id}) }
	for _, tc := range []struct {
		name   string
		strict bool
		body   []byte
		even   bool
		answer uint32 // constructor of the answer
	}{
		{name: "ping even", body: ping(1), even: true, answer: mt.PongTypeID},
		{name: "ping odd", body: ping(2), answer: mt.PongTypeID},
		{name: "ping_delay_disconnect even", body: enc(t, &mt.PingDelayDisconnectRequest{PingID: 3, DisconnectDelay: 75}), even: true, answer: mt.PongTypeID},
		{name: "get_future_salts even", body: enc(t, &mt.GetFutureSaltsRequest{Num: 2}), even: true, answer: mt.FutureSaltsTypeID},
		{name: "get_future_salts odd", body: enc(t, &mt.GetFutureSaltsRequest{Num: 2}), answer: mt.FutureSaltsTypeID},
		{name: "strict: ping even", strict: true, body: ping(4), even: true, answer: mt.BadMsgNotificationTypeID},
		{name: "strict: ping odd", strict: true, body: ping(5), answer: mt.PongTypeID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := startCluster(t, Config{DCs: 1, StrictSeqNo: tc.strict})
			c := newForeign(t, cl, 1)
			if _, err := c.call(withLayer(Layer, &tg.HelpGetNearestDCRequest{})); err != nil {
				t.Fatalf("first call: %v", err)
			}
			var id int64
			if tc.even {
				id = c.even(tc.body)
			} else {
				id = c.content(tc.body)
			}
			m := c.await(id)
			if m.typeID() != tc.answer {
				t.Fatalf("answer %s, want %s", tg.TypeName(m.typeID()), tg.TypeName(tc.answer))
			}
			if tc.answer == mt.BadMsgNotificationTypeID {
				if code := binary.LittleEndian.Uint32(m.body[16:]); code != 34 {
					t.Fatalf("bad_msg_notification code %d, want 34", code)
				}
				return
			}
			// A later call's answer comes after any ack of the ping would have.
			next := c.content(enc(t, &tg.HelpGetNearestDCRequest{}))
			c.await(next)
			if c.acked(id) && tc.answer == mt.PongTypeID {
				t.Fatal("the server acknowledged a ping")
			}
			if n := c.count(mt.BadMsgNotificationTypeID); n != 0 {
				t.Fatalf("%d bad_msg_notification", n)
			}
		})
	}
}

// TestForeignSession: msgs_state_req, zlib inside gzip_packed and a reconnect under the same
// session id on a new TCP connection, as third-party clients do them.
func TestForeignSession(t *testing.T) {
	cl := startCluster(t, Config{DCs: 1})
	c := newForeign(t, cl, 1)
	first := c.content(enc(t, withLayer(Layer, &tg.HelpGetNearestDCRequest{})))
	if _, err := c.result(c.await(first)); err != nil {
		t.Fatalf("first call: %v", err)
	}

	t.Run("msgs_state_req", func(t *testing.T) {
		unknown := c.lastID + 1<<32 // a msg_id above anything sent
		req := c.content(enc(t, &mt.MsgsStateReq{MsgIDs: []int64{first, unknown}}))
		m := c.await(req)
		if m.typeID() != mt.MsgsStateInfoTypeID {
			t.Fatalf("answer %s, want msgs_state_info", tg.TypeName(m.typeID()))
		}
		var info mt.MsgsStateInfo
		var b tl.Buffer
		b.ResetTo(m.body)
		if err := info.Decode(&b); err != nil {
			t.Fatal(err)
		}
		if want := []byte{4, 3}; !bytes.Equal([]byte(info.Info), want) {
			t.Fatalf("states %v, want %v (received, not received)", []byte(info.Info), want)
		}
	})

	t.Run("zlib inside gzip_packed", func(t *testing.T) {
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		_, _ = zw.Write(enc(t, &tg.HelpGetNearestDCRequest{}))
		_ = zw.Close()
		id := c.content(gzipPacked(z.Bytes()))
		res, rpcErr := c.result(c.await(id))
		if rpcErr != nil {
			t.Fatalf("rpc_error %d %s", rpcErr.ErrorCode, rpcErr.ErrorMessage)
		}
		if binary.LittleEndian.Uint32(res) != tg.NearestDCTypeID {
			t.Fatalf("result %s, want nearestDc", tg.TypeName(binary.LittleEndian.Uint32(res)))
		}
	})

	t.Run("reconnect with the same session id", func(t *testing.T) {
		before := c.count(mt.NewSessionCreatedTypeID)
		c.reconnect()
		if _, err := c.call(&tg.HelpGetNearestDCRequest{}); err != nil {
			t.Fatalf("call after reconnecting: %v", err)
		}
		if after := c.count(mt.NewSessionCreatedTypeID); after != before {
			t.Fatalf("new_session_created %d times, %d before reconnecting", after, before)
		}
		if before != 1 {
			t.Fatalf("new_session_created %d times on the first connection, want 1", before)
		}
	})
}

// decodeAs decodes b, a layer 228 encoding, as v.
func decodeAs(t *testing.T, b []byte, v tl.Decoder) {
	t.Helper()
	var buf tl.Buffer
	buf.ResetTo(b)
	if err := v.Decode(&buf); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
}

// loginPerson signs c in as the person with phone, in layer 228.
func (c *foreignClient) loginPerson(t *testing.T, phone string) {
	t.Helper()
	res, rpcErr := c.call(withLayer(Layer, &tg.AuthSendCodeRequest{PhoneNumber: phone, APIID: 1, APIHash: "x", Settings: tg.CodeSettings{}}))
	if rpcErr != nil {
		t.Fatalf("auth.sendCode: %s", rpcErr.ErrorMessage)
	}
	var sent tg.AuthSentCode
	decodeAs(t, res, &sent)
	code, _ := c.cl.World().AuthCode(phone)
	if _, rpcErr := c.call(&tg.AuthSignInRequest{PhoneNumber: phone, PhoneCodeHash: sent.PhoneCodeHash, PhoneCode: tl.Some(code)}); rpcErr != nil {
		t.Fatalf("auth.signIn: %s", rpcErr.ErrorMessage)
	}
}

// countIDs counts the 4-byte words of b equal to id.
func countIDs(b []byte, id uint32) int {
	n := 0
	for i := 0; i+4 <= len(b); i += 4 {
		if binary.LittleEndian.Uint32(b[i:]) == id {
			n++
		}
	}
	return n
}

// TestForeignLayers: a client of layer 227 is served in its constructors (answers, pushed
// updates, requests), one of layer 198 (or any other not served) gets
// INPUT_LAYER_INVALID_198 for every call.
func TestForeignLayers(t *testing.T) {
	cl := startCluster(t, Config{})
	w := cl.World()
	bot, err := w.CreateBot(world.BotSpec{FirstName: "Echo", Username: "layer_bot"})
	if err != nil {
		t.Fatal(err)
	}
	person, err := w.CreateUser(world.UserSpec{FirstName: "Pat", Username: "pat_layers", Phone: "9990001234", DC: bot.DC})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.CreateChannel(person.ID, world.ChannelSpec{Title: "news", Username: "layer_news", Megagroup: true, Members: []int64{bot.ID}, Admins: []int64{bot.ID}}); err != nil {
		t.Fatal(err)
	}
	login := &tg.AuthImportBotAuthorizationRequest{APIID: 1, APIHash: "hash", BotAuthToken: bot.Token}
	for _, tc := range []struct {
		name              string
		layer             int32
		userID, channelID uint32 // constructors of user and channel the client must get
		rpcError          string
	}{
		{name: "layer 228", layer: Layer, userID: tg.UserTypeID, channelID: tg.ChannelTypeID},
		{name: "layer 227", layer: Layer227, userID: user227ID, channelID: channel227ID},
		{name: "layer 198", layer: 198, rpcError: "INPUT_LAYER_INVALID_198"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newForeign(t, cl, bot.DC)
			res, rpcErr := c.call(withLayer(tc.layer, login))
			if tc.rpcError != "" {
				for _, req := range []tl.Encoder{nil, &tg.MessagesSendMessageRequest{Peer: &tg.InputPeerSelf{}, Message: "hi", RandomID: 1}} {
					if req != nil {
						_, rpcErr = c.call(req)
					}
					if rpcErr == nil || rpcErr.ErrorMessage != tc.rpcError || rpcErr.ErrorCode != 400 {
						t.Fatalf("got %v, want 400 %s", rpcErr, tc.rpcError)
					}
				}
				return
			}
			if rpcErr != nil {
				t.Fatalf("login: %d %s", rpcErr.ErrorCode, rpcErr.ErrorMessage)
			}
			// auth.authorization#2ea2c0d4 flags:# ... user:User: no optional field is set.
			if got := binary.LittleEndian.Uint32(res[8:]); got != tc.userID {
				t.Fatalf("user constructor %#x, want %#x", got, tc.userID)
			}

			// contacts.resolvedPeer carries the channel and its creator.
			res, rpcErr = c.call(&tg.ContactsResolveUsernameRequest{Username: "layer_news"})
			if rpcErr != nil {
				t.Fatalf("resolve: %s", rpcErr.ErrorMessage)
			}
			if countIDs(res, tc.channelID) != 1 || countIDs(res, tg.ChannelTypeID)+countIDs(res, channel227ID) != 1 {
				t.Fatalf("resolved channel not in the form %#x: %x", tc.channelID, res)
			}

			// A person writes in the supergroup the bot administers: the update pushed to the
			// bot carries the person and the supergroup in the bot's forms.
			p := newForeign(t, cl, bot.DC)
			p.loginPerson(t, person.Phone)
			res, rpcErr = p.call(&tg.ContactsResolveUsernameRequest{Username: "layer_news"})
			if rpcErr != nil {
				t.Fatalf("resolve the supergroup: %s", rpcErr.ErrorMessage)
			}
			var rp tg.ContactsResolvedPeer
			decodeAs(t, res, &rp)
			group := rp.Chats[0].(*tg.Channel)
			text := "hello " + tc.name
			if _, rpcErr := p.call(&tg.MessagesSendMessageRequest{
				Peer: &tg.InputPeerChannel{ChannelID: group.ID, AccessHash: group.AccessHash.Value}, Message: text, RandomID: int64(tc.layer),
			}); rpcErr != nil {
				t.Fatalf("send: %s", rpcErr.ErrorMessage)
			}
			var push foreignMsg
			for push.body == nil {
				for _, m := range c.got {
					if bytes.Contains(m.body, []byte(text)) {
						push = m
					}
				}
				if push.body == nil {
					c.read()
				}
			}
			for _, id := range [][3]uint32{{tc.userID, tg.UserTypeID, user227ID}, {tc.channelID, tg.ChannelTypeID, channel227ID}} {
				if n := countIDs(push.body, id[0]); n == 0 || countIDs(push.body, id[1])+countIDs(push.body, id[2]) != n {
					t.Fatalf("pushed %s does not carry its users and chats in the forms %#x: %x", tg.TypeName(push.typeID()), id[0], push.body)
				}
			}

			c.checkAll(t, schemaOf(t, tc.layer))
			if tc.layer != Layer227 {
				return
			}
			// A request of layer 227 (messages.searchGlobal#4bc6589a) is understood.
			search := enc(t, &tg.MessagesSearchGlobalRequest{Q: "x", Filter: &tg.InputMessagesFilterEmpty{}, OffsetPeer: &tg.InputPeerEmpty{}, Limit: 1})
			binary.LittleEndian.PutUint32(search, searchGlobal227ID)
			_, rpcErr = c.result(c.await(c.content(search)))
			if rpcErr != nil && rpcErr.ErrorMessage != "BOT_METHOD_INVALID" {
				t.Fatalf("searchGlobal of layer 227: %d %s", rpcErr.ErrorCode, rpcErr.ErrorMessage)
			}
		})
	}
}
