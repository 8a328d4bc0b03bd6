package session_test

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/mtp"
)

// TestRefusedPingsEndConnection: a server that answers every ping at once with
// bad_server_salt, and processes nothing, fails the connection's health check: each notice
// gave the fresh ping that replaced the refused one a fresh pong deadline, so the connection
// stayed up for ever serving nothing. The deadline now holds: the connection ends with
// ErrHealthTimeout within a ping interval and a pong timeout, and is redialed (it answered,
// so the policy redials it, as one that went silent); a server that answers keeps it.
func TestRefusedPingsEndConnection(t *testing.T) {
	const (
		interval = 10 * time.Second
		// Not whole seconds: the server hangs up PingInterval + MaxPongTimeout, rounded up to
		// whole seconds, after the last ping it took (ping_delay_disconnect), and in the bubble,
		// where the round trip takes no time, the pong deadline is MaxPongTimeout after the
		// ping. With 5 s both came at the same instant and either side could end the
		// connection first (the client then read EOF).
		pongTimeout = 4500 * time.Millisecond
	)
	for _, refuse := range []bool{true, false} {
		name := "answering server"
		if refuse {
			name = "refusing server"
		}
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := start(t, nil, func(o *session.Options) {
					o.Engine = func(c *mtp.Config) {
						c.PingInterval = interval
						c.MinPongTimeout, c.MaxPongTimeout = time.Second, pongTimeout
						c.FutureSalts = -1 // refused too: only pings are in question here
					}
				})
				if err := h.echo(h.ctx, 1); err != nil {
					t.Fatal(err)
				}
				h.srv.RefuseAll(refuse)
				began := time.Now()
				limit := interval + pongTimeout
				time.Sleep(limit + time.Second) // virtual time: the bubble's clock
				synctest.Wait()
				st := h.conn.Stats()
				if !refuse {
					if st.LastError != nil || h.srv.Connections() != 1 {
						t.Fatalf("connection lost (%v), %d connections: want the first kept",
							st.LastError, h.srv.Connections())
					}
					return
				}
				if !errors.Is(st.LastError, session.ErrHealthTimeout) {
					t.Fatalf("last connection ended with %v, want ErrHealthTimeout", st.LastError)
				}
				if took := st.LastErrorAt.Sub(began); took > limit {
					t.Errorf("health timeout %v after the server began refusing, want within %v", took, limit)
				}
				if h.srv.Connections() < 2 {
					t.Errorf("%d connections: want a redial", h.srv.Connections())
				}
			})
		})
	}
}
