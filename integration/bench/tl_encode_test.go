package mtgobench

import (
	"bytes"
	"testing"
	"time"

	"github.com/gotd/td/bin"
	gotd "github.com/gotd/td/tg"

	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// encodeCase is one request or object encoded by both libraries: the same values, each with
// its own generated code.
type encodeCase struct {
	name  string
	chunk int // encodes per timed chunk, so one chunk takes tens of microseconds
	mtgo  func(*tl.Buffer) error
	gotd  func(*bin.Buffer) error
}

// encodeCases are the encodes tl/README.md reports: a text message with entities (the common
// call), a request of fixed-size fields only, a vector of objects, an upload part (mostly one
// byte string) and the 100-message Updates of the decode benchmark.
func encodeCases() []encodeCase {
	sm, gsm := mtgoSendMessage(), gotdSendMessage()
	up, gup := mtgoUpdates(), gotdUpdates()
	gh := &tg.MessagesGetHistoryRequest{Peer: &tg.InputPeerChannel{ChannelID: 77, AccessHash: 88},
		OffsetID: 5, OffsetDate: 6, AddOffset: 7, Limit: 100, MaxID: 9, MinID: 10, Hash: 11}
	ggh := &gotd.MessagesGetHistoryRequest{Peer: &gotd.InputPeerChannel{ChannelID: 77, AccessHash: 88},
		OffsetID: 5, OffsetDate: 6, AddOffset: 7, Limit: 100, MaxID: 9, MinID: 10, Hash: 11}
	part := bytes.Repeat([]byte{0xa5}, 1024)
	fp := &tg.UploadSaveFilePartRequest{FileID: 1, FilePart: 2, Bytes: part}
	gfp := &gotd.UploadSaveFilePartRequest{FileID: 1, FilePart: 2, Bytes: part}
	gu, ggu := &tg.UsersGetUsersRequest{}, &gotd.UsersGetUsersRequest{}
	for i := range int64(20) {
		gu.ID = append(gu.ID, &tg.InputUser{UserID: i, AccessHash: i * 3})
		ggu.ID = append(ggu.ID, &gotd.InputUser{UserID: i, AccessHash: i * 3})
	}
	return []encodeCase{
		{"sendMessage", 2000, sm.Encode, gsm.Encode},
		{"getHistory", 2000, gh.Encode, ggh.Encode},
		{"getUsers20", 500, gu.Encode, ggu.Encode},
		{"saveFilePart1K", 1000, fp.Encode, gfp.Encode},
		{"updates", 5, up.Encode, gup.Encode},
	}
}

// TestTLEncodeComparable checks that both libraries encode every case to about the same
// size, so the benchmark compares equal work. The bytes differ: gotd v0.93.0 speaks an older
// layer, whose constructors have other ids and, in Updates' messages, fewer fields.
func TestTLEncodeComparable(t *testing.T) {
	for _, c := range encodeCases() {
		var mb tl.Buffer
		var gb bin.Buffer
		if err := c.mtgo(&mb); err != nil {
			t.Fatalf("%s: mtgo: %v", c.name, err)
		}
		if err := c.gotd(&gb); err != nil {
			t.Fatalf("%s: gotd: %v", c.name, err)
		}
		if m, g := len(mb.Buf), len(gb.Buf); m < g || m > g+g/50 {
			t.Errorf("%s: mtgo wrote %d bytes, gotd %d: not the same work", c.name, m, g)
		}
	}
}

// BenchmarkTLEncodeInterleaved measures encode speed against gotd in one process: each round
// times a chunk of MTGo's encodes and then a chunk of gotd's, so both see the same load, and
// the reported figures are the medians over the rounds (b.N rounds; 3000 is what the README
// uses): ns per encode for each library and the ratio gotd/mtgo (x-gotd). Run it pinned to one
// vCPU with one P for the steadiest figures:
//
//	GOMAXPROCS=1 taskset -c 0 /tmp/bench.test -test.run '^$' -test.bench TLEncodeInterleaved -test.benchtime 3000x
func BenchmarkTLEncodeInterleaved(b *testing.B) {
	for _, c := range encodeCases() {
		b.Run(c.name, func(b *testing.B) {
			var mb tl.Buffer
			var gb bin.Buffer
			chunk := func(encode func() error) float64 {
				start := time.Now()
				for range c.chunk {
					if err := encode(); err != nil {
						b.Fatal(err)
					}
				}
				return float64(time.Since(start).Nanoseconds()) / float64(c.chunk)
			}
			m := func() error { mb.Reset(); return c.mtgo(&mb) }
			g := func() error { gb.Reset(); return c.gotd(&gb) }
			_, _ = m(), g() // grow both buffers before timing
			var mt, gt, ratio []float64
			for range b.N {
				mns, gns := chunk(m), chunk(g)
				mt, gt, ratio = append(mt, mns), append(gt, gns), append(ratio, gns/mns)
			}
			b.ReportMetric(median(mt), "mtgo-ns")
			b.ReportMetric(median(gt), "gotd-ns")
			b.ReportMetric(median(ratio), "x-gotd")
			b.ReportMetric(testing.AllocsPerRun(100, func() { _ = m() }), "mtgo-allocs")
		})
	}
}
