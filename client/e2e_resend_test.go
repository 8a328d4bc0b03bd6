package mtgo_test

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// The test server keeps what it wrote to a session (answers and pushed updates) until the
// client acknowledges it, and sends it again, under the same msg_ids, on the session's next
// connection, as Telegram does. These tests hold the client to the other half: whatever the
// connection lost or delivered twice, each update is handled once and each call answered
// once.

// resendWait bounds the waits for the handlers; it only turns a hang into a failure.
const resendWait = 15 * time.Second

// TestE2EResendUpdatesExactlyOnce: a bot's connection breaks right after the server wrote
// updates to it (BreakAfterUpdate: the client may or may not have read them) or is dropped
// (DropConnections) while two people keep posting, cycle after cycle. The server sends what
// the client did not acknowledge again; a copy of an update the client did read is dropped
// (by msg_id in the session, by pts in the update engine), so every message is handled
// exactly once and in order per chat.
func TestE2EResendUpdatesExactlyOnce(t *testing.T) {
	const cycles = 20
	cl := cluster(t)
	const name = "e2e_resend_bot"
	b, _ := e2eBot(t, cl, name)
	senders := newSoakSenders(t, cl, name, 2)
	rec := newSoakRecorder()
	b.OnMessage(rec.handle)
	reconnected := make(chan struct{}, 4*cycles)
	b.OnReconnect(func(*mtgo.Context, mtgo.ReconnectInfo) { reconnected <- struct{}{} })

	ctx := ctxT(t)
	breaks := 0
	for i := range cycles {
		if i%2 == 0 {
			// The next push to the bot is written, then its connection closes.
			cl.Faults().BreakAfterUpdate(b.DC(), 1)
			sendAll(t, senders, 2)
			breaks++
			if err := cl.Faults().WaitNetwork(ctx, func(st teletest.FaultStats) bool { return st.UpdateBreaks >= breaks }); err != nil {
				t.Fatalf("cycle %d: the connection did not break after an update: %v", i, err)
			}
		} else {
			sendAll(t, senders, 2) // pushed, perhaps read, surely not yet acknowledged
			if n := cl.Faults().DropConnections(b.DC()); n == 0 {
				t.Fatalf("cycle %d: no connection dropped", i)
			}
		}
		sendAll(t, senders, 1) // while the bot reconnects
		recv(t, reconnected, "the bot's reconnection")
		sendAll(t, senders, 1)
		rec.wait(t, sentTotal(senders), resendWait)
	}
	rec.check(t, senders)
	if st := cl.Faults().Stats(); st.UpdateBreaks != breaks || st.Dropped < cycles-breaks {
		t.Errorf("faults %+v: want %d breaks after updates and %d drops", st, breaks, cycles-breaks)
	}
	t.Logf("%d messages, %d reconnects", sentTotal(senders), b.Health().Reconnects)
}

// TestE2EResendAnswer: a call whose connection dies before the client read the answer
// completes with that answer instead of timing out, and the server ran it once:
// messages.sendMessage creates one message. The answer was written into the dying
// connection (the client swallows the bytes that came after the request and closes), or
// the connection broke before it was written (TransportError). Either way the session
// sends the request again under its msg_id on the next connection, and the server answers
// with the answer it kept rather than running it again.
func TestE2EResendAnswer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		swallows bool // the client swallows the answer
		cut      func(cl *teletest.Cluster, d *answerDropper)
	}{
		{"answer written into the dying connection", true, func(_ *teletest.Cluster, d *answerDropper) { d.arm() }},
		{"connection broken before the answer", false, func(cl *teletest.Cluster, _ *answerDropper) {
			cl.Faults().TransportError(tg.MessagesSendMessageRequestTypeID, teletest.CodeFlood, 1)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := cluster(t)
			const name = "e2e_resend_answer_bot"
			b, _ := e2eBot(t, cl, name)
			rec := newSoakRecorder()
			b.OnMessage(rec.handle)
			d := newAnswerDropper()
			u, user := e2eUser(t, cl, world.UserSpec{FirstName: "Resent", Phone: "15557900"}, d.install)
			reconnected := make(chan struct{}, 4)
			u.OnReconnect(func(*mtgo.Context, mtgo.ReconnectInfo) { reconnected <- struct{}{} })
			ctx := ctxT(t)
			bot, err := u.ResolvePeer(ctx, "@"+name) // no call of its own once the cut is armed
			if err != nil {
				t.Fatal(err)
			}

			tc.cut(cl, d)
			first, err := u.SendMessage(ctx, bot, "1")
			if err != nil {
				t.Fatalf("send across the cut: %v", err)
			}
			recv(t, reconnected, "the sender's reconnection")
			select {
			case n := <-d.dropped:
				t.Logf("swallowed %d bytes", n)
			default:
				if tc.swallows {
					t.Fatal("no packet swallowed")
				}
			}
			second, err := u.SendMessage(ctx, bot, "2")
			if err != nil {
				t.Fatal(err)
			}
			// Message ids count per account in private chats: a second "1" would sit between.
			if second.ID != first.ID+1 {
				t.Fatalf("message ids %d then %d: the first call ran twice", first.ID, second.ID)
			}
			rec.wait(t, 2, resendWait)
			rec.check(t, []*soakSender{{id: user.ID, sent: 2}})
		})
	}
}

// answerDropper wraps the client's network connections (DecorateDialer) so that, once
// armed, the first bytes a connection reads after its next write (the server's answer to the
// request that write carried) are swallowed and the connection is closed, as the network
// would: the answer was written into a connection that died before the client read it. The
// test arms it only while the client has one connection.
type answerDropper struct {
	armed   atomic.Bool
	dropped chan int // how many bytes each swallowed read held
}

// errAnswerSwallowed ends a connection whose bytes an answerDropper swallowed.
var errAnswerSwallowed = errors.New("test: answer swallowed, connection closed")

func newAnswerDropper() *answerDropper { return &answerDropper{dropped: make(chan int, 1)} }

// arm makes the connection lose the answer to the next request.
func (d *answerDropper) arm() { d.armed.Store(true) }

// install is a Config edit that wraps the client's dialer.
func (d *answerDropper) install(cfg *mtgo.Config) {
	cfg.FxOptions = append(cfg.FxOptions, mtgo.DecorateDialer(func(inner transport.Dialer) transport.Dialer {
		return transport.DialerFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := inner.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &droppingConn{Conn: c, d: d}, nil
		})
	}))
}

// droppingConn is one network connection under an answerDropper.
type droppingConn struct {
	net.Conn
	d     *answerDropper
	wrote atomic.Bool // bytes went out while the dropper was armed
}

func (c *droppingConn) Write(p []byte) (int, error) {
	if c.d.armed.Load() {
		c.wrote.Store(true)
	}
	return c.Conn.Write(p)
}

func (c *droppingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n == 0 || !c.wrote.Load() || !c.d.armed.CompareAndSwap(true, false) {
		return n, err
	}
	c.d.dropped <- n
	_ = c.Conn.Close()
	return 0, errAnswerSwallowed
}
