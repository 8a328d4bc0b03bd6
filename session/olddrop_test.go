package session_test

import (
	"context"
	"encoding/binary"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
)

// TestDropParkedWhileQueued: the server asks the client to send an acknowledged call again
// (msg_resend_req) in the packet whose bad_msg_notification 17 then starts a new session. The
// call, queued to go again under its msg_id, is parked instead (it may have run), waiting for
// its answer in the old session. It reported msg_id 0 from then on, so DropRPC with the msg_id
// OnSent gave failed with ErrUnknownMsgID and the caller waited for the answer; now the call
// is dropped and its caller gets ErrRPCDropped.
func TestDropParkedWhileQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sessiontest.NewServer(t)
		srv.AnswerOldSessions(true)
		held := holdCall(srv, 2) // never answered
		h := start(t, srv, nil)
		if err := h.echo(h.ctx, 1); err != nil {
			t.Fatal(err)
		}
		var sent atomic.Int64
		first := make(chan error, 1)
		go func() {
			first <- h.echo(session.OnSent(h.ctx, func(id int64) { sent.Store(id) }), 2)
		}()
		<-held
		time.Sleep(time.Second) // the server acknowledges it
		synctest.Wait()

		// msg_resend_req#7d861a08 msg_ids:Vector<long>, then the 17, in one packet.
		srv.SetSilent(true)
		le := binary.LittleEndian
		req := le.AppendUint32(nil, 0x7d861a08)
		req = le.AppendUint32(req, 0x1cb5c415)
		req = le.AppendUint32(req, 1)
		srv.Push(le.AppendUint64(req, uint64(sent.Load())))
		synctest.Wait()
		h.skew.Store(int64(time.Hour))
		third := make(chan error, 1)
		go func() { third <- h.echo(h.ctx, 3) }()
		synctest.Wait()
		srv.SetSilent(false)
		srv.Push([]byte{0x78, 0x56, 0x34, 0x12}) // wakes the server, which writes what it held
		if err := <-third; err != nil {
			t.Fatalf("call after the clock jump: %v", err)
		}
		stillWaiting(t, first)

		ctx, cancel := context.WithTimeout(h.ctx, time.Second)
		defer cancel()
		if err := h.conn.DropRPC(ctx, sent.Load()); err != nil {
			t.Fatalf("DropRPC(%#x): %v", sent.Load(), err)
		}
		if err := <-first; !errors.Is(err, session.ErrRPCDropped) {
			t.Fatalf("first call: %v, want ErrRPCDropped", err)
		}
		if err := h.echo(h.ctx, 4); err != nil {
			t.Fatal(err)
		}
	})
}
