package transporttest

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
)

// EchoServer starts a TCP echo server on 127.0.0.1 and returns its address.
// It stops, with every connection closed and goroutine ended, when the test
// finishes.
func EchoServer(tb testing.TB) string {
	tb.Helper()
	return Serve(tb, "127.0.0.1:0", func(c net.Conn) { _, _ = io.Copy(c, c) })
}

// Serve listens on addr and runs handle for every connection in its own
// goroutine, closing the connection when handle returns. Everything stops
// when the test finishes.
func Serve(tb testing.TB, addr string, handle func(net.Conn)) string {
	tb.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		tb.Fatalf("listen %s: %v", addr, err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]struct{}{}
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = struct{}{}
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() {
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
					_ = c.Close()
				}()
				handle(c)
			}()
		}
	}()
	tb.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		for c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// Service describes one proxy daemon started by scripts/services.d.
type Service struct {
	// Name is shown in skip and failure messages.
	Name string
	// Env is the environment variable holding the address; Default is
	// used when it is unset.
	Env, Default string
	// Binary is the daemon's executable, looked up when the service does
	// not answer to tell "not installed" from "not running".
	Binary string
}

// Require returns the service's address. When nothing listens there it
// skips the test if the binary is not installed and MTGO_CI is unset, and
// fails it otherwise (under CI every proxy must run).
func Require(tb testing.TB, s Service) string {
	tb.Helper()
	addr := os.Getenv(s.Env)
	if addr == "" {
		addr = s.Default
	}
	c, err := net.Dial("tcp", addr)
	if err == nil {
		_ = c.Close()
		return addr
	}
	ci := os.Getenv("MTGO_CI") != ""
	_, lookErr := findBinary(s.Binary)
	switch {
	case ci:
		tb.Fatalf("%s not reachable at %s (MTGO_CI set, it must run: see scripts/services.d/proxies.sh): %v", s.Name, addr, err)
	case lookErr != nil:
		tb.Skipf("%s: binary %s not installed (apt-get install it or run .ci/run); skipping", s.Name, s.Binary)
	default:
		tb.Fatalf("%s installed but not reachable at %s: start it with scripts/services.d/proxies.sh: %v", s.Name, addr, err)
	}
	return ""
}

func findBinary(name string) (string, error) {
	for _, dir := range []string{"/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/bin", "/sbin"} {
		p := dir + "/" + name
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("not found")
}
