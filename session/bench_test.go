package session_test

import (
	"context"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/session"
	"github.com/mtgo-labs/mtgo/session/sessiontest"
	"github.com/mtgo-labs/mtgo/tl/mt"
)

// BenchmarkInvoke measures pipelined calls through a Conn to the scripted server over an
// in-memory pipe, with 1, 16 and 256 concurrent callers. Both ends run in this process, so the
// numbers include the server engine's work. The ping variant is answered by the server engine
// itself; the echo variant goes through the server's handler.
func BenchmarkInvoke(b *testing.B) {
	for _, kind := range []string{"ping", "echo"} {
		for _, callers := range []int{1, 16, 256} {
			b.Run(fmt.Sprintf("%s/callers=%d", kind, callers), func(b *testing.B) {
				srv := sessiontest.NewServer(b)
				conn, err := session.New(session.Options{
					Session: srv.Session(), Dialer: srv.Dialer(), PublicKeys: srv.PublicKeys(),
					MaxInFlight: 1024,
				})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() {
					defer close(done)
					_ = conn.Run(ctx)
				}()
				defer func() {
					cancel()
					<-done
				}()
				call := func() error {
					if kind == "ping" {
						var pong mt.Pong
						return conn.Invoke(ctx, &mt.PingRequest{PingID: 1}, &pong)
					}
					var out sessiontest.Payload
					return conn.Invoke(ctx, &sessiontest.Payload{N: 1, Data: []byte("0123456789abcdef")}, &out)
				}
				if err := call(); err != nil { // key exchange outside the timing
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				start, cpu0 := time.Now(), cpuTime()
				var wg sync.WaitGroup
				per := b.N / callers
				extra := b.N % callers
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
			})
		}
	}
}

// cpuTime returns the CPU time (user + system) the process used so far. On a machine shared with
// other work, CPU per call is steadier than calls per second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
