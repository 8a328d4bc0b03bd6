package mtgo_test

import (
	"context"
	"testing"
	"time"
)

// TestE2EGetSessionUnknownDC checks that a data center the server's configuration does not
// list fails at once instead of being dialled at Telegram's built-in address.
func TestE2EGetSessionUnknownDC(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eBot(t, cl, "e2e_unknown_dc_bot")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.GetSession(ctx, 4, true, false); err == nil {
		t.Fatal("GetSession(4) on a three-DC cluster succeeded")
	} else if ctx.Err() != nil {
		t.Fatalf("GetSession(4) = %v only after the deadline: it dialled instead of failing", err)
	}
	if _, err := c.GetSession(ctx, 3, true, false); err != nil {
		t.Fatalf("GetSession(3) = %v", err)
	}
}
