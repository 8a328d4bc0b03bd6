package mtp

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mtgo-labs/mtgo/tl"
)

// A call whose byte strings are borrowed reaches the server as the plain encoding would,
// alone and in a container, and the borrowed bytes are never gzip-packed.
func TestBorrowedBodyArrivesWhole(t *testing.T) {
	part := bytes.Repeat([]byte{0xab}, 3000) // compressible: a copy would be gzip-packed
	encode := func(b *tl.Buffer) {
		b.PutID(0x1234abcd)
		b.PutInt64(42)
		b.PutBytes(part)
		b.PutInt32(7)
	}
	var plain tl.Buffer
	encode(&plain)
	for _, calls := range []int{1, 3} {
		p := newPair(t, nil)
		var bufs []*tl.Buffer
		for range calls {
			b := new(tl.Buffer)
			b.Borrow(256)
			encode(b)
			if len(b.Borrowed()) != 1 {
				t.Fatalf("%d borrowed strings, want 1", len(b.Borrowed()))
			}
			bufs = append(bufs, b)
			p.call(b.Buf, CallOptions{Borrowed: b.Borrowed()})
		}
		p.flushC()
		runtime.KeepAlive(bufs) // the borrowed bytes must outlive the flush
		got := only(p.deliverS(), EventRequest)
		if len(got) != calls {
			t.Fatalf("%d calls: server got %d requests", calls, len(got))
		}
		for _, ev := range got {
			if diff := cmp.Diff(plain.Buf, ev.Body); diff != "" {
				t.Errorf("%d calls: request differs (-want +got):\n%s", calls, diff)
			}
		}
	}
}
