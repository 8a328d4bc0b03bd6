package mtgo_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/client/types"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/services"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

// The client core on the cluster: transports, lifecycle, raw RPC and diagnostics.

// wsCluster starts a cluster that also serves WebSocket.
func wsCluster(t *testing.T) *teletest.Cluster {
	t.Helper()
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), WebSocket: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}

// wsAddrs maps the cluster's data centers to their WebSocket addresses.
func wsAddrs(cl *teletest.Cluster) map[int]string {
	out := map[int]string{}
	for dc := range cl.Addrs() {
		if a := cl.DC(dc).WebSocketAddr(); a != "" {
			out[dc] = a
		}
	}
	return out
}

// tlsFront terminates TLS in front of addr (a wss endpoint for the cluster's ws one) and
// returns its address and the client TLS configuration trusting it.
func tlsFront(t *testing.T, addr string) (string, *tls.Config) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	cert := srv.TLS.Certificates
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	srv.Close()
	front := transporttest.Serve(t, "127.0.0.1:0", func(c net.Conn) {
		tc := tls.Server(c, &tls.Config{Certificates: cert})
		defer tc.Close()
		back, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		defer back.Close()
		pipe(tc, back)
	})
	return front, &tls.Config{RootCAs: pool, ServerName: "example.com"}
}

// pipe copies both ways until either side ends.
func pipe(a, b net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(a, b); done <- struct{}{} }()
	go func() { _, _ = io.Copy(b, a); done <- struct{}{} }()
	<-done
	_ = a.Close()
	_ = b.Close()
	<-done
}

func TestE2ETransports(t *testing.T) {
	cl := wsCluster(t)
	ws := wsAddrs(cl)
	tests := []struct {
		name string
		tr   mtgo.TransportConfig
		want string // ConnSnapshot.Transport
	}{
		{"intermediate", mtgo.TransportConfig{}, "intermediate+obfuscated"},
		{"abridged", mtgo.TransportConfig{Codec: mtgo.CodecAbridged}, "abridged+obfuscated"},
		{"padded", mtgo.TransportConfig{Codec: mtgo.CodecPadded}, "padded+obfuscated"},
		{"plain intermediate", mtgo.TransportConfig{NoObfuscation: true}, "intermediate"},
		{"plain abridged", mtgo.TransportConfig{Codec: mtgo.CodecAbridged, NoObfuscation: true}, "abridged"},
		{"full", mtgo.TransportConfig{Codec: mtgo.CodecFull, NoObfuscation: true}, "full"},
		{"websocket", mtgo.TransportConfig{WebSocket: true}, "intermediate+obfuscated+websocket"},
		{"websocket padded", mtgo.TransportConfig{WebSocket: true, Codec: mtgo.CodecPadded}, "padded+obfuscated+websocket"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, bot := e2eBot(t, cl, "e2e_transport_bot"+string(rune('a'+i)), func(cfg *mtgo.Config) {
				cfg.Transport = tt.tr
				if tt.tr.WebSocket {
					cfg.DCAddrs = ws
				}
			})
			if me := c.Me(); me == nil || me.ID != bot.ID {
				t.Fatalf("Me = %+v", me)
			}
			if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
				t.Fatal(err)
			}
			snap := c.ConnectionSnapshot()
			if len(snap.Conns) == 0 || snap.Conns[0].Transport != tt.want || snap.Conns[0].Kind != "home" {
				t.Fatalf("snapshot %+v, want a home connection over %s", snap.Conns, tt.want)
			}
			if got := c.Transport(); got != tt.tr {
				t.Fatalf("Transport() = %+v", got)
			}
		})
	}
	t.Run("wss", func(t *testing.T) {
		addr, tlsCfg := tlsFront(t, ws[2])
		c, _ := e2eBot(t, cl, "e2e_transport_wss_bot", func(cfg *mtgo.Config) {
			cfg.Transport = mtgo.TransportConfig{WebSocket: true, WebSocketTLS: true, TLSConfig: tlsCfg}
			cfg.DCAddrs = map[int]string{2: addr}
		})
		if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
			t.Fatal(err)
		}
		if got := c.ConnectionSnapshot().Conns[0].Transport; got != "intermediate+obfuscated+websocket+tls" {
			t.Fatalf("transport %q", got)
		}
	})
}

func TestNewClientCoreConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		edit func(*mtgo.Config)
		want string
	}{
		{"unknown codec", func(c *mtgo.Config) { c.Transport.Codec = "tcpfull" }, "not one of"},
		{"full obfuscated", func(c *mtgo.Config) { c.Transport.Codec = mtgo.CodecFull }, "no obfuscated form"},
		{"websocket plain", func(c *mtgo.Config) { c.Transport = mtgo.TransportConfig{WebSocket: true, NoObfuscation: true} }, "needs obfuscation"},
		{"websocket plain via NoObfuscation", func(c *mtgo.Config) { c.Transport.WebSocket = true; c.NoObfuscation = true }, "needs obfuscation"},
		{"tls without websocket", func(c *mtgo.Config) { c.Transport.WebSocketTLS = true }, "need Transport.WebSocket"},
		{"mtproxy with codec", func(c *mtgo.Config) {
			c.MTProxy = "tg://proxy?server=127.0.0.1&port=443&secret=00112233445566778899aabbccddeeff"
			c.Transport.Codec = mtgo.CodecAbridged
		}, "MTProxy"},
		{"negative dial timeout", func(c *mtgo.Config) { c.DialTimeout = -time.Second }, "negative timeout"},
		{"negative topic cache", func(c *mtgo.Config) { c.MaxTopicCacheSize = -1 }, "negative size"},
		{"local addr not an ip", func(c *mtgo.Config) { c.LocalAddr = "localhost" }, "not an IP"},
		{"local addr bad port", func(c *mtgo.Config) { c.LocalAddr = "127.0.0.1:99999" }, "bad port"},
		{"server addr without port", func(c *mtgo.Config) { c.ServerAddr = "127.0.0.1" }, "ServerAddr"},
		{"server addr port zero", func(c *mtgo.Config) { c.ServerAddr = "127.0.0.1:0" }, "ServerAddr"},
		{"takeout for a bot", func(c *mtgo.Config) { c.Takeout = true; c.BotToken = "1:x" }, "bots have no takeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mtgo.DefaultConfig
			cfg.InMemory = true
			tt.edit(&cfg)
			c, err := mtgo.NewClient(1, "h", &cfg)
			if c != nil {
				c.Stop()
			}
			if !errors.Is(err, mtgo.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewClient = %v, want ErrInvalidConfig mentioning %q", err, tt.want)
			}
		})
	}
}

func TestCoreConfigAccessors(t *testing.T) {
	cfg := mtgo.DefaultConfig
	cfg.InMemory = true
	cfg.RequestTimeout = 7 * time.Second
	cfg.DialTimeout = 3 * time.Second
	cfg.LocalAddr = "127.0.0.1"
	cfg.ServerAddr = "127.0.0.1:443"
	cfg.AutoConnect = true
	cfg.Takeout = true
	cfg.MaxTopicCacheSize = 50
	lp := &mtgo.LinkPreviewOptions{PreferLargeMedia: true, URL: "https://example.com"}
	cfg.LinkPreview = lp
	c, err := mtgo.NewClient(1, "h", &cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	lp.URL = "changed after NewClient"
	type got struct {
		Req, Dial         time.Duration
		Local, Server     string
		Auto, Takeout     bool
		Topics            int
		Preview           *mtgo.LinkPreviewOptions
		ConfigDialTimeout time.Duration
	}
	want := got{7 * time.Second, 3 * time.Second, "127.0.0.1", "127.0.0.1:443", true, true, 50,
		&mtgo.LinkPreviewOptions{PreferLargeMedia: true, URL: "https://example.com"}, 3 * time.Second}
	have := got{c.ReqTimeout(), c.Timeout(), c.LocalAddr(), c.ServerAddr(), c.AutoConnect(), c.Takeout(),
		c.MaxTopicCacheSize(), c.LinkPreviewOptions(), c.Config().DialTimeout}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Fatalf("accessors (-want +got):\n%s", diff)
	}
	c.LinkPreviewOptions().URL = "x"
	if c.LinkPreviewOptions().URL != "https://example.com" {
		t.Fatal("LinkPreviewOptions returns the client's own value")
	}
	// Defaults of the new fields.
	d, err := mtgo.NewClient(1, "h", &mtgo.Config{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	if d.Timeout() != mtgo.DefaultDialTimeout || d.MaxTopicCacheSize() != mtgo.DefaultMaxTopicCacheSize || d.LinkPreviewOptions() != nil {
		t.Fatalf("defaults: dial %v topics %d preview %v", d.Timeout(), d.MaxTopicCacheSize(), d.LinkPreviewOptions())
	}
	if s := cfg.String(); !strings.Contains(s, "DialTimeout") || !strings.Contains(s, "ServerAddr") {
		t.Fatalf("Config.String misses the new fields: %s", s)
	}
}

func TestE2EServerAndLocalAddr(t *testing.T) {
	cl := cluster(t)
	// One fixed address for every data center, no DCAddrs: DC 2 is reached there.
	c, _ := e2eBot(t, cl, "e2e_fixed_bot", func(cfg *mtgo.Config) {
		cfg.DCAddrs = nil
		cfg.ServerAddr = cl.Addrs()[2]
		cfg.LocalAddr = "127.0.0.1"
	})
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
		t.Fatal(err)
	}
	if got := c.ConnectionSnapshot().Conns[0].Addr; got != cl.Addrs()[2] {
		t.Fatalf("home address %q, want %q", got, cl.Addrs()[2])
	}
	// A local address the machine does not have: the dial fails, and says so.
	bad := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.LocalAddr = "192.0.2.1"; cfg.ReconnectAttempts = 1 })
	err := bad.Connect(10 * time.Second)
	if err == nil || !strings.Contains(err.Error(), "192.0.2.1") {
		t.Fatalf("connect from a foreign local address: %v", err)
	}
}

