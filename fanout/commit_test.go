package fanout

import (
	"context"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/client/storage"
	"github.com/mtgo-labs/mtgo/updates"
)

// TestHeldCommitOwnsItsChannels: the update engine's Commit is valid only until its next
// call (updates.Box reuses the Channels array for the next delivery), and a deferred store
// keeps the commit until the stream acknowledged the updates before it. The held commit must
// keep its channels as they were handed: on the old code the next delivery's entries
// replaced them, so a channel's pts of a later, unacknowledged batch was written (the state
// ran ahead of the stream) and the held one's never was.
func TestHeldCommitOwnsItsChannels(t *testing.T) {
	var q commitQueue
	st := storage.NewInMemory()
	pending := newTicket(1)
	q.add(pending)
	chans := []updates.ChannelPts{{ChannelID: 9, Pts: 6, Named: 7}}
	if err := q.hold(st, updates.Commit{Channels: chans}, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	chans[0] = updates.ChannelPts{ChannelID: 11, Pts: 3} // the engine's next delivery
	pending.left.Store(0)
	close(pending.done)
	if err := q.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	saved, _, err := st.LoadUpdates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]updates.ChannelPts{{ChannelID: 9, Pts: 6, Named: 7}}, saved.Channels); diff != "" {
		t.Errorf("saved channels (-want +got):\n%s", diff)
	}
}
