package mtgo

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"
)

// TestLinkHooks drives the home link's state through changes as the engine reports them
// (on one goroutine; a hook may report more, as the engine would meanwhile) and checks the
// hooks told: what Connect got over before its OnConnect tells nothing, a loss still down
// then does, OnDisconnect and OnConnect alternate, and the end is told last.
func TestLinkHooks(t *testing.T) {
	errA, errB, errEnd := errors.New("a"), errors.New("b"), errors.New("end")
	name := func(err error) string {
		for _, e := range []error{errA, errB, errEnd} {
			if errors.Is(err, e) {
				return e.Error()
			}
		}
		return fmt.Sprint(err)
	}
	type step func(c *Client)
	var (
		lost     = func(err error) step { return func(c *Client) { c.linkChanged(err) } }
		back     = step(func(c *Client) { c.linkChanged(nil) })
		ended    = step(func(c *Client) { c.linkEnded(0, errEnd) })
		announce = step(func(c *Client) { c.announce(t.Context()) })
		hold     = step(func(c *Client) { c.link.hold() })
		reset    = step(func(c *Client) { c.link.reset() })
	)
	for _, tc := range []struct {
		name  string
		steps []step
		// during runs once, in the first OnDisconnect: changes that come while hooks run
		during []step
		want   []string
	}{
		{"over before Connect", []step{lost(errA), back, announce}, nil, []string{"connect"}},
		{"down at Connect", []step{lost(errA), back, lost(errB), announce, back}, nil,
			[]string{"connect", "disconnect b", "connect again", "reconnect 1 b"}},
		{"losses while down", []step{announce, lost(errA), lost(errB), back}, nil,
			[]string{"connect", "disconnect a", "connect again", "reconnect 1 a"}},
		{"back and lost again during OnDisconnect", []step{announce, lost(errA)}, []step{back, lost(errB)},
			[]string{"connect", "disconnect a", "connect again", "reconnect 1 a", "disconnect b"}},
		{"back and lost again, back, during OnDisconnect", []step{announce, lost(errA)}, []step{back, lost(errB), back},
			[]string{"connect", "disconnect a", "connect again", "reconnect 1 a", "disconnect b", "connect again", "reconnect 2 b"}},
		{"ended after a loss", []step{announce, lost(errA), ended, lost(errB), back}, nil,
			[]string{"connect", "disconnect a", "disconnect ended end"}},
		{"ended", []step{announce, ended}, nil, []string{"connect", "disconnect ended end"}},
		{"ended during OnDisconnect", []step{announce, lost(errA)}, []step{back, ended},
			[]string{"connect", "disconnect a", "disconnect ended end"}},
		{"ended before Connect", []step{ended, announce}, nil, []string{"connect", "disconnect ended end"}},
		{"held by Disconnect", []step{announce, hold, lost(errA), back}, nil, []string{"connect"}},
		{"a new Connect after the end", []step{announce, ended, reset, announce, lost(errA)}, nil,
			[]string{"connect", "disconnect ended end", "connect", "disconnect a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newOfflineClient(t)
			var got []string
			during := tc.during
			c.OnConnected(func(_ *Context, info ConnectionInfo) {
				if info.Reconnected {
					got = append(got, "connect again")
					return
				}
				got = append(got, "connect")
			})
			c.OnDisconnect(func(ctx *Context) {
				kind := ""
				if strings.Contains(ctx.Reason.Error(), "ended") {
					kind = "ended "
				}
				got = append(got, "disconnect "+kind+name(ctx.Reason))
				steps := during
				during = nil
				for _, s := range steps {
					s(c)
				}
			})
			c.OnReconnect(func(_ *Context, r ReconnectInfo) {
				got = append(got, fmt.Sprintf("reconnect %d %s", r.Count, name(r.Reason)))
			})
			for _, s := range tc.steps {
				s(c)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("hooks (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDisconnectWaitsForReconnectHooks: Disconnect's OnDisconnect is the last hook told, even
// when a reconnection's OnConnect is still running as Disconnect holds the link (it settles:
// waits for that goroutine's hooks, OnReconnect included). A hook calling settle itself does
// not wait for itself.
func TestDisconnectWaitsForReconnectHooks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newOfflineClient(t)
		var mu sync.Mutex
		var got []string
		note := func(s string) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, s)
		}
		gate, entered := make(chan struct{}), make(chan struct{})
		c.OnConnected(func(_ *Context, info ConnectionInfo) {
			if !info.Reconnected {
				note("connect")
				return
			}
			close(entered)
			<-gate
			c.link.settle() // inside the hooks: returns at once
			note("connect again")
		})
		c.OnDisconnect(func(ctx *Context) {
			if ctx.Reason == nil {
				note("disconnect (Disconnect)")
				return
			}
			note("disconnect lost")
		})
		c.OnReconnect(func(*Context, ReconnectInfo) { note("reconnect") })
		c.announce(t.Context())
		c.linkChanged(errors.New("a"))
		go c.linkChanged(nil) // the engine's goroutine: the reconnection's hooks
		<-entered

		settled := make(chan struct{})
		go func() { // Disconnect's part
			c.link.hold()
			c.link.settle()
			c.runHooks(hookDisconnect, nil, nil)
			close(settled)
		}()
		synctest.Wait()
		select {
		case <-settled:
			t.Error("Disconnect's OnDisconnect ran while the reconnection's OnConnect ran")
		default:
		}
		close(gate)
		<-settled
		want := []string{"connect", "disconnect lost", "connect again", "reconnect", "disconnect (Disconnect)"}
		mu.Lock()
		defer mu.Unlock()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("hooks (-want +got):\n%s", diff)
		}
	})
}
