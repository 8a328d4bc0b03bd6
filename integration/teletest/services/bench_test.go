package services

import (
	"testing"

	"github.com/mtgo-labs/mtgo/integration/teletest/world"
	"github.com/mtgo-labs/mtgo/tl"
	"github.com/mtgo-labs/mtgo/tl/tg"
)

// The benchmarks measure the per-request cost of the dispatcher and world. The baseline is
// BenchmarkCodecOnly: decoding the same sendMessage request (through a reused Buffer, as a
// connection does with DecodeRequestWith) and encoding an updateShortSentMessage with no world
// behind it, i.e. the cost the network layer pays anyway.

func BenchmarkCodecOnly(b *testing.B) {
	body := encode(b, wrapped(&tg.MessagesSendMessageRequest{Peer: &tg.InputPeerSelf{}, Message: "benchmark message"}))
	var in, out tl.Buffer
	b.ReportAllocs()
	for b.Loop() {
		req, err := DecodeRequestWith(&in, body)
		if err != nil {
			b.Fatal(err)
		}
		_ = req
		out.Reset()
		res := &tg.UpdateShortSentMessage{Out: true, ID: 1, Pts: 1, PtsCount: 1, Date: 1}
		if err := res.Encode(&out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHandleNearestDC(b *testing.B) {
	h := newHarness(b)
	c := h.conn(2)
	body := encode(b, wrapped(&tg.HelpGetNearestDCRequest{}))
	var out tl.Buffer
	b.ReportAllocs()
	for b.Loop() {
		res, err := h.d.HandleBytes(ctx(), c.caller, body)
		if err != nil {
			b.Fatal(err)
		}
		out.Reset()
		if err := res.Encode(&out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandleSendMessage sends a private message to another account (two copies, two pts
// events, one push), through bytes.
func BenchmarkHandleSendMessage(b *testing.B) {
	h := newHarness(b)
	from := h.user("From", "79990008001")
	to, err := h.w.CreateUser(world.UserSpec{FirstName: "To", Phone: "79990008002", Username: "bench_target"})
	if err != nil {
		b.Fatal(err)
	}
	target := h.login(to)
	peer := from.peerOf(target)
	var out tl.Buffer
	b.ReportAllocs()
	i := int64(0)
	for b.Loop() {
		i++
		body := encode(b, wrapped(&tg.MessagesSendMessageRequest{Peer: peer, Message: "benchmark message", RandomID: i}))
		res, err := h.d.HandleBytes(ctx(), from.c.caller, body)
		if err != nil {
			b.Fatal(err)
		}
		out.Reset()
		if err := res.Encode(&out); err != nil {
			b.Fatal(err)
		}
		if i%256 == 0 {
			target.c.sub.Take()
		}
	}
}

// BenchmarkGetDifference asks for the last 100 events of an account with a long log.
func BenchmarkGetDifference(b *testing.B) {
	h := newHarness(b)
	from := h.user("From", "79990008001")
	to, err := h.w.CreateUser(world.UserSpec{FirstName: "To", Phone: "79990008002", Username: "bench_target"})
	if err != nil {
		b.Fatal(err)
	}
	target := h.login(to)
	peer := from.peerOf(target)
	for range 500 {
		h.send(from, peer, "m")
	}
	body := encode(b, &tg.UpdatesGetDifferenceRequest{Pts: 400})
	var out tl.Buffer
	b.ReportAllocs()
	for b.Loop() {
		res, err := h.d.HandleBytes(ctx(), target.c.caller, body)
		if err != nil {
			b.Fatal(err)
		}
		out.Reset()
		if err := res.Encode(&out); err != nil {
			b.Fatal(err)
		}
	}
}
