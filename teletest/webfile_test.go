package teletest

import (
	"bytes"
	"context"
	"testing"

	"github.com/mtgo-labs/mtgo/tl/rpcerr"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// A web file a test registers is served over MTProto to the person shown its web document,
// and to nobody else.
func TestKitWebFile(t *testing.T) {
	s := New(t)
	alice, bob := s.User("alice"), s.User("bob")
	data := bytes.Repeat([]byte("web"), 3000)
	s.WebFile("https://example.com/w.txt", data, "text/plain")
	doc, err := s.Cluster().World().WebDocument(alice.ID(), "https://example.com/w.txt")
	if err != nil {
		t.Fatal(err)
	}
	loc := &tg.InputWebFileLocation{URL: doc.URL, AccessHash: doc.AccessHash}
	f, err := alice.API().UploadGetWebFile(context.Background(), &tg.UploadGetWebFileRequest{Location: loc, Limit: 16 << 10})
	if err != nil {
		t.Fatalf("alice: %v", err)
	}
	if !bytes.Equal(f.Bytes, data) || f.MimeType != "text/plain" || f.Size != int32(len(data)) {
		t.Fatalf("alice: %v, %d bytes of %q", err, len(f.Bytes), f.MimeType)
	}
	if _, err := bob.API().UploadGetWebFile(context.Background(), &tg.UploadGetWebFileRequest{Location: loc, Limit: 16 << 10}); !rpcerr.IsType(err, "LOCATION_INVALID") {
		t.Fatalf("bob with alice's hash: %v", err)
	}
}
