package mtgo

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestResolvePeerErrorBounded resolves identifiers of a megabyte, which a bot may be handed
// by a user: the error says what failed without repeating the whole input.
func TestResolvePeerErrorBounded(t *testing.T) {
	c := newOfflineClient(t)
	for _, id := range []string{strings.Repeat("a", 1<<20), "@" + strings.Repeat("b", 1<<20), "+" + strings.Repeat("1", 1<<20)} {
		_, err := c.ResolvePeer(context.Background(), id)
		if !errors.Is(err, ErrPeerNotFound) {
			t.Fatalf("error %v, want one matching ErrPeerNotFound", err)
		}
		if n := len(err.Error()); n > 512 {
			t.Errorf("error of %d bytes for an id of %d: %.80s...", n, len(id), err)
		}
	}
}
