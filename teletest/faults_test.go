package teletest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
	"github.com/mtgo-labs/mtgo/transport/websocket"
)

// nearest calls help.getNearestDc and fails the test on error.
func nearest(t *testing.T, c *testClient) {
	t.Helper()
	if _, err := tg.NewClient(c).HelpGetNearestDC(testCtx(t), &tg.HelpGetNearestDCRequest{}); err != nil {
		t.Fatalf("help.getNearestDc: %v", err)
	}
}

// TestTransports connects with every framing, plain and obfuscated, over TCP and WebSocket.
func TestTransports(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2, WebSocket: true})
	tests := []struct {
		name string
		opts transport.ClientOptions
		ws   bool
	}{
		{"abridged", transport.ClientOptions{Codec: transport.Abridged}, false},
		{"intermediate", transport.ClientOptions{Codec: transport.Intermediate}, false},
		{"padded intermediate", transport.ClientOptions{Codec: transport.PaddedIntermediate}, false},
		{"full", transport.ClientOptions{Codec: transport.Full}, false},
		{"obfuscated abridged", transport.ClientOptions{Codec: transport.Abridged, Obfuscated: true}, false},
		{"obfuscated intermediate", transport.ClientOptions{Codec: transport.Intermediate, Obfuscated: true}, false},
		{"obfuscated padded", transport.ClientOptions{Codec: transport.PaddedIntermediate, Obfuscated: true}, false},
		{"websocket obfuscated", transport.ClientOptions{Codec: transport.Intermediate, Obfuscated: true}, true},
		{"websocket plain", transport.ClientOptions{Codec: transport.Abridged}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dialCluster(t, cl, 2, func(o *session.Options) {
				d := session.TransportDialer{Options: tt.opts}
				if tt.ws {
					d.Dialer = &websocket.Dialer{}
					o.Session.Addr = cl.DC(2).WebSocketAddr()
				}
				o.Dialer = d
			})
			nearest(t, c)
		})
	}
}

// TestFaultDropConnections: clients reconnect and continue their sessions.
func TestFaultDropConnections(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, nil)
	nearest(t, c)
	if n := cl.Faults().DropConnections(2); n != 1 {
		t.Fatalf("dropped %d connections, want 1", n)
	}
	if n := cl.Faults().Stats().Dropped; n != 1 {
		t.Fatalf("Stats().Dropped = %d, want 1", n)
	}
	nearest(t, c)
	if n := cl.DC(2).Sessions(); n != 1 {
		t.Fatalf("%d sessions after the reconnect, want 1", n)
	}
	if n := cl.DC(2).AuthKeys(); n != 1 {
		t.Fatalf("%d auth keys after the reconnect, want 1", n)
	}
}

// TestFaultSaltAndClock: a rotated salt (bad_server_salt) and a server clock off by ten
// minutes either way (bad_msg_notification 16/17) are corrected by the client: it ends up
// with the new salt and with a clock offset equal to the skew.
func TestFaultSaltAndClock(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, nil)
	nearest(t, c)
	old := c.Session().Salt
	cl.Faults().RotateSalt(0)
	nearest(t, c)
	if n := cl.Faults().Stats().SaltsRotated; n != 1 {
		t.Fatalf("Stats().SaltsRotated = %d, want 1 (one auth key)", n)
	}
	if salt := c.Session().Salt; salt == old {
		t.Fatalf("client salt still %#x after RotateSalt: no bad_server_salt", salt)
	}
	for i, skew := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			cl.Faults().SkewClock(skew)
			defer cl.Faults().SkewClock(0)
			nearest(t, c)
			if n := cl.Faults().Stats().SessionsReset; n < i+1 {
				t.Fatalf("Stats().SessionsReset = %d after %d skews", n, i+1)
			}
			if off := c.Session().TimeOffset; (off - skew).Abs() > 30*time.Second {
				t.Fatalf("client clock offset %v after a server skew of %v", off, skew)
			}
		})
	}
}

