package transport

import (
	"bytes"
	"math/rand/v2"
	"net"
	"testing"
)

// Large packets on a plain TCP stream go out with writev (header, payload and trailer from
// their own memory) and arrive as the copying path would send them, for every framing that
// can split its frame (all but full, whose checksum covers the payload).
func TestVectoredWriteOverTCP(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, kind := range allKinds {
		t.Run(kind.String(), func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			accepted := make(chan net.Conn, 1)
			go func() {
				c, _ := ln.Accept()
				accepted <- c
			}()
			a, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b := <-accepted
			if b == nil {
				t.Fatal("accept failed")
			}
			defer b.Close()
			client, err := NewClientConn(a, ClientOptions{Codec: kind})
			if err != nil {
				t.Fatal(err)
			}
			server := serverAfterWarmUp(t, client, b, ServerOptions{})
			for _, n := range []int{1048, 24 + 16*4096, 24 + 16*(1<<16-2)} { // encrypted-packet sizes; the last two go vectored
				p := mtprotoPacket(rng, n, false)
				done := make(chan error, 1)
				go func() { done <- client.WritePacket(p) }()
				got, err := server.ReadPacket()
				if err != nil {
					t.Fatalf("read %d: %v", n, err)
				}
				if err := <-done; err != nil {
					t.Fatalf("write %d: %v", n, err)
				}
				_, split := client.(*StreamConn).codec.(splitter) // full has a checksum: always copied
				if vectored := len(client.(*StreamConn).vec) == 3; vectored != (split && n >= vectoredMin) {
					t.Errorf("%d bytes: written vectored = %v", n, vectored)
				}
				if !bytes.Equal(got, p) {
					t.Fatalf("packet of %d bytes came back as %d different bytes", n, len(got))
				}
			}
		})
	}
}