func TestE2EAutoConnect(t *testing.T) {
	cl := cluster(t)
	src, bot := e2eBot(t, cl, "e2e_auto_bot")
	str, err := src.ExportSessionString()
	if err != nil {
		t.Fatal(err)
	}
	manual := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.SessionString = str })
	if _, err := manual.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); !errors.Is(err, mtgo.ErrNotConnected) {
		t.Fatalf("call before Connect without AutoConnect: %v, want ErrNotConnected", err)
	}
	auto := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.SessionString = str; cfg.AutoConnect = true })
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 { // concurrent first calls connect once
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := auto.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("auto-connected call: %v", err)
		}
	}
	if !auto.IsConnected() || auto.Me() == nil || auto.Me().ID != bot.ID {
		t.Fatalf("after the auto connect: connected %v, Me %+v", auto.IsConnected(), auto.Me())
	}
	auto.Stop()
	if _, err := auto.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); !errors.Is(err, mtgo.ErrClientClosed) {
		t.Fatalf("call after Stop with AutoConnect: %v, want ErrClientClosed", err)
	}
}

func TestE2ETakeoutMode(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Export", Phone: "15551077"}, func(cfg *mtgo.Config) { cfg.Takeout = true })
	// account.finishTakeoutSession runs only inside invokeWithTakeout: the client opened a
	// takeout session after login and wraps its calls.
	if _, err := c.Invoke(&tg.AccountFinishTakeoutSessionRequest{Success: true}, 0, 0); err != nil {
		t.Fatalf("finish takeout in takeout mode: %v", err)
	}
	plain, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Plain", Phone: "15551078"})
	if _, err := plain.Invoke(&tg.AccountFinishTakeoutSessionRequest{}, 0, 0); !rpcerr.IsType(err, "TAKEOUT_REQUIRED") {
		t.Fatalf("finish takeout outside takeout mode: %v, want TAKEOUT_REQUIRED", err)
	}
	// A session string of a bot (the token is not in the config): the server refuses the
	// takeout session, and Connect (whose first call opens it) says which step failed instead
	// of running outside it.
	b, _ := e2eBot(t, cl, "e2e_takeout_bot")
	str, err := b.ExportSessionString()
	if err != nil {
		t.Fatal(err)
	}
	bot := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.SessionString = str; cfg.Takeout = true })
	if err := bot.Connect(10 * time.Second); err == nil || !strings.Contains(err.Error(), "init takeout session") {
		t.Fatalf("bot connecting in takeout mode: %v", err)
	}
}

