package teletest

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session/exchange"
	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/transport"
)

// rawClient is a hand-driven MTProto client for tests that need to send exactly chosen
// packets: a transport connection, a key from a real exchange and a client engine to seal
// messages.
type rawClient struct {
	tb   testing.TB
	nc   net.Conn
	pc   transport.Conn
	key  crypto.AuthKey
	salt int64
	eng  *mtp.Engine
	call mtp.CallID
}

// rawDial opens a transport connection to addr.
func rawDial(tb testing.TB, addr string, opts transport.ClientOptions) *rawClient {
	tb.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatalf("dial %s: %v", addr, err)
	}
	tb.Cleanup(func() { _ = nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	pc, err := transport.NewClientConn(nc, opts)
	if err != nil {
		tb.Fatalf("transport: %v", err)
	}
	return &rawClient{tb: tb, nc: nc, pc: pc}
}

// exchange creates an auth key on the connection and prepares a client engine for it.
func (r *rawClient) exchange(cl *Cluster, dc int) {
	r.tb.Helper()
	res, err := exchange.RunClient(context.Background(), r.pc, exchange.ClientConfig{
		Keys: []crypto.PublicKey{cl.PublicKey()}, DC: dc, Rand: crand.Reader,
	})
	if err != nil {
		r.tb.Fatalf("key exchange: %v", err)
	}
	r.useKey(res.AuthKey, res.ServerSalt, res.TimeOffset)
}

// useKey prepares a client engine for key.
func (r *rawClient) useKey(key crypto.AuthKey, salt int64, offset time.Duration) {
	r.tb.Helper()
	r.key, r.salt = key, salt
	var sid [8]byte
	_, _ = crand.Read(sid[:])
	eng, err := mtp.New(mtp.Config{
		Side: crypto.Client, AuthKey: key, SessionID: int64(binary.LittleEndian.Uint64(sid[:])) | 1,
		Salt: salt, TimeOffset: offset, TimeSynced: true, Rand: crand.Reader,
		PingInterval: -1, FutureSalts: -1, StateReqAfter: -1,
	})
	if err != nil {
		r.tb.Fatalf("engine: %v", err)
	}
	eng.OnConnect(time.Now())
	r.eng = eng
}

// seal returns the encrypted packet carrying req (as a new call).
func (r *rawClient) seal(req tl.Encoder) []byte {
	r.tb.Helper()
	var b tl.Buffer
	if err := req.Encode(&b); err != nil {
		r.tb.Fatalf("encode %T: %v", req, err)
	}
	r.call++
	if err := r.eng.Enqueue(r.call, b.Buf, mtp.CallOptions{}); err != nil {
		r.tb.Fatalf("enqueue: %v", err)
	}
	pkt, _, err := r.eng.Flush(time.Now(), nil)
	if err != nil || len(pkt) == 0 {
		r.tb.Fatalf("flush: %d bytes, %v", len(pkt), err)
	}
	return pkt
}

// write sends one packet.
func (r *rawClient) write(p []byte) {
	r.tb.Helper()
	if err := r.pc.WritePacket(p); err != nil {
		r.tb.Fatalf("write: %v", err)
	}
}

// result reads packets until the answer to the last call arrives and returns its body or
// rpc_error.
func (r *rawClient) result() mtp.Event {
	r.tb.Helper()
	for {
		p, err := r.pc.ReadPacket()
		if err != nil {
			r.tb.Fatalf("read: %v", err)
		}
		events, err := r.eng.Receive(time.Now(), p)
		if err != nil {
			r.tb.Fatalf("receive: %v", err)
		}
		for _, ev := range events {
			switch ev.Kind {
			case mtp.EventResult, mtp.EventRPCError, mtp.EventFailed:
				if ev.Call == r.call {
					ev.Body = append([]byte(nil), ev.Body...)
					return ev
				}
			}
		}
		if r.eng.HasPending(time.Now()) {
			pkt, _, err := r.eng.Flush(time.Now(), nil)
			if err == nil && len(pkt) > 0 {
				r.write(pkt)
			}
		}
	}
}

// expectClosed reads until the server closes the connection and returns the transport error
// code it sent first, 0 if none.
func (r *rawClient) expectClosed() int32 {
	r.tb.Helper()
	var code int32
	for {
		_, err := r.pc.ReadPacket()
		var pe *transport.ProtocolError
		switch {
		case err == nil:
			continue
		case errors.As(err, &pe):
			code = pe.Code
			continue
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
			return code
		default:
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				r.tb.Fatalf("the server did not close the connection")
			}
			return code // reset by peer and the like
		}
	}
}
