package mtgo

import (
	"context"

	"github.com/mtgo-labs/mtgo/tl/tg"
)

// Deliver hands u to c as the update manager does, for the tests of package mtgo_test.
func Deliver(ctx context.Context, c *Client, u tg.UpdatesClass) error { return c.deliver(ctx, u) }