func TestE2ERawAndRawResult(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_raw_bot")
	if c.Raw() != c.RPC() || c.Raw() == nil {
		t.Fatal("Raw and RPC differ")
	}
	var seen atomic.Int32
	c.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
		return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
			if _, ok := in.(*tg.HelpGetNearestDCRequest); ok {
				seen.Add(1)
			}
			return next.Invoke(ctx, in, out)
		})
	})
	before := c.LoadSnapshot()
	// A flood wait under the threshold is slept through by the typed client too.
	cl.Faults().FloodWait(tg.HelpGetNearestDCRequestTypeID, 1, 1)
	nd, err := c.Raw().HelpGetNearestDC(ctxT(t), &tg.HelpGetNearestDCRequest{})
	if err != nil {
		t.Fatalf("Raw().HelpGetNearestDC: %v", err)
	}
	if nd.ThisDC != 2 || seen.Load() != 1 {
		t.Fatalf("nearest %+v, middleware saw %d calls", nd, seen.Load())
	}
	raw, err := c.InvokeWithRawResult(ctxT(t), &tg.HelpGetNearestDCRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var dec tg.NearestDC
	var b tl.Buffer
	b.ResetTo(raw)
	if err := dec.Decode(&b); err != nil || dec.ThisDC != 2 || b.Len() != 0 {
		t.Fatalf("raw result %x decodes to %+v, %v", raw, dec, err)
	}
	if seen.Load() != 2 {
		t.Fatalf("middleware saw %d calls, want 2", seen.Load())
	}
	after := c.LoadSnapshot()
	if after.FloodWaits-before.FloodWaits != 1 || after.Calls-before.Calls < 2 || after.CallsPerSecond <= 0 {
		t.Fatalf("load before %+v after %+v", before, after)
	}
	// An rpc_error comes back as such.
	cl.Faults().RPCError(tg.HelpGetNearestDCRequestTypeID, &services.RPCError{Code: 400, Message: "TEST_ERROR"}, 1)
	if _, err := c.InvokeWithRawResult(ctxT(t), &tg.HelpGetNearestDCRequest{}); !rpcerr.IsType(err, "TEST_ERROR") {
		t.Fatalf("raw result of an error: %v", err)
	}
	if _, err := c.InvokeWithRawResult(ctxT(t), nil); err == nil {
		t.Fatal("nil query accepted")
	}
	// A pooled media connection shows in the snapshot and the health.
	if _, err := c.GetSession(ctxT(t), 1, true, false); err != nil {
		t.Fatal(err)
	}
	snap := c.ConnectionSnapshot()
	if len(snap.Conns) != 2 || snap.Conns[1].DC != 1 || snap.Conns[1].Kind != "media" || snap.Conns[1].Addr != cl.Addrs()[1] {
		t.Fatalf("snapshot with a media connection: %+v", snap.Conns)
	}
	if h := c.Health(); len(h.DCs) != 2 || !h.DCs[1].Media || h.DCs[1].Home {
		t.Fatalf("health with a media connection: %+v", h.DCs)
	}
}

func TestE2ELoadSnapshotUpdates(t *testing.T) {
	cl := cluster(t)
	b, _ := e2eBot(t, cl, "e2e_load_bot")
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Loader", Phone: "15551079"})
	got := make(chan struct{}, 1)
	b.OnMessage(func(*mtgo.Context, *types.Message) error {
		got <- struct{}{}
		return nil
	})
	if _, err := u.SendMessage(ctxT(t), "@e2e_load_bot", "hi"); err != nil {
		t.Fatal(err)
	}
	<-got
	// The lag is recorded when the handlers' batch is done; Disconnect waits for the update
	// engine, so for that batch too.
	if err := b.Disconnect(); err != nil {
		t.Fatal(err)
	}
	load := b.LoadSnapshot()
	if load.UpdateLag <= 0 || load.HandlerQueue != 0 {
		t.Fatalf("load after one message: %+v", load)
	}
}

func TestE2EDropRPC(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_drop_bot")
	cl.Faults().DelayMethod(tg.HelpGetNearestDCRequestTypeID, time.Minute, 1)
	sent := make(chan int64, 4)
	ctx := mtgo.WithMsgIDReport(ctxT(t), func(id int64) { sent <- id })
	errc := make(chan error, 1)
	go func() {
		// retries would repeat a failed idempotent call: a dropped one is not repeated.
		_, err := c.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 3, 0)
		errc <- err
	}()
	msgID := <-sent
	if err := cl.Faults().WaitNetwork(ctxT(t), func(st teletest.FaultStats) bool { return st.DelayedAnswers >= 1 }); err != nil {
		t.Fatal(err)
	}
	if n := c.ConnectionSnapshot().Conns[0].InFlight; n != 1 {
		t.Fatalf("calls in flight %d, want 1", n)
	}
	if err := c.DropRPC(ctxT(t), msgID); err != nil {
		t.Fatalf("DropRPC: %v", err)
	}
	if err := <-errc; !errors.Is(err, mtgo.ErrRPCDropped) {
		t.Fatalf("dropped call: %v, want ErrRPCDropped", err)
	}
	if err := c.DropRPC(ctxT(t), msgID); !errors.Is(err, mtgo.ErrUnknownMsgID) {
		t.Fatalf("second DropRPC: %v, want ErrUnknownMsgID", err)
	}
	if _, err := c.Invoke(&tg.HelpGetConfigRequest{}, 0, 0); err != nil {
		t.Fatalf("call after the drop: %v", err)
	}
	if n := c.ConnectionSnapshot().Conns[0].InFlight; n != 0 {
		t.Fatalf("calls in flight after the drop %d", n)
	}
}

