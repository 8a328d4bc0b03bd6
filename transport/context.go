package transport

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Handshake runs fn, which does blocking I/O on c, with c's deadlines bound
// to ctx: the context's deadline applies to c, and cancelling the context
// unblocks a pending read or write. When the context ends first the error
// matches ctx.Err() (context.DeadlineExceeded or context.Canceled), and c
// is closed at once, which also interrupts a connection that takes no
// deadlines. On failure c is closed; on success its deadline is cleared. Dialers use it for
// proxy and obfuscation handshakes.
func Handshake(ctx context.Context, c net.Conn, fn func() error) error {
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	// When the context ends the handshake fails and c is closed anyway: close it
	// right away, so that a connection without deadline support (SetDeadline
	// failing, as on some tunnels) is interrupted too. The deadline first lets a
	// Close that writes (TLS close_notify) return at once.
	stop := context.AfterFunc(ctx, func() {
		_ = c.SetDeadline(time.Unix(1, 0))
		_ = c.Close()
	})
	err := fn()
	stopped := stop()
	switch {
	case !stopped || ctx.Err() != nil:
		// The context ended during the handshake: that is the cause.
		err = errors.Join(ctxErr(ctx), err)
	case err != nil:
		// A deadline-driven timeout a moment before the context's own timer.
		if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
			err = errors.Join(context.DeadlineExceeded, err)
		}
	}
	if err != nil {
		_ = c.Close()
		return err
	}
	if err := c.SetDeadline(time.Time{}); err != nil {
		_ = c.Close()
		return fmt.Errorf("transport: clear deadline: %w", err)
	}
	return nil
}

func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return context.Canceled
}
