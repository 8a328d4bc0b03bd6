package mtgo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EKeyForgottenOnCDN: the CDN data center forgets the client's auth key there (kept in
// memory only, shared by every connection to the CDN). The next download through the CDN
// gets -404 three times; the client then drops that key and makes a new one, and the
// download completes. Before, the dead key stayed in memory: every later connection to the
// CDN got -404 again and downloads through it failed until the client was restarted.
func TestE2EKeyForgottenOnCDN(t *testing.T) {
	cl := cdnCluster(t)
	c, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Cosima", Phone: "15551096"})
	data := make([]byte, 1<<20+777)
	_, _ = rand.Read(data)
	loc := e2eUpload(t, c, data, 2)
	if err := cl.CDN().Serve(loc.Input.(*tg.InputDocumentFileLocation).ID); err != nil {
		t.Fatal(err)
	}
	download := func(what string, workers int) {
		t.Helper()
		wantDownload(t, c, loc, data, what, media.WithWorkers(workers))
	}
	download("through the cdn", 4)
	cdn := cl.DC(teletest.DefaultCDNDC)
	if cdn.AuthKeys() != 1 {
		t.Fatalf("%d keys on the cdn after the first download, want 1", cdn.AuthKeys())
	}
	for round := range 2 {
		if n := cl.Faults().ForgetAuthKeys(teletest.DefaultCDNDC); n != 1 {
			t.Fatalf("round %d: the cdn forgot %d keys, want 1", round, n)
		}
		download("after the cdn forgot the key", 1+round)
		if n := cdn.AuthKeys(); n != 1 {
			t.Fatalf("round %d: %d keys on the cdn after the download, want 1", round, n)
		}
	}
	wantSelf(t, c, c.Me().ID)
}

// wantDownload downloads loc with opts and fails the test unless it gets data; what names
// the download.
func wantDownload(t *testing.T, c *testClient, loc media.Location, data []byte, what string, opts ...media.Option) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var got bytes.Buffer
	if n, err := c.Media().Download(ctx, loc, &got, opts...); err != nil || n != int64(len(data)) {
		t.Fatalf("download %s: n=%d err=%v", what, n, err)
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("download %s: the bytes differ", what)
	}
}