func TestE2EHealthDuringFault(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_health_bot", func(cfg *mtgo.Config) { cfg.ReconnectAttempts = -1 })
	lost, back := make(chan struct{}, 8), make(chan struct{}, 8)
	c.OnDisconnect(func(*mtgo.Context) { lost <- struct{}{} })
	c.OnConnect(func(*mtgo.Context) { back <- struct{}{} })
	h := c.Health()
	if !h.Connected || !h.Authorized || h.DC != 2 || len(h.DCs) != 1 || !h.DCs[0].Home || h.DCs[0].State != session.StateConnected {
		t.Fatalf("healthy client: %+v", h)
	}
	// Cut the connection and refuse the redials: the loss shows.
	cl.Faults().RefuseConnections(2, -429, 0)
	cl.Faults().DropConnections(2)
	recv(t, lost, "OnDisconnect after the cut")
	h = c.Health()
	if h.Connected || h.LastError == nil {
		t.Fatalf("health while cut: %+v", h)
	}
	if snap := c.ConnectionSnapshot(); snap.Conns[0].LastError == nil {
		t.Fatalf("snapshot while cut: %+v", snap.Conns[0])
	}
	// Let the redial through: it recovers. A dial that got through just before the faults
	// were cleared may have run OnConnect and been refused after it, so wait for the
	// connect that holds: one OnConnect per attempt, no polling.
	cl.Faults().ClearFaults()
	for h = c.Health(); !h.Connected; h = c.Health() {
		recv(t, back, "OnConnect after the faults cleared")
	}
	if !h.Connected || h.Reconnects < 1 {
		t.Fatalf("health after recovery: %+v", h)
	}
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
		t.Fatal(err)
	}
	if s := c.ConnectionSnapshot().Conns[0]; s.Dials < 2 || s.State != session.StateConnected || s.SessionID == 0 {
		t.Fatalf("snapshot after recovery: %+v", s)
	}
}

func TestE2ENotifyNetworkChange(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_netchange_bot")
	back, lost := make(chan struct{}, 4), make(chan error, 4)
	c.OnConnect(func(*mtgo.Context) { back <- struct{}{} })
	c.OnDisconnect(func(ctx *mtgo.Context) { lost <- ctx.Reason })
	before := c.ConnectionSnapshot().Conns[0]
	c.NotifyNetworkChange()
	if err := recv(t, lost, "OnDisconnect after the network change"); !errors.Is(err, mtgo.ErrNetworkChanged) {
		t.Fatalf("OnDisconnect reason %v, want ErrNetworkChanged", err)
	}
	recv(t, back, "OnConnect after the redial")
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 0, 0); err != nil {
		t.Fatal(err)
	}
	after := c.ConnectionSnapshot().Conns[0]
	if after.Dials != before.Dials+1 || after.SessionID != before.SessionID {
		t.Fatalf("dials %d -> %d, session %x -> %x", before.Dials, after.Dials, before.SessionID, after.SessionID)
	}
	if c.Health().Reconnects < 1 {
		t.Fatal("reconnect not counted")
	}
	// Not connected: nothing happens.
	if err := c.Disconnect(); err != nil {
		t.Fatal(err)
	}
	recv(t, lost, "Disconnect's own OnDisconnect")
	c.NotifyNetworkChange()
	select {
	case err := <-lost:
		t.Fatalf("NotifyNetworkChange while disconnected ran OnDisconnect (%v)", err)
	default:
	}
	if c.Health().Connected || len(c.Health().DCs) != 0 {
		t.Fatalf("health after Disconnect: %+v", c.Health())
	}
}

