package session_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
)

// TestBindUnanswered: a server that takes auth.bindTempAuthKey but never answers it, while it
// answers pings and acknowledges the request, gets a connection dropped after 2 minutes with
// ErrBind (and ErrCallTimeout), like a binding it refused: Run ends after
// Reconnect.MaxAttempts such connections and the call waiting for the binding fails. The binding waited for ever, and every call with it.
func TestBindUnanswered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := sessiontest.NewServer(t)
		srv.IgnoreBinds(true)
		sess := srv.Session()
		sess.AuthKey = bytes.Repeat([]byte{0x5a}, session.AuthKeySize)
		conn, err := session.New(session.Options{
			Session:    sess,
			Dialer:     srv.Dialer(),
			PublicKeys: srv.PublicKeys(),
			TempKeyTTL: time.Hour,
			Reconnect:  session.ReconnectPolicy{MaxAttempts: 2},
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		runErr := make(chan error, 1)
		go func() { runErr <- conn.Run(ctx) }()

		callCtx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		defer cancel()
		var out sessiontest.Payload
		err = conn.Invoke(callCtx, &sessiontest.Payload{N: 1}, &out)
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatal("the call still waits for the binding after 10 minutes")
		}
		if !errors.Is(err, session.ErrBind) || !errors.Is(err, session.ErrCallTimeout) {
			t.Errorf("call error = %v, want ErrBind and ErrCallTimeout", err)
		}
		if err := <-runErr; !errors.Is(err, session.ErrBind) || !errors.Is(err, session.ErrCallTimeout) {
			t.Errorf("Run = %v, want ErrBind and ErrCallTimeout", err)
		}
		if n := srv.Connections(); n != 2 {
			t.Errorf("%d connections, want 2 (Reconnect.MaxAttempts)", n)
		}
	})
}
