package transporttest_test

import (
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mtgo-labs/mtgo/transport/transporttest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// How the helpers are used: a Pipe pair, one end wrapped in a fault.
func TestPipeAndFaults(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	defer b.Close()
	a.Write([]byte("hello"))
	a.Write([]byte(" world")) // writes never wait for the reader
	buf := make([]byte, 11)
	if _, err := io.ReadFull(b, buf); err != nil || string(buf) != "hello world" {
		t.Fatalf("read %q: %v", buf, err)
	}

	b.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	if _, err := b.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("deadline: %v", err)
	}
	b.SetReadDeadline(time.Time{})

	cut := transporttest.CutAfter(a, 3)
	if n, err := cut.Write([]byte("abcdef")); n != 3 || !errors.Is(err, transporttest.ErrCut) {
		t.Fatalf("cut write n=%d err=%v", n, err)
	}
	got, err := io.ReadAll(b)
	if err != nil || string(got) != "abc" {
		t.Fatalf("after cut: %q %v", got, err)
	}
}

func TestCorruptAt(t *testing.T) {
	a, b := transporttest.Pipe()
	defer a.Close()
	a.Write([]byte{0, 0, 0, 0})
	a.Close()
	got, _ := io.ReadAll(transporttest.CorruptAt(b, 3))
	if string(got) != "\x00\x00\xff\x00" {
		t.Fatalf("got %x", got)
	}
}

func TestLoopback(t *testing.T) {
	var l transporttest.Loopback
	l.Write([]byte("xy"))
	buf := make([]byte, 4)
	if n, _ := l.Read(buf); n != 2 {
		t.Fatalf("n=%d", n)
	}
	if _, err := l.Read(buf); err != io.EOF {
		t.Fatalf("empty loopback: %v", err)
	}
}
