package services

import (
	"fmt"
	"testing"

	"github.com/mtgo-labs/mtgo/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The benchmarks measure the per-request cost of the dispatcher and world as a connection
// pays it: decode through a reused Buffer (DecodeRequestWith), Handle, encode the result.
// The baseline is BenchmarkCodecOnly: the same decode of a sendMessage and the encode of an
// updateShortSentMessage with no world behind it, the cost the network layer pays anyway.

type benchConn struct {
	h       *harness
	c       *Caller
	in, out tl.Buffer
}

func (bc *benchConn) serve(b *testing.B, body []byte) {
	req, err := DecodeRequestWith(&bc.in, body)
	if err != nil {
		b.Fatal(err)
	}
	res, err := bc.h.d.Handle(ctx(), bc.c, req)
	if err != nil {
		b.Fatal(err)
	}
	bc.out.Reset()
	if err := res.Encode(&bc.out); err != nil {
		b.Fatal(err)
	}
}

func sendBody(b *testing.B, peer tg.InputPeerClass) []byte {
	// random_id 0 is not deduplicated, so one encoded request can be sent again and again.
	return encode(b, wrapped(&tg.MessagesSendMessageRequest{Peer: peer, Message: "benchmark message"}))
}

func BenchmarkCodecOnly(b *testing.B) {
	body := sendBody(b, &tg.InputPeerSelf{})
	var in, out tl.Buffer
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeRequestWith(&in, body); err != nil {
			b.Fatal(err)
		}
		out.Reset()
		res := &tg.UpdateShortSentMessage{Out: true, ID: 1, Pts: 1, PtsCount: 1, Date: 1}
		if err := res.Encode(&out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHandleNearestDC(b *testing.B) {
	h := newHarness(b)
	bc := &benchConn{h: h, c: h.conn(2).caller}
	body := encode(b, wrapped(&tg.HelpGetNearestDCRequest{}))
	b.ReportAllocs()
	for b.Loop() {
		bc.serve(b, body)
	}
}

// twoAccounts returns a sender and a recipient who can address each other.
func twoAccounts(b *testing.B) (*harness, *account, *account) {
	h := newHarness(b)
	from := h.user("From", "79990008001")
	to, err := h.w.CreateUser(world.UserSpec{FirstName: "To", Phone: "79990008002", Username: "bench_target"})
	if err != nil {
		b.Fatal(err)
	}
	return h, from, h.login(to)
}

// BenchmarkHandleSendMessage sends a private text message to another account: two stored
// copies, two pts events, one push, updateShortSentMessage back.
func BenchmarkHandleSendMessage(b *testing.B) {
	h, from, target := twoAccounts(b)
	bc := &benchConn{h: h, c: from.c.caller}
	body := sendBody(b, from.peerOf(target))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bc.serve(b, body)
		if i++; i%256 == 0 {
			target.c.sub.Take()
		}
	}
}

// BenchmarkHandleSendChannel posts in a supergroup of 20 members: one stored message, one
// channel event and 19 rendered pushes.
func BenchmarkHandleSendChannel(b *testing.B) {
	h, from, _ := twoAccounts(b)
	var members []int64
	var subs []*world.Subscription
	for i := range 19 {
		m := h.user("M", fmt.Sprintf("79990081%02d", i))
		members = append(members, m.id)
		subs = append(subs, m.c.sub)
	}
	ch, err := h.w.CreateChannel(from.id, world.ChannelSpec{Title: "bench", Megagroup: true, Members: members})
	if err != nil {
		b.Fatal(err)
	}
	bc := &benchConn{h: h, c: from.c.caller}
	body := sendBody(b, channelPeer(b, from, ch.ID))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bc.serve(b, body)
		if i++; i%256 == 0 {
			for _, s := range subs {
				s.Take()
			}
		}
	}
}

// BenchmarkGetDifference asks for the last 100 events of an account with a long log.
func BenchmarkGetDifference(b *testing.B) {
	h, from, target := twoAccounts(b)
	peer := from.peerOf(target)
	for range 500 {
		h.send(from, peer, "m")
	}
	bc := &benchConn{h: h, c: target.c.caller}
	body := encode(b, &tg.UpdatesGetDifferenceRequest{Pts: 400})
	b.ReportAllocs()
	for b.Loop() {
		bc.serve(b, body)
	}
}
