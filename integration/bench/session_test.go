package mtgobench

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"fmt"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	gotdexchange "github.com/gotd/td/internal/exchange"
	gotdmtproto "github.com/gotd/td/internal/mtproto"
	"github.com/gotd/td/tgtest"
	gotdtransport "github.com/gotd/td/transport"

	"github.com/mtgo-labs/mtgo/crypto"
	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/tl/mt"
	"github.com/mtgo-labs/mtgo/transport"
)

// pingServer runs gotd's in-process tgtest server on loopback TCP. It answers ping itself
// (layer-independent, so both clients can use it) and ignores everything else (acks,
// future salt requests of either client).
type pingServer struct {
	addr string
	key  *rsa.PrivateKey
	srv  *tgtest.Server
}

var (
	serverKeyOnce sync.Once
	serverKey     *rsa.PrivateKey
)

func startPingServer(tb testing.TB) *pingServer {
	tb.Helper()
	serverKeyOnce.Do(func() {
		var err error
		if serverKey, err = rsa.GenerateKey(crand.Reader, 2048); err != nil {
			panic(err)
		}
	})
	ignore := tgtest.HandlerFunc(func(*tgtest.Server, *tgtest.Request) error { return nil })
	srv := tgtest.NewServer(tgtest.NewPrivateKey(serverKey), ignore, tgtest.ServerOptions{})
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ctx, gotdtransport.Listen(ln))
	}()
	tb.Cleanup(func() {
		cancel()
		_ = ln.Close()
		<-done
	})
	return &pingServer{addr: ln.Addr().String(), key: serverKey, srv: srv}
}

// runCallers runs b.N calls of call split over callers goroutines and reports calls/s.
func runCallers(b *testing.B, callers int, call func() error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	per, extra := b.N/callers, b.N%callers
	for i := range callers {
		n := per
		if i < extra {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n {
				if err := call(); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/call")
}

// BenchmarkSessionPing compares pipelined ping round trips of MTGo's session.Conn and gotd's
// MTProto client, both over loopback TCP (intermediate framing) to the same gotd tgtest server,
// with 1, 16 and 256 concurrent callers. The key exchange (MTGo's client against gotd's
// server) runs before the timer starts.
func BenchmarkSessionPing(b *testing.B) {
	srv := startPingServer(b)
	for _, callers := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("gotd/callers=%d", callers), func(b *testing.B) {
			conn := gotdmtproto.New(func(ctx context.Context) (gotdtransport.Conn, error) {
				var d net.Dialer
				nc, err := d.DialContext(ctx, "tcp", srv.addr)
				if err != nil {
					return nil, err
				}
				return gotdtransport.Intermediate.Handshake(nc)
			}, gotdmtproto.Options{
				PublicKeys: []gotdexchange.PublicKey{srv.srv.Key()},
				Random:     crand.Reader,
			})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ran := false
			err := conn.Run(ctx, func(ctx context.Context) error {
				if err := conn.Ping(ctx); err != nil {
					return err
				}
				runCallers(b, callers, func() error { return conn.Ping(ctx) })
				ran = true
				cancel()
				return nil
			})
			// Run reports the connection closing after f returns; only a failure before that
			// matters.
			if !ran {
				b.Fatal(err)
			}
		})
		b.Run(fmt.Sprintf("mtgo/callers=%d", callers), func(b *testing.B) {
			pub, err := crypto.NewPublicKey(&srv.key.PublicKey)
			if err != nil {
				b.Fatal(err)
			}
			conn, err := session.New(session.Options{
				Session:    session.Session{DC: 2, Addr: srv.addr},
				PublicKeys: []crypto.PublicKey{pub},
				Dialer:     session.TransportDialer{Options: transport.ClientOptions{Codec: transport.Intermediate}},
			})
			if err != nil {
				b.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- conn.Run(ctx) }()
			defer func() {
				cancel()
				<-done
			}()
			ping := func() error {
				var pong mt.Pong
				return conn.Invoke(ctx, &mt.PingRequest{PingID: 1}, &pong)
			}
			if err := ping(); err != nil {
				b.Fatal(err)
			}
			runCallers(b, callers, ping)
		})
	}
}

// cpuTime returns the CPU time (user + system) the process used so far, client and server
// together. On a machine shared with other work, CPU per call is steadier than calls per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
