package mtgo_test

import (
	"bytes"
	"crypto/rand"
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// TestE2EKeyForgottenOnOtherDC: a data center other than the home one forgets the client's
// auth key there, with the authorization the client imported on it, while the client stays
// logged in at home. The next download from it (media path) and the next call routed to it
// by FILE_MIGRATE (call policy) get -404 three times; the client then drops that key and its
// mark of authorization, and the same call goes on with a new key and an authorization
// imported again. Before, the key and the mark stayed stored: every later connection to the
// data center got -404 again, and the mark kept the import from being tried.
func TestE2EKeyForgottenOnOtherDC(t *testing.T) {
	cl := cluster(t)
	c, _ := e2eUser(t, cl, world.UserSpec{FirstName: "Farah", Phone: "15551094"})
	data := make([]byte, 300<<10+17)
	_, _ = rand.Read(data)
	loc := e2eUpload(t, c, data, 1)
	doc := loc.Input.(*tg.InputDocumentFileLocation)
	if err := cl.World().MoveFile(doc.ID, 1); err != nil {
		t.Fatal(err)
	}
	download := func(what string) {
		t.Helper()
		wantDownload(t, c, loc, data, what)
	}
	download("from dc 1")
	if cl.DC(1).AuthKeys() == 0 {
		t.Fatal("no key exchanged with DC 1")
	}

	if n := cl.Faults().ForgetAuthKeys(1); n == 0 {
		t.Fatal("DC 1 forgot no key")
	}
	download("after dc 1 forgot the key")

	if n := cl.Faults().ForgetAuthKeys(1); n == 0 {
		t.Fatal("DC 1 forgot no key the second time")
	}
	got, err := c.Invoke(&tg.UploadGetFileRequest{Location: doc, Limit: 4096}, 0, 0)
	if err != nil {
		t.Fatalf("upload.getFile after dc 1 forgot the key: %v", err)
	}
	if f := got.(*tg.UploadFile); !bytes.Equal(f.Bytes, data[:4096]) {
		t.Fatalf("upload.getFile after dc 1 forgot the key: %d bytes, not the file's first 4096", len(f.Bytes))
	}
	wantSelf(t, c, c.Me().ID)
}
