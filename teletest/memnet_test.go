package teletest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// memDial tunes a session to dial through the cluster's Dialer.
func memDial(cl *Cluster) func(*session.Options) {
	return func(o *session.Options) { o.Dialer = session.TransportDialer{Dialer: cl.Dialer()} }
}

// TestInMemoryDialer: an in-memory cluster lists placeholder addresses, help.getConfig names
// the same ones, its Dialer reaches them (and nothing else), and a closed cluster refuses.
func TestInMemoryDialer(t *testing.T) {
	cl := startCluster(t, Config{Key: testKey(t), InMemory: true})
	want := map[int]string{1: "192.0.2.1:443", 2: "192.0.2.2:443", 3: "192.0.2.3:443"}
	if diff := cmp.Diff(want, cl.Addrs()); diff != "" {
		t.Fatalf("Addrs (-want +got):\n%s", diff)
	}
	c := dialCluster(t, cl, 2, memDial(cl))
	conf, err := tg.NewClient(c).HelpGetConfig(testCtx(t), &tg.HelpGetConfigRequest{})
	if err != nil {
		t.Fatalf("help.getConfig: %v", err)
	}
	listed := map[int]string{}
	for _, o := range conf.DCOptions {
		listed[int(o.ID)] = net.JoinHostPort(o.IPAddress, fmt.Sprint(o.Port))
	}
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("help.getConfig DC options (-want +got):\n%s", diff)
	}
	if n := cl.DC(2).Connections(); n != 1 {
		t.Errorf("DC 2 connections %d, want 1", n)
	}
	ctx := context.Background()
	for _, addr := range []string{"127.0.0.1:443", "192.0.2.9:443", "dc2"} {
		if _, err := cl.Dialer().DialContext(ctx, "tcp", addr); !errors.Is(err, ErrNoDataCenter) {
			t.Errorf("dial %s: %v, want ErrNoDataCenter", addr, err)
		}
	}
	c.close()
	_ = cl.Close()
	if _, err := cl.Dialer().DialContext(ctx, "tcp", want[2]); !errors.Is(err, net.ErrClosed) {
		t.Errorf("dial after Close: %v, want net.ErrClosed", err)
	}
}

// TestInMemoryVirtualMonth runs a cluster and two people inside a synctest bubble for 30
// days of its fake clock: each day, after hours of silence (pings, idle timeouts, session
// expiry on the server), a message still goes through on the same auth keys.
func TestInMemoryVirtualMonth(t *testing.T) {
	key := testKey(t)
	synctest.Test(t, func(t *testing.T) {
		s := NewScenario(t, Config{Key: key, InMemory: true})
		alice, bob := s.User("alice"), s.User("bob")
		keys := s.Cluster().DC(2).AuthKeys()
		start := time.Now()
		for day := 1; day <= 30; day++ {
			time.Sleep(24 * time.Hour)
			text := fmt.Sprintf("day %d", day)
			alice.Send(bob, text)
			bob.Expect(Text(text).From(alice))
		}
		if got := time.Since(start); got < 30*24*time.Hour {
			t.Errorf("fake clock advanced %v, want 30 days", got)
		}
		if got := s.Cluster().DC(2).AuthKeys(); got != keys {
			t.Errorf("auth keys %d -> %d over the month", keys, got)
		}
	})
}
