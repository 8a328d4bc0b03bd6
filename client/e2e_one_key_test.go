package mtgo_test

import (
	"crypto/rand"
	"testing"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EOneKeyPerFreshDC: a download with several workers from a data center the client has
// no key for yet opens several connections to it at once; they share one key exchange, the
// first connection's, and the data center ends up with one key. Before, each connection made
// its own key (the pool's per-DC lock ended before the exchange), and all but the last one
// saved were thrown away.
func TestE2EOneKeyPerFreshDC(t *testing.T) {
	for _, tc := range []struct {
		name string
		cdn  bool
		dc   int
	}{
		{name: "other dc", dc: 1},
		{name: "cdn", cdn: true, dc: teletest.DefaultCDNDC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := cluster(t)
			if tc.cdn {
				cl = cdnCluster(t)
			}
			c, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Oona", Phone: "15551097"})
			data := make([]byte, 2<<20+99)
			_, _ = rand.Read(data)
			loc := e2eUpload(t, c, data, 2)
			id := loc.Input.(*tg.InputDocumentFileLocation).ID
			var err error
			if tc.cdn {
				err = cl.CDN().Serve(id)
			} else {
				err = cl.World().MoveFile(id, tc.dc)
			}
			if err != nil {
				t.Fatal(err)
			}
			wantDownload(t, c, loc, data, "with 4 workers", media.WithWorkers(4))
			if n := cl.DC(tc.dc).AuthKeys(); n != 1 {
				t.Fatalf("dc %d has %d keys after the download, want 1", tc.dc, n)
			}
		})
	}
}
