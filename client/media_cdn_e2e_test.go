package mtgo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"testing"

	"github.com/mtgo-labs/mtgo/media"
	"github.com/mtgo-labs/mtgo/teletest"
	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// cdnCluster starts a test cluster with a CDN data center (DC 203, its own RSA key, listed by
// help.getConfig and help.getCdnConfig), closed when the test ends.
func cdnCluster(t testing.TB) *teletest.Cluster {
	t.Helper()
	cl, err := teletest.Start(teletest.Config{Key: sharedKey(t), CDN: &teletest.CDNConfig{Key: cdnKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	return cl
}

// The whole client against the cluster's CDN data center over loopback TCP: the master
// redirects the download, the client learns the CDN's address (help.getConfig) and key
// (help.getCdnConfig), opens a session to DC 203 without logging in, decrypts and verifies
// every part; a tampered block fails the download with the block named and is never written;
// a reupload the CDN asks for is made and the download completes.
func TestE2EMediaDownloadThroughCDN(t *testing.T) {
	cl := cdnCluster(t)
	c, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Cedric", Phone: "15551095"})
	data := make([]byte, 3<<20+4321)
	_, _ = rand.Read(data)
	want := sha256.Sum256(data)
	loc := e2eUpload(t, c, data, 4)
	id := loc.Input.(*tg.InputDocumentFileLocation).ID
	if err := cl.CDN().Serve(id); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	// One worker opens one connection to the CDN, which makes the client's CDN key.
	h := sha256.New()
	if n, err := c.Media().Download(ctx, loc, h, media.WithWorkers(1)); err != nil || n != int64(len(data)) {
		t.Fatalf("download through the cdn: n=%d err=%v", n, err)
	}
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("sha256 of the download through the cdn differs")
	}
	cdn := cl.DC(teletest.DefaultCDNDC)
	if cdn == nil || !cdn.CDN() || cdn.AuthKeys() != 1 || cdn.Sessions() == 0 {
		t.Fatal("no session was opened with the cdn data center")
	}
	// Four workers open more connections; they reuse that key instead of making their own.
	h.Reset()
	if n, err := c.Media().Download(ctx, loc, h, media.WithWorkers(4)); err != nil || n != int64(len(data)) {
		t.Fatalf("download through the cdn with 4 workers: n=%d err=%v", n, err)
	}
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("sha256 of the 4-worker download through the cdn differs")
	}
	if cdn.Connections() < 2 || cdn.AuthKeys() != 1 {
		t.Fatalf("4 workers: %d cdn connections, %d keys; want several connections sharing one key", cdn.Connections(), cdn.AuthKeys())
	}
	if st := cl.CDN().Stats(); st.Redirects == 0 || st.Parts < len(data)>>20 || st.HashCalls == 0 {
		t.Fatalf("the cluster's cdn counts %+v for a %d-byte download", st, len(data))
	}

	// A corrupted block: the hash from the master does not match, the download fails naming
	// the block, and what was written is a prefix of the file ending before it.
	const bad = 2<<20 + 5000
	cl.CDN().Tamper(id, bad)
	var out bytes.Buffer
	_, err := c.Media().Download(ctx, loc, &out, media.WithWorkers(4))
	var mismatch *media.HashMismatchError
	if !errors.As(err, &mismatch) || !errors.Is(err, media.ErrCDNHashMismatch) {
		t.Fatalf("download of a tampered file: %v, want a %T", err, mismatch)
	}
	if block := int64(bad / (128 << 10) * (128 << 10)); mismatch.Offset != block {
		t.Fatalf("mismatch at %d, want the tampered block at %d", mismatch.Offset, block)
	}
	if written := out.Bytes(); int64(len(written)) > mismatch.Offset || !bytes.Equal(written, data[:len(written)]) {
		t.Fatalf("%d bytes written before the tampered block at %d (a prefix of the file: %v)",
			len(written), mismatch.Offset, bytes.Equal(written, data[:min(len(written), len(data))]))
	}

	// Serving the file afresh clears the corruption; the CDN then asks twice for a reupload.
	if err := cl.CDN().Serve(id); err != nil {
		t.Fatal(err)
	}
	if err := cl.CDN().RequireReupload(id, 2); err != nil {
		t.Fatal(err)
	}
	h.Reset()
	if n, err := c.Media().Download(ctx, loc, h, media.WithWorkers(4)); err != nil || n != int64(len(data)) {
		t.Fatalf("download after reupload requests: n=%d err=%v", n, err)
	}
	if !bytes.Equal(h.Sum(nil), want[:]) {
		t.Fatal("sha256 of the download after reuploads differs")
	}
	if st := cl.CDN().Stats(); st.ReuploadsNeeded != 2 || st.Reuploads == 0 {
		t.Fatalf("reuploads: %+v, want 2 asked for and at least one made", st)
	}
}