// TestFaultRPCErrors: FLOOD_WAIT_X and *_MIGRATE_X for chosen methods, through wrappers.
func TestFaultRPCErrors(t *testing.T) {
	cl := startCluster(t, Config{DCs: 3})
	c := dialCluster(t, cl, 2, nil)
	api := tg.NewClient(c)
	ctx := testCtx(t)
	cl.Faults().FloodWait(tg.HelpGetNearestDCRequestTypeID, 3, 1)
	_, err := api.HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{})
	if d, ok := rpcerr.FloodWait(err); !ok || d != 3*time.Second {
		t.Fatalf("got %v, want FLOOD_WAIT_3", err)
	}
	cl.Faults().Migrate(tg.HelpGetNearestDCRequestTypeID, "USER", 3, 1)
	_, err = api.HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{})
	if dc, ok := rpcerr.MigrateDC(err); !ok || dc != 3 {
		t.Fatalf("got %v, want USER_MIGRATE_3", err)
	}
	nearest(t, c) // one-shot faults are used up
	if n := cl.Faults().Stats().RPCErrors; n != 2 {
		t.Fatalf("Stats().RPCErrors = %d, want 2", n)
	}
}

// TestFaultTransportError: the server breaks the connection with -429 while answering; the
// client reconnects and receives the answer queued in its session.
func TestFaultTransportError(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, nil)
	nearest(t, c)
	cl.Faults().TransportError(tg.HelpGetNearestDCRequestTypeID, CodeFlood, 1)
	nearest(t, c)
	if n := cl.Faults().Stats().TransportErrors; n != 1 {
		t.Fatalf("Stats().TransportErrors = %d, want 1", n)
	}
	nearest(t, c)
	if n := cl.Faults().Stats().TransportErrors; n != 1 {
		t.Fatalf("Stats().TransportErrors = %d after the one-shot fault was used, want 1", n)
	}
}

// TestFaultRefuseConnections: the first connection gets -429 at once; the client's reconnect
// gets through.
func TestFaultRefuseConnections(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	cl.Faults().RefuseConnections(2, CodeFlood, 1)
	c := dialCluster(t, cl, 2, func(o *session.Options) {
		o.Reconnect = session.ReconnectPolicy{InitialInterval: 10 * time.Millisecond}
	})
	nearest(t, c)
	if n := cl.Faults().Stats().Refused; n != 1 {
		t.Fatalf("Stats().Refused = %d, want 1", n)
	}
}

// TestFaultForgetAuthKeys: a data center that forgot its auth keys ends the authorizations
// made under them and answers the client's next connections with -404, so its session gives
// up with ErrAuthKeyUnknown; another data center keeps its keys.
func TestFaultForgetAuthKeys(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, func(o *session.Options) {
		o.Reconnect = session.ReconnectPolicy{InitialInterval: 10 * time.Millisecond}
	})
	other := dialCluster(t, cl, 1, nil)
	nearest(t, c)
	nearest(t, other)
	u, err := cl.World().CreateUser(world.UserSpec{FirstName: "Forgotten", Phone: "99921"})
	if err != nil {
		t.Fatal(err)
	}
	key := world.KeyID(crypto.NewAuthKey([256]byte(c.Session().AuthKey)).ID)
	if err := cl.World().Authorize(key, u.ID); err != nil {
		t.Fatal(err)
	}
	if n := cl.Faults().ForgetAuthKeys(2); n != 1 {
		t.Fatalf("ForgetAuthKeys(2) = %d, want 1", n)
	}
	select {
	case err := <-c.done:
		if !errors.Is(err, session.ErrAuthKeyUnknown) {
			t.Fatalf("Run = %v, want ErrAuthKeyUnknown", err)
		}
		c.cancel() // Run returned: close has nothing to wait for
		c.cancel = nil
	case <-testCtx(t).Done():
		t.Fatal("the session did not give up on the forgotten key")
	}
	if _, err := cl.World().Authorized(key); err == nil {
		t.Error("the authorization under the forgotten key survived")
	}
	st := cl.Faults().Stats()
	if st.KeysForgotten != 1 || st.Dropped != 1 {
		t.Errorf("Stats() KeysForgotten %d, Dropped %d; want 1 and 1", st.KeysForgotten, st.Dropped)
	}
	if n := cl.DC(2).AuthKeys(); n != 0 {
		t.Errorf("DC 2 holds %d auth keys, want 0", n)
	}
	if n := cl.DC(1).AuthKeys(); n != 1 {
		t.Errorf("DC 1 holds %d auth keys, want 1", n)
	}
	nearest(t, other)
}

