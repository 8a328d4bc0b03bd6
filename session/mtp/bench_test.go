package mtp

import (
	"fmt"
	"testing"
)

// BenchmarkEngineRoundTrip measures the cores alone: a client engine sends batch calls, a server
// engine answers each, the client takes the answers. No I/O, no goroutines; crypto included.
// ns/op and allocs/op are per call.
func BenchmarkEngineRoundTrip(b *testing.B) {
	for _, batch := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			p := newPair(&testing.T{}, nil)
			req := body(0x11111111, 4)
			var cbuf, sbuf []byte
			var ids CallID
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; done += batch {
				for range batch {
					ids++
					if err := p.c.Enqueue(ids, req, CallOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				for p.c.HasPending(p.now) {
					pkt, _, err := p.c.Flush(p.now, cbuf[:0])
					if err != nil {
						b.Fatal(err)
					}
					cbuf = pkt
					ev, err := p.s.Receive(p.now, pkt)
					if err != nil {
						b.Fatal(err)
					}
					for _, e := range ev {
						if e.Kind == EventRequest {
							p.s.Reply(e.MsgID, e.Body)
						}
					}
				}
				got := 0
				for p.s.HasPending(p.now) {
					pkt, _, err := p.s.Flush(p.now, sbuf[:0])
					if err != nil {
						b.Fatal(err)
					}
					sbuf = pkt
					ev, err := p.c.Receive(p.now, pkt)
					if err != nil {
						b.Fatal(err)
					}
					for _, e := range ev {
						if e.Kind == EventResult {
							got++
						}
					}
				}
				if got != batch {
					b.Fatalf("got %d results for %d calls", got, batch)
				}
			}
		})
	}
}
