package mtgo_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/secretchat"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// logSignal is a slog.Handler that closes seen at the first record whose message is msg:
// the signal a test waits on for something the client only logs.
type logSignal struct {
	msg  string
	once *sync.Once
	seen chan struct{}
}

func newLogSignal(msg string) logSignal {
	return logSignal{msg: msg, once: new(sync.Once), seen: make(chan struct{})}
}

func (h logSignal) Enabled(context.Context, slog.Level) bool { return true }
func (h logSignal) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h logSignal) WithGroup(string) slog.Handler            { return h }

func (h logSignal) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.once.Do(func() { close(h.seen) })
	}
	return nil
}

// TestE2ESecretNoticeAfterRestart: the server refuses both sides' layer notices, and Alice
// (the originator) restarts before hers went out and sends nothing after; her new process
// owes it (the stored record says so) and sends it at Connect, so Bob writes in her layer
// without her writing first.
func TestE2ESecretNoticeAfterRestart(t *testing.T) {
	cl := cluster(t)
	failed := newLogSignal("secret chat layer not announced")
	aliceCfg := fileSession(t, "alice")
	aliceLog := func(cfg *mtgo.Config) {
		aliceCfg(cfg)
		cfg.Log = mtgo.LogConfig{Handler: failed}
	}
	alice, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Alice", Phone: "15552050"}, aliceLog)
	bob, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Bob", Phone: "15552051", Username: "notice_bob"})
	bobReq := secretRequests(bob)
	notices := make(chan *types.SecretMessage, 8)
	bob.OnSecretMessage(func(_ *mtgo.Context, m *types.SecretMessage) error {
		if m.Service != nil && m.Service.Kind == types.SecretActionLayer {
			notices <- m
		}
		return nil
	})

	cl.Faults().RPCError(tg.MessagesSendEncryptedServiceRequestTypeID, &services.RPCError{Code: 400, Message: "DATA_INVALID"}, 2)
	sc, err := alice.RequestSecretChat(ctxT(t), "@notice_bob")
	if err != nil {
		t.Fatal(err)
	}
	recv(t, bobReq, "request")
	if _, err := bob.AcceptSecretChat(ctxT(t), sc.ID); err != nil { // Bob's notice refused
		t.Fatal(err)
	}
	recv(t, failed.seen, "Alice's refused notice")
	if c, _ := bob.GetSecretChat(sc.ID); c.Layer != 0 {
		t.Fatalf("Bob knows layer %d before any notice", c.Layer)
	}

	restartClient(t, cl, alice, aliceLog, func(*testClient) {})
	m := recv(t, notices, "Alice's notice after her restart")
	if m.ChatID != sc.ID || m.Service.Layer != secretchat.Layer {
		t.Fatalf("notice %+v", m)
	}
	if c, _ := bob.GetSecretChat(sc.ID); c.Layer != secretchat.Layer {
		t.Fatalf("Bob knows layer %d, want %d", c.Layer, secretchat.Layer)
	}
}
