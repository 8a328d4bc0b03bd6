package mtgobench

import (
	"context"
	"crypto/rsa"
	"fmt"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gotd/td/telegram"
	"github.com/gotd/td/telegram/message"
	gotdtg "github.com/gotd/td/tg"
	"github.com/gotd/td/tgtest"
	"github.com/gotd/td/tgtest/cluster"

	mtgo "github.com/mtgo-labs/mtgo/client"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// startGotdCluster runs gotd's tgtest cluster answering help.getNearestDc and
// messages.sendMessage (updateShortSentMessage, pts counting up), until the benchmark ends.
func startGotdCluster(b *testing.B) *cluster.Cluster {
	b.Helper()
	cl := cluster.NewCluster(cluster.Options{})
	var pts atomic.Int32
	sent := func(s *tgtest.Server, req *tgtest.Request) error {
		p := pts.Add(1)
		return s.SendResult(req, &gotdtg.UpdateShortSentMessage{ID: int(p), Pts: int(p), PtsCount: 1, Date: int(time.Now().Unix())})
	}
	// The server speaks layer 170: MTGo's messages.sendMessage (its layer's constructor) is
	// answered by the same handler, which does not read the request.
	cl.Dispatch(2, "dc2").
		Result(gotdtg.HelpGetNearestDCRequestTypeID, &gotdtg.NearestDC{Country: "NL", ThisDC: 2, NearestDC: 2}).
		HandleFunc(gotdtg.MessagesSendMessageRequestTypeID, sent).
		HandleFunc(tg.MessagesSendMessageRequestTypeID, sent)
	ctx, cancel := context.WithCancel(context.Background())
	up := make(chan error, 1)
	go func() { up <- cl.Up(ctx) }()
	b.Cleanup(func() {
		cancel()
		<-up
	})
	select {
	case <-cl.Ready():
	case err := <-up:
		b.Fatalf("gotd cluster: %v", err)
	}
	return cl
}

// clientPair is MTGo's and gotd's whole client, connected to one gotd tgtest cluster.
type clientPair struct {
	mtgo *mtgo.Client
	gotd *gotdtg.Client
}

func startClientPair(b *testing.B) clientPair {
	b.Helper()
	cl := startGotdCluster(b)
	addrs := map[int]string{}
	for _, o := range cl.List().Options {
		addrs[o.ID] = net.JoinHostPort(o.IPAddress, strconv.Itoa(o.Port))
	}
	var keys []*rsa.PublicKey
	for _, k := range cl.Keys() {
		keys = append(keys, k.RSA)
	}
	cfg := mtgo.DefaultConfig
	cfg.InMemory, cfg.NoObfuscation, cfg.DCAddrs, cfg.PublicKeys = true, true, addrs, keys
	mc, err := mtgo.NewClient(17349, "bench", &cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(mc.Stop)
	if err := mc.Connect(30 * time.Second); err != nil {
		b.Fatalf("mtgo connect: %v", err)
	}

	gctx, gcancel := context.WithCancel(context.Background())
	gc := telegram.NewClient(telegram.TestAppID, telegram.TestAppHash, telegram.Options{
		PublicKeys: cl.Keys(), DC: 2, DCList: cl.List(), Resolver: cl.Resolver(), NoUpdates: true,
	})
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- gc.Run(gctx, func(ctx context.Context) error {
			close(ready)
			<-ctx.Done()
			return nil
		})
	}()
	b.Cleanup(func() {
		gcancel()
		<-done
	})
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("gotd client: %v", err)
	}
	return clientPair{mtgo: mc, gotd: gc.API()}
}

// compareCallers runs each library's call (once untimed, to warm up) at 1, 16 and 256
// concurrent callers.
func compareCallers(b *testing.B, mtgoCall, gotdCall func() error) {
	for _, call := range []func() error{mtgoCall, gotdCall} {
		if err := call(); err != nil {
			b.Fatalf("warm-up call: %v", err)
		}
	}
	for _, callers := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("callers=%d/mtgo", callers), func(b *testing.B) { runCallers(b, callers, mtgoCall) })
		b.Run(fmt.Sprintf("callers=%d/gotd", callers), func(b *testing.B) { runCallers(b, callers, gotdCall) })
	}
}

// BenchmarkClientInvoke compares the whole clients, MTGo's Client.InvokeContext and gotd's
// telegram.Client API, calling help.getNearestDc on the same gotd tgtest server over loopback
// TCP (intermediate framing, no obfuscation) with 1, 16 and 256 concurrent callers. The key
// exchange and the first call run before the timer. cpu-ns/call is the process's CPU time
// (both clients' and the server's) per call.
func BenchmarkClientInvoke(b *testing.B) {
	p := startClientPair(b)
	ctx := context.Background()
	compareCallers(b, func() error {
		_, err := p.mtgo.InvokeContext(ctx, &tg.HelpGetNearestDCRequest{}, 0, 0)
		return err
	}, func() error {
		_, err := p.gotd.HelpGetNearestDC(ctx)
		return err
	})
}

// BenchmarkClientSendMessage is BenchmarkClientInvoke with one high-level method: MTGo's
// Client.SendMessage and gotd's message.Sender, sending a short text to the user's own chat
// (inputPeerSelf); the server answers updateShortSentMessage.
func BenchmarkClientSendMessage(b *testing.B) {
	p := startClientPair(b)
	ctx := context.Background()
	sender := message.NewSender(p.gotd).Self()
	compareCallers(b, func() error {
		_, err := p.mtgo.SendMessage(ctx, &tg.InputPeerSelf{}, "hello from the benchmark")
		return err
	}, func() error {
		_, err := sender.Text(ctx, "hello from the benchmark")
		return err
	})
}
