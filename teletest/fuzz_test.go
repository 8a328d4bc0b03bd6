package teletest

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// nopConn is a net.Conn that discards writes; the fuzz target drives conn.onPacket directly.
type nopConn struct{}

func (nopConn) Read([]byte) (int, error)         { return 0, net.ErrClosed }
func (nopConn) Write(p []byte) (int, error)      { return len(p), nil }
func (nopConn) Close() error                     { return nil }
func (nopConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (nopConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (nopConn) SetDeadline(time.Time) error      { return nil }
func (nopConn) SetReadDeadline(time.Time) error  { return nil }
func (nopConn) SetWriteDeadline(time.Time) error { return nil }

// sinkPC is a transport.Conn that records what the server writes.
type sinkPC struct{ written [][]byte }

func (s *sinkPC) ReadPacket() ([]byte, error) { return nil, net.ErrClosed }
func (s *sinkPC) WritePacket(p []byte) error {
	s.written = append(s.written, append([]byte(nil), p...))
	return nil
}
func (s *sinkPC) Close() error { return nil }

// fuzzKey is an auth key the fuzz targets seal their seeds with.
var fuzzKey = func() crypto.AuthKey {
	var v [256]byte
	for i := range v {
		v[i] = byte(i*13 + 7)
	}
	return crypto.NewAuthKey(v)
}()

// fuzzServer starts a data center that knows fuzzKey, closed when the fuzz target ends.
func fuzzServer(tb testing.TB) *Server {
	cl := startCluster(tb, Config{DCs: 1})
	addKey(tb, cl.DC(1).keys, fuzzKey, 0x5a17, time.Time{}, time.Time{})
	return cl.DC(1)
}

// sealFor encrypts body as a client message under fuzzKey.
func sealFor(tb testing.TB, salt, sid, msgID int64, seq int32, body []byte) []byte {
	plain := binary.LittleEndian.AppendUint64(nil, uint64(salt))
	plain = binary.LittleEndian.AppendUint64(plain, uint64(sid))
	plain = binary.LittleEndian.AppendUint64(plain, uint64(msgID))
	plain = binary.LittleEndian.AppendUint32(plain, uint32(seq))
	plain = binary.LittleEndian.AppendUint32(plain, uint32(len(body)))
	p, err := crypto.EncryptMessage(nil, &fuzzKey, crypto.Client, append(plain, body...), crand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// FuzzServerPacket feeds arbitrary packets to a server connection: unencrypted ones reach the
// key exchange, encrypted ones under a known key reach the session engine and the dispatcher.
// Nothing may panic; a packet is either handled or refused with an error.
func FuzzServerPacket(f *testing.F) {
	s := fuzzServer(f)
	reqPQ := encode(f, &mt.ReqPqMultiRequest{})
	f.Add(exchange.AppendPlain(nil, time.Now().Unix()<<32, reqPQ))
	f.Add(exchange.AppendPlain(nil, time.Now().Unix()<<32, binary.LittleEndian.AppendUint32(nil, mt.ReqDHParamsRequestTypeID)))
	msgID := clientMsgID(0, 0)
	for _, req := range []tl.Encoder{
		&tg.HelpGetConfigRequest{},
		&tg.InvokeWithLayerRequest{Layer: Layer170, Query: &tg.HelpGetNearestDCRequest{}},
		&tg.InvokeWithLayerRequest{Layer: Layer227, Query: &tg.HelpGetNearestDCRequest{}},
		&tg.InvokeWithLayerRequest{Layer: 198, Query: &tg.HelpGetNearestDCRequest{}},
		&tg.AuthBindTempAuthKeyRequest{PermAuthKeyID: 1, Nonce: 2, ExpiresAt: 3, EncryptedMessage: []byte{4}},
		&mt.PingRequest{PingID: 9},
	} {
		f.Add(sealFor(f, 0x5a17, 77, msgID, 1, encode(f, req)))
	}
	f.Add(sealFor(f, 1, 77, msgID+1, 2, []byte{1, 2, 3, 4}))
	f.Add(make([]byte, 8))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, packet []byte) {
		c := &conn{srv: s, nc: nopConn{}, pc: &sinkPC{}, kicked: make(chan struct{}), log: s.log}
		c.x.cfg = exchange.ServerConfig{Key: s.cl.key, KeyTaken: s.keys.taken, Rand: s.cl.rand, Now: s.cl.now}
		c.loop = c.newLoop()
		defer c.release()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.onPacket(ctx, bytes.Clone(packet)); err != nil {
			return
		}
		if err := c.loop.Flush(); err != nil {
			t.Fatalf("flush after an accepted packet: %v", err)
		}
	})
}

// FuzzUpgradeRequest: rewriting layer 170 requests never panics, leaves anything else alone
// and only ever inserts a flags word or swaps an id.
func FuzzUpgradeRequest(f *testing.F) {
	resolve := binary.LittleEndian.AppendUint32(nil, resolveUsername170ID)
	var b tl.Buffer
	b.PutString("alice_bot")
	resolve = append(resolve, b.Buf...)
	f.Add(resolve)
	wrapped := binary.LittleEndian.AppendUint32(nil, tg.InvokeWithoutUpdatesRequestTypeID)
	wrapped = binary.LittleEndian.AppendUint32(wrapped, tg.InvokeWithLayerRequestTypeID)
	wrapped = binary.LittleEndian.AppendUint32(wrapped, Layer170)
	f.Add(append(wrapped, resolve...))
	send := binary.LittleEndian.AppendUint32(nil, sendMessage170ID)
	f.Add(binary.LittleEndian.AppendUint32(send, 0))
	f.Add(binary.LittleEndian.AppendUint32(send, 1))
	f.Add([]byte{})
	f.Add(encode(f, &tg.InvokeWithLayerRequest{Layer: Layer170, Query: &tg.InitConnectionRequest{
		APIID: 1, Query: &tg.ContactsResolveUsernameRequest{Username: "x"},
	}}))
	f.Fuzz(func(t *testing.T, body []byte) {
		in := bytes.Clone(body)
		out := upgradeRequest(body)
		if !bytes.Equal(body, in) {
			t.Fatal("upgradeRequest modified its input")
		}
		switch len(out) - len(in) {
		case 0, 4:
		default:
			t.Fatalf("output of %d bytes for %d", len(out), len(in))
		}
		if !bytes.Equal(out, in) {
			// A rewritten request must still be safe to decode (it may fail to).
			_, _ = services.DecodeRequest(out)
		}
	})
}

// FuzzUpgrade227: rewriting layer 227 requests never panics, leaves its input alone, only
// swaps an id or adds a flags word per bot command, and its output is safe to decode.
func FuzzUpgrade227(f *testing.F) {
	search := binary.LittleEndian.AppendUint32(nil, searchGlobal227ID)
	f.Add(append(search, make([]byte, 40)...))
	var b tl.Buffer
	b.PutID(tg.BotsSetBotCommandsRequestTypeID)
	_ = (&tg.BotCommandScopeDefault{}).Encode(&b)
	b.PutString("en")
	b.PutVectorHeader(1)
	b.PutID(botCommand227ID)
	b.PutString("start")
	b.PutString("Start")
	f.Add(b.Buf)
	init := encode(f, &tg.InvokeWithLayerRequest{Layer: Layer227, Query: &tg.InitConnectionRequest{
		APIID: 1, DeviceModel: "d", Proxy: &tg.InputClientProxy{Address: "a", Port: 1},
		Params: &tg.JSONNull{}, Query: &tg.HelpGetConfigRequest{},
	}})
	f.Add(init)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		in := bytes.Clone(body)
		out := upgrade227(body)
		if !bytes.Equal(body, in) {
			t.Fatal("upgrade227 modified its input")
		}
		if d := len(out) - len(in); d < 0 || d%4 != 0 {
			t.Fatalf("output of %d bytes for %d", len(out), len(in))
		}
		_, _ = services.DecodeRequest(out)
		_ = announcedLayer(body)
	})
}

