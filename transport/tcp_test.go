package transport

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestTCPDialer(t *testing.T) {
	echo := transporttest.EchoServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d := &TCPDialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, Timeout: time.Second}
	c, err := d.DialContext(ctx, "tcp4", echo)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ip := c.LocalAddr().(*net.TCPAddr).IP; !ip.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("local address %v", ip)
	}
	c.Write([]byte("ping"))
	buf := make([]byte, 4)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo %q: %v", buf, err)
	}

	if _, err := d.DialContext(ctx, "udp", echo); err == nil {
		t.Error("udp accepted")
	}
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := (&TCPDialer{}).DialContext(done, "tcp", echo); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestTCPDialerIPv6(t *testing.T) {
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback on this machine: %v", err)
	}
	defer ln.Close()
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}()
	c, err := (&TCPDialer{}).DialContext(context.Background(), "tcp6", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	<-accepted
}

func TestHandshakeContext(t *testing.T) {
	a, b := transporttest.Pipe()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err := Handshake(ctx, a, func() error {
		_, err := a.Read(make([]byte, 1)) // nothing ever arrives
		return err
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if _, err := a.Write([]byte{1}); err == nil {
		t.Fatal("conn left open after a failed handshake")
	}
}

// noDeadlines is a connection that cannot take deadlines, as some tunnels' are.
type noDeadlines struct{ net.Conn }

func (noDeadlines) SetDeadline(time.Time) error { return errors.New("deadlines not supported") }

// A cancelled context ends a handshake even on a connection without deadlines: it is closed.
func TestHandshakeCancelWithoutDeadlines(t *testing.T) {
	a, b := transporttest.Pipe()
	defer b.Close()
	defer a.Close() // releases a handshake that was not interrupted
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		c := noDeadlines{a}
		done <- Handshake(ctx, c, func() error {
			close(started)
			_, err := c.Read(make([]byte, 1)) // nothing ever arrives
			return err
		})
	}()
	<-started
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cancel did not end the handshake")
	}
}
