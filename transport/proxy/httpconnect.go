package proxy

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	"github.com/mtgo-labs/mtgo/transport"
)

// HTTPConnect dials through an HTTP proxy with the CONNECT method, sending
// basic auth when Username is set.
type HTTPConnect struct {
	// Addr is the proxy's host:port.
	Addr string
	// Username and Password, when Username is not empty, are sent as
	// Proxy-Authorization: Basic.
	Username, Password string
	// Forward reaches the proxy; nil means plain TCP.
	Forward transport.Dialer
}

// DialContext connects to addr through the proxy.
func (d *HTTPConnect) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if err := checkNetwork(network); err != nil {
		return nil, err
	}
	if _, _, err := splitHostPort(addr); err != nil {
		return nil, err
	}
	c, err := forward(d.Forward).DialContext(ctx, "tcp", d.Addr)
	if err != nil {
		return nil, fmt.Errorf("proxy: http %s: %w", d.Addr, err)
	}
	var br *bufio.Reader
	err = handshake(ctx, c, func() error {
		req := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
		if d.Username != "" {
			cred := base64.StdEncoding.EncodeToString([]byte(d.Username + ":" + d.Password))
			req += "Proxy-Authorization: Basic " + cred + "\r\n"
		}
		req += "\r\n"
		if _, err := c.Write([]byte(req)); err != nil {
			return fmt.Errorf("write CONNECT: %w", err)
		}
		// http.ReadResponse takes headers of any size and number: the answer is read
		// through a bound, lifted once it is in.
		lr := &boundedReader{r: c, n: maxConnectResponse}
		br = bufio.NewReader(lr)
		resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
		if err != nil {
			return fmt.Errorf("read response: %w: %w", ErrProtocol, noEOF(err))
		}
		lr.n = -1
		// The body is left alone: a 2xx answer's Content-Length or Transfer-Encoding must be
		// ignored (RFC 9110, 9.3.6), the bytes after its header are the tunnel's; any other
		// answer fails the dial and the connection is closed unread.
		switch {
		case resp.StatusCode == http.StatusProxyAuthRequired || resp.StatusCode == http.StatusUnauthorized:
			return fmt.Errorf("%s: %w", statusText(resp.Status), ErrAuth)
		case resp.StatusCode/100 != 2:
			return fmt.Errorf("%s: %w", statusText(resp.Status), ErrRejected)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("proxy: http %s to %s: %w", d.Addr, addr, err)
	}
	if br.Buffered() > 0 {
		// The tunnel's first bytes arrived with the response.
		return &bufferedConn{Conn: c, r: br}, nil
	}
	return c, nil
}

// statusText returns the proxy's status line for an error: at most 64 bytes of it, quoted, so
// that neither its length nor control characters in it reach a log line.
func statusText(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}

// maxConnectResponse bounds the proxy's answer to CONNECT, status line and headers: real
// proxies send a few hundred bytes.
const maxConnectResponse = 64 << 10

// errResponseTooLong is boundedReader's error once its bound is reached.
var errResponseTooLong = fmt.Errorf("answer longer than %d bytes", maxConnectResponse)

// boundedReader reads from r until n bytes were read, then fails; n < 0 means no bound.
type boundedReader struct {
	r io.Reader
	n int
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n < 0 {
		return b.r.Read(p)
	}
	if b.n == 0 {
		return 0, errResponseTooLong
	}
	m, err := b.r.Read(p[:min(len(p), b.n)])
	b.n -= m
	return m, err
}

// bufferedConn reads what the response reader buffered before the socket.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
