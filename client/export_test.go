package mtgo

import (
	"context"
	"time"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Deliver hands u to c as the update manager does, for the tests of package mtgo_test.
func Deliver(ctx context.Context, c *Client, u tg.UpdatesClass) error { return c.deliver(ctx, u) }

// HomeEnded returns a channel closed when c's home connection stops running, nil when c has
// none.
func HomeEnded(c *Client) <-chan struct{} { return c.eng.HomeEnded() }

// HandlerStopGrace is how long a stop still waits for running handlers (handlerStopGrace).
func HandlerStopGrace() time.Duration { return handlerStopGrace }
