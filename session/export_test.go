package session

import (
	"context"

	"github.com/mtgo-labs/mtgo/session/mtp"
	"github.com/mtgo-labs/mtgo/tl"
)

// InvokeQueued is Invoke that calls queued once the call is in the loop's mailbox (and the
// loop signalled), before it waits for the answer.
func InvokeQueued(ctx context.Context, c *Conn, in tl.Encoder, out tl.Decoder, queued func()) error {
	_, err := c.invoke(ctx, c.newCall(), in, out, func(mtp.CallID) { queued() })
	return err
}
