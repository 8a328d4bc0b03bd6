package teletest

import (
	"runtime"
	"strings"
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl/tg"
	"github.com/mtgo-labs/mtgo/transport"
)

// TestKeptStringsPinNoDecodeBuffer: a short string the world keeps from a request (a
// message's text) must not keep alive the decoder memory other requests' strings were
// carved from. A client alternating one-letter messages with requests full of strings the
// world drops made each message hold a 16 KiB chunk of the connection's decoder (16.3 KB
// of heap per message; 2.0 KB with a decode buffer per request; 1.0 KB with the text copied
// as well).
func TestKeptStringsPinNoDecodeBuffer(t *testing.T) {
	if raceEnabled {
		t.Skip("heap sizes under the race detector are not the program's")
	}
	cl := startCluster(t, Config{DCs: 1})
	u, err := cl.World().CreateUser(world.UserSpec{FirstName: "Pin", Phone: "79990009001"})
	if err != nil {
		t.Fatal(err)
	}
	r := rawDial(t, cl.Addr(1), transport.ClientOptions{})
	r.exchange(cl, 1)
	if err := cl.World().Authorize(world.KeyID(r.key.ID), u.ID); err != nil {
		t.Fatal(err)
	}
	filler := &tg.MessagesGetEmojiKeywordsLanguagesRequest{}
	for range 15 {
		filler.LangCodes = append(filler.LangCodes, strings.Repeat("l", 1000))
	}
	round := func(i int) {
		r.write(r.seal(&tg.MessagesSendMessageRequest{Peer: &tg.InputPeerSelf{}, Message: "x", RandomID: int64(i) + 1}))
		if ev := r.result(); ev.Err != nil || ev.ErrorMessage != "" {
			t.Fatalf("send %d: %v %s", i, ev.Err, ev.ErrorMessage)
		}
		r.write(r.seal(filler))
		r.result()
	}
	for i := range 100 { // warm up the connection's buffers
		round(i)
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	const n = 1000
	for i := range n {
		round(100 + i)
	}
	per := (int64(heap()) - int64(before)) / n
	t.Logf("heap per kept message: %d bytes", per)
	// About 1 KiB is the world's own message; each request's decode arena alone would add
	// its first 1 KiB chunk, so the text must be copied too.
	if per > 1536 {
		t.Fatalf("each kept message holds %d bytes of heap, want under 1.5 KiB", per)
	}
}