// FuzzWrapperOffsets checks the byte-level readers of wrappers against the decoder: for any
// body that decodes, innerOffset points at the method found by looking through the wrappers
// it knows, innerMethod names the method inside every wrapper, and announcedLayer is the
// layer of the invokeWithLayer behind nothing but invokeWithoutUpdates.
func FuzzWrapperOffsets(f *testing.F) {
	q := &tg.HelpGetConfigRequest{}
	for _, s := range []tl.Encoder{
		q,
		&tg.InvokeWithoutUpdatesRequest{Query: &tg.InvokeWithLayerRequest{Layer: Layer227, Query: q}},
		&tg.InvokeAfterMsgsRequest{MsgIDs: []int64{1, 2}, Query: &tg.InvokeAfterMsgRequest{MsgID: 3, Query: q}},
		&tg.InvokeWithLayerRequest{Layer: Layer, Query: &tg.InitConnectionRequest{
			APIID: 1, Proxy: &tg.InputClientProxy{Address: "a", Port: 1}, Params: &tg.JSONNull{}, Query: q,
		}},
		&tg.InvokeWithTakeoutRequest{TakeoutID: 1, Query: &tg.InvokeWithoutUpdatesRequest{Query: q}},
	} {
		f.Add(encode(f, s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		off, ok := innerOffset(body)
		layer := announcedLayer(body)
		req, err := services.DecodeRequest(body)
		if err != nil {
			return
		}
		var (
			obj        = req
			wantLayer  int32
			layerFound bool
			quietOnly  = true
		)
		for {
			var next tl.Encoder
			switch r := obj.(type) {
			case *tg.InvokeWithoutUpdatesRequest:
				next = r.Query
			case *tg.InvokeWithLayerRequest:
				if quietOnly && !layerFound {
					wantLayer, layerFound = r.Layer, true
				}
				next = r.Query
			case *tg.InvokeAfterMsgRequest:
				next = r.Query
			case *tg.InvokeAfterMsgsRequest:
				next = r.Query
			case *tg.InitConnectionRequest:
				next = r.Query
			}
			if _, ok := obj.(*tg.InvokeWithoutUpdatesRequest); !ok {
				quietOnly = false
			}
			o, isObj := next.(tl.Object)
			if next == nil || !isObj {
				break
			}
			obj = o
		}
		if !ok || len(body)-off < 4 || binary.LittleEndian.Uint32(body[off:]) != obj.TypeID() {
			t.Fatalf("innerOffset = %d, %v; the decoder finds %s", off, ok, obj.TypeName())
		}
		if layer != wantLayer {
			t.Fatalf("announcedLayer = %d, want %d", layer, wantLayer)
		}
		if m, _ := innerMethod(req); tg.NewObject(m) == nil {
			t.Fatalf("innerMethod = %#x, not a known constructor", m)
		}
	})
}