// TestFaultDelayMethod: a delayed answer is overtaken by a later call's.
func TestFaultDelayMethod(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, nil)
	nearest(t, c)
	cl.Faults().DelayMethod(tg.HelpGetConfigRequestTypeID, 300*time.Millisecond, 1)
	api := tg.NewClient(c)
	ctx := testCtx(t)
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := api.HelpGetConfig(ctx, &tg.HelpGetConfigRequest{}); err != nil {
			t.Errorf("help.getConfig: %v", err)
		}
		mu.Lock()
		order = append(order, "config")
		mu.Unlock()
	}()
	// The delayed call must reach the server first: wait until its answer is held back.
	if err := cl.Faults().WaitNetwork(ctx, func(st FaultStats) bool { return st.DelayedAnswers == 1 }); err != nil {
		t.Fatal(err)
	}
	nearest(t, c)
	mu.Lock()
	order = append(order, "nearest")
	mu.Unlock()
	wg.Wait()
	if len(order) != 2 || order[0] != "nearest" {
		t.Fatalf("answers in order %v, want nearest first", order)
	}
}

// TestFaultDelayMethodAcrossReconnect: an answer held back belongs to the MTProto session,
// not the connection: the client reconnects with the same session and still gets it.
func TestFaultDelayMethodAcrossReconnect(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, nil)
	nearest(t, c)
	cl.Faults().DelayMethod(tg.HelpGetConfigRequestTypeID, 300*time.Millisecond, 1)
	ctx := testCtx(t)
	done := make(chan error, 1)
	go func() {
		_, err := tg.NewClient(c).HelpGetConfig(ctx, &tg.HelpGetConfigRequest{})
		done <- err
	}()
	if err := cl.Faults().WaitNetwork(ctx, func(st FaultStats) bool { return st.DelayedAnswers == 1 }); err != nil {
		t.Fatal(err)
	}
	if n := cl.Faults().DropConnections(2); n != 1 {
		t.Fatalf("dropped %d connections, want 1", n)
	}
	if err := <-done; err != nil {
		t.Fatalf("help.getConfig across a reconnect: %v", err)
	}
	if n := cl.Faults().Stats().DelayedAnswers; n != 1 {
		t.Fatalf("%d answers delayed: the call ran again instead of its held answer arriving", n)
	}
}

// TestFaultDelayConnections: every packet the server writes waits.
func TestFaultDelayConnections(t *testing.T) {
	cl := startCluster(t, Config{DCs: 2})
	c := dialCluster(t, cl, 2, nil)
	nearest(t, c)
	cl.Faults().DelayConnections(2, 200*time.Millisecond)
	start := time.Now()
	nearest(t, c)
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Fatalf("answer after %v despite a 200ms delay", d)
	}
	if n := cl.Faults().Stats().DelayedPackets; n == 0 {
		t.Fatal("Stats().DelayedPackets = 0 after a delayed answer")
	}
	cl.Faults().ClearFaults()
	nearest(t, c)
}

// TestClusterClose leaves no connection goroutine behind and makes clients fail.
func TestClusterClose(t *testing.T) {
	cl, err := Start(Config{DCs: 2, Key: testKey(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := dialCluster(t, cl, 2, func(o *session.Options) {
		o.Reconnect = session.ReconnectPolicy{MaxAttempts: 1, InitialInterval: time.Millisecond}
	})
	nearest(t, c)
	if err := cl.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cl.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = tg.NewClient(c).HelpGetNearestDC(ctx, &tg.HelpGetNearestDCRequest{})
	if err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("call to a closed cluster: %v, want a connection error", err)
	}
}