// TestE2ENetworkChangeKeepsCallInFlight: a call the server is still working on when the
// network changes is answered on the new connection.
func TestE2ENetworkChangeKeepsCallInFlight(t *testing.T) {
	cl := cluster(t)
	bot, err := cl.World().CreateBot(world.BotSpec{FirstName: "Slow", Username: "e2e_slow_inline_bot", Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	b := e2eClient(t, cl, func(cfg *mtgo.Config) { cfg.BotToken = bot.Token })
	if err := b.Start0(t); err != nil {
		t.Fatal(err)
	}
	asked, release := make(chan struct{}, 1), make(chan struct{})
	b.OnInlineQuery(func(ctx *mtgo.Context, q *types.InlineQuery) error {
		asked <- struct{}{}
		<-release
		return q.Answer(ctx, []tg.InputBotInlineResultClass{&tg.InputBotInlineResult{
			ID: "1", Type: "article", Title: tl.Some("late"),
			SendMessage: &tg.InputBotInlineMessageText{Message: "late"},
		}}, mtgo.WithCacheTime(0))
	})
	u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Mover", Phone: "15551080"})
	back := make(chan struct{}, 4)
	u.OnConnect(func(*mtgo.Context) { back <- struct{}{} })
	type answer struct {
		res *tg.MessagesBotResults
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := u.GetInlineBotResults(ctxT(t), "@e2e_slow_inline_bot", nil, "q", "")
		done <- answer{res, err}
	}()
	<-asked // the server holds the user's call until the bot answers
	u.NotifyNetworkChange()
	recv(t, back, "OnConnect after the network change")
	close(release)
	a := <-done
	if a.err != nil || len(a.res.Results) != 1 {
		t.Fatalf("call across the network change: %+v, %v", a.res, a.err)
	}
}

func TestE2ECloseRandomIDAndSession(t *testing.T) {
	cl := cluster(t)
	c, bot := e2eBot(t, cl, "e2e_close_bot")
	s := c.Session()
	if s == nil || s.DC != 2 || len(s.AuthKey) != session.AuthKeySize || s.UserID != bot.ID || !s.Bot {
		t.Fatalf("Session() = %v", s)
	}
	// The session is a copy: changing it changes nothing in the client.
	s.AuthKey[0] ^= 0xff
	if c.Session().AuthKey[0] == s.AuthKey[0] {
		t.Fatal("Session returned the client's own key")
	}
	ids := map[int64]bool{}
	for range 100 {
		id := c.RandomID()
		if id == 0 || ids[id] {
			t.Fatalf("RandomID repeated or zero: %d", id)
		}
		ids[id] = true
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	c.Stop() // after Close: nothing left to do
	if err := c.Connect(time.Second); !errors.Is(err, mtgo.ErrClientClosed) {
		t.Fatalf("Connect after Close: %v", err)
	}
	select {
	case <-c.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
}

func TestE2EServerTimeFollowsServerClock(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_clock_bot")
	near := func(got, want time.Time) bool { return got.Sub(want).Abs() <= 3*time.Second }
	if got := time.Unix(int64(c.ServerTime()), 0); !near(got, time.Now()) {
		t.Fatalf("ServerTime %v, now %v", got, time.Now())
	}
	const skew = 10 * time.Minute
	cl.Faults().SkewClock(skew)
	// The next calls meet the server's clock and correct the offset.
	if _, err := c.Invoke(&tg.HelpGetNearestDCRequest{}, 2, 0); err != nil {
		t.Fatal(err)
	}
	if got := time.Unix(int64(c.ServerTime()), 0); !near(got, time.Now().Add(skew)) {
		t.Fatalf("ServerTime after a %v skew: %v, want about %v (offset %v)", skew, got, time.Now().Add(skew), c.Session().TimeOffset)
	}
}

func TestSetMe(t *testing.T) {
	h := newHarness(t)
	c := h.client()
	if c.Me() != nil || c.IsBot() {
		t.Fatal("fresh client has an account")
	}
	tests := []struct {
		name    string
		user    *types.User
		wantBot bool
	}{
		{"user", &types.User{ID: 77, FirstName: "A"}, false},
		{"bot", &types.User{ID: 78, FirstName: "B", IsBot: true}, true},
	}
	for _, tt := range tests {
		c.SetMe(tt.user)
		if c.Me() != tt.user || c.IsBot() != tt.wantBot {
			t.Fatalf("%s: Me %+v IsBot %v", tt.name, c.Me(), c.IsBot())
		}
		if got := c.Health().Authorized; !got {
			t.Fatalf("%s: not authorized after SetMe", tt.name)
		}
	}
	c.SetMe(nil)
	if c.Me() != nil {
		t.Fatal("SetMe(nil) kept the account")
	}
}

func TestE2EPooled401ReimportsOnce(t *testing.T) {
	cl := cluster(t)
	var imports atomic.Int32
	c, _ := e2eBot(t, cl, "e2e_reauth_bot", func(cfg *mtgo.Config) {
		cfg.FxOptions = append(cfg.FxOptions, mtgo.DecorateSessionFactory(func(f mtgo.SessionFactory) mtgo.SessionFactory {
			return callCountingFactory{f: f, method: tg.AuthImportAuthorizationRequestTypeID, n: &imports}
		}))
	})
	// The call moves to DC 1, whose connection then answers 401 twice: the authorization
	// is imported again once, and the second 401 is the call's error.
	method := uint32(tg.UploadGetFileRequestTypeID)
	cl.Faults().Migrate(method, "FILE", 1, 1)
	unreg := &services.RPCError{Code: 401, Message: "AUTH_KEY_UNREGISTERED"}
	cl.Faults().RPCError(method, unreg, 2)
	_, err := c.Invoke(&tg.UploadGetFileRequest{Location: &tg.InputPhotoFileLocation{ID: 1}, Limit: 4096}, 0, 0)
	if e, ok := rpcerr.As(err); !ok || e.Code != 401 || e.Type != "AUTH_KEY_UNREGISTERED" || !strings.Contains(err.Error(), "dc 1 refused the authorization imported again") {
		t.Fatalf("call with two 401 answers: %v", err)
	}
	if n := imports.Load(); n != 2 {
		t.Fatalf("auth.importAuthorization sent %d times, want 2 (first use and one re-import)", n)
	}
	// One 401, then the call works after the re-import.
	cl.Faults().Migrate(method, "FILE", 1, 1)
	cl.Faults().RPCError(method, unreg, 1)
	cl.Faults().RPCError(method, &services.RPCError{Code: 400, Message: "LOCATION_INVALID_TEST"}, 1)
	_, err = c.Invoke(&tg.UploadGetFileRequest{Location: &tg.InputPhotoFileLocation{ID: 1}, Limit: 4096}, 0, 0)
	if !rpcerr.IsType(err, "LOCATION_INVALID_TEST") {
		t.Fatalf("call after one 401: %v, want the answer after the re-import", err)
	}
	if n := imports.Load(); n != 3 {
		t.Fatalf("auth.importAuthorization sent %d times, want 3", n)
	}
}

// callCountingFactory counts the calls of one method on every connection it builds.
type callCountingFactory struct {
	f      mtgo.SessionFactory
	method uint32
	n      *atomic.Int32
}

func (f callCountingFactory) NewConn(cc mtgo.ConnConfig) (mtgo.Conn, error) {
	c, err := f.f.NewConn(cc)
	if err != nil {
		return nil, err
	}
	return callCountingConn{Conn: c, f: f}, nil
}

type callCountingConn struct {
	mtgo.Conn
	f callCountingFactory
}

func (c callCountingConn) InvokeWith(ctx context.Context, in tl.Encoder, out tl.Decoder, repeatable bool) error {
	q := in
	if w, ok := q.(*tg.InvokeWithoutUpdatesRequest); ok {
		q = w.Query
	}
	if o, ok := q.(tl.Object); ok && o.TypeID() == c.f.method {
		c.f.n.Add(1)
	}
	return c.Conn.InvokeWith(ctx, in, out, repeatable)
}

func TestMinPeerFromUpdates(t *testing.T) {
	h := newHarness(t)
	c := h.client(func(cfg *mtgo.Config) { cfg.NoUpdates = true })
	const channelID, userID = 900, 901
	channel := &tg.Channel{ID: channelID, AccessHash: tl.Some(int64(5)), Title: "big group", Megagroup: true}
	minUser := &tg.User{ID: userID, Min: true, FirstName: tl.Some("seen")}
	msg := &tg.Message{ID: 42, PeerID: &tg.PeerChannel{ChannelID: channelID}, FromID: &tg.PeerUser{UserID: userID}, Message: "hi"}
	c.HandleUpdates(&tg.Updates{
		Updates: []tg.UpdateClass{&tg.UpdateNewChannelMessage{Message: msg, Pts: 1, PtsCount: 1}},
		Users:   []tg.UserClass{minUser},
		Chats:   []tg.ChatClass{channel},
	})
	got, err := c.ResolvePeer(ctxT(t), int64(userID))
	if err != nil {
		t.Fatal(err)
	}
	want := &tg.InputPeerUserFromMessage{Peer: &tg.InputPeerChannel{ChannelID: channelID, AccessHash: 5}, MsgID: 42, UserID: userID}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("min sender (-want +got):\n%s", diff)
	}
	// The full user replaces it.
	c.HandleUpdates(&tg.Updates{Users: []tg.UserClass{&tg.User{ID: userID, AccessHash: tl.Some(int64(77))}}})
	got, err = c.ResolvePeer(ctxT(t), int64(userID))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tg.InputPeerClass(&tg.InputPeerUser{UserID: userID, AccessHash: 77}), got); diff != "" {
		t.Fatalf("after the full user (-want +got):\n%s", diff)
	}
	// A short message in a basic group names its sender by id only.
	c.HandleUpdates(&tg.UpdateShortChatMessage{ID: 8, FromID: 902, ChatID: 40, Message: "yo", Pts: 2, PtsCount: 1})
	got, err = c.ResolvePeer(ctxT(t), int64(902))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tg.InputPeerClass(&tg.InputPeerUserFromMessage{Peer: &tg.InputPeerChat{ChatID: 40}, MsgID: 8, UserID: 902}), got); diff != "" {
		t.Fatalf("sender of a short chat message (-want +got):\n%s", diff)
	}
}

// TestE2ELinkPreview: Config.LinkPreview and the send options. Turning the preview off or
// above the text goes in messages.sendMessage's flags; asking for another URL or a media size
// sends the text with messages.sendMedia and inputMediaWebPage, and the sent message carries
// that preview, the text its own link.
func TestE2ELinkPreview(t *testing.T) {
	cl := cluster(t)
	e2eBot(t, cl, "e2e_preview_bot")
	const text = "see https://example.com"
	tests := []struct {
		name                string
		preview             *mtgo.LinkPreviewOptions
		text                string // text when not ""
		opts                []mtgo.SendOption
		noWebpage, inverted bool           // messages.sendMessage's flags
		viaMedia            bool           // sent with messages.sendMedia and inputMediaWebPage
		want                *types.WebPage // the preview the sent message carries, nil: none
	}{
		{name: "telegram's default"},
		{name: "disabled", preview: &mtgo.LinkPreviewOptions{IsDisabled: true}, noWebpage: true},
		{name: "above the text", preview: &mtgo.LinkPreviewOptions{ShowAboveText: true}, inverted: true},
		{name: "option adds to the default", preview: &mtgo.LinkPreviewOptions{ShowAboveText: true},
			opts: []mtgo.SendOption{mtgo.WithNoWebpage()}, noWebpage: true, inverted: true},
		{name: "another url, large media", preview: &mtgo.LinkPreviewOptions{URL: "https://other.example/page", PreferLargeMedia: true},
			viaMedia: true, want: &types.WebPage{URL: "https://other.example/page", DisplayURL: "other.example/page", ForceLargeMedia: true, Manual: true}},
		{name: "the text's link, small media", preview: &mtgo.LinkPreviewOptions{PreferSmallMedia: true},
			text: "naïve 👍 https://example.com/x ok", viaMedia: true, want: &types.WebPage{URL: "https://example.com/x", DisplayURL: "example.com/x", ForceSmallMedia: true, Manual: true}},
		{name: "no link in the text", preview: &mtgo.LinkPreviewOptions{PreferSmallMedia: true}, text: "no link here"},
		{name: "turned off for this send", preview: &mtgo.LinkPreviewOptions{URL: "https://other.example"},
			opts: []mtgo.SendOption{mtgo.WithNoWebpage()}, noWebpage: true},
		{name: "a url that cannot be previewed", preview: &mtgo.LinkPreviewOptions{URL: "ftp://files.example"},
			text: "plain text stays", viaMedia: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Preview", Phone: fmt.Sprintf("15551%05d", i)},
				func(cfg *mtgo.Config) { cfg.LinkPreview = tt.preview })
			var sent *tg.MessagesSendMessageRequest // the call that went out, nil for sendMedia
			u.UseInvokerMiddleware(func(next tg.Invoker) tg.Invoker {
				return mtgo.InvokerFunc(func(ctx context.Context, in tl.Encoder, out tl.Decoder) error {
					if r, ok := in.(*tg.MessagesSendMessageRequest); ok {
						sent = r
					}
					return next.Invoke(ctx, in, out)
				})
			})
			txt := tt.text
			if txt == "" {
				txt = text
			}
			m, err := u.SendMessage(ctxT(t), "@e2e_preview_bot", txt, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if m.Text != txt {
				t.Fatalf("text %q, want %q", m.Text, txt)
			}
			switch {
			case tt.viaMedia && sent != nil:
				t.Fatal("sent with messages.sendMessage, want messages.sendMedia")
			case !tt.viaMedia && sent == nil:
				t.Fatal("not sent with messages.sendMessage")
			case sent != nil && (sent.NoWebpage != tt.noWebpage || sent.InvertMedia != tt.inverted):
				t.Fatalf("no_webpage %v invert_media %v, want %v %v", sent.NoWebpage, sent.InvertMedia, tt.noWebpage, tt.inverted)
			}
			if tt.want == nil {
				if m.Media != nil {
					t.Fatalf("media %#v, want none", m.Media)
				}
				return
			}
			wp, ok := m.Media.(*types.WebPage)
			if !ok {
				t.Fatalf("media %#v, want a web page", m.Media)
			}
			if diff := cmp.Diff(tt.want, wp, cmpopts.IgnoreFields(types.WebPage{}, "ID", "Type", "SiteName", "Title", "Raw")); diff != "" {
				t.Fatalf("preview (-want +got):\n%s", diff)
			}
		})
	}
}
